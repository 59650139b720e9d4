"""The one FilterSet behind the public list, the API and the exports.

Query parameters are a public interface (users' scripts rely on them): add, never rename.
"""

import django_filters
from django import forms
from django.db.models import Count, F, Q, Sum
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy

from .choices import Light, OrganizationKind, Status
from .ids import has_foreign_digits
from .models import Commitment, Conference, KeyTask, Official, Organization, OrganizationRollup

# The list's narrower organization menus and the kinds each offers; any other kind goes by "organization".
ORGANIZATION_MENUS = {
    "district": (OrganizationKind.DISTRICT, OrganizationKind.COUNTY),
    "department": (OrganizationKind.DEPARTMENT,),
}


def organization_parameter(organization):
    """The list's query parameter that selects ``organization``: its kind's menu, so the page shows it chosen."""
    return next((name for name, kinds in ORGANIZATION_MENUS.items() if organization.kind in kinds), "organization")


def translated(choices):
    """A vocabulary's choices with their labels translated when shown (policies/choices.py keeps them Chinese)."""
    return [(value, gettext_lazy(label)) for value, label in choices.choices]


class TaskField(forms.CharField):
    """A key task's code or id. No code or id holds a digit other than 0-9; "²" or "①" is a typo or a probe."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)  # KeyTask.code's length; an id is shorter
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if has_foreign_digits(value):
            raise forms.ValidationError(gettext("重点任务请写编号（如 T2.1）或 id，数字用半角 0–9。"), code="invalid")
        return value


class TaskFilter(django_filters.CharFilter):
    field_class = TaskField


# Each sort ends on the primary key so that pages never repeat or skip a row;
# commitments without an approved update go last in either direction.
SORT_CHOICES = [
    ("due", gettext_lazy("完成时限（由近到远）")),
    ("-due", gettext_lazy("完成时限（由远到近）")),
    ("-progress", gettext_lazy("进度（由高到低）")),
    ("progress", gettext_lazy("进度（由低到高）")),
    ("-updated", gettext_lazy("最近进展（由新到旧）")),
    ("updated", gettext_lazy("最近进展（由旧到新）")),
]
SORT_FIELDS = {"due": "due_date", "progress": "percent", "updated": "last_update_on"}
# What the organizations' summary rows (policies.summaries) tell apart: per conference, organization, status
# and light, how many commitments; the organization's kind through the organization. Each filter's field
# in the rows.
SUMMARY_FIELDS = {
    "conference": "conference", "organization": "organization", "district": "organization",
    "department": "organization", "kind": "organization__kind", "status": "status", "light": "light",
}


class ConferenceField(forms.ModelChoiceField):
    """A conference named by its id or its slug; the menu offers slugs, so a URL says which one it is."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        conference = self.queryset.resolve(value)
        if conference is None:
            raise forms.ValidationError(gettext("没有这个会议：请用会议的 id 或标识（如 2020-12-29）。"), code="invalid_choice")
        return conference

    def label_from_instance(self, conference):
        return gettext("%(year)s年（%(held_on)s召开）") % {"year": conference.plan_year, "held_on": f"{conference.held_on:%Y-%m-%d}"}


class ConferenceFilter(django_filters.ModelChoiceFilter):
    field_class = ConferenceField

    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("会议"))
        kwargs.setdefault("queryset", Conference.objects.order_by("-held_on", "-pk"))
        kwargs.setdefault("widget", forms.Select)
        kwargs.setdefault("help_text", gettext_lazy("会议的 id 或标识（如 2020-12-29）。"))
        super().__init__(**kwargs)


class CommitmentFilter(django_filters.FilterSet):
    conference = ConferenceFilter(field_name="statement__source__conference")
    organization = django_filters.ModelChoiceFilter(
        label=gettext_lazy("单位"), queryset=Organization.objects.all(), widget=forms.Select
    )
    district = django_filters.ModelChoiceFilter(
        label=gettext_lazy("区县"),
        field_name="organization",
        queryset=Organization.objects.filter(kind__in=ORGANIZATION_MENUS["district"]),
        widget=forms.Select,
        help_text=gettext_lazy("按区或县筛选（API 中写单位的 id，见 /api/organizations/）。"),
    )
    department = django_filters.ModelChoiceFilter(
        label=gettext_lazy("市级部门"),
        field_name="organization",
        queryset=Organization.objects.filter(kind__in=ORGANIZATION_MENUS["department"]),
        widget=forms.Select,
        help_text=gettext_lazy("按市级部门筛选（API 中写单位的 id，见 /api/organizations/）。"),
    )
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("单位类型"), field_name="organization__kind", choices=translated(OrganizationKind)
    )
    task = TaskFilter(
        label=gettext_lazy("重点任务"),
        method="filter_task",
        help_text=gettext_lazy(
            "按重点任务筛选，含其子项（API 中写编号如 T2.1，在所选会议内查找，未选会议时指最早有此编号的会议；"
            "也可写任务的 id）。"
        ),
    )
    status = django_filters.ChoiceFilter(label=gettext_lazy("状态"), choices=translated(Status))
    light = django_filters.ChoiceFilter(label=gettext_lazy("预警"), choices=translated(Light), method="filter_light")
    official = django_filters.ModelChoiceFilter(
        label=gettext_lazy("领导干部"), field_name="statement__official", queryset=Official.objects.all()
    )
    # Bounded: a year outside what a date can hold would otherwise crash the lookup.
    due_year = django_filters.NumberFilter(
        label=gettext_lazy("完成年份"), field_name="due_date__year", min_value=1, max_value=9999, decimal_places=0
    )
    q = django_filters.CharFilter(label=gettext_lazy("关键词"), method="filter_text", max_length=100)
    sort = django_filters.ChoiceFilter(
        label=gettext_lazy("排序"), choices=SORT_CHOICES, method="filter_sort",
        empty_label=gettext_lazy("原文顺序"),
    )

    class Meta:
        model = Commitment
        fields = []

    def get_form_class(self):
        # Made of the filters' fields, which are the same on every request: made once, not once a request
        # (0.3 ms of a list page or an API list). Each form copies its fields from the class, as forms do.
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = type(self)._form_class = super().get_form_class()
        return form_class

    @cached_property
    def named_task(self):
        """The key task the valid filter names, looked up once; None without one or when none matches."""
        value = self.form.cleaned_data.get("task")
        return KeyTask.objects.resolve_family(value, conference=self.form.cleaned_data.get("conference")) if value else None

    def filter_task(self, queryset, name, value):
        return queryset.under_task(self.named_task) if self.named_task else queryset.none()

    def _narrowing(self):
        """The names of the filters the valid form sets, but the sort, which only orders."""
        return {name for name, value in self.form.cleaned_data.items() if value not in (None, "") and name != "sort"}

    def task_alone(self):
        """(task, status or "") when the valid filter narrows by a key task alone, or with a status, in any
        sort: what the task's summary rows count. None for any other filter, the conference included: a
        commitment may be linked to another conference's task, and the rows do not say which conference
        their commitments are in."""
        if not self.is_valid() or self.named_task is None or self._narrowing() - {"task", "status"}:
            return None
        return self.named_task, self.form.cleaned_data.get("status") or ""

    def search_alone(self):
        """The search words when the valid filter is a search alone, in any sort: ``search.ranked_matches``
        answers it from the full-text index without the commitments. None otherwise."""
        if not self.is_valid() or self._narrowing() != {"q"}:
            return None
        return self.form.cleaned_data["q"]

    def known_count(self):
        """How many commitments the filter keeps, when something cheaper than counting them knows: the key
        task's summary rows (kept current by ``policies.summaries``) for the task alone or with a status,
        the full-text index for a search alone, the organizations' summary rows of today for conference,
        organization, kind, status and light (``_summed_count``); None otherwise. Counting the 36,000
        commitments under a task at 100,000 cost 27 ms on SQLite and 47 ms on PostgreSQL; the search's
        count, see ranked_matches."""
        alone = self.task_alone()
        if alone is not None:
            task, status = alone
            rows = task.rollups.filter(status=status) if status else task.rollups.all()
            return rows.aggregate(n=Sum("commitments"))["n"] or 0
        query = self.search_alone()
        if query is not None:
            from .search import ranked_matches

            return ranked_matches(query).count()
        return self._summed_count()

    def _summed_count(self):
        """How many commitments the filter keeps (valid, or none given), from the organizations' summary rows
        of today, when it narrows by nothing else than what they tell apart (``SUMMARY_FIELDS``): one query
        over a thousand rows at 100,000, where counting every commitment took 5 ms on PostgreSQL (more with a
        light, which each row computes). None when the rows are not of today (``count_lights`` has not run
        since midnight, and nothing has been written): the commitments are counted then, as the dashboard does."""
        if self.is_bound and not self.is_valid():
            return None
        narrowing = self._narrowing() if self.is_bound else set()  # unbound: the list without a query string
        if narrowing - SUMMARY_FIELDS.keys():
            return None
        narrow = Q()
        for name in narrowing:  # one Q each: district and organization both name the organization
            narrow &= Q(**{SUMMARY_FIELDS[name]: self.form.cleaned_data[name]})
        figures = OrganizationRollup.objects.of_day().aggregate(
            n=Sum("commitments", filter=narrow), rows=Count("pk"),
        )
        return (figures["n"] or 0) if figures["rows"] else None

    def filter_sort(self, queryset, name, value):
        name = SORT_FIELDS[value.lstrip("-")]
        # NULLS LAST only where a NULL can be: on a NOT NULL column it kept the index out of the sort.
        nulls_last = True if Commitment._meta.get_field(name).null else None
        field = F(name)
        ordering = field.desc(nulls_last=nulls_last) if value.startswith("-") else field.asc(nulls_last=nulls_last)
        return queryset.order_by(ordering, "pk")

    def filter_light(self, queryset, name, value):
        return queryset.with_light().filter(light=value)

    def filter_text(self, queryset, name, value):
        # Full-text search with jieba's words: every word must match; best first (see policies/search/).
        from .search import search_commitments

        return search_commitments(queryset, value)


class ConferenceScopeFilter(django_filters.FilterSet):
    """The API's key tasks, organizations and officials of one conference (``?conference=`` id or slug)."""

    conference = ConferenceFilter(method="filter_conference")

    # The hint is for the API schema: the parameter is a string (id or slug); the field gives a Conference.
    def filter_conference(self, queryset, name, value: str):
        return queryset.in_conference(value)


class KeyTaskFilter(ConferenceScopeFilter):
    class Meta:
        model = KeyTask
        fields = []


class OrganizationFilter(ConferenceScopeFilter):
    class Meta:
        model = Organization
        fields = []


class OfficialFilter(ConferenceScopeFilter):
    class Meta:
        model = Official
        fields = []
