"""gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py tracker.wsgi` (or `make serve`).

Sync workers behind a reverse proxy that buffers slow clients (README, "Deploying"). Environment:
GUNICORN_BIND (127.0.0.1:8000), WEB_CONCURRENCY (workers, 2 per core is plenty for this app),
GUNICORN_TIMEOUT (seconds a request may take before its worker is replaced, 30).
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
# Load Django (and whatever it imports) once in the master, so workers share it copy-on-write.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
# Recycle workers now and then, so that a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# The proxy sets X-Forwarded-* (DJANGO_BEHIND_PROXY); gunicorn itself trusts only loopback for them.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")


def on_starting(server):
    """Refuse to start on a broken deployment (e.g. no static files manifest: every page would be a
    500), then load jieba's dictionary in the master so that no worker pays for it on its first search,
    and freeze what is loaded."""
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", "--deploy", "--fail-level", "ERROR")
    except SystemCheckError as error:
        raise SystemExit(str(error)) from None

    from policies import search

    search.warm_up()
    # What the master has loaded lives as long as the workers: out of the cycle collector's sight, which
    # otherwise walked all of it (Django, the app, jieba's dictionary) in each worker's full collections,
    # a pause of tens of milliseconds every twenty-odd requests; frozen, it is also not written to by the
    # collector, so the workers keep sharing its memory pages.
    gc.freeze()
