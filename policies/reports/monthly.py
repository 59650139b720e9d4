"""The figures of the monthly report, computed once here for every format.

A commitment's state at the end of a month is read from its history (simple-history rows, which every
approval, rejection, revision and close-out writes, see services._refresh): the last row on or before
that day. A commitment whose first history row is later (data loaded after the month) counts with
that first known state. The light is then worked out for that state and day with the rules of
``CommitmentQuerySet.with_light``, which only knows the present.
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from ..choices import CLOSED_STATUSES, LIGHT_ORDER, STATUS_ORDER, Light, Status
from ..ids import parse_id
from ..models import Commitment, Conference, KeyTask, Milestone, TaskLink


@dataclass(frozen=True)
class State:
    status: str
    percent: int
    last_update_on: datetime.date | None
    closed_on: datetime.date | None

    @property
    def words(self):
        closed = "，已销号" if self.closed_on else ""
        return f"{Status(self.status).label} {self.percent}%{closed}"


@dataclass
class Row:
    commitment: Commitment
    state: State
    before: State
    light: str
    next_due: datetime.date
    changed_by: str = ""
    changed_on: datetime.date | None = None
    change_reason: str = ""

    @property
    def changed(self):
        return self.state != self.before


@dataclass
class Group:
    name: str
    rows: list = field(default_factory=list)

    @property
    def total(self):
        return len(self.rows)

    def status_count(self, status):
        return sum(row.state.status == status for row in self.rows)

    def light_count(self, light):
        return sum(row.light == light for row in self.rows)

    @property
    def status_counts(self):
        return [self.status_count(status) for status in STATUS_ORDER]

    @property
    def light_counts(self):
        return [self.light_count(light) for light in LIGHT_ORDER]

    @property
    def avg_percent(self):
        return round(sum(row.state.percent for row in self.rows) / len(self.rows), 1) if self.rows else 0.0


@dataclass
class MonthlyReport:
    conference: Conference
    month: datetime.date  # its first day
    as_of: datetime.date
    rows: list
    organizations: list
    tasks: list

    @property
    def title(self):
        return f"{self.conference.name}承诺落实情况月报（{self.month.year}年{self.month.month}月）"

    @property
    def overall(self):
        return Group("全部承诺（不重复计）", self.rows)

    @property
    def changes(self):
        return [row for row in self.rows if row.changed]

    @property
    def red_list(self):
        return sorted((row for row in self.rows if row.light == Light.RED),
                      key=lambda row: (row.next_due, row.commitment.organization.name, row.commitment.pk))


STATUS_HEADERS = [Status(status).label for status in STATUS_ORDER]
LIGHT_HEADERS = [Light(light).label for light in LIGHT_ORDER]


def parse_month(value):
    """The first day of the month ``YYYY-MM``, or ValidationError."""
    try:
        return datetime.datetime.strptime((value or "").strip(), "%Y-%m").date()
    except ValueError:
        raise ValidationError(gettext("月份应写成 YYYY-MM，例如 2021-03；收到的是“%(value)s”。") % {"value": value}) from None


def find_conference(value):
    """A conference by id, by its slug (or one of its sources'), or by the date it was held (YYYY-MM-DD)."""
    value = (value or "").strip()
    queryset = Conference.objects.all()
    if parse_id(value) is not None:
        found = queryset.filter(pk=parse_id(value)).first()
    elif "\x00" in value:  # names nothing, and PostgreSQL refuses a NUL in a query
        found = None
    else:
        try:
            held_on = datetime.date.fromisoformat(value)
        except ValueError:
            found = (queryset.filter(slug=value).first()
                     or queryset.filter(sources__slug=value).first())
        else:
            found = queryset.filter(held_on=held_on).order_by("pk").first()
    if found is None:
        raise ValidationError(
            gettext("没有找到会议“%(value)s”：请给出会议的 id、标识、来源标识或召开日期（YYYY-MM-DD）。") % {"value": value}
        )
    return found


def _end_of(day):
    """The first instant after ``day`` in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def _state_at(records, moment):
    known = [record for record in records if record["history_date"] < moment]
    record = known[-1] if known else (records[0] if records else None)
    if record is None or record["history_type"] == "-":
        return None, None
    return State(record["status"], record["percent"], record["last_update_on"], record["closed_on"]), record


def light_on(state, *, due_date, milestones, day):
    """The light of a commitment in ``state`` on ``day``, with the rules of CommitmentQuerySet.with_light;
    also the date it was measured against (its next milestone not reached, else its due date)."""
    upcoming = sorted((m for m in milestones if m.target_percent > state.percent), key=lambda m: (m.due_on, m.target_percent))
    next_due = upcoming[0].due_on if upcoming else due_date
    next_target = upcoming[0].target_percent if upcoming else settings.WARNING_DUE_SOON_PERCENT
    if state.status == Status.NOT_REPORTED:
        return Light.NONE, next_due
    if state.status in CLOSED_STATUSES:
        return Light.GREY, next_due
    if next_due < day:
        return Light.RED, next_due
    if next_due <= day + datetime.timedelta(days=settings.WARNING_DUE_SOON_DAYS) and state.percent < next_target:
        return Light.YELLOW, next_due
    stale = day - datetime.timedelta(days=settings.WARNING_STALE_DAYS)
    if state.last_update_on and state.last_update_on < stale:
        return Light.YELLOW, next_due
    return Light.GREEN, next_due


def monthly_report(*, conference, month, today=None):
    """The report of ``conference`` for ``month`` (any day in it). Five queries, whatever the size:
    1 commitments, 2 milestones, 3 history rows, 4 top-level tasks, 5 task links."""
    month = month.replace(day=1)
    today = today or timezone.localdate()
    last_day = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    as_of = min(last_day, today)
    if month > today:
        raise ValidationError(gettext("%(year)s年%(month)s月还没有到，不能生成月报。") % {"year": month.year, "month": month.month})
    commitments = list(
        Commitment.objects.filter(statement__source__conference=conference)
        .select_related("organization").order_by("organization__name", "statement__span_start", "number")
    )
    ids = [c.pk for c in commitments]
    milestones = defaultdict(list)
    for milestone in Milestone.objects.filter(commitment_id__in=ids):
        milestones[milestone.commitment_id].append(milestone)
    history = defaultdict(list)
    for record in (Commitment.history.filter(id__in=ids).order_by("id", "history_date", "history_id")
                   .values("id", "history_date", "history_type", "history_change_reason", "history_user__username",
                           "status", "percent", "last_update_on", "closed_on")):
        history[record["id"]].append(record)

    end, start = _end_of(as_of), _end_of(month - datetime.timedelta(days=1))
    rows = []
    for commitment in commitments:
        records = history[commitment.pk]
        current = State(commitment.status, commitment.percent, commitment.last_update_on, commitment.closed_on)
        state, record = _state_at(records, end) if records else (current, None)
        if state is None:
            continue
        before, _ = _state_at(records, start) if records else (current, None)
        light, next_due = light_on(state, due_date=commitment.due_date, milestones=milestones[commitment.pk], day=as_of)
        row = Row(commitment, state, before or state, light, next_due)
        if row.changed and record is not None and start <= record["history_date"] < end:
            row.changed_by = record["history_user__username"] or ""
            row.changed_on = timezone.localtime(record["history_date"]).date()
            row.change_reason = record["history_change_reason"] or ""
        rows.append(row)

    organizations = defaultdict(list)
    for row in rows:
        organizations[row.commitment.organization.name].append(row)
    by_id = {row.commitment.pk: row for row in rows}
    top = list(KeyTask.objects.filter(conference=conference, parent__isnull=True).order_by("order"))
    under = defaultdict(set)
    for commitment_id, task_id, parent_id in TaskLink.objects.filter(commitment_id__in=ids).values_list(
            "commitment_id", "task_id", "task__parent_id"):
        under[parent_id or task_id].add(commitment_id)
    tasks = [Group(f"{task.code} {task.title}", [by_id[pk] for pk in sorted(under[task.pk]) if pk in by_id])
             for task in top]
    return MonthlyReport(
        conference=conference, month=month, as_of=as_of, rows=rows,
        organizations=[Group(name, group) for name, group in sorted(organizations.items())], tasks=tasks,
    )
