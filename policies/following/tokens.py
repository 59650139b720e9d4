"""Signed links: whoever holds the mail may confirm, unfollow or delete, and nobody can guess another's link.

Confirmation links expire (CONFIRM_DAYS); unfollow and delete links never do, so that any old mail still
lets its reader stop the mails. Each action has its own salt: a confirmation link cannot be replayed
as a delete link.
"""

from django.core import signing

CONFIRM_DAYS = 7
SALTS = {"confirm": "following.confirm", "unfollow": "following.unfollow", "forget": "following.forget"}


def make(action, pk):
    return signing.dumps(pk, salt=SALTS[action], compress=False)


def read(action, token):
    """The primary key the token was made for, or None if it is forged, mangled or (confirm) expired."""
    max_age = CONFIRM_DAYS * 24 * 3600 if action == "confirm" else None
    try:
        value = signing.loads(token, salt=SALTS[action], max_age=max_age)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None
