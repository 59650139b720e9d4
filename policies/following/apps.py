from django.apps import AppConfig


class FollowingConfig(AppConfig):
    name = "policies.following"
    label = "following"
    verbose_name = "邮件关注"
    default_auto_field = "django.db.models.BigAutoField"
