"""Admin for the reference data: conferences, sources, key tasks, organizations, officials,
statements, task links and reporter memberships."""

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .. import invalidation, summaries
from ..models import Commitment, Conference, KeyTask, Official, Organization, Reporter, Source, Statement, TaskLink
from .base import (
    DerivedDataAdminMixin, HistoryAdmin, NotFoundOutsideScopeMixin, QuickActionCheckboxMixin, TranslatedChoicesMixin,
)
from .passage_forms import KeyTaskAdminForm, StatementAdminForm


def _commitment_ids(**lookup):
    # Ids read now, while a row about to be deleted still exists; indexed after the commit.
    return list(Commitment.objects.filter(**lookup).values_list("pk", flat=True))


def _count_of(model, field):
    """The number of ``model`` rows whose ``field`` is the listed row: a correlated count, so a page
    of rows costs one index look-up per row, whatever the size of ``model``'s table."""
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


@admin.register(Conference)
class ConferenceAdmin(DerivedDataAdminMixin, admin.ModelAdmin):
    list_display = ("name", "city", "held_on", "plan_year", "slug")
    search_fields = ("name", "city")

    def get_search_results(self, request, queryset, search_term):
        # Staff think of a conference by its year ("2020"), which no text column holds.
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if len(term) == 4 and term.isascii() and term.isdigit():
            results = results | queryset.filter(held_on__year=int(term))
        return results, may_have_duplicates

    def derived_data_changed(self, objs):
        invalidation.pages_changed()


@admin.register(Source)
class SourceAdmin(DerivedDataAdminMixin, admin.ModelAdmin):
    list_display = ("publisher", "published_on", "slug", "conference")
    list_select_related = ("conference",)
    list_filter = ("publisher", "published_on")
    search_fields = ("slug", "publisher", "titles")
    autocomplete_fields = ("conference",)

    def get_readonly_fields(self, request, obj=None):
        # Every span in the database indexes this text: changing it would silently move every quote.
        return ("text",) if obj else ()

    def derived_data_changed(self, objs):
        # Its conference is its commitments' conference, by which the organizations' lights are counted.
        invalidation.sources_changed()


@admin.register(KeyTask)
class KeyTaskAdmin(TranslatedChoicesMixin, DerivedDataAdminMixin, HistoryAdmin):
    list_display = ("code", "title", "parent", "origin", "commitment_count", "conference")
    list_display_links = ("code", "title")
    list_select_related = ("parent", "conference")
    list_filter = ("origin", ("parent", admin.RelatedOnlyFieldListFilter), "conference")
    search_fields = ("code", "title", "description")
    autocomplete_fields = ("parent", "source", "conference")
    form = KeyTaskAdminForm
    fields = ("conference", "source", "parent", "code", "order", "title", "passage", "occurrence",
              "span_start", "span_end", "description", "origin")
    readonly_fields = ("span_start", "span_end")
    ordering = ("conference", "order")

    @admin.display(description=_("关联承诺数"), ordering="commitment_count")
    def commitment_count(self, obj):
        return obj.commitment_count

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(commitment_count=_count_of(TaskLink, "task"))

    def derived_data_changed(self, objs):
        # A task's title and description are part of what the suggestions are fitted on; deleting one
        # (its links first) changes the word counts of the commitments it had.
        invalidation.tasks_changed()

    def save_model(self, request, obj, form, change):
        # A sub-item moved to another parent takes its commitments from one roll-up to the other.
        old_parent = KeyTask.objects.filter(pk=obj.pk).values_list("parent_id", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        if old_parent != obj.parent_id:
            summaries.tasks_changed([obj.pk, old_parent])


@admin.register(TaskLink)
class TaskLinkAdmin(TranslatedChoicesMixin, DerivedDataAdminMixin, HistoryAdmin):
    list_display = ("commitment", "task", "origin", "score")
    list_select_related = ("commitment", "task")
    list_filter = ("origin", "task__parent")
    search_fields = ("commitment__summary", "task__code", "task__title")
    autocomplete_fields = ("commitment", "task")
    show_full_result_count = False  # a COUNT(*) over every link beside each filtered count

    def derived_data_changed(self, objs):
        invalidation.tasks_changed()

    # The key tasks' roll-ups count the links: those of the tasks a link leaves or joins are counted again.
    def save_model(self, request, obj, form, change):
        old_task = TaskLink.objects.filter(pk=obj.pk).values_list("task_id", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        summaries.tasks_changed([old_task, obj.task_id])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        summaries.tasks_changed([obj.task_id])

    def delete_queryset(self, request, queryset):
        tasks = list(queryset.values_list("task_id", flat=True).distinct())
        super().delete_queryset(request, queryset)
        summaries.tasks_changed(tasks)


@admin.register(Organization)
class OrganizationAdmin(TranslatedChoicesMixin, DerivedDataAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "commitment_count", "reporter_count")
    list_filter = ("kind",)
    search_fields = ("name",)

    @admin.display(description=_("承诺数"), ordering="commitment_count")
    def commitment_count(self, obj):
        return obj.commitment_count

    @admin.display(description=_("填报员数"), ordering="reporter_count")
    def reporter_count(self, obj):
        return obj.reporter_count

    def get_queryset(self, request):
        # One count per organization on the page, each from its own index: counting both through one
        # join would multiply every organization's commitments by its reporters.
        return super().get_queryset(request).annotate(
            commitment_count=_count_of(Commitment, "organization"), reporter_count=_count_of(Reporter, "organization")
        )

    def derived_data_changed(self, objs):
        # A commitment's search document holds its organization's name.
        invalidation.commitments_changed(_commitment_ids(organization__in=[o.pk for o in objs]))


@admin.register(Official)
class OfficialAdmin(DerivedDataAdminMixin, admin.ModelAdmin):
    list_display = ("name", "title", "organization")
    list_select_related = ("organization",)
    list_filter = ("organization__kind",)
    search_fields = ("name", "title", "organization__name")
    autocomplete_fields = ("organization",)

    def derived_data_changed(self, objs):
        # A commitment's search document holds the name of the official who made it.
        invalidation.commitments_changed(_commitment_ids(statement__official__in=[o.pk for o in objs]))


@admin.register(Statement)
class StatementAdmin(QuickActionCheckboxMixin, DerivedDataAdminMixin, admin.ModelAdmin):
    list_display = ("official", "organization", "source", "span_start", "span_end")
    list_select_related = ("official__organization", "source")
    list_filter = ("official__organization__kind",)
    search_fields = ("official__name", "official__organization__name", "text")
    autocomplete_fields = ("official", "source")
    show_full_result_count = False
    # In the model's order, ended on the primary key in the index's direction: with the admin's own
    # "-pk" appended, SQLite sorted every statement, with its text and its source's (a whole report),
    # for each page (0.13 s at 100,000 commitments).
    ordering = ("span_start", "pk")
    form = StatementAdminForm
    fields = ("source", "official", "text", "occurrence", "span_start", "span_end")
    readonly_fields = ("span_start", "span_end")

    @admin.display(description=_("单位"), ordering="official__organization__name")
    def organization(self, obj):
        return obj.official.organization.name

    def derived_data_changed(self, objs):
        # Moving a statement to another official changes its commitments' documents.
        invalidation.commitments_changed(_commitment_ids(statement__in=[o.pk for o in objs]))


@admin.register(Reporter)
class ReporterAdmin(NotFoundOutsideScopeMixin, admin.ModelAdmin):
    # Memberships feed nothing public and nothing derived: no DerivedDataAdminMixin.

    list_display = ("user", "organization")
    list_select_related = ("user", "organization")
    list_filter = ("organization__kind",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "organization__name")
    autocomplete_fields = ("user", "organization")
