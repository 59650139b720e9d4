import os

import pytest

# Live-server browser tests run Django in a thread beside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure():
    from django.conf import settings

    # Tests create many users; the real hasher would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Each test starts with no cached pages: a rolled-back test must not leave its pages to the next one."""
    from django.core.cache import caches

    for alias in ("default", "data_version"):
        caches[alias].clear()
    yield
