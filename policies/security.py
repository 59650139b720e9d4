"""What a deployment needs beyond Django's own settings: security headers, the login lockout's
pieces (django-axes) and a start-up check for the static files manifest."""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core import checks
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import render


# Pages built on other projects' templates that carry inline <style> elements: Django's admin change
# list (and ours, templates/admin/policies/commitment/change_list.html) and DRF's browsable API, whose
# jQuery and prettify insert one. Their scripts are external like ours: script-src stays 'self'.
INLINE_STYLE_ELEMENT_PREFIXES = ("/admin/", "/api/")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The site's policy (CONTENT_SECURITY_POLICY) everywhere, with inline <style> elements allowed
    under INLINE_STYLE_ELEMENT_PREFIXES."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if (
            request.path_info.startswith(INLINE_STYLE_ELEMENT_PREFIXES)
            and parts.update is None
            and parts.replace is None
        ):
            parts.update = {"style-src-elem": ["'self'", UNSAFE_INLINE]}
        return parts


class CompressPagesWithoutSecretsMiddleware(GZipMiddleware):
    """Gzip for pages, feeds and API answers, except those that carry a CSRF token.

    BREACH: an attacker who can make a victim's browser send requests that put chosen text into a
    compressed page (a search term, say), and who can watch the sizes on the wire, can guess a secret
    in that page one character at a time by how well it compresses with the guess. The public pages
    hold no secret (no session, no token), so they are compressed; a page that rendered a CSRF token
    (the admin, the workbench, the follow form) is sent as it is. Static files are WhiteNoise's, which
    serves its own compressed copies and answers before this middleware runs.
    """

    def process_response(self, request, response):
        # A page that rendered a token has the flag set until CsrfViewMiddleware sends the cookie (so this
        # middleware sits inside it, after it in MIDDLEWARE); a view under @csrf_protect, such as the
        # admin's login, has sent the cookie already.
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or settings.CSRF_COOKIE_NAME in response.cookies:
            return response
        return super().process_response(request, response)


class PermissionsPolicyMiddleware:
    """No page here uses the camera, microphone, location or payments; say so, so that nothing embedded can."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class HeadWithoutBodyMiddleware:
    """A HEAD response carries the headers of the GET, Content-Length included, and no body. Django
    leaves the body to the server; gunicorn drops it but logs a warning for every HEAD, probes included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "HEAD" and not response.streaming:
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes's lockout check, for logins that come with a request.

    Axes refuses ``authenticate()`` without a request with a ValueError. Such a call (the test
    client's ``login()``, a shell) comes from no address and through no form, so there is nothing to
    count or lock; it falls through to the password check.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request):
    """The visitor's address for lockouts. Behind the proxy (DJANGO_BEHIND_PROXY) it is the last
    X-Forwarded-For entry, the one the proxy appended; earlier entries are the client's to invent."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def locked_out(request, credentials, *args, **kwargs):
    """The page a locked-out login gets instead of the login form (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {**admin.site.each_context(request), "title": "登录已暂停", "minutes": minutes}
    return render(request, "admin/locked_out.html", context, status=429)


@checks.register(checks.Tags.staticfiles, deploy=True)
def check_static_manifest(app_configs, **kwargs):
    """With debug off every page links hashed static files through the manifest; without it every page is
    a 500. Say so before serving: gunicorn runs `check --deploy` at start (deploy/gunicorn.conf.py). A deploy
    check, so that collectstatic itself, which runs the ordinary checks, is not refused."""
    if not isinstance(staticfiles_storage, ManifestFilesMixin) or staticfiles_storage.exists(
        staticfiles_storage.manifest_name
    ):
        return []
    return [
        checks.Error(
            f"静态文件清单 {staticfiles_storage.path(staticfiles_storage.manifest_name)} 不存在：调试模式关闭时每个页面都会出错。",
            hint="请运行 make collectstatic（以生产设置收集并生成清单）。",
            id="policies.E001",
        )
    ]
