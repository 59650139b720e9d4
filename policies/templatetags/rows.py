"""{% load rows %}: {% commitment_row commitment search_terms %}, one commitment in a list (``<li>``).

The lists, the task page, the organization's and official's pages and the dashboard's red list write
twenty or more a page: through a template (with its badges and bar) a row cost about 0.25 ms, most of a
list's rendering; with format_html, 0.12 ms; as one f-string, its data escaped as it goes in and its
words translated once per language (``_words``), 0.03 ms. ``search_terms`` (from ``search.query_terms``)
mark the matched words and add the quote.
"""

import html

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from policies import search

from .vocabulary import light_badge, progress_bar, status_badge

register = template.Library()

# Per language, a row's words. Translations do not change while the process runs.
_WORDS = {}


def _escape(text):
    """Django's ``conditional_escape`` (the same characters escaped), without a SafeString made for each."""
    return text.__html__() if hasattr(text, "__html__") else html.escape(str(text))


def _words():
    language = get_language()
    words = _WORDS.get(language)
    if words is None:
        words = _WORDS[language] = {
            "due": _escape(gettext("时限")),
            "latest": _escape(gettext("最近进展")),
            "quote": _escape(gettext("原文：")),
            "progress": gettext("进度"),
        }
    return words


def _time(day):
    iso = day.isoformat()
    return f'<time datetime="{iso}">{iso}</time>'


@register.simple_tag
def commitment_row(commitment, search_terms=None):
    words = _words()
    summary = search.highlight(commitment.summary, search_terms) if search_terms else commitment.summary
    organization, official = commitment.organization, commitment.statement.official
    dates = f"{words['due']} {_time(commitment.due_date)}"
    if commitment.last_update_on:
        dates = f"{dates} · {words['latest']} {_time(commitment.last_update_on)}"
    quote = ""
    if search_terms:
        quote = (f'\n  <p class="quote-excerpt"><span class="visually-hidden">{words["quote"]}</span>'
                 f"“{search.highlight(commitment.quote, search_terms)}”</p>")
    return mark_safe(
        f'<li class="commitment light-{_escape(commitment.light)}">\n'
        f'  <a class="commitment-summary" href="{_escape(commitment.get_absolute_url())}">'
        f"{_escape(summary)}</a>\n"
        f'  <span class="meta"><a href="{_escape(organization.get_absolute_url())}">'
        f"{_escape(organization.name)}</a> · "
        f'<a href="{_escape(official.get_absolute_url())}">{_escape(official.name)}</a></span>\n'
        '  <span class="row-facts">\n'
        f"    {status_badge(commitment.status)}\n    {light_badge(commitment.light)}\n"
        f"    {progress_bar(commitment.percent, words['progress'])}\n"
        f'    <span class="meta">{dates}</span>\n'
        f"  </span>{quote}\n"
        "</li>"
    )
