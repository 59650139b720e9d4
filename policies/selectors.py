"""Reads that are not chainable QuerySet methods: a page's whole context, choice lists, text layout.

They may use several models at once, which is why they are here and not in ``querysets``.
"""

import datetime

from django.db import connections
from django.db.models import Exists, F, OuterRef, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from .choices import LIGHT_ORDER, OPEN_STATUSES, ORGANIZATION_GROUPS, STATUS_ORDER, Light, Status
from .models import (
    Commitment, Conference, KeyTask, Milestone, Organization, OrganizationRollup, ProgressUpdate, Source, Statement,
)
from .querysets import rollups_by, summed_stats

# The most rows of one conference an organization's or official's page shows before linking to the list.
ROWS_PER_CONFERENCE = 20
# The most rows such a page shows over all its conferences: the newest conferences are given their rows until
# these are shown; the older ones (a city holds one conference a year) are summed up and linked to the list.
ROWS_PER_PAGE = 100
# How many of the latest approved updates, of any conference, the dashboard looks among first (_latest_updates).
RECENT_UPDATES = 1000
# How many organizations of each group the dashboard shows before linking to the conference's organizations page.
ORGANIZATIONS_SHOWN = 12
# How many organizations a page of the conference's organizations page shows.
ORGANIZATIONS_PER_PAGE = 100


def task_choices(conference=None):
    """[(value, label)] of the key tasks in printed order, each sub-item indented under its parent.

    The one list behind the public list's task menu and the admin's task filter. Within one
    conference the values are codes, so that a URL says which task it means; across several
    conferences codes repeat, so each conference is an option group and the values are ids.
    """
    tasks = KeyTask.objects.only("code", "title", "parent_id", "conference_id").order_by("order", "pk")
    if conference is not None:
        tasks = tasks.filter(conference=conference)
    tasks = list(tasks)
    conference_ids = {task.conference_id for task in tasks}
    if conference is not None or len(conference_ids) <= 1:
        return _task_options(tasks, value=lambda task: task.code)
    groups = []
    for conference in Conference.objects.filter(pk__in=conference_ids).order_by("held_on", "pk"):
        members = [task for task in tasks if task.conference_id == conference.pk]
        groups.append((str(conference), _task_options(members, value=lambda task: str(task.pk))))
    return groups


def _task_options(tasks, *, value):
    children = {}
    for task in tasks:
        children.setdefault(task.parent_id, []).append(task)
    choices = []
    for task in children.get(None, []):
        choices.append((value(task), f"{task.code} {task.title}"))
        choices += [(value(child), f"　└ {child.code} {child.title}") for child in children.get(task.pk, [])]
    return choices


def breakdown(stats, prefix, order, labels):
    """[(key, label, count)] for a stacked bar, in display order."""
    return [(key, labels[key], stats[f"{prefix}{key}"]) for key in order]


def dashboard_stats(*, conference, today=None, latest=8, red=12):
    """Everything a conference's dashboard shows, in a fixed number of queries whatever the data size.

    1 the organizations' rows by status and light (the totals and the organizations' roll-ups): their
    summary rows when they are of today, else (2) the commitments grouped the same way; 3 key tasks and
    their sub-items, 4 their roll-ups, 5 the organizations, 6 latest approved updates, 7 the first
    red-light commitments (``first_red``).
    """
    commitments = Commitment.objects.in_conference(conference)
    rows = _organization_rows(conference, today)
    totals = summed_stats(rows)
    tasks = _task_tree(conference)
    groups = _organization_groups(rows, shown=ORGANIZATIONS_SHOWN)
    updates = _latest_updates(commitments, latest, any_approved=totals["reported"] > 0)
    red_rows = first_red(conference, red, today)
    return {
        "conference": conference,
        "totals": totals,
        "status_breakdown": breakdown(totals, "status_", STATUS_ORDER, dict(Status.choices)),
        "light_breakdown": breakdown(totals, "light_", LIGHT_ORDER, dict(Light.choices)),
        "tasks": tasks,
        "organization_groups": groups,
        "latest_updates": updates,
        "red_commitments": red_rows,
    }


def _task_tree(conference):
    """The conference's top-level key tasks in printed order, each with its roll-up and its ``sub_items``:
    all of them read at once (two queries), each given the conference already at hand for its address."""
    tasks = list(KeyTask.objects.in_conference(conference).with_rollup().order_by("order", "pk"))
    children = {}
    for task in tasks:
        task.conference = conference
        children.setdefault(task.parent_id, []).append(task)
    top = children.get(None, [])
    for task in top:
        task.sub_items = children.get(task.pk, [])
    return top


def first_red(conference, n, today=None):
    """The first ``n`` red-light commitments of ``conference`` in (due date, percent, id) order, as list rows
    (``light`` set), in one query, without computing any light.

    An open commitment is red when the next milestone it has not reached is past due, or, with none left to
    reach, its due date is. Since a milestone is due by the due date, every open commitment past its due
    date is red but one with a milestone still to come (refused by its form, possible in the data): those
    come first, one scan per open status down the (status, due date, percent, id) index, each stopping at
    ``n``; then the not yet due with a milestone missed. Sorting every light cost 50 ms at 100,000.

    Written in SQL, because the ORM took ten times the database's time to build these four scans (5 ms on
    either database, against 0.5 ms to run them); the rows are then read by the ORM as a list reads them.
    """
    today = today or timezone.localdate()
    connection = connections[Commitment.objects.db]
    quote = connection.ops.quote_name
    commitment, statement, source, milestone = (
        quote(model._meta.db_table) for model in (Commitment, Statement, Source, Milestone)
    )
    day = connection.ops.adapt_datefield_value(today)
    columns = f"c.due_date, c.{quote('percent')}, c.id"
    mine = (
        f"EXISTS (SELECT 1 FROM {statement} s JOIN {source} so ON so.id = s.source_id "
        f"WHERE s.id = c.statement_id AND so.conference_id = %s)"
    )
    unreached = f"SELECT 1 FROM {milestone} m WHERE m.commitment_id = c.id AND m.target_percent > c.{quote('percent')}"
    missed = f"EXISTS ({unreached} AND m.due_on < %s)"
    scan = f"SELECT * FROM (SELECT {columns} FROM {commitment} c WHERE {{}} ORDER BY {columns} LIMIT %s) AS scan{{}}"
    scans, params = [], []
    for i, status in enumerate(OPEN_STATUSES):
        scans.append(scan.format(f"c.status = %s AND c.due_date < %s AND {mine} AND ({missed} OR NOT EXISTS ({unreached}))", i))
        params += [status, day, conference.pk, day, n]
    marks = ", ".join(["%s"] * len(OPEN_STATUSES))
    scans.append(scan.format(f"c.status IN ({marks}) AND c.due_date >= %s AND {mine} AND {missed}", len(OPEN_STATUSES)))
    params += [*OPEN_STATUSES, day, conference.pk, day, n]
    ids = RawSQL(f"SELECT id FROM ({' UNION ALL '.join(scans)}) AS red ORDER BY due_date, {quote('percent')}, id LIMIT %s",
                 [*params, n])
    rows = list(Commitment.objects.for_listing().filter(pk__in=ids).order_by("due_date", "percent", "pk"))
    for row in rows:
        row.light = Light.RED
    return rows


def _organization_rows(conference, today):
    """``stat_groups`` rows of the conference's commitments by organization: the organizations' summary
    rows when they are of today, else the commitments counted (one query, two when they are counted)."""
    rows = OrganizationRollup.objects.stat_rows(today, conference=conference)
    if rows is None:
        rows = list(Commitment.objects.in_conference(conference).stat_groups("organization", today=today))
    return rows


def _organization_groups(rows, shown=None):
    """[(key, title, organizations, count)] of ORGANIZATION_GROUPS that have commitments in ``rows``: the
    group's ``shown`` first organizations (all for None), the most advanced first, each given its roll-up
    (n_commitments, avg_percent, n_<status>), and how many the group has. Only the organizations shown are
    made model instances: the others are sorted as (pk, name, kind) rows."""
    rollups = rollups_by((row["organization"], row["status"], row["n"], row["percent_total"]) for row in rows)
    names = [row for row in Organization.objects.values_list("pk", "name", "kind") if row[0] in rollups]
    groups = []
    for title, kinds in ORGANIZATION_GROUPS:
        members = sorted((row for row in names if row[2] in kinds), key=lambda row: (-rollups[row[0]]["avg_percent"], row[1]))
        if members:
            organizations = []
            for pk, name, kind in members[:shown]:
                organization = Organization(pk=pk, name=name, kind=kind)
                organization.__dict__.update(rollups[pk])
                organizations.append(organization)
            groups.append((kinds[0], title, organizations, len(members)))
    return groups


def conference_organizations(*, conference, today=None):
    """Every organization with commitments in ``conference`` and its roll-up, by group, the most advanced
    first: [(key, title, organization)], and the groups [(key, title, count)] for the page's switch.
    Two queries (three when the commitments are counted)."""
    groups = _organization_groups(_organization_rows(conference, today))
    rows = [(key, title, o) for key, title, members, _ in groups for o in members]
    return rows, [(key, title, count) for key, title, _, count in groups]


def conference_overview(*, today=None):
    """Every conference with its totals, and the totals across all of them: two queries (three when the
    organizations' summary rows are not of today, and the commitments are counted instead)."""
    conferences = list(Conference.objects.order_by("-held_on", "-pk"))
    rows = OrganizationRollup.objects.stat_rows(today)
    if rows is None:
        by_conference = Commitment.objects.stats_by_conference(today)
    else:
        groups = {}
        for row in rows:
            groups.setdefault(row["conference"], []).append(row)
        by_conference = {pk: summed_stats(part) for pk, part in groups.items()}
    for conference in conferences:
        conference.stats = by_conference.get(conference.pk) or summed_stats([])
    totals = sum_stats([conference.stats for conference in conferences])
    return {
        "conferences": conferences,
        "totals": totals,
        "status_breakdown": breakdown(totals, "status_", STATUS_ORDER, dict(Status.choices)),
        "light_breakdown": breakdown(totals, "light_", LIGHT_ORDER, dict(Light.choices)),
    }


def _latest_updates(commitments, n, *, any_approved):
    """The ``n`` latest approved updates of ``commitments``: one query, two when they are old.

    First among the RECENT_UPDATES latest approved updates of any conference, each checked against
    its commitment (EXISTS) as the scan of the date index goes: 1–12 ms at 100,000. Asking for the
    conference's updates (IN) made SQLite read every approved update of the conference and sort them
    (0.12 s at 100,000), and the unbounded scan cost 4.9 s on SQLite for a conference with none, as a
    new conference is. Only when that window holds fewer than ``n`` of theirs (an older conference's
    page) are all their updates asked for, at the old cost. ``any_approved``: whether any of
    ``commitments`` has an approved update (is reported on), so that finding none needs no second look.
    """
    # The window starts at the date of the RECENT_UPDATES-th latest approved update, or at the beginning
    # when there are fewer: each row says which (window_from), so a short list is known complete or not.
    window_from = Coalesce(
        Subquery(ProgressUpdate.objects.approved().latest_first().values("reported_on")[RECENT_UPDATES - 1 :][:1]),
        Value(datetime.date.min),
    )
    mine = Exists(commitments.filter(pk=OuterRef("commitment_id")))
    updates = list(
        ProgressUpdate.objects.for_timeline().annotate(window_from=window_from)
        .filter(mine, reported_on__gte=F("window_from"))[:n]
    )
    if not any_approved:
        return updates
    if len(updates) < n and (not updates or updates[0].window_from != datetime.date.min):
        updates = list(ProgressUpdate.objects.for_timeline().filter(commitment__in=commitments)[:n])
    return updates


def sum_stats(parts):
    """The stats() of the union of disjoint parts, from the parts' own stats (no query)."""
    totals = summed_stats([])
    for part in parts:
        for key in totals:
            if key != "avg_percent":
                totals[key] += part[key]
    weighted = sum(part["avg_percent"] * part["total"] for part in parts)
    totals["avg_percent"] = round(weighted / totals["total"], 1) if totals["total"] else 0
    return totals


def commitments_by_conference(commitments, *, today=None):
    """[(conference, stats, first rows)] for the conferences ``commitments`` belong to, newest first.

    Bounded: at most ROWS_PER_CONFERENCE rows a conference, of the newest conferences only, ROWS_PER_PAGE in all,
    whatever the data and however many years it spans (the page links each conference to the list, for
    the rest). Three queries: stats per conference, the conferences, the first rows of those shown.
    """
    rows = ROWS_PER_CONFERENCE
    stats = commitments.stats_by_conference(today)
    conferences = list(Conference.objects.filter(pk__in=stats).order_by("-held_on", "-pk"))
    shown = conferences[: max(ROWS_PER_PAGE // rows, 1)]
    first = {}
    listed = commitments.filter(statement__source__conference__in=shown).first_per_conference(rows)
    for commitment in listed.for_listing().with_light(today, per_row=True):
        first.setdefault(commitment.conference_pk, []).append(commitment)
    return [(conference, stats[conference.pk], first.get(conference.pk, [])) for conference in conferences]


def _continues(previous, following):
    """Whether a blank line between two blocks is a column break inside a sentence, not a paragraph end.

    The page is set in narrow columns, and the transcription keeps a blank line at each column break.
    Joined: a block ending mid-sentence followed by a block of body text. Kept apart: headings and
    bylines (short blocks) and the infographic's items, which start with a title and a space.
    """
    if not previous or not following or previous[-1] in "。！？：；”":
        return False
    if previous[-1] in "，、":
        return True
    return len(previous) >= 20 and len(following) >= 20 and " " not in following[:16]


def source_paragraphs(text, marks):
    """The source's paragraphs, each a list of (text, commitment_or_None, is_first_piece) pieces.

    ``marks`` are objects with ``span_start``/``span_end`` in flat-text offsets (the text
    without "\\n"). Blocks are separated by blank lines in the raw text; a layout line break
    inside a block is dropped, as in the flat text, so offsets line up. A quote that runs over
    a paragraph break is cut into pieces; only the first piece carries the anchor.
    """
    blocks, offset = [], 0
    for raw in text.replace("\r", "").split("\n\n"):
        flat = raw.replace("\n", "")
        if flat.strip():
            if blocks and blocks[-1][0] + len(blocks[-1][1]) == offset and _continues(blocks[-1][1], flat):
                blocks[-1] = (blocks[-1][0], blocks[-1][1] + flat)
            else:
                blocks.append((offset, flat))
        offset += len(flat)

    marks = sorted(marks, key=lambda m: (m.span_start, m.span_end))
    paragraphs, started = [], set()
    for start, flat in blocks:
        end = start + len(flat)
        pieces, cursor = [], start
        for mark in marks:
            if mark.span_end <= start or mark.span_start >= end:
                continue
            lo, hi = max(mark.span_start, cursor), min(mark.span_end, end)
            if lo >= hi:  # overlaps one already marked; the earlier mark keeps the text
                continue
            if lo > cursor:
                pieces.append((flat[cursor - start : lo - start], None, False))
            pieces.append((flat[lo - start : hi - start], mark, mark.pk not in started))
            started.add(mark.pk)
            cursor = hi
        if cursor < end:
            pieces.append((flat[cursor - start :], None, False))
        paragraphs.append(pieces)
    return paragraphs
