"""Public pages."""

import itertools

from django import forms
from django.core.paginator import Paginator
from django.contrib.staticfiles import finders
from django.db import DatabaseError, connection
from django.db.models import Count, Q, Window
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_safe
from django_filters.views import FilterView

from . import evidence, history, search
from .cache import cache_public_page, per_data_version
from .choices import ReviewState
from .filters import CommitmentFilter, organization_parameter
from .models import Commitment, Conference, EvidenceFile, KeyTask, Official, Organization, Source
from .roles import can_see_update
from .widgets import QuickSelect
from .selectors import (
    ORGANIZATIONS_PER_PAGE,
    commitments_by_conference,
    conference_organizations,
    conference_overview,
    dashboard_stats,
    source_paragraphs,
    sum_stats,
    task_choices,
)

# The most commitments a task page lists before linking to the filtered list.
TASK_PAGE_ROWS = 20
# The most statements an official's page quotes in full (the latest conferences' first).
OFFICIAL_STATEMENTS = 10
# From how many commitments under a task its page walks the source's order to find its first ones
# (a few thousand rows at most) rather than collecting them all first.
TASK_SCAN_FROM = 1000
# The list filtered by a task walks the source's order while the page ends within this share of its
# matches: deeper, the walk passes more rows than collecting the task's commitments and sorting them.
TASK_SCAN_SHARE = 1 / 20
# The lists' order: the source's.
SOURCE_ORDER = ("statement__span_start", "number", "pk")


@require_safe
def healthz(request):
    """Liveness: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


def _get_conference(slug):
    return get_object_or_404(Conference, slug=slug)


def _render_dashboard(request, slug=None):
    """A conference's dashboard (the latest one's without ``slug``), with the switch to every conference.

    One query finds the conference and fills the switch: there is one conference a year."""
    conferences = list(Conference.objects.order_by("-held_on", "-pk"))
    if slug is None:
        if not conferences:
            return render(request, "policies/no_conference.html")
        conference = conferences[0]
    else:
        conference = next((c for c in conferences if c.slug == slug), None)
        if conference is None:
            raise Http404(gettext("没有这个会议。"))
    context = dashboard_stats(conference=conference)
    context["conferences"] = conferences
    charts = history.task_charts(context["tasks"])
    context["task_charts"] = [(task, charts[task.pk]) for task in context["tasks"] if task.pk in charts]
    return render(request, "policies/dashboard.html", context)


@require_safe
def readyz(request):
    """Readiness: the database answers (one query)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", content_type="text/plain", status=503)
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever the page's <link rel="icon"> says:
    the site's SVG icon (browsers go by the Content-Type, not by the name)."""
    path = finders.find("favicon.svg")
    with open(path, "rb") as icon:
        response = HttpResponse(icon.read(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@cache_public_page
@require_safe
def home(request):
    """The latest conference's dashboard, with a switch to the others and to all of them."""
    return _render_dashboard(request)


@cache_public_page
@require_safe
def conference_dashboard(request, slug):
    return _render_dashboard(request, slug)


@cache_public_page
@require_safe
def organization_list(request, slug):
    """A conference's organizations with their roll-ups, by group, a page of ORGANIZATIONS_PER_PAGE at a time:
    the whole of the dashboard's "各单位进展", which shows the first of each group."""
    conference = _get_conference(slug)
    group = request.GET.get("group") or None
    rows, groups = conference_organizations(conference=conference)
    unknown_group = group is not None and group not in {key for key, _, _ in groups}
    if group is not None and not unknown_group:
        rows = [row for row in rows if row[0] == group]
    page = Paginator(rows, ORGANIZATIONS_PER_PAGE).get_page(request.GET.get("page"))
    on_page = [(key, title, [row[2] for row in members])
               for (key, title), members in itertools.groupby(page.object_list, key=lambda row: row[:2])]
    return render(request, "policies/organization_list.html", {
        "conference": conference,
        "groups": groups,
        "group": None if unknown_group else group,
        "unknown_group": unknown_group,
        "page_obj": page,
        "groups_on_page": on_page,
    })


@cache_public_page
@require_safe
def conference_list(request):
    return render(request, "policies/conference_list.html", conference_overview())


@method_decorator([cache_public_page, require_safe], name="dispatch")
class CommitmentListView(FilterView):
    """All commitments (``/commitments/``), or one conference's (``/conferences/<slug>/commitments/``):
    the same FilterSet, with the conference taken from the URL."""

    filterset_class = CommitmentFilter
    template_name = "policies/commitment_list.html"
    context_object_name = "commitments"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        self.conference = _get_conference(kwargs["slug"]) if "slug" in kwargs else None
        return super().get(request, *args, **kwargs)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if self.conference is not None:
            kwargs["data"] = self.request.GET.copy()
            kwargs["data"]["conference"] = self.conference.slug
        return kwargs

    def get_queryset(self):
        # What the FilterSet narrows, counts and sorts, of which only a page's ids are read: the rows'
        # joins and lights come with the page (``paginate_queryset``). Building the light's annotation
        # cost 0.9 ms, and compiling it in each query more, for no row of the answer.
        return Commitment.objects.order_by(*SOURCE_ORDER)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["conference"] = self.conference
        # The words the search matched, for <mark>; none when the form refused the input.
        form = self.filterset.form
        query = form.cleaned_data.get("q") if form.is_valid() else ""
        context["search_terms"] = search.query_terms(query) if query else []
        context["query"] = query
        return context

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        _dress_filter_form(filterset.form, self.conference)
        return filterset

    def paginate_queryset(self, queryset, page_size):
        # A page number out of range or malformed shows the nearest page rather than an error:
        # people edit these URLs by hand and share them long after the data has changed.
        paginator = self.get_paginator(queryset, page_size)
        counted = self.filterset.known_count()
        if counted is not None:
            paginator.count = counted  # a cached_property: set, it is not counted again
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        # Two steps: the page's ids by the filtered, sorted query selecting nothing else, then those
        # rows with their joins and lights. In one query the database computed every match's light
        # and joins before sorting: 70 ms for a sort by progress at 100,000, 8 ms in two.
        elsewhere = self._ids_elsewhere(page, counted)
        ids = list(page.object_list.values_list("pk", flat=True) if elsewhere is None else elsewhere)
        page.object_list = Commitment.objects.for_listing().with_light(per_row=True).in_order_of(ids)
        return paginator, page, page.object_list, page.has_other_pages()

    def _ids_elsewhere(self, page, counted):
        """The page's ids found without the filtered query of the commitments, or None to run it.

        A search alone, in its own order: from the full-text index (``search.ranked_matches``). A key
        task's list with many commitments, unsorted, the page near its start: by walking the source's
        order (``under_task(scan=True)``); the first page of the 20,000 commitments in progress under T3
        at 100,000 took 36 ms collecting them on SQLite, 6 ms walking."""
        filterset, start, end = self.filterset, page.start_index() - 1, page.end_index()
        if not counted or not filterset.is_bound or filterset.form.cleaned_data.get("sort"):
            return None
        query = filterset.search_alone()
        if query is not None:
            return search.ranked_matches(query)[start:end]
        alone = filterset.task_alone()
        if alone is None or counted < TASK_SCAN_FROM or end > counted * TASK_SCAN_SHARE:
            return None
        task, status = alone
        rows = Commitment.objects.under_task(task, scan=True)
        if status:
            rows = rows.with_status_walked(status)
        return rows.order_by(*SOURCE_ORDER).values_list("pk", flat=True)[start:end]


def _dress_filter_form(form, conference):
    """Friendlier widgets for the page; the FilterSet itself stays the API's.

    On a conference's list the conference comes from the URL: its menu goes, and the task menu
    offers that conference's tasks only. The menus' options come from ``_menus``, read once per data
    version: about 830 options at any size of the data, five queries and 4 ms a page on SQLite."""
    if conference is not None:
        form.fields["conference"].widget = forms.HiddenInput()
    menus = per_data_version(f"list-menus:{conference.pk if conference else ''}", lambda: _menus(form, conference))
    for name, field in form.fields.items():
        # The help texts explain ids to API users; the page's menus need none, and a field with help
        # text points aria-describedby at it whether or not the page prints it.
        field.help_text = ""
        if isinstance(field, forms.ModelChoiceField):
            field.empty_label = gettext("全部")
        elif isinstance(field, forms.ChoiceField) and name != "sort":
            field.empty_label = gettext("全部")
            field.widget.choices = field.choices  # the widget copied the choices when the form was built
    form.fields["task"].widget = QuickSelect(choices=[("", gettext("全部")), *menus["task"]])
    for name, field in form.fields.items():
        if type(field.widget) is not forms.Select:
            continue
        choices = [("", field.empty_label), *menus[name]] if name in menus else field.widget.choices
        field.widget = QuickSelect(attrs=field.widget.attrs, choices=choices)


def _menus(form, conference):
    """{field name: [(value, label)]} of the list's menus read from the database: key tasks (of the
    conference), conferences, organizations and officials. Read as tuples: ModelChoiceIterator would
    build a model instance per option."""
    menus = {"task": task_choices(conference)}
    for name, field in form.fields.items():
        if not isinstance(field, forms.ModelChoiceField) or type(field.widget) is not forms.Select:
            continue
        if hasattr(field.queryset, "menu"):
            menus[name] = field.queryset.menu()
        else:
            menus[name] = [(str(value), label) for value, label in field.choices if value != ""]
    return menus


@cache_public_page(scope=lambda kwargs: f"commitment:{kwargs['pk']}")
@require_safe
def commitment_detail(request, pk):
    commitment = get_object_or_404(Commitment.objects.with_source_and_tasks().with_light(per_row=True), pk=pk)
    updates = list(commitment.updates.for_timeline().prefetch_related("evidence_files"))
    milestones = list(commitment.milestones.all())
    return render(
        request,
        "policies/commitment_detail.html",
        {"commitment": commitment, "updates": updates, "chart": history.commitment_chart(updates),
         "milestones": milestones},
    )


@require_safe
def evidence_file(request, pk):
    """An evidence file: public once its update is approved; before that only to the staff who may see
    the update. Never cached publicly, never sniffed, never rendered inline unless an image or a PDF."""
    row = get_object_or_404(EvidenceFile.objects.select_related("update__commitment"), pk=pk)
    public = row.update.review_state == ReviewState.APPROVED
    if not public and not (request.user.is_authenticated and request.user.is_staff
                           and can_see_update(request.user, row.update)):
        raise Http404(gettext("没有这个佐证文件，或它所在的进展尚未审核通过。"))
    response = FileResponse(row.file.open("rb"), as_attachment=not row.shown_inline, filename=row.original_name,
                            content_type=evidence.CONTENT_TYPES[row.kind])
    response["X-Content-Type-Options"] = "nosniff"
    # A PDF viewer runs in the page's origin: no scripts, no forms, nothing it could reach.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    return response


@cache_public_page(shows_progress=False)
@require_safe
def source_detail(request, conference_slug, slug):
    source = get_object_or_404(Source.objects.select_related("conference"), slug=slug, conference__slug=conference_slug)
    marks = Commitment.objects.filter(statement__source=source).only("pk", "span_start", "span_end", "summary")
    paragraphs = source_paragraphs(source.text, list(marks))
    return render(request, "policies/source_detail.html", {"source": source, "paragraphs": paragraphs})


@require_safe
def legacy_source(request, slug):
    """``/sources/<slug>/``, from before sources were named by their conference."""
    source = get_object_or_404(Source.objects.select_related("conference"), slug=slug)
    return redirect(source, permanent=True)


def _refuse_nul(code):
    if "\x00" in code:  # no code holds one, and PostgreSQL refuses it in a query
        raise Http404(gettext("没有这个重点任务。"))


@require_safe
def legacy_task(request, code):
    """``/tasks/<code>/``, from before conferences: the code in the oldest conference that has it."""
    _refuse_nul(code)
    task = KeyTask.objects.select_related("conference").filter(code=code).order_by("conference__held_on", "conference_id").first()
    if task is None:
        raise Http404(gettext("没有这个重点任务。"))
    return redirect(task, permanent=True)


@cache_public_page
@require_safe
def task_detail(request, conference_slug, code):
    _refuse_nul(code)
    task = (
        KeyTask.objects.select_related("parent__conference", "source__conference", "conference")
        .filter(code=code, conference__slug=conference_slug)
        .first()
    )
    if task is None:
        raise Http404(gettext("没有这个重点任务。"))
    rollups = {row.pk: row for row in KeyTask.objects.filter(Q(pk=task.pk) | Q(parent=task)).select_related("conference").with_rollup()}
    children = sorted((row for pk, row in rollups.items() if pk != task.pk), key=lambda row: (row.order, row.pk))
    # Bounded: the first rows in the order of the source; the list has them all, filterable. Their ids
    # first, as on the list: in one query every commitment under the task got its light before the sort.
    # A task with many commitments finds its first ones soonest by walking the source's order.
    task.family = list(rollups)  # the task and its sub-items: under_task names them
    many = rollups[task.pk].n_commitments > TASK_SCAN_FROM
    ids = list(
        Commitment.objects.under_task(task, scan=many).order_by(*SOURCE_ORDER)
        .values_list("pk", flat=True)[:TASK_PAGE_ROWS]
    )
    commitments = Commitment.objects.for_listing().with_light(per_row=True).in_order_of(ids)
    return render(
        request,
        "policies/task_detail.html",
        {
            "task": task,
            "rollup": rollups[task.pk],
            "children": children,
            "commitments": commitments,
            "list_url": _list_url(task.conference, task=task.code),
            "keywords": search.keywords_for_task(task),
            "keyword_filter": urlencode({"conference": task.conference.slug, "task": task.code}),
        },
    )


def _list_url(conference, **params):
    return f"{reverse('policies:conference_commitments', args=[conference.slug])}?{urlencode(params)}"


def _by_conference(commitments, **params):
    """One bounded section per conference, [(conference, stats, first rows, list URL)], and the totals."""
    sections = [
        (conference, stats, rows, _list_url(conference, **params))
        for conference, stats, rows in commitments_by_conference(commitments)
    ]
    return {"by_conference": sections, "stats": sum_stats([stats for _, stats, _, _ in sections])}


@cache_public_page(scope=lambda kwargs: f"organization:{kwargs['pk']}")
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
            **_by_conference(commitments, **{organization_parameter(organization): organization.pk}),
            "keywords": search.keywords_for_organization(organization),
            "keyword_filter": urlencode({"organization": organization.pk}),
        },
    )


@cache_public_page(scope=lambda kwargs: f"official:{kwargs['pk']}")
@require_safe
def official_detail(request, pk):
    official = get_object_or_404(Official.objects.select_related("organization"), pk=pk)
    commitments = Commitment.objects.filter(statement__official=official)
    # The latest OFFICIAL_STATEMENTS statements, each row also saying how many there are in all (one query).
    statements = list(
        official.statements.select_related("source__conference").annotate(in_all=Window(Count("pk")))
        .order_by("-source__conference__held_on", "span_start")[:OFFICIAL_STATEMENTS]
    )
    return render(
        request,
        "policies/official_detail.html",
        {
            "official": official,
            "statements": statements,
            "earlier_statements": statements[0].in_all - len(statements) if statements else 0,
            "all_commitments_url": f"{reverse('policies:commitments')}?{urlencode({'official': official.pk})}",
            **_by_conference(commitments, official=official.pk),
        },
    )
