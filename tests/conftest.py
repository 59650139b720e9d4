def pytest_configure():
    from django.conf import settings

    # Tests create many users; the real hasher would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
