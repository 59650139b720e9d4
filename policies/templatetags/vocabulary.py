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

from django import template
from django.template.defaultfilters import floatformat, stringformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext

from ..choices import Light, Status
from ..filters import organization_parameter

register = template.Library()


@register.simple_tag
def light_badge(light):
    return format_html('<span class="light light-{}"><span class="dot" aria-hidden="true"></span>{}</span>',
                       light, gettext(Light(light).label))


@register.simple_tag
def status_badge(status):
    return format_html('<span class="badge status-{}">{}</span>', status, gettext(Status(status).label))


@register.simple_tag
def progress_bar(value, label=""):
    return format_html(
        '<span class="bar-row"><span class="bar" aria-hidden="true"><span class="bar-fill{}" style="width: {}%">'
        '</span></span><span class="bar-value">{}{}%</span></span>',
        " full" if value >= 100 else "", stringformat(value, ".1f"),
        format_html('<span class="visually-hidden">{}</span>', label) if label else "", floatformat(value, -1),
    )


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
