from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from policies import views
from policies.workbench import views as workbench_views

admin.site.site_header = _("经济工作承诺跟踪 · 管理后台")
admin.site.site_title = _("承诺跟踪管理")
admin.site.index_title = _("数据管理")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("favicon.ico", views.favicon, name="favicon"),
    # Exempt from CSRF: a forged switch changes nothing but the language shown, and a token in every
    # page's header would keep the public pages out of the page cache and out of compression (BREACH).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/login/", workbench_views.login, name="staff_login"),
    path("admin/", admin.site.urls),
    path("workbench/", include("policies.workbench.urls")),
    path("api/", include("policies.api")),
    path("follow/", include("policies.following.urls")),
    path("", include("policies.urls")),
]
