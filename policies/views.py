"""Public pages."""

from django import forms
from django.db import DatabaseError, connection
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views.decorators.http import require_safe
from django_filters.views import FilterView

from . import history, search
from .cache import cache_public_page
from .filters import CommitmentFilter
from .models import Commitment, KeyTask, Official, Organization, Source
from .selectors import dashboard_stats, source_paragraphs, task_choices


@require_safe
def healthz(request):
    """Liveness: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def readyz(request):
    """Readiness: the database answers (one query)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", content_type="text/plain", status=503)
    return HttpResponse("ok", content_type="text/plain")


@cache_public_page
@require_safe
def home(request):
    context = dashboard_stats()
    charts = history.task_charts(context["tasks"])
    context["task_charts"] = [(task, charts[task.pk]) for task in context["tasks"] if task.pk in charts]
    return render(request, "policies/dashboard.html", context)


@method_decorator([cache_public_page, require_safe], name="dispatch")
class CommitmentListView(FilterView):
    filterset_class = CommitmentFilter
    template_name = "policies/commitment_list.html"
    context_object_name = "commitments"
    paginate_by = 20

    def get_queryset(self):
        return Commitment.objects.for_listing().with_light().order_by("statement__span_start", "number", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The words the search matched, for <mark>; none when the form refused the input.
        form = self.filterset.form
        query = form.cleaned_data.get("q") if form.is_valid() else ""
        context["search_terms"] = search.query_terms(query) if query else []
        return context

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        _dress_filter_form(filterset.form)
        return filterset

    def paginate_queryset(self, queryset, page_size):
        # A page number out of range or malformed shows the nearest page rather than an error:
        # people edit these URLs by hand and share them long after the data has changed.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


def _dress_filter_form(form):
    """Friendlier widgets for the page; the FilterSet itself stays the API's."""
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField):
            field.empty_label = "全部"
        elif isinstance(field, forms.ChoiceField) and name != "sort":
            field.empty_label = "全部"
            field.widget.choices = field.choices  # the widget copied the choices when the form was built
    form.fields["task"].widget = forms.Select(choices=[("", "全部"), *task_choices()])


@cache_public_page
@require_safe
def commitment_detail(request, pk):
    commitment = get_object_or_404(Commitment.objects.with_source_and_tasks().with_light(), pk=pk)
    updates = list(commitment.updates.for_timeline())
    milestones = list(commitment.milestones.all())
    return render(
        request,
        "policies/commitment_detail.html",
        {"commitment": commitment, "updates": updates, "chart": history.commitment_chart(updates),
         "milestones": milestones},
    )


@cache_public_page
@require_safe
def source_detail(request, slug):
    source = get_object_or_404(Source.objects.select_related("conference"), slug=slug)
    marks = Commitment.objects.filter(statement__source=source).only("pk", "span_start", "span_end", "summary")
    paragraphs = source_paragraphs(source.text, list(marks))
    return render(request, "policies/source_detail.html", {"source": source, "paragraphs": paragraphs})


@cache_public_page
@require_safe
def task_detail(request, code):
    if "\x00" in code:  # no code holds one, and PostgreSQL refuses it in a query
        raise Http404("没有这个重点任务。")
    # Codes are unique per conference; with several conferences the latest one's task is meant.
    task = (
        KeyTask.objects.select_related("parent", "source")
        .filter(code=code)
        .order_by("-conference__held_on", "-pk")
        .first()
    )
    if task is None:
        raise Http404("没有这个重点任务。")
    rollups = {row.pk: row for row in KeyTask.objects.filter(Q(pk=task.pk) | Q(parent=task)).with_rollup()}
    children = sorted((row for pk, row in rollups.items() if pk != task.pk), key=lambda row: (row.order, row.pk))
    commitments = Commitment.objects.under_task(task).with_source_and_tasks().with_light()
    return render(
        request,
        "policies/task_detail.html",
        {
            "task": task,
            "rollup": rollups[task.pk],
            "children": children,
            "commitments": commitments,
            "keywords": search.keywords_for_task(task),
            "keyword_filter": urlencode({"task": task.code}),
        },
    )


@cache_public_page
@require_safe
def organization_detail(request, pk):
    organization = get_object_or_404(Organization, pk=pk)
    commitments = organization.commitments.all()
    return render(
        request,
        "policies/organization_detail.html",
        {
            "organization": organization,
            "officials": organization.officials.order_by("name"),
            "commitments": commitments.for_listing().with_light(),
            "stats": commitments.stats(),
            "keywords": search.keywords_for_organization(organization),
            "keyword_filter": urlencode({"organization": organization.pk}),
        },
    )


@cache_public_page
@require_safe
def official_detail(request, pk):
    official = get_object_or_404(Official.objects.select_related("organization"), pk=pk)
    commitments = Commitment.objects.filter(statement__official=official)
    return render(
        request,
        "policies/official_detail.html",
        {
            "official": official,
            "statements": official.statements.select_related("source"),
            "commitments": commitments.for_listing().with_light(),
            "stats": commitments.stats(),
        },
    )
