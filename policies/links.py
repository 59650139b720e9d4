"""Addresses of the pages an object links to, reversed once per URL pattern, not once per link.

    links.page_url("policies:organization", organization.pk)        → "/organizations/15/"
    links.page_url("policies:task", conference.slug, task.code)     → "/conferences/2020-12-29/tasks/T3/"

A list or the dashboard writes a hundred links or more; ``reverse()`` walks the URL patterns each time
(20–50 µs a call at 100,000 commitments' pages, a tenth of the dashboard's rendering). Here the pattern is
reversed once with placeholder arguments, split around them, and each address is then the pieces joined
around its own arguments, quoted as ``reverse()`` quotes them.

What a reversed address depends on cannot change while a process runs, except the script prefix and the
URL configuration of the request, which are part of the key. Callers pass what their pattern is made for
(a pk, a slug, a code); an argument that is not a plain word (empty, or with a character a path part must
not hold) is left to ``reverse()``, which raises as it always did.
"""

import functools
import re
from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS

# Placeholders every converter in use accepts (int, slug, str), and that no address holds by itself.
_PLACEHOLDERS = ("8080808081", "8080808082", "8080808083")
_PLAIN = re.compile(r"[-\w.~]+")
_SAFE = RFC3986_SUBDELIMS + "/~:@"


@functools.lru_cache(maxsize=128)
def _pieces(viewname, arity, urlconf, prefix):
    """The address of ``viewname`` split around its ``arity`` arguments, or None if it cannot be."""
    url = reverse(viewname, args=_PLACEHOLDERS[:arity], urlconf=urlconf)
    pieces, rest = [], url
    for placeholder in _PLACEHOLDERS[:arity]:
        head, found, rest = rest.partition(placeholder)
        if not found or placeholder in rest:
            return None
        pieces.append(head)
    pieces.append(rest)
    return tuple(pieces)


def page_url(viewname, *args):
    """``reverse(viewname, args=args)``, without walking the URL patterns for each address."""
    pieces = None
    if len(args) <= len(_PLACEHOLDERS):
        pieces = _pieces(viewname, len(args), get_urlconf(), get_script_prefix())
    texts = [str(arg) for arg in args]
    if pieces is None or not all(_PLAIN.fullmatch(text) for text in texts):
        return reverse(viewname, args=args)
    parts = [pieces[0]]
    for text, after in zip(texts, pieces[1:], strict=True):
        parts += [quote(text, safe=_SAFE), after]
    return "".join(parts)
