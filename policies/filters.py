"""The one FilterSet behind the public list, the API and the exports.

Query parameters are a public interface (users' scripts rely on them): add, never rename.
"""

import django_filters
from django import forms
from django.db.models import Q

from .models import Commitment, KeyTask, Light, Official, Organization, Status


class CommitmentFilter(django_filters.FilterSet):
    organization = django_filters.ModelChoiceFilter(
        label="单位", queryset=Organization.objects.all(), widget=forms.Select
    )
    kind = django_filters.ChoiceFilter(label="单位类型", field_name="organization__kind", choices=Organization.Kind.choices)
    task = django_filters.CharFilter(label="重点任务", method="filter_task", help_text="id 或编号（如 T2、T2.1），含其子项。")
    status = django_filters.ChoiceFilter(label="状态", choices=Status.choices)
    light = django_filters.ChoiceFilter(label="预警", choices=Light.choices, method="filter_light")
    official = django_filters.ModelChoiceFilter(
        label="领导干部", field_name="statement__official", queryset=Official.objects.all()
    )
    due_year = django_filters.NumberFilter(label="完成年份", field_name="due_date__year")
    q = django_filters.CharFilter(label="关键词", method="filter_text", max_length=100)

    class Meta:
        model = Commitment
        fields = []

    def filter_task(self, queryset, name, value):
        task = KeyTask.objects.resolve(value)
        return queryset.under_task(task) if task else queryset.none()

    def filter_light(self, queryset, name, value):
        return queryset.with_light().filter(light=value)

    def filter_text(self, queryset, name, value):
        # Full-text search with jieba's words: every word must match; best first (see policies/search.py).
        from .search import search_commitments

        return search_commitments(queryset, value)
