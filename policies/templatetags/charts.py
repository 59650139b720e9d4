"""{% load charts %}: {% stack parts total kind link %} draws a stacked bar with its legend: ``parts``
[(key, label, count)] (selectors.breakdown), ``total``, ``kind`` status or light, ``link`` the list each
legend entry filters (none: no links). {% progress_chart chart caption %} draws a ``history.Chart`` as an SVG step line with its
caption, server-side and without JavaScript; the dashboard draws one per key task, the commitment page one.

Written in Python, not as an included template: the dashboard's ten charts of five years' months cost more
to render through the template engine than the rest of its key-task section.
"""

import html

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

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


@register.simple_tag
def stack(parts, total, kind, link=""):
    """Written in Python, as the dashboard's other rows are: through a template, with a translation and a
    plural per part, the two stacks cost more than the key tasks' rows."""
    bar, legend = [], []
    for key, label, count in parts:
        name = html.escape(gettext(label))
        if count:
            bar.append(f'<span class="stack-part {kind}-{key}" style="flex-grow: {count}" title="{name} {count}"></span>')
        entry = f'<a href="{html.escape(link)}?{kind}={key}">{name}</a>' if link and count else name
        counted = ngettext("<strong>%(n)s</strong> 项", "<strong>%(n)s</strong> 项", count) % {"n": count}
        share = ""
        if total:  # as {% widthratio count total 100 %} rounds
            share = gettext("（%(share)s%%）") % {"share": round(count / total * 100)}
            share = f'<span class="meta">{share}</span>'
        legend.append(f'\n  <li><span class="swatch {kind}-{key}" aria-hidden="true"></span>{entry} {counted}{share}</li>\n')
    return mark_safe(f'\n<div class="stack" aria-hidden="true">{"".join(bar)}</div>\n<ul class="legend">{"".join(legend)}</ul>\n')
