"""The admin's list filters are the public FilterSet's filters, so both give the same rows for a parameter."""

from django.contrib import admin

from ..choices import OrganizationKind
from ..filters import CommitmentFilter
from ..selectors import task_choices


class FilterSetListFilter(admin.SimpleListFilter):
    """One filter of ``CommitmentFilter`` as an admin list filter: same parameter, label, choices and rows.

    The value goes through the FilterSet's form, as on the public list, then through the filter
    itself; a value the form refuses selects nothing, as it does there.
    """

    filterset_class = CommitmentFilter

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.title = cls.filterset_class.base_filters[cls.parameter_name].label

    def lookups(self, request, model_admin):
        return self.filterset_class.base_filters[self.parameter_name].extra["choices"]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        name = self.parameter_name
        filterset = self.filterset_class({name: self.value()}, queryset=queryset)
        if not filterset.is_valid():
            return queryset.none()
        return filterset.filters[name].filter(queryset, filterset.form.cleaned_data[name])


class OrganizationKindListFilter(FilterSetListFilter):
    parameter_name = "kind"


class KeyTaskListFilter(FilterSetListFilter):
    parameter_name = "task"

    def lookups(self, request, model_admin):
        return task_choices()


class LightListFilter(FilterSetListFilter):
    parameter_name = "light"


class UpdateOrganizationKindListFilter(admin.SimpleListFilter):
    """Progress updates by their commitment's organization kind (the FilterSet filters commitments, not updates)."""

    title = OrganizationKindListFilter.title
    parameter_name = OrganizationKindListFilter.parameter_name

    def lookups(self, request, model_admin):
        return OrganizationKind.choices

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() not in OrganizationKind.values:
            return queryset.none()
        return queryset.filter(commitment__organization__kind=self.value())
