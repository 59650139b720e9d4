"""Whole-page caching for the public pages, invalidated by a data version.

Every write path bumps one "data version" after it commits (``policies/invalidation.py``); a cached page
is stored under the version it was rendered at, so after a bump no old page can be served again,
whatever process wrote and whatever process serves. Old entries are never deleted one by one: they
are simply never asked for again and age out.

The version is a random token rather than a counter: setting a fresh token needs no atomic
increment, and a token never comes back, so two processes racing on a bump cannot resurrect a page.
"""

import functools
import hashlib
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils import translation

VERSION_KEY = "tracker:data-version"
# The version never expires on its own: losing it only costs a round of misses.
VERSION_TIMEOUT = None


def _version_cache():
    return caches["data_version"]


def data_version():
    """The current data version, created on first use."""
    store = _version_cache()
    version = store.get(VERSION_KEY)
    if version is None:
        store.add(VERSION_KEY, uuid.uuid4().hex, VERSION_TIMEOUT)
        version = store.get(VERSION_KEY)
    return version


def _set_new_version():
    _version_cache().set(VERSION_KEY, uuid.uuid4().hex, VERSION_TIMEOUT)


def bump_data_version(using=None):
    """Make every cached page stale.

    The write paths call it once their transaction has committed (``policies.invalidation``).
    Called inside a transaction, it sets the version again when that one commits, so that a page
    rendered by another process between the write and the commit (still showing the old data) is
    not kept under the new version.
    """
    _set_new_version()
    transaction.on_commit(_set_new_version, using=using)


def _page_key(request, version):
    accept = request.META.get("HTTP_ACCEPT", "")
    # The language LocaleMiddleware chose (cookie or Accept-Language): one copy of a page per language.
    raw = f"{request.get_full_path()}\n{accept}\n{int(settings.TRACKER_DEMO_DATA)}\n{translation.get_language()}"
    return f"tracker:page:{version}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _is_cacheable_request(request):
    # Staff who are signed in may see more than the public; never serve them, or store for others, a shared copy.
    return (
        settings.TRACKER_PAGE_CACHE
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _is_cacheable_response(request, response):
    return (
        response.status_code == 200
        and not response.cookies
        and not response.has_header("Set-Cookie")
        and not getattr(response, "streaming", False)
        # The page embeds a CSRF token made for this visitor.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def cache_public_page(view):
    """Serve a public GET page from the cache, keyed by full path (and Accept, and language) and the data version.

    Works for plain views and for DRF views, whose responses render after the view returns.
    Adds ``X-Page-Cache: hit|miss`` so that the benchmark and curious admins can tell.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _is_cacheable_request(request):
            return view(request, *args, **kwargs)
        pages = caches["default"]
        key = _page_key(request, data_version())
        cached = pages.get(key)
        if cached is not None:
            content, headers = cached
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response

        response = view(request, *args, **kwargs)

        def store(rendered):
            if _is_cacheable_response(request, rendered):
                # The view's own headers (Content-Type, DRF's Vary: Accept, Allow) go with the page.
                pages.set(key, (rendered.content, list(rendered.items())), settings.TRACKER_PAGE_CACHE_SECONDS)
            rendered["X-Page-Cache"] = "miss"

        if hasattr(response, "add_post_render_callback") and not response.is_rendered:
            response.add_post_render_callback(store)
        else:
            store(response)
        return response

    return wrapper
