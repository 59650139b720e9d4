"""The OpenAPI 3 description of /api/ (drf-spectacular): every filter of /api/commitments/ in Chinese and English.

The Chinese comes from the FilterSet itself (label and help_text, also what the list page shows, translated
for an English page); the English is kept here, one line per filter, in API users' words. The schema is the
same whatever the reader's language: the FilterSet's texts are read in Chinese.
tests/test_openapi.py fails when a filter has no English line.
"""

from django.conf import settings
from django.utils import translation
from drf_spectacular.contrib.django_filters import DjangoFilterExtension

ENGLISH = {
    "conference": "Conference, by id or by slug such as 2020-12-29 (see /api/conferences/).",
    "organization": "Organization id (see /api/organizations/).",
    "district": "Id of a district or county (kind district or county).",
    "department": "Id of a municipal department (kind department).",
    "kind": "Kind of the responsible organization.",
    "task": "Key task, by id or by code such as T2 or T2.1, read within the conference given (else the oldest "
            "conference having the code); a task includes its sub-items.",
    "status": "Current status, from the latest approved progress update; not_reported until one is approved.",
    "light": "Warning light as of today: none without an approved report; otherwise red past due, yellow due soon "
             "or stale, green on track, grey closed.",
    "official": "Id of the official who made the commitment (see /api/officials/).",
    "due_year": "Year of the due date, e.g. 2021.",
    "q": "Full-text search (Chinese word segmentation); every word must match; best match first.",
    "sort": "Order; without it, the order of the source text. Rows without an approved update go last.",
}


class BilingualFilterExtension(DjangoFilterExtension):
    """django-filter parameters described as "中文 / English", then the allowed values."""

    priority = 1  # ahead of drf-spectacular's own extension for the same backend

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        self._name = field_name
        with translation.override(settings.LANGUAGE_CODE):
            return super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)

    def _get_field_description(self, filter_field, description):
        chinese = str(filter_field.label or "")
        help_text = filter_field.extra.get("help_text")
        if help_text:
            chinese = f"{chinese}：{help_text}"
        english = ENGLISH.get(self._name, "")
        described = " / ".join(part for part in (chinese, english) if part)
        # The parent puts the label or help text first and the list of allowed values after it.
        _, values, rest = (super()._get_field_description(filter_field, description) or "").partition("\n\n*")
        return described + values + rest
