"""{% load rollups %}: the rows of a roll-up, written here in Python: a page shows up to 100 of them, and the
same row as an included template (with its bar and its translations) cost 0.2 ms a row, the dashboard's
largest part.

{% organization_row organization conference %}: an organization (the dashboard's "各单位进展", a conference's
organizations page), its count linked to its commitments in ``conference``.
{% task_row task list_url children %}: a key task or sub-item (the dashboard, a task's sub-items), its count
linked to ``list_url`` filtered by the task, and ``children`` (its sub-items) folded under it.
Both: the name and its page, the average progress bar ({% progress_bar %}), the count, the completed and the
behind.
"""

from django import template
from django.utils.html import format_html, format_html_join
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
    return _row(organization, organization.get_absolute_url(), format_html("{}{}", organization.name, kind), counted)


@register.simple_tag
def task_row(task, list_url, children=None):
    """One key task's <li>: ``task`` annotated with n_commitments, avg_percent and n_<status>."""
    n = task.n_commitments
    counted = ngettext("%(n)s 项承诺", "%(n)s 项承诺", n) % {"n": n}
    counted = format_html('<a href="{}?task={}">{}</a>', list_url, task.code, counted) if n else format_html("{}", counted)
    folded = ""
    if children:
        items = format_html_join("", '<li><a href="{}">{} {}</a></li>',
                                 ((child.get_absolute_url(), child.code, child.title) for child in children))
        summary = gettext("子项（%(n)s）") % {"n": len(children)}
        folded = format_html('\n  <details class="rollup-children"><summary>{}</summary><ul>{}</ul></details>', summary, items)
    return _row(task, task.get_absolute_url(), f"{task.code} {task.title}", counted, folded)


def _row(row, href, name, counted, after=""):
    behind = format_html(" · {} {}", gettext("滞后"), row.n_behind) if row.n_behind else ""
    return format_html(
        '<li class="rollup">\n  <span class="rollup-name"><a href="{}">{}</a></span>\n  {}\n'
        '  <span class="meta rollup-counts">{} · {} {}{}</span>{}\n</li>',
        href, name, progress_bar(row.avg_percent, gettext("平均进度")),
        counted, gettext("已完成"), row.n_completed, mark_safe(behind), after,
    )
