def pytest_configure():
    from django.conf import settings

    # Tests create many users; the real hasher would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


import pytest


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Each test starts with no cached pages: a rolled-back test must not leave its pages to the next one."""
    from django.core.cache import caches

    for alias in ("default", "data_version"):
        caches[alias].clear()
    yield
