"""The summary rows (``policies.models.summaries``) brought in step with the commitments, their approved
updates and their task links, in the same transaction as the write that changed them.

    progress_before(commitments)   read before ``refresh_progress`` recomputes them; then
    progress_changed(before)       each one's differences (status, percent, monthly changes) added to the
                                   rows of every task it is under: a few rows per approval, whatever the size
    tasks_changed(task_ids)        links to these tasks changed: their rows (and their parents') counted again
    organizations_changed(ids)     the lights of these organizations' commitments may have changed: their
                                   rows of today counted again (every organization's when the rows are older)
    rebuild()                      every task row from scratch, in set-based SQL (``manage.py rebuild_summaries``)

The organizations' rows hold the lights of one day, because a light turns red when a due date passes
without anything being written: ``manage.py count_lights``, run daily, counts them for the new day, and
until then (or whenever they are not of today) the dashboard counts the commitments themselves.

A commitment is under a task when it is linked to it or to one of its sub-items, once however many of
those links it has: the pairs (task, commitment) are made distinct (UNION) before anything is summed.
Status and percent change only through ``refresh_progress``; the links through the services, the admin
and the importer, each of which calls ``tasks_changed``. Due dates, milestones,
organizations and new or deleted commitments change through the admin and the importer, which call
``organizations_changed`` through ``policies.invalidation``. A write that goes around all of them
(``QuerySet.update()`` from a shell) leaves the dashboard's figures wrong until ``manage.py rebuild_summaries``.
"""

from collections import defaultdict

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from .choices import ReviewState
from .models import (
    Commitment,
    CommitmentMonth,
    KeyTask,
    Organization,
    OrganizationRollup,
    ProgressUpdate,
    TaskLink,
    TaskMonth,
    TaskRollup,
)

# Past this many commitments at once (a fixture load, the demo data), counting everything again in SQL
# costs less than reading each commitment's differences in Python.
DIFFERENCES_MAX = 2000
# Rows per multi-row INSERT, well under SQLite's limit of bound parameters.
BATCH = 500


def month_of(day):
    """The month a day counts in, as the summary rows store it: its first day."""
    return day.replace(day=1)


def monthly_changes(rows):
    """{commitment id: {month: change}} from approved updates ``rows`` [(commitment id, reported_on, percent)]
    in (commitment, reported_on, pk) order: each month's latest percent less the previous month's."""
    latest = defaultdict(dict)
    for commitment_id, reported_on, percent in rows:
        latest[commitment_id][month_of(reported_on)] = percent
    changes = {}
    for commitment_id, by_month in latest.items():
        previous, changes[commitment_id] = 0, {}
        for month, percent in by_month.items():  # in date order: the rows were
            changes[commitment_id][month] = percent - previous
            previous = percent
    return changes


def progress_before(commitments):
    """{id: (status, percent)} of ``commitments`` before their progress is recomputed, or None when they
    are too many to follow one by one (progress_changed then rebuilds everything)."""
    rows = list(commitments.order_by().values_list("pk", "status", "percent")[: DIFFERENCES_MAX + 1])
    if len(rows) > DIFFERENCES_MAX:
        return None
    return {pk: (status, percent) for pk, status, percent in rows}


def progress_changed(before, *, using=DEFAULT_DB_ALIAS):
    """Add the differences of the commitments in ``before`` (from progress_before) to their tasks' rows."""
    if before is None:
        rebuild(using=using)
        organizations_changed(None, using=using)
        return
    if not before:
        return
    ids = list(before)
    after, organizations = {}, set()
    for pk, status, percent, organization_id in (
        Commitment.objects.using(using).filter(pk__in=ids).values_list("pk", "status", "percent", "organization_id")
    ):
        after[pk] = (status, percent)
        organizations.add(organization_id)
    organizations_changed(organizations, using=using)
    old_months = defaultdict(dict)
    for commitment_id, month, change in (
        CommitmentMonth.objects.using(using).filter(commitment_id__in=ids).values_list("commitment_id", "month", "change")
    ):
        old_months[commitment_id][month] = change
    new_months = monthly_changes(
        ProgressUpdate.objects.using(using).approved().filter(commitment_id__in=ids)
        .order_by("commitment_id", "reported_on", "pk").values_list("commitment_id", "reported_on", "percent")
    )
    roots = _roots(ids, using)
    rollups = defaultdict(lambda: [0, 0])  # (task, status) → [commitments, percent_total]
    months = defaultdict(lambda: [0, 0])  # (task, month) → [change, entries]
    moved = []
    for pk in ids:
        old, new = before[pk], after.get(pk, before[pk])
        old_by_month, new_by_month = old_months.get(pk, {}), new_months.get(pk, {})
        if old_by_month != new_by_month:
            moved.append(pk)
        for task_id in roots.get(pk, ()):
            if old != new:
                _add(rollups[(task_id, old[0])], -1, -old[1])
                _add(rollups[(task_id, new[0])], 1, new[1])
            for month in old_by_month.keys() | new_by_month.keys():
                _add(months[(task_id, month)], new_by_month.get(month, 0) - old_by_month.get(month, 0),
                     (month in new_by_month) - (month in old_by_month))
    if moved:
        CommitmentMonth.objects.using(using).filter(commitment_id__in=moved).delete()
        CommitmentMonth.objects.using(using).bulk_create(
            CommitmentMonth(commitment_id=pk, month=month, change=change)
            for pk in moved for month, change in new_months.get(pk, {}).items()
        )
    connection = connections[using]
    with connection.cursor() as cursor:
        _add_rows(cursor, TaskRollup, ("task_id", "status"), ("commitments", "percent_total"), rollups)
        _add_rows(cursor, TaskMonth, ("task_id", "month"), ("change", "entries"), months)
    touched = {task_id for task_id, _ in rollups} | {task_id for task_id, _ in months}
    if touched:
        TaskRollup.objects.using(using).filter(task_id__in=touched, commitments=0).delete()
        TaskMonth.objects.using(using).filter(task_id__in=touched, entries=0).delete()


def _add(totals, *values):
    for i, value in enumerate(values):
        totals[i] += value


def _roots(ids, using):
    """{commitment id: ids of the tasks it is under} (each linked task, and its parent)."""
    roots = defaultdict(set)
    links = TaskLink.objects.using(using).filter(commitment_id__in=ids).values_list("commitment_id", "task_id", "task__parent_id")
    for commitment_id, task_id, parent_id in links:
        roots[commitment_id].add(task_id)
        if parent_id is not None:
            roots[commitment_id].add(parent_id)
    return roots


def _add_rows(cursor, model, keys, values, differences):
    """Add ``differences`` {key tuple: [value, ...]} to ``model``'s rows, inserting the missing ones:
    INSERT … ON CONFLICT DO UPDATE, which SQLite and PostgreSQL both understand."""
    rows = [(*key, *numbers) for key, numbers in differences.items() if any(numbers)]
    if not rows:
        return
    quote = cursor.db.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(name) for name in (*keys, *values))
    sums = ", ".join(f"{quote(name)} = {table}.{quote(name)} + excluded.{quote(name)}" for name in values)
    one = "(" + ", ".join(["%s"] * (len(keys) + len(values))) + ")"
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(batch))} "
            f"ON CONFLICT ({', '.join(quote(name) for name in keys)}) DO UPDATE SET {sums}",
            [value for row in batch for value in row],
        )


def tasks_changed(task_ids, *, using=DEFAULT_DB_ALIAS):
    """Count the rows of ``task_ids`` again, and of their parents (whose commitments include the
    sub-items'): call after adding, removing or moving links to them, or moving a task to another parent."""
    ids = {pk for pk in task_ids if pk is not None}
    if not ids:
        return
    parents = KeyTask.objects.using(using).filter(pk__in=ids, parent__isnull=False).values_list("parent_id", flat=True)
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        _recount(cursor, sorted(ids | set(parents)))


def rebuild(*, using=DEFAULT_DB_ALIAS):
    """Every summary row from scratch: a few set-based statements, whatever the number of rows."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        _recount_months(cursor)
        _recount(cursor, None)


def organizations_changed(organization_ids, *, using=DEFAULT_DB_ALIAS, today=None):
    """Count the rows of ``organization_ids`` again (every organization's for None), with the lights of today.

    Rows of an earlier day are never mixed with today's: when any row is of another day (the first write
    since midnight, before the daily count), every organization is counted. Each organization is counted in
    every conference it has commitments in, so that moving a commitment between two of them is counted
    when both are named. Rows are only written here; ``OrganizationRollup.objects.stat_rows`` reads them.

    The organizations counted are locked first (in id order, as the services lock commitments), so that two
    approvals in one organization count one after the other: otherwise, on PostgreSQL, the second deleted
    the rows the first had replaced but not yet committed, and its own rows collided with the first's.
    """
    today = today or timezone.localdate()
    rows = OrganizationRollup.objects.using(using)
    commitments = Commitment.objects.using(using)
    locked = Organization.objects.using(using).select_for_update().order_by("pk")
    with transaction.atomic(using=using):
        partial = organization_ids is not None and rows.filter(counted_on=today).exists() and not (
            rows.exclude(counted_on=today).exists()
        )
        if partial:
            ids = sorted({pk for pk in organization_ids if pk is not None})
            if not ids:
                return
            list(locked.filter(pk__in=ids).values_list("pk", flat=True))
            rows.filter(organization_id__in=ids).delete()
            commitments = commitments.filter(organization_id__in=ids)
        else:
            list(locked.values_list("pk", flat=True))
            rows.all().delete()
        conference = "statement__source__conference"
        rows.bulk_create(
            (
                OrganizationRollup(
                    conference_id=row[conference], organization_id=row["organization"], status=row["status"],
                    light=row["light"], commitments=row["n"], percent_total=row["percent_total"] or 0, counted_on=today,
                )
                for row in commitments.stat_groups(conference, "organization", today=today)
            ),
            batch_size=BATCH,
        )


# Each month's latest approved update of each commitment, less the one before it (LAG), in SQL; the
# month as its first day, in each database's words.
_MONTH = {
    "sqlite": "date(u.reported_on, 'start of month')",
    "postgresql": "CAST(date_trunc('month', u.reported_on) AS date)",
}


def _recount_months(cursor):
    quote = cursor.db.ops.quote_name
    table, updates = quote(CommitmentMonth._meta.db_table), quote(ProgressUpdate._meta.db_table)
    month = _MONTH[cursor.db.vendor]
    cursor.execute(f"DELETE FROM {table}")
    cursor.execute(
        f"INSERT INTO {table} (commitment_id, month, {quote('change')}) "
        "SELECT commitment_id, month, percent - COALESCE(LAG(percent) OVER (PARTITION BY commitment_id ORDER BY month), 0) "
        f"FROM (SELECT u.commitment_id, {month} AS month, u.percent, ROW_NUMBER() OVER ("
        f"PARTITION BY u.commitment_id, {month} ORDER BY u.reported_on DESC, u.id DESC) AS place "
        f"FROM {updates} u WHERE u.review_state = %s) latest WHERE place = 1",
        [ReviewState.APPROVED],
    )


def _recount(cursor, task_ids):
    """The task rows of ``task_ids`` (all tasks for None) from the distinct (task, commitment) pairs."""
    quote = cursor.db.ops.quote_name
    link, task, commitment, months = (
        quote(m._meta.db_table) for m in (TaskLink, KeyTask, Commitment, CommitmentMonth)
    )
    rollups, task_months = quote(TaskRollup._meta.db_table), quote(TaskMonth._meta.db_table)
    if task_ids is None:
        only, where, params = "", "", []
    else:
        marks = ", ".join(["%s"] * len(task_ids))
        only, where, params = f" WHERE task_id IN ({marks})", f"IN ({marks})", list(task_ids)
    pairs = (
        f"SELECT l.task_id AS root, l.commitment_id AS cid FROM {link} l"
        + (f" WHERE l.task_id {where}" if where else "")
        + f" UNION SELECT t.parent_id, l.commitment_id FROM {link} l JOIN {task} t ON t.id = l.task_id"
        + (f" WHERE t.parent_id {where}" if where else " WHERE t.parent_id IS NOT NULL")
    )
    pair_params = params * 2
    cursor.execute(f"DELETE FROM {rollups}{only}", params)
    cursor.execute(
        f"INSERT INTO {rollups} (task_id, status, commitments, percent_total) "
        f"SELECT p.root, c.status, COUNT(*), SUM(c.percent) FROM ({pairs}) p JOIN {commitment} c ON c.id = p.cid "
        "GROUP BY p.root, c.status",
        pair_params,
    )
    cursor.execute(f"DELETE FROM {task_months}{only}", params)
    cursor.execute(
        f"INSERT INTO {task_months} (task_id, month, {quote('change')}, entries) "
        f"SELECT p.root, m.month, SUM(m.{quote('change')}), COUNT(*) FROM ({pairs}) p "
        f"JOIN {months} m ON m.commitment_id = p.cid GROUP BY p.root, m.month",
        pair_params,
    )
