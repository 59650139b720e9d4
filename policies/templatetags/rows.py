"""{% load rows %}: {% commitment_row commitment search_terms %}, one commitment in a list (``<li>``).

The lists, the task page, the organization's and official's pages and the dashboard's red list write
twenty or more a page: through a template (with its badges and bar) a row cost about 0.25 ms, most of a
list's rendering; written with format_html, a tenth of that. ``search_terms`` (from ``search.query_terms``)
mark the matched words and add the quote.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from policies import search

from .vocabulary import light_badge, progress_bar, status_badge

register = template.Library()


def _time(day):
    return format_html('<time datetime="{}">{}</time>', day.isoformat(), day.isoformat())


@register.simple_tag
def commitment_row(commitment, search_terms=None):
    summary = search.highlight(commitment.summary, search_terms) if search_terms else commitment.summary
    official = commitment.statement.official
    dates = format_html("{} {}", gettext("时限"), _time(commitment.due_date))
    if commitment.last_update_on:
        dates = format_html("{} · {} {}", dates, gettext("最近进展"), _time(commitment.last_update_on))
    quote = ""
    if search_terms:
        quote = format_html('\n  <p class="quote-excerpt"><span class="visually-hidden">{}</span>“{}”</p>',
                            gettext("原文："), search.highlight(commitment.quote, search_terms))
    return format_html(
        '<li class="commitment light-{}">\n'
        '  <a class="commitment-summary" href="{}">{}</a>\n'
        '  <span class="meta"><a href="{}">{}</a> · <a href="{}">{}</a></span>\n'
        '  <span class="row-facts">\n'
        "    {}\n    {}\n    {}\n"
        '    <span class="meta">{}</span>\n'
        "  </span>{}\n"
        "</li>",
        commitment.light, commitment.get_absolute_url(), summary,
        commitment.organization.get_absolute_url(), commitment.organization.name,
        official.get_absolute_url(), official.name,
        status_badge(commitment.status), light_badge(commitment.light),
        progress_bar(commitment.percent, gettext("进度")), dates, quote,
    )
