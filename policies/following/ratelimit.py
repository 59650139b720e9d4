"""Sign-ups per IP address and per e-mail address, counted in the cache.

The counts live in the "default" cache: per process with the local-memory cache, shared by every
worker when CACHE_URL points at Redis. Good enough to stop one visitor from mailing a stranger
a hundred confirmations; not a defence against a botnet.
"""

import hashlib

from django.core.cache import cache

LIMITS = {"ip": (10, 3600), "email": (3, 24 * 3600)}  # at most N sign-ups per window (seconds)


def allow(kind, value):
    """Count one sign-up for ``value`` and say whether it is still within the limit."""
    limit, window = LIMITS[kind]
    key = f"following:rate:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"
    if cache.add(key, 1, window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window)
        return True
    return count <= limit
