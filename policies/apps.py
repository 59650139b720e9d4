from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = "承诺跟踪"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .signals import connect_page_cache_invalidation

        connect_page_cache_invalidation()
