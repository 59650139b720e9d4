"""{% load vocabulary %}: the choices' labels and colours on the public pages, from ``policies.choices``.

{% light_badge commitment.light %} and {% status_badge commitment.status %} print a choice's label
in its CSS class; static/css/vocabulary.css (generated from policies/choices.py) gives each class
its colour as ``--tone``, which site.css uses for text, fills and borders alike.
{% progress_bar value label %} is a labelled progress bar (value 0–100; the label for screen readers).
Written with format_html, not templates: a list writes one of each per row.
{{ organization|commitments_url }} is the public list filtered to that organization;
{{ organization|commitments_url:conference }} the same within one conference's list.
The labels are translated here, at display time (see policies/choices.py for why not there).
"""

import functools
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from ..choices import Light, Status
from ..filters import organization_parameter

register = template.Library()


@register.simple_tag
def light_badge(light):
    return _badge("light light-{}", '<span class="dot" aria-hidden="true"></span>', light, get_language())


@register.simple_tag
def status_badge(status):
    return _badge("badge status-{}", "", status, get_language())


@functools.lru_cache(maxsize=64)
def _badge(css, mark, value, language):
    """A badge's markup, written once per value and language: a list writes two a row."""
    label = Light(value).label if css.startswith("light") else Status(value).label
    return format_html('<span class="{}">{}{}</span>', format_html(css, value), mark_safe(mark), gettext(label))


@register.simple_tag
def progress_bar(value, label=""):
    """Written with f-strings, not format_html and floatformat: the dashboard writes seventy."""
    hidden = f'<span class="visually-hidden">{escape(label)}</span>' if label else ""
    return mark_safe(
        f'<span class="bar-row"><span class="bar" aria-hidden="true"><span class="bar-fill{" full" if value >= 100 else ""}" '
        f'style="width: {value:.1f}%"></span></span><span class="bar-value">{hidden}{one_decimal(value)}%</span></span>'
    )


def one_decimal(value):
    """``value|floatformat:"-1"`` for a percent (0–100, either language's decimal point is "."): "40", "37.3",
    "38.0" for 37.95 (rounded half up, as floatformat rounds), at a tenth of floatformat's cost."""
    exact = Decimal(str(value))
    if exact == int(exact):
        return str(int(exact))
    return str(exact.quantize(_TENTH, ROUND_HALF_UP))


_TENTH = Decimal("0.1")


@register.filter
def commitments_url(organization, conference=None):
    return f"{commitments_list_url(conference)}?{organization_query(organization)}"


def commitments_list_url(conference=None):
    """The public list, or ``conference``'s."""
    if conference:
        return reverse("policies:conference_commitments", args=[conference.slug])
    return reverse("policies:commitments")


def organization_query(organization):
    """The list's query string that selects ``organization`` (in its kind's menu)."""
    return urlencode({organization_parameter(organization): organization.pk})
