"""{% load vocabulary %}: the choices' labels and colours on the public pages, from ``policies.choices``.

{% light_badge commitment.light %} and {% status_badge commitment.status %} print a choice's label
in its CSS class; static/css/vocabulary.css (generated from policies/choices.py) gives each class
its colour as ``--tone``, which site.css uses for text, fills and borders alike.
{{ organization|commitments_url }} is the public list filtered to that organization;
{{ organization|commitments_url:conference }} the same within one conference's list.
The labels are translated here, at display time (see policies/choices.py for why not there).
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext

from ..choices import Light, Status
from ..filters import organization_parameter

register = template.Library()


@register.inclusion_tag("includes/light.html")
def light_badge(light):
    return {"light": light, "label": gettext(Light(light).label)}


@register.simple_tag
def status_badge(status):
    return format_html('<span class="badge status-{}">{}</span>', status, gettext(Status(status).label))


@register.filter
def commitments_url(organization, conference=None):
    if conference:
        base = reverse("policies:conference_commitments", args=[conference.slug])
    else:
        base = reverse("policies:commitments")
    return f"{base}?{urlencode({organization_parameter(organization): organization.pk})}"
