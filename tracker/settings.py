"""Settings, read from the environment.

Nothing is needed for local use: debug on, a SQLite file under var/. In production
(DJANGO_DEBUG=0) the app refuses to start without DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}.")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None


def env_list(name, default=()):
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or list(default)


def env_required(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DJANGO_DEBUG is off.")
    return value


DEBUG = env_bool("DJANGO_DEBUG", True)

if DEBUG:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "insecure-local-development-key-only"
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
else:
    SECRET_KEY = env_required("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or [env_required("DJANGO_ALLOWED_HOSTS")]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served by WhiteNoise from the project: no CDN
    "simple_history",
    "policies.apps.LoginLockoutConfig",  # django-axes
    "csp",
    "policies",
    "policies.following",
]

MIDDLEWARE = [
    "policies.security.HeadWithoutBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "policies.cors.ReadOnlyApiCorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "policies.locale.InterfaceLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Inside the CSRF middleware, to see whether the page carries a token (BREACH: see the class).
    "policies.security.CompressPagesWithoutSecretsMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "policies.demo_banner.DemoDataHeaderMiddleware",
    "policies.security.ContentSecurityPolicyMiddleware",
    "policies.security.PermissionsPolicyMiddleware",
    # Last: turns a locked-out login into the lockout page (policies.security.locked_out).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "policies.demo_banner.demo_data",
                "policies.context_processors.vocabulary",
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

DATA_DIR = Path(os.environ.get("TRACKER_DATA_DIR", BASE_DIR / "var"))
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers go on while a reviewer's approval is written.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the page queries are short, and compiling the light's CASE into machine code cost 2.0 s
    # of a 2.3 s query (the totals by conference at 100,000 commitments) on every execution. No parallel
    # workers: each request is one worker's, on a machine with a core per worker, and starting two workers
    # cost 20 ms of the 29 ms of the dashboard's first past-due commitments (a 12-row LIMIT) at 100,000.
    # Random reads priced as on an SSD or a database held in memory (1.1, not the spinning disk's 4): at 4
    # the planner read all 20,000 statements to join an organization's 600 commitments to their conference
    # (9-13 ms of its page at 100,000) rather than look up each one (1.4-3.8 ms).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c jit=off -c max_parallel_workers_per_gather=0 -c random_page_cost=1.1"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
# The interface in English too (locale/en); the data stays Chinese. Chosen by the header's switch
# (a cookie) or else by the browser's Accept-Language (LocaleMiddleware).
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
# Uploaded evidence files (policies/evidence.py). Never served from MEDIA_URL: only through the view
# that checks the update's review state (policies.views.evidence_file).
MEDIA_ROOT = Path(os.environ.get("TRACKER_MEDIA_ROOT") or DATA_DIR / "media")
EVIDENCE_MAX_BYTES = env_int("TRACKER_EVIDENCE_MAX_MB", 20) * 1024 * 1024
EVIDENCE_MAX_FILES = env_int("TRACKER_EVIDENCE_MAX_FILES", 5)
# S3-compatible storage (django-storages) when a bucket is named; credentials come from boto3's own
# variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or the machine's role. Private objects: the view
# reads them and decides who may see them, so no public ACL and no public URL.
S3_BUCKET = os.environ.get("TRACKER_S3_BUCKET", "").strip()
if S3_BUCKET:
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("TRACKER_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("TRACKER_S3_REGION") or None,
            "location": os.environ.get("TRACKER_S3_PREFIX", "").strip("/"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "admin:login"
# Staff land on their workbench (policies/workbench/), not on the bare admin index.
LOGIN_REDIRECT_URL = "workbench:index"

# Only staff have sessions. A working day at most, and none left behind in a shared office's browser.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_HOURS", 8) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Login lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account, or from one
# address, that account or address is refused for the cool-off time. Reviewers see and lift lockouts
# in the admin (登录尝试: deleting an attempt unlocks). The first backend refuses locked-out logins.
AUTHENTICATION_BACKENDS = ["policies.security.LoginLockoutBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("TRACKER_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("TRACKER_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "policies.security.locked_out"
AXES_CLIENT_IP_CALLABLE = "policies.security.client_ip"
AXES_VERBOSE = False
# Chinese that installed packages lack: django-axes's admin pages, Django 5.2's reworded password-length error.
LOCALE_PATHS = [BASE_DIR / "locale"]

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    # The API is public and read-only: no session look-up per request.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

# OpenAPI 3 at /api/schema/, documented at /api/docs/ (policies/openapi.py).
SPECTACULAR_SETTINGS = {
    "TITLE": "经济工作承诺跟踪 · 数据接口 / Commitment tracker API",
    "DESCRIPTION": (
        "只读、公开、无需登录的 JSON 接口；筛选参数与网站“全部承诺”页相同。"
        "整表下载见 /data/open-data.zip（CC BY 4.0；报纸原文版权归刊发媒体）。\n\n"
        "Read-only, public JSON API; no sign-in. The filters are those of the site's commitment list. "
        "Every table as CSV: /data/open-data.zip (CC BY 4.0; the newspaper's text is the publisher's)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No deep links: Swagger UI puts each operation's link inside the button that opens it, a control
    # within a control that keyboards and screen readers cannot use (axe: nested-interactive). No
    # syntax colouring: its inline colours fail contrast on the examples' dark background.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "syntaxHighlight": False},
}

# Warning lights (see CommitmentQuerySet.with_light).
WARNING_DUE_SOON_DAYS = env_int("WARNING_DUE_SOON_DAYS", 30)
WARNING_DUE_SOON_PERCENT = env_int("WARNING_DUE_SOON_PERCENT", 80)
WARNING_STALE_DAYS = env_int("WARNING_STALE_DAYS", 90)
# Workbench and reminders: a commitment is "silent" after this many days without an approved update,
# and reporters are reminded of what falls due within REMINDER_DUE_DAYS.
SILENT_DAYS = env_int("TRACKER_SILENT_DAYS", 30)
REMINDER_DUE_DAYS = env_int("TRACKER_REMINDER_DUE_DAYS", 14)
# The monthly report's PDF embeds this CJK font (policies/reports/pdf.py); in a .ttc, the face at this index
# (2 is Noto Sans CJK SC, Simplified Chinese, in Debian's fonts-noto-cjk).
REPORT_FONT = os.environ.get("TRACKER_REPORT_FONT") or "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
REPORT_FONT_INDEX = env_int("TRACKER_REPORT_FONT_INDEX", 2)
# Reminder mails (policies/reminders.py) use the mail settings below with the follow mails.

# Behind a reverse proxy that terminates HTTPS (README, "Deploying"). The proxy must set
# X-Forwarded-Proto itself, overwriting what the client sent; otherwise leave this off.
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Needed only when the proxy does not pass the Host header on: e.g. https://tracker.example.cn
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    # The proxy's and the load balancer's probes speak plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)

SILENCED_SYSTEM_CHECKS = [
    # HSTS preload asks browsers to hard-code HTTPS for the whole domain, for months, on a public list:
    # the operator's decision (DJANGO_HSTS_PRELOAD=1), not a default.
    "security.W021",
]

# Content-Security-Policy (django-csp 4): scripts and style sheets only from this site, no inline
# script anywhere. Inline style *attributes* are allowed: the progress bars and the keyword cloud set
# widths and sizes from data in style="". The admin also gets inline <style> elements, see
# policies.security.ContentSecurityPolicyMiddleware.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Mail (follow by email, policies/following/). Links in mails start with TRACKER_SITE_URL. Debug prints mails
# to the console; production sends by SMTP (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS).
TRACKER_SITE_URL = os.environ.get("TRACKER_SITE_URL", "").strip() or (
    "http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0]}"
)
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "经济工作承诺跟踪 <noreply@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"jieba": {"level": "WARNING"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# Demonstration data (generate_demo_data): every page shows a banner and every response carries
# X-Demo-Data: 1, so generated data is never mistaken for real commitments.
TRACKER_DEMO_DATA = env_bool("TRACKER_DEMO_DATA", False)

# Caching (policies/cache.py). Rendered public pages live in the "default" cache, keyed by a data
# version that every write bumps. The version itself lives in the "data_version" cache, which must be
# shared by every process that serves or writes (workers, the admin, `manage.py load_conference`):
# local memory is per process, so by default the version is a small file under TRACKER_DATA_DIR.
# CACHE_URL=redis://host:6379/0 puts both in Redis, shared by every worker and host (Django's RedisCache;
# the `redis` client is pinned in requirements.txt).
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"CACHE_URL must be a Redis URL (redis://, rediss://, unix://); got {CACHE_URL!r}.")
    import importlib.util

    if importlib.util.find_spec("redis") is None:
        raise ImproperlyConfigured("CACHE_URL is set but the Redis client is missing: pip install -r requirements.txt.")
    _redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    CACHES = {"default": _redis, "data_version": _redis}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 1000}},
        "data_version": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache" / "data-version"),
        },
    }
# A page whose data changed is never served (the version changes); the timeout only bounds memory and
# the staleness left by writes that go around the write paths (QuerySet.update() from a shell).
TRACKER_PAGE_CACHE = env_bool("TRACKER_PAGE_CACHE", True)
TRACKER_PAGE_CACHE_SECONDS = env_int("TRACKER_PAGE_CACHE_SECONDS", 300)

# `make bench` only: adds X-Query-Count to every response (bench/middleware.py). It stays in bench/,
# not policies/: counting wraps every query, which serving has no use for, and without this flag
# nothing imports bench/ (tests/test_benchmark_stays_out.py).
if env_bool("TRACKER_QUERY_COUNT_HEADER", False):
    MIDDLEWARE.insert(0, "bench.middleware.QueryCountMiddleware")
