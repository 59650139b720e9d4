"""{% load rows %}: {% commitment_row commitment search_terms %}, one commitment in a list (``<li>``).

The lists, the task page, the organization's and official's pages and the dashboard's red list write
twenty or more a page: through a template (with its badges and bar) a row cost about 0.25 ms, most of a
list's rendering; written with format_html, 0.12 ms, of which three ``reverse()`` took 0.05 ms and the
badges, the bar and four ``gettext`` most of the rest. So a row is one string: the pieces that depend
only on the language (words, badges, bars) are made once per language by the same tags as before, the
three addresses by filling in a pattern reversed once (``_path``); the data is escaped as it goes in.
``search_terms`` (from ``search.query_terms``) mark the matched words and add the quote.
"""

import html

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from policies import search

from ..choices import Light, Status
from .vocabulary import light_badge, progress_bar, status_badge

register = template.Library()

# Per language, the row's fixed pieces. Translations do not change while the process runs.
_PIECES = {}
# Per (URL name, script prefix, URL conf): the address of an object with primary key pk is head + pk + tail.
_PATHS = {}
# A primary key no pattern writes otherwise, to find where the key goes in a reversed address.
_MARKER = 918_273_645_546_372_819


def _escape(text):
    """Django's ``conditional_escape`` (the same characters escaped), without a SafeString made for each."""
    return text.__html__() if hasattr(text, "__html__") else html.escape(str(text))


def _pieces():
    language = get_language()
    pieces = _PIECES.get(language)
    if pieces is None:
        pieces = _PIECES[language] = {
            "due": _escape(gettext("时限")),
            "latest": _escape(gettext("最近进展")),
            "quote": _escape(gettext("原文：")),
            "status": {status: str(status_badge(status)) for status in Status.values},
            "light": {light: str(light_badge(light)) for light in Light.values},
            # Per percent: a commitment's is a whole number from 0 to 100.
            "bars": {percent: str(progress_bar(percent, gettext("进度"))) for percent in range(101)},
        }
    return pieces


def _path(name, pk):
    """``reverse(name, args=[pk])`` for an integer primary key, the pattern reversed once."""
    key = (name, get_script_prefix(), get_urlconf())
    parts = _PATHS.get(key)
    if parts is None:
        head, marker, tail = reverse(name, args=[_MARKER]).partition(str(_MARKER))
        parts = _PATHS[key] = (head, tail) if marker else None
    if parts is None or type(pk) is not int:
        return reverse(name, args=[pk])
    return f"{parts[0]}{pk}{parts[1]}"


def _time(day):
    iso = day.isoformat()
    return f'<time datetime="{iso}">{iso}</time>'


@register.simple_tag
def commitment_row(commitment, search_terms=None):
    pieces = _pieces()
    summary = search.highlight(commitment.summary, search_terms) if search_terms else commitment.summary
    organization, official = commitment.organization, commitment.statement.official
    status = pieces["status"].get(commitment.status) or str(status_badge(commitment.status))
    light = pieces["light"].get(commitment.light) or str(light_badge(commitment.light))
    bar = pieces["bars"].get(commitment.percent) or str(progress_bar(commitment.percent, gettext("进度")))
    dates = f"{pieces['due']} {_time(commitment.due_date)}"
    if commitment.last_update_on:
        dates = f"{dates} · {pieces['latest']} {_time(commitment.last_update_on)}"
    quote = ""
    if search_terms:
        quote = (f'\n  <p class="quote-excerpt"><span class="visually-hidden">{pieces["quote"]}</span>'
                 f"“{search.highlight(commitment.quote, search_terms)}”</p>")
    return mark_safe(
        f'<li class="commitment light-{_escape(commitment.light)}">\n'
        f'  <a class="commitment-summary" href="{_escape(_path("policies:commitment", commitment.pk))}">'
        f"{_escape(summary)}</a>\n"
        f'  <span class="meta"><a href="{_escape(_path("policies:organization", organization.pk))}">'
        f"{_escape(organization.name)}</a> · "
        f'<a href="{_escape(_path("policies:official", official.pk))}">{_escape(official.name)}</a></span>\n'
        '  <span class="row-facts">\n'
        f"    {status}\n    {light}\n    {bar}\n"
        f'    <span class="meta">{dates}</span>\n'
        f"  </span>{quote}\n"
        "</li>"
    )
