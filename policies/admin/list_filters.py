"""The admin's list filters are the public FilterSet's filters, so both give the same rows for a parameter."""

from django.contrib import admin

from ..choices import OrganizationKind
from ..filters import CommitmentFilter
from ..models import Conference
from ..selectors import task_choices
from .base import translated_lookups, translated_title


class FilterSetListFilter(admin.SimpleListFilter):
    """One filter of ``CommitmentFilter`` as an admin list filter: same parameter, label, choices and rows.

    The value goes through the FilterSet's form, as on the public list, then through the filter
    itself; a value the form refuses selects nothing, as it does there.
    """

    filterset_class = CommitmentFilter

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.title = translated_title(cls.filterset_class.base_filters[cls.parameter_name].label)

    # Other parameters a filter's value is read within (a task code within the chosen conference).
    context_parameters = ()

    def __init__(self, request, params, model, model_admin):
        self.context = {name: request.GET[name] for name in self.context_parameters if name in request.GET}
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return translated_lookups(self.filterset_class.base_filters[self.parameter_name].extra["choices"])

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        name = self.parameter_name
        filterset = self.filterset_class({**self.context, name: self.value()}, queryset=queryset)
        if not filterset.is_valid():
            return queryset.none()
        return filterset.filters[name].filter(queryset, filterset.form.cleaned_data[name])


class OrganizationKindListFilter(FilterSetListFilter):
    parameter_name = "kind"


class ConferenceListFilter(FilterSetListFilter):
    parameter_name = "conference"

    def lookups(self, request, model_admin):
        return [(c.slug, str(c)) for c in Conference.objects.order_by("-held_on", "-pk")]


class KeyTaskListFilter(FilterSetListFilter):
    parameter_name = "task"
    context_parameters = ("conference",)

    def lookups(self, request, model_admin):
        conference = Conference.objects.resolve(request.GET.get("conference"))
        choices = task_choices(conference)
        # Option groups (several conferences, none chosen) are flattened: the admin lists plain links.
        if choices and isinstance(choices[0][1], list):
            return [(value, f"{group} {label}") for group, options in choices for value, label in options]
        return choices


class LightListFilter(FilterSetListFilter):
    parameter_name = "light"


class UpdateOrganizationKindListFilter(admin.SimpleListFilter):
    """Progress updates by their commitment's organization kind (the FilterSet filters commitments, not updates)."""

    title = OrganizationKindListFilter.title
    parameter_name = OrganizationKindListFilter.parameter_name

    def lookups(self, request, model_admin):
        return translated_lookups(OrganizationKind.choices)

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() not in OrganizationKind.values:
            return queryset.none()
        return queryset.filter(commitment__organization__kind=self.value())
