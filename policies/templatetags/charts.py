"""{% load charts %}: {% progress_chart chart caption %} draws a ``history.Chart`` as an SVG step line with its
caption, server-side and without JavaScript; the dashboard draws one per key task, the commitment page one.

Written in Python, not as an included template: the dashboard's ten charts of five years' months cost more
to render through the template engine than the rest of its key-task section.
"""

import html

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from .vocabulary import one_decimal

register = template.Library()


@register.simple_tag
def progress_chart(chart, caption):
    """Written with an f-string: ``chart.points`` and ``chart.dot_marks`` are numbers only (history.step_chart),
    the words are escaped; format_html escaped the long point lists too, a tenth of the dashboard's charts."""
    text = gettext("%(caption)s，最近 %(percent)s%%") % {"caption": caption, "percent": one_decimal(chart.last_percent)}
    width, height = chart.width, chart.height
    return mark_safe(
        '<figure class="progress-chart">\n'
        f'  <svg viewBox="0 0 {width} {height}" role="img" aria-label="{html.escape(chart.description)}">\n'
        f'    <line class="grid" x1="0" y1="4" x2="{width}" y2="4"/><line class="grid" x1="0" y1="{height - 4}" '
        f'x2="{width}" y2="{height - 4}"/>\n'
        f'    <polyline points="{chart.points}"/>\n'
        f"    {chart.dot_marks}\n"
        "  </svg>\n"
        f'  <figcaption class="meta"><time datetime="{chart.first.isoformat()}">{chart.first:%Y-%m}</time> – '
        f'<time datetime="{chart.last.isoformat()}">{chart.last:%Y-%m}</time> · {html.escape(text)}</figcaption>\n'
        "</figure>"
    )
