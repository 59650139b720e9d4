"""{% load rollups %}: the rows of the organizations' roll-up (the dashboard's "各单位进展" and a conference's
organizations page), written here in Python: a page shows up to 100 of them, and the same row as an
included template (with its bar and its translations) cost 0.2 ms a row, the dashboard's largest part.

{% organization_row organization conference %} prints what the row's template and translations would,
with {% progress_bar %}: the name and its page, the average progress bar, the count linked to the
organization's commitments in ``conference``, the completed and the behind.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from ..choices import OrganizationKind
from .vocabulary import commitments_url, progress_bar

register = template.Library()


@register.simple_tag
def organization_row(organization, conference):
    """One organization's <li>: ``organization`` annotated with n_commitments, avg_percent and n_<status>."""
    kind = ""
    if organization.kind == OrganizationKind.COUNTY:
        text = gettext("（%(text)s）") % {"text": gettext(organization.get_kind_display())}
        kind = format_html(' <span class="meta">{}</span>', text)
    n = organization.n_commitments
    counted = ngettext("%(n)s 项承诺", "%(n)s 项承诺", n) % {"n": n}
    if n:
        named = gettext("（%(text)s）") % {"text": organization.name}
        counted = format_html('<a href="{}">{}<span class="visually-hidden">{}</span></a>',
                              commitments_url(organization, conference), counted, named)
    else:
        counted = format_html("{}", counted)
    behind = format_html(" · {} {}", gettext("滞后"), organization.n_behind) if organization.n_behind else ""
    return format_html(
        '<li class="rollup">\n  <span class="rollup-name"><a href="{}">{}</a>{}</span>\n  {}\n'
        '  <span class="meta rollup-counts">{} · {} {}{}</span>\n</li>',
        organization.get_absolute_url(), organization.name, kind, progress_bar(organization.avg_percent, gettext("平均进度")),
        counted, gettext("已完成"), organization.n_completed, mark_safe(behind),
    )
