"""Read logic: chainable QuerySet methods used by pages, API, admin and exports.

Nothing here imports a model: a queryset reaches its own model as ``self.model`` and a related one
through the field that leads to it (``_related``), so models import querysets and never the reverse.
Reads that are not chainable methods (the dashboard, the source's paragraphs) are in ``selectors``.
"""

import datetime

from django.conf import settings
from django.db import connections, models
from django.db.models import Case, Count, F, OuterRef, Prefetch, Q, Sum, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.db.models.query import ModelIterable
from django.utils import timezone

from .choices import CLOSED_STATUSES, LIGHT_ORDER, STATUS_ORDER, Light, ReviewState, Status
from .ids import parse_id


def _related(model, field_name):
    """The model at the other end of ``model.field_name`` (a foreign key, many-to-many or reverse relation)."""
    return model._meta.get_field(field_name).related_model


class ConferenceQuerySet(models.QuerySet):
    def resolve(self, value):
        """The conference named by an id or a slug ("3" or "2020-12-29"), or None."""
        value = str(value or "").strip()
        if not value or "\x00" in value:
            return None
        pk = parse_id(value)
        return self.filter(**({"pk": pk} if pk is not None else {"slug": value})).first()

    def with_counts(self):
        """Annotate ``n_commitments`` and ``n_reported`` (those with any approved progress report)."""
        commitments = "sources__statements__commitments"
        return self.annotate(
            n_commitments=Count(commitments),
            n_reported=Count(commitments, filter=~Q(**{f"{commitments}__status": Status.NOT_REPORTED})),
        )


class KeyTaskQuerySet(models.QuerySet):
    def in_conference(self, conference):
        return self.filter(conference=conference)

    def top_level(self):
        return self.filter(parent__isnull=True)

    def tree(self):
        """Top-level tasks with their sub-items prefetched, in printed order."""
        children = self.model.objects.select_related("conference").order_by("order")
        return self.top_level().select_related("conference").prefetch_related(Prefetch("children", queryset=children))

    def resolve(self, value, conference=None):
        """The task named by an id or a code ("12" or "T2.1"), or None.

        Codes are unique within a conference only. A code is looked up in ``conference`` when given;
        without one it means the oldest conference that has the code, because unscoped codes
        (``/tasks/T1/``, ``?task=T1``) were minted when the first conference was the only one.
        """
        return self.resolve_family(value, conference)

    def resolve_family(self, value, conference=None):
        """``resolve()``'s task, with ``family`` set: the ids of the task and of its sub-items, read in the
        same query (``under_task`` then names them instead of looking each link's task up)."""
        value = str(value or "").strip()
        if not value or "\x00" in value:  # no code holds a NUL, and PostgreSQL refuses one in a query
            return None
        pk = parse_id(value)
        named, parent_named = (Q(pk=pk), Q(parent=pk)) if pk is not None else (Q(code=value), Q(parent__code=value))
        if conference is not None:
            named, parent_named = named & Q(conference=conference), parent_named & Q(parent__conference=conference)
        rows = list(
            self.filter(named | parent_named).annotate(is_named=Case(When(named, then=True), default=False))
            .order_by("conference__held_on", "conference_id", "pk")
        )
        task = next((row for row in rows if row.is_named), None)
        if task is not None:
            task.family = [task.pk, *(row.pk for row in rows if row.parent_id == task.pk)]
        return task

    _rollup_conference = None

    def with_rollup(self, conference=None):
        """Give each task the roll-up of the commitments under it (sub-items included, each commitment once).

        Sets ``n_commitments``, ``avg_percent`` and ``n_<status>`` on every task fetched, from one
        more query run once the tasks are fetched (``_task_rollups``). ``conference`` narrows the
        commitments counted to that conference's.
        """
        queryset = self._chain()
        queryset._iterable_class = _RollupIterable
        queryset._rollup_conference = conference
        return queryset

    def _clone(self):
        clone = super()._clone()
        clone._rollup_conference = self._rollup_conference
        return clone


class CommitmentQuerySet(models.QuerySet):
    def for_listing(self):
        """What a list row shows (organization, official); not the statement's or the source's long text."""
        return self.select_related("organization", "statement__official").defer("statement__text")

    def in_conference(self, conference):
        """Commitments quoted in a source of ``conference``."""
        return self.filter(statement__source__conference=conference)

    def stat_groups(self, *by, today=None):
        """Rows of (fields ``by``…, status, light, n, percent_total): these commitments counted in one GROUP BY.

        The light is computed once a row this way: fifteen filtered counts repeated its CASE (and its
        milestone lookups) once a count, 0.1–0.2 s at 100,000 on either database. ``summed_stats``
        turns rows into stats(); grouped by organization too, the same rows give the dashboard's
        organization roll-up, so one pass over the commitments serves both.
        """
        return (
            self.order_by().with_light(today).values(*by, "status", "light")
            .annotate(n=Count("pk"), percent_total=Sum("percent"))
        )

    def stats(self, today=None):
        """Totals over this queryset in one query: count, average percent, per status, per light,
        and ``reported``, how many have any approved progress report."""
        return summed_stats(self.stat_groups(today=today))

    def stats_by_conference(self, today=None):
        """{conference id: stats()} for the conferences these commitments belong to, in one query."""
        groups = {}
        conference = "statement__source__conference"
        for row in self.stat_groups(conference, today=today):
            groups.setdefault(row[conference], []).append(row)
        return {pk: summed_stats(rows) for pk, rows in groups.items()}

    def first_per_conference(self, n):
        """At most ``n`` rows of each conference, in the order of the source, in one query.

        The window picks their ids in a subquery, so that a chained ``with_light()`` is computed for those
        rows only: over the whole set it was, before the window kept the first (10 ms for an
        organization's 600 commitments at 100,000 on SQLite, 6 ms this way)."""
        ordering = ["statement__span_start", "number", "pk"]
        firsts = self.annotate(
            place=Window(RowNumber(), partition_by=F("statement__source__conference"), order_by=ordering),
        ).filter(place__lte=n)
        return (
            self.model.objects.using(self.db).filter(pk__in=firsts.values("pk"))
            .annotate(conference_pk=F("statement__source__conference"))
            .order_by("conference_pk", *ordering)
        )

    def with_source_and_tasks(self):
        """A row with its source and its key tasks (with their parents): the commitment page, task page, API."""
        KeyTask = _related(self.model, "tasks")
        related = ("organization", "statement__official", "statement__source__conference")
        tasks = KeyTask.objects.select_related("conference", "parent__conference").order_by("order")
        return self.select_related(*related).prefetch_related(Prefetch("tasks", queryset=tasks))

    def in_order_of(self, ids):
        """The rows of ``ids`` in that order (a page whose ids a sorted query found first), leaving out any
        deleted since."""
        rows = self.order_by().in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]

    def for_api(self):
        """What the API's rows show (organization, official, source and conference slugs, ``linked_tasks``
        with their parents): not the statement's text, nor the source's, which is the whole article on every
        row, nor the tasks' conferences. The tasks as a list (``to_attr``): prefetched into each row's
        manager, they cost a filtered queryset built for each row, a tenth of the API's page."""
        KeyTask = _related(self.model, "tasks")
        tasks = KeyTask.objects.select_related("parent").order_by("order")
        return (
            self.select_related("organization", "statement__official", "statement__source__conference")
            .defer("statement__text", "statement__source__text", "statement__source__titles")
            .prefetch_related(Prefetch("tasks", queryset=tasks, to_attr="linked_tasks"))
        )

    def under_task(self, task, *, scan=False):
        """Commitments linked to ``task`` or to any of its sub-items.

        By default the task's commitments are collected first (IN): right for counting them and for a
        task with few. ``scan=True`` tests each row as it comes (EXISTS): right for the first rows, in
        the source's order, of a task with many, where collecting its 36,000 commitments at 100,000
        before sorting cost 38 ms and the scan 6 ms.
        """
        # The tasks first, then their links: an OR across the join to the task (task, or its parent)
        # kept the links' (task, commitment) index out of use, 0.13 s per count at 100,000. Named by id
        # when the task came with its ``family`` (KeyTaskQuerySet.resolve_family): PostgreSQL looked each
        # link's task up for the subquery, a fifth of a walk's time.
        KeyTask, TaskLink = _related(self.model, "tasks"), _related(self.model, "links")
        tasks = getattr(task, "family", None) or KeyTask.objects.filter(Q(pk=task.pk) | Q(parent=task.pk)).values("pk")
        if scan:
            return self.filter(models.Exists(TaskLink.objects.filter(commitment=OuterRef("pk"), task__in=tasks)))
        return self.filter(pk__in=TaskLink.objects.filter(task__in=tasks).values("commitment"))

    def with_status_walked(self, status):
        """Only commitments of ``status``, for a query that walks the source's order to its first rows
        (``under_task(scan=True)``, sliced). SQLite's planner, which does not weigh the LIMIT, would rather
        collect every commitment of the status through its index and sort them (100 ms for the first page
        of a task's 20,000 in progress at 100,000): compared through COALESCE, which no index serves, the
        status is tested on each row as the walk reaches it (6 ms). PostgreSQL walks anyway, and COALESCE
        would only spoil its estimate of how many rows match."""
        if connections[self.db].vendor == "sqlite":
            return self.alias(walked_status=Coalesce(F("status"), Value(""))).filter(walked_status=status)
        return self.filter(status=status)

    def with_light(self, today=None, *, per_row=False):
        """Annotate ``light``: the warning light, from due date, progress and freshness of approved updates.

        none: no approved report yet (whatever the date: nothing known is not a finding);
        grey: closed (completed or not kept); red: past due (or past its next milestone); yellow: due
        (or its next milestone due) within WARNING_DUE_SOON_DAYS and under WARNING_DUE_SOON_PERCENT
        (or the milestone's target), or no approved update for WARNING_STALE_DAYS since the last one;
        green otherwise.

        ``per_row=True`` for a few rows known by id (a page's): each looks up its next milestone itself,
        without first finding every commitment that has milestones (see below). The same lights; a query
        half as long to build and compile: 1 of the 2 ms a light added to a list page's rows on SQLite.
        """
        today = today or timezone.localdate()
        soon = today + datetime.timedelta(days=settings.WARNING_DUE_SOON_DAYS)
        stale = today - datetime.timedelta(days=settings.WARNING_STALE_DAYS)
        # With milestones, the next one not yet reached stands in for the due date and its target for
        # WARNING_DUE_SOON_PERCENT; without (or once all are reached), the commitment's own due date.
        # The commitments with milestones are found once per query (an uncorrelated IN, which both
        # databases evaluate once), and only they look up their next milestone row by row: the lookup
        # for every row cost 0.5 s of the 0.6 s of the totals by conference at 100,000.
        Milestone = _related(self.model, "milestones")
        upcoming = Milestone.objects.filter(commitment=OuterRef("pk"), target_percent__gt=OuterRef("percent"))
        upcoming = upcoming.order_by("due_on", "target_percent")
        next_due = Coalesce(models.Subquery(upcoming.values("due_on")[:1]), F("due_date"))
        next_target = Coalesce(
            models.Subquery(upcoming.values("target_percent")[:1]), Value(settings.WARNING_DUE_SOON_PERCENT)
        )
        if not per_row:
            planned = Q(pk__in=Milestone.objects.values("commitment"))
            next_due = Case(When(planned, then=next_due), default=F("due_date"))
            next_target = Case(When(planned, then=next_target), default=Value(settings.WARNING_DUE_SOON_PERCENT))
        return self.annotate(next_due=next_due, next_target=next_target).annotate(
            light=Case(
                When(status=Status.NOT_REPORTED, then=Value(Light.NONE)),
                When(status__in=CLOSED_STATUSES, then=Value(Light.GREY)),
                When(next_due__lt=today, then=Value(Light.RED)),
                When(Q(next_due__lte=soon) & Q(percent__lt=F("next_target")), then=Value(Light.YELLOW)),
                When(last_update_on__lt=stale, then=Value(Light.YELLOW)),
                default=Value(Light.GREEN),
                output_field=models.CharField(),
            )
        )


def summed_stats(rows):
    """stats() from ``stat_groups`` rows (of one set of commitments): sums, no query."""
    keys = ["total", *(f"status_{status}" for status in STATUS_ORDER), *(f"light_{light}" for light in LIGHT_ORDER)]
    stats = dict.fromkeys(keys, 0)
    percent_total = 0
    statuses = {status: f"status_{status}" for status in STATUS_ORDER}
    lights = {light: f"light_{light}" for light in LIGHT_ORDER}
    for row in rows:
        n = row["n"]
        stats["total"] += n
        stats[statuses[row["status"]]] += n
        stats[lights[row["light"]]] += n
        percent_total += row["percent_total"]
    stats["reported"] = stats["total"] - stats[f"status_{Status.NOT_REPORTED}"]
    stats["avg_percent"] = round(percent_total / stats["total"], 1) if stats["total"] else 0
    return stats


class ProgressUpdateQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(review_state=ReviewState.APPROVED)

    def latest_first(self):
        return self.order_by("-reported_on", "-id")

    def for_timeline(self):
        return self.approved().latest_first().select_related("commitment__organization")


class _RollupIterable(ModelIterable):
    """Fetched tasks, each given its roll-up by one more query (``KeyTaskQuerySet.with_rollup``)."""

    def __iter__(self):
        tasks = list(super().__iter__())
        queryset = self.queryset
        figures = _task_rollups(queryset.model, [task.pk for task in tasks], queryset.db, queryset._rollup_conference)
        empty = {"n_commitments": 0, "avg_percent": 0.0, **{f"n_{status}": 0 for status in STATUS_ORDER}}
        for task in tasks:
            task.__dict__.update(figures.get(task.pk, empty))
        yield from tasks


def _task_rollups(task_model, task_ids, using, conference=None):
    """{task id: roll-up} for these tasks, in one query whatever the number of commitments.

    A commitment counts once under a task, whether it is linked to the task itself, to one or
    several of its sub-items, or both. Without ``conference``, the figures are the tasks' summary
    rows, a few per task, kept current beside refresh_progress (``policies.summaries``): grouping the
    commitments themselves cost 0.3 s on SQLite at 100,000. Narrowed to a conference (no page asks
    for it), they are grouped from the distinct (task, commitment) pairs (UNION) of the tasks asked for.
    """
    if not task_ids:
        return {}
    if conference is None:
        return _summed_rollups(task_model, task_ids, using)
    Commitment, TaskLink = _related(task_model, "commitments"), _related(task_model, "links")
    connection = connections[using]
    quote = connection.ops.quote_name
    link, task, commitment = (quote(m._meta.db_table) for m in (TaskLink, task_model, Commitment))
    marks = ", ".join(["%s"] * len(task_ids))
    counts = "".join(", SUM(CASE WHEN c.status = %s THEN 1 ELSE 0 END)" for _ in STATUS_ORDER)
    narrow, narrow_params = "", []
    if conference is not None:
        ids = Commitment.objects.using(using).filter(statement__source__conference=conference).values("pk")
        ids_sql, narrow_params = ids.query.sql_with_params()
        narrow = f" WHERE c.id IN ({ids_sql})"
    sql = (
        f"SELECT p.root, COUNT(*), AVG(c.percent){counts} FROM ("
        f"SELECT l.task_id AS root, l.commitment_id AS cid FROM {link} l WHERE l.task_id IN ({marks}) "
        f"UNION SELECT t.parent_id, l.commitment_id FROM {link} l JOIN {task} t ON t.id = l.task_id "
        f"WHERE t.parent_id IN ({marks})"
        f") p JOIN {commitment} c ON c.id = p.cid{narrow} GROUP BY p.root"
    )
    params = [*STATUS_ORDER, *task_ids, *task_ids, *narrow_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    figures = {}
    for root, total, average, *per_status in rows:
        figures[root] = {
            "n_commitments": total,
            "avg_percent": float(average or 0),
            **{f"n_{status}": int(n or 0) for status, n in zip(STATUS_ORDER, per_status, strict=True)},
        }
    return figures


def _summed_rollups(task_model, task_ids, using):
    """{task id: roll-up} from the tasks' rows of (status, commitments, sum of percents)."""
    rows = _related(task_model, "rollups").objects.using(using).filter(task_id__in=task_ids)
    return rollups_by(rows.values_list("task_id", "status", "commitments", "percent_total"))


def rollups_by(rows):
    """{key: n_commitments, avg_percent and n_<status>} from rows of (key, status, count, sum of percents):
    the tasks' summary rows, or ``stat_groups`` rows of commitments grouped by organization."""
    empty = {"n_commitments": 0, "percent_total": 0, **{f"n_{s}": 0 for s in STATUS_ORDER}}
    named = {s: f"n_{s}" for s in STATUS_ORDER}
    totals = {}
    for key, status, n, percent_total in rows:
        figures = totals.get(key)
        if figures is None:  # not setdefault: that built the empty figures for every row
            figures = totals[key] = dict(empty)
        figures["n_commitments"] += n
        figures["percent_total"] += percent_total
        figures[named[status]] += n
    for figures in totals.values():
        figures["avg_percent"] = figures.pop("percent_total") / figures["n_commitments"]
    return totals


class OrganizationQuerySet(models.QuerySet):
    def menu(self):
        """(pk, name) of each, for a <select>: read as tuples, not as one model instance per option."""
        return list(self.values_list("pk", "name"))

    def in_conference(self, conference):
        """Organizations with commitments in ``conference``."""
        return self.filter(pk__in=_related(self.model, "commitments").objects.in_conference(conference).values("organization"))


class OfficialQuerySet(models.QuerySet):
    def menu(self):
        """(pk, label) of each, for a <select>, labelled as ``str(official)`` is."""
        pattern = self.model.label_pattern()
        return [(pk, pattern % {"name": name, "title": title}) for pk, name, title in self.values_list("pk", "name", "title")]

    def in_conference(self, conference):
        """Officials quoted in a source of ``conference``."""
        statements = _related(self.model, "statements").objects.filter(source__conference=conference)
        return self.filter(pk__in=statements.values("official"))


class OrganizationRollupQuerySet(models.QuerySet):
    def of_day(self, today=None):
        """The rows counted on ``today`` (the local date by default): the only ones a page may read, since a
        light depends on the day. Every row is of one day, so none found means the rows are of another."""
        return self.order_by().filter(counted_on=today or timezone.localdate())

    def stat_rows(self, today=None, *, conference=None):
        """``stat_groups`` rows (conference, organization, status, light, n, percent_total) of the organizations'
        summary rows, or None when they are not of ``today``: then only the commitments themselves know.

        A few rows per organization, whatever the number of commitments. Every row is of one day (see
        ``policies.summaries.organizations_changed``), so finding any of today's is finding all of them; none
        (counted on another day, nothing counted yet, or a conference without commitments) is None, and
        counting the commitments costs nothing when there are none.
        """
        rows = self.of_day(today)
        if conference is not None:
            rows = rows.filter(conference=conference)
        rows = list(rows.values("conference", "organization", "status", "light", "percent_total", n=F("commitments")))
        return rows or None
