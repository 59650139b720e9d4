"""{% load charts %}: {% progress_chart chart caption %} draws a ``history.Chart`` as an SVG step line with its
caption, server-side and without JavaScript; the dashboard draws one per key task, the commitment page one.

Written in Python, not as an included template: the dashboard's ten charts of five years' months cost more
to render through the template engine than the rest of its key-task section.
"""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def progress_chart(chart, caption):
    text = gettext("%(caption)s，最近 %(percent)s%%") % {"caption": caption, "percent": floatformat(chart.last_percent, "-1")}
    return format_html(
        '<figure class="progress-chart">\n'
        '  <svg viewBox="0 0 {} {}" role="img" aria-label="{}">\n'
        '    <line class="grid" x1="0" y1="4" x2="{}" y2="4"/><line class="grid" x1="0" y1="{}" x2="{}" y2="{}"/>\n'
        '    <polyline points="{}"/>\n'
        "    {}\n"
        "  </svg>\n"
        '  <figcaption class="meta"><time datetime="{}">{}</time> – <time datetime="{}">{}</time> · {}</figcaption>\n'
        "</figure>",
        chart.width, chart.height, chart.description,
        chart.width, chart.height - 4, chart.width, chart.height - 4,
        chart.points, chart.dot_marks,
        chart.first.isoformat(), f"{chart.first:%Y-%m}", chart.last.isoformat(), f"{chart.last:%Y-%m}", text,
    )
