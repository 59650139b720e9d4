"""Ids typed by the outside world (URLs, filter parameters, ledger cells): ASCII digits, nothing else.

``str.isdigit()`` is true for "²", "①" and "٣", and ``int()`` accepts some of those and refuses others;
either way a page that trusted them answered 500 or matched a row nobody named. Every id-like value
from a request goes through ``parse_id``.
"""

import re

_ID = re.compile(r"[0-9]{1,18}")  # 18 digits always fit the databases' 64-bit integer keys


def parse_id(value):
    """The id ``value`` spells (ASCII digits, surrounding spaces allowed), or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if 0 <= value < 10**18 else None
    text = str(value).strip()
    return int(text) if _ID.fullmatch(text) else None


def has_foreign_digits(value):
    """Whether ``value`` holds a digit that is not 0-9 ("²", "①", "٣"): never part of an id or a code."""
    return any(ch.isdigit() and not "0" <= ch <= "9" for ch in str(value))
