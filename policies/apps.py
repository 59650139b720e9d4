from axes import apps as axes_apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    # No signal receivers: every write path brings derived data in step itself (policies.invalidation).
    name = "policies"
    verbose_name = _("承诺跟踪")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import security  # noqa: F401  (registers the static files check)


class LoginLockoutConfig(axes_apps.AppConfig):
    """django-axes, named in Chinese in the admin's list of apps (INSTALLED_APPS names this class)."""

    default = False  # PoliciesConfig stays the one Django picks for "policies"
    verbose_name = _("登录保护")
