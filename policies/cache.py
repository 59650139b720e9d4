"""Whole-page caching for the public pages, invalidated by data versions.

Every write path bumps a version after it commits (``policies/invalidation.py``); a cached page is
stored under the versions it was rendered at, so after a bump no old page can be served again,
whatever process wrote and whatever process serves. Old entries are never deleted one by one: they
are simply never asked for again and age out.

Two versions make a page's key:
- the data version, which every write bumps (text, names, tasks, links, bulk loads);
- the progress version of the page's scope. Progress changes one commitment at a time (an approval),
  and only the site-wide pages (dashboard, lists, task pages, API) and the pages of that commitment,
  its organization and its official show it: an approval bumps the site-wide progress version and
  those three scopes, and every other organization, official and commitment page stays cached.
  A page with no scope of its own (``scope=None``) follows the site-wide progress version.

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
PROGRESS_KEY = "tracker:progress"
# The versions never expire on their own: losing one only costs a round of misses.
VERSION_TIMEOUT = None


def _version_cache():
    return caches["data_version"]


def _progress_key(scope):
    return PROGRESS_KEY if scope is None else f"{PROGRESS_KEY}:{scope}"


def _versions(*keys):
    """The current version of each key (one round trip when all exist), each created on first use."""
    store = _version_cache()
    found = store.get_many(keys)
    for key in keys:
        if key not in found:
            store.add(key, uuid.uuid4().hex, VERSION_TIMEOUT)
            found[key] = store.get(key)
    return [found[key] for key in keys]


def data_version():
    """The current data version, created on first use."""
    return _versions(VERSION_KEY)[0]


def _set_new_versions(keys):
    _version_cache().set_many({key: uuid.uuid4().hex for key in keys}, VERSION_TIMEOUT)


def _bump(keys, using):
    # Called inside a transaction, the versions are set again when it commits, so that a page rendered
    # by another process between the write and the commit (still showing the old data) is not kept
    # under the new versions.
    _set_new_versions(keys)
    transaction.on_commit(lambda: _set_new_versions(keys), using=using)


def bump_data_version(using=None):
    """Make every cached page stale. The write paths call it once their transaction has committed."""
    _bump([VERSION_KEY], using)


def bump_progress(scopes, using=None):
    """Make stale the site-wide pages and the pages of these scopes ("organization:3", ...):
    what a change of progress on a few commitments shows on."""
    _bump([PROGRESS_KEY, *(_progress_key(scope) for scope in scopes)], using)


def per_data_version(name, build):
    """``build()`` once per data version and language, kept in the pages' cache: for a part of a page that
    only a write can change (every write path bumps the data version), never an approval, such as the
    list's menus of every organization, official and key task. It is kept whether or not whole pages are
    (TRACKER_PAGE_CACHE), so that the first visitor after an approval pays only for what changed."""
    key = f"tracker:part:{data_version()}:{translation.get_language()}:{name}"
    store = caches["default"]
    value = store.get(key)
    if value is None:
        value = build()
        store.set(key, value, settings.TRACKER_PAGE_CACHE_SECONDS)
    return value


def _page_key(request, rendered_format, progress_scope):
    # The format the response will be rendered in, not the raw Accept header: a client that sends
    # none (curl, a monitor) is served the page a browser warmed.
    # The language LocaleMiddleware chose (cookie or Accept-Language): one copy of a page per language.
    raw = f"{request.get_full_path()}\n{rendered_format}\n{int(settings.TRACKER_DEMO_DATA)}\n{translation.get_language()}"
    keys = [VERSION_KEY] if progress_scope is False else [VERSION_KEY, _progress_key(progress_scope)]
    versions = ":".join(_versions(*keys))
    return f"tracker:page:{versions}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _negotiated_format(request):
    """The format DRF will render this request in (its own negotiation with the project's renderers,
    run early), or None when it will refuse the request (406): such a response is not cached."""
    from rest_framework.exceptions import NotAcceptable
    from rest_framework.request import Request
    from rest_framework.views import APIView

    view = APIView()
    renderers = view.get_renderers()
    try:
        renderer, _ = view.get_content_negotiator().select_renderer(Request(request), renderers, None)
    except NotAcceptable:
        return None
    return renderer.format


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


def cache_public_page(view=None, *, scope=None, shows_progress=True, negotiated=False):
    """Serve a public GET page from the cache, keyed by full path, rendered format, language and versions.

    ``scope(kwargs)`` names the progress scope of a page that shows only one organization's,
    official's or commitment's progress ("organization:3"); without it the page follows every
    approval; ``shows_progress=False``, a page that shows no progress at all, follows none.
    ``negotiated``: an API view, whose format (JSON or the browsable HTML) DRF picks
    from the request with the default renderers; other pages are HTML whatever the Accept says.
    Works for plain views and for DRF views, whose responses render after the view returns.
    Adds ``X-Page-Cache: hit|miss`` so that the benchmark and curious admins can tell.
    """
    if view is None:
        return functools.partial(cache_public_page, scope=scope, shows_progress=shows_progress, negotiated=negotiated)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _is_cacheable_request(request):
            return view(request, *args, **kwargs)
        rendered_format = _negotiated_format(request) if negotiated else "html"
        if rendered_format is None:
            return view(request, *args, **kwargs)
        pages = caches["default"]
        progress_scope = (scope(kwargs) if scope else None) if shows_progress else False
        key = _page_key(request, rendered_format, progress_scope)
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
