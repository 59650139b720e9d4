"""{% load rollups %}: the rows of a roll-up, written here in Python: a page shows up to 100 of them, and the
same row as an included template (with its bar and its translations) cost 0.2 ms a row, the dashboard's
largest part.

{% organization_rows organizations conference %}: organizations (the dashboard's "各单位进展", a conference's
organizations page), each count linked to the organization's commitments in ``conference``.
{% task_row task list_url children %}: a key task or sub-item (the dashboard, a task's sub-items), its count
linked to ``list_url`` filtered by the task, and ``children`` (its sub-items) folded under it.
Both: the name and its page, the average progress bar ({% progress_bar %}), the count, the completed and the
behind.
"""

import html

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from ..choices import OrganizationKind
from .vocabulary import commitments_list_url, organization_query, progress_bar

register = template.Library()


@register.simple_tag
def organization_rows(organizations, conference):
    """The <li> of each of ``organizations`` (annotated with n_commitments, avg_percent and n_<status>): the
    words translated and the list's address found once for all of them, each row then written with escape()
    and string formatting (format_html and reverse() for each row cost half the dashboard's rows)."""
    words = _Words()
    base = commitments_list_url(conference)
    county = words.note(gettext(OrganizationKind(OrganizationKind.COUNTY).label))
    rows = []
    for organization in organizations:
        name = escape(organization.name)
        kind = f' <span class="meta">{county}</span>' if organization.kind == OrganizationKind.COUNTY else ""
        n = organization.n_commitments
        counted = escape(words.commitments(n))
        if n:
            query = escape(organization_query(organization))
            named = words.note(organization.name)
            counted = f'<a href="{base}?{query}">{counted}<span class="visually-hidden">{named}</span></a>'
        rows.append(words.row(organization, organization.get_absolute_url(), name, counted, note=kind))
    return mark_safe("\n".join(rows))


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
    return mark_safe(_Words().row(row, href, conditional_escape(name), counted, after))


def escape(text):
    """django.utils.html.escape's text, without its checks for lazy strings: a row escapes eight."""
    return html.escape(str(text))


class _Words:
    """A roll-up row's words in the active language, translated once for all the rows of a call."""

    def __init__(self):
        self.average, self.completed, self.behind = gettext("平均进度"), gettext("已完成"), gettext("滞后")
        self._commitments = {}
        self._note = gettext("（%(text)s）")

    def commitments(self, n):
        if n not in self._commitments:
            self._commitments[n] = ngettext("%(n)s 项承诺", "%(n)s 项承诺", n) % {"n": n}
        return self._commitments[n]

    def note(self, text):
        return escape(self._note % {"text": text})

    def row(self, row, href, name, counted, after="", note=""):
        """``name``, ``counted``, ``after`` and ``note`` (after the name's link): markup, already escaped."""
        behind = f" · {escape(self.behind)} {row.n_behind}" if row.n_behind else ""
        bar = progress_bar(row.avg_percent, self.average)
        return (
            f'<li class="rollup">\n  <span class="rollup-name"><a href="{escape(href)}">{name}</a>{note}</span>\n  {bar}\n'
            f'  <span class="meta rollup-counts">{counted} · {escape(self.completed)} {row.n_completed}{behind}</span>'
            f"{after}\n</li>"
        )
