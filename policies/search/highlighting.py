"""Marking a query's words in a text, with escaping done right.

``highlight(text, terms)`` returns safe HTML with every term in <mark>; ``highlight_parts(text, terms)``
returns [(piece, is_match)] for a template that wraps matches itself. Terms come from ``query_terms``.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe


def _term_pattern(terms):
    # The index drops punctuation inside a term (西部（重庆）科学城 is 西部重庆科学城), so let the
    # highlight step over it too; longest first so 双城经济圈 wins over 经济.
    alternatives = []
    for term in sorted({t for t in terms if t}, key=len, reverse=True):
        alternatives.append(r"[\W_]*".join(re.escape(ch) for ch in term))
    return re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None


def highlight_parts(text, terms):
    """``text`` as [(piece, is_match)], for a template that wraps matches in <mark> itself."""
    pattern = _term_pattern(terms)
    if not text:
        return []
    if pattern is None:
        return [(text, False)]
    parts, last = [], 0
    for found in pattern.finditer(text):
        if found.start() > last:
            parts.append((text[last : found.start()], False))
        parts.append((found.group(), True))
        last = found.end()
    if last < len(text):
        parts.append((text[last:], False))
    return parts


def highlight(text, terms):
    """``text`` escaped, with every occurrence of a term wrapped in <mark>; safe to render as is."""
    return mark_safe(
        "".join(f"<mark>{escape(piece)}</mark>" if hit else escape(piece) for piece, hit in highlight_parts(text, terms))
    )


