import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Live-server browser tests run Django in a thread beside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Nothing a test writes (the data-version cache, jieba's dictionary cache, demo databases) may land
# in the checkout's var/. The subprocesses some tests start read it from the environment; this
# process's settings were imported by pytest-django before this module, so pytest_configure
# points them here before any cache is opened.
_DATA_DIR = Path(tempfile.mkdtemp(prefix="tracker-tests-"))
os.environ["TRACKER_DATA_DIR"] = str(_DATA_DIR)


def pytest_configure():
    from django.conf import settings

    # Tests create many users; the real hasher would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DATA_DIR = _DATA_DIR
    if settings.CACHES["data_version"]["BACKEND"].endswith("FileBasedCache"):
        settings.CACHES["data_version"]["LOCATION"] = str(_DATA_DIR / "cache" / "data-version")


def pytest_unconfigure():
    shutil.rmtree(_DATA_DIR, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Each test starts with no cached pages: a rolled-back test must not leave its pages to the next one."""
    from django.core.cache import caches

    for alias in ("default", "data_version"):
        caches[alias].clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a request in English leaves English active in the thread
    (Django's LocaleMiddleware does not switch back), and a later test's messages would follow it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
