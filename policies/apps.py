from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    # No signal receivers: every write path brings derived data in step itself (policies.invalidation).
    name = "policies"
    verbose_name = "承诺跟踪"
    default_auto_field = "django.db.models.BigAutoField"
