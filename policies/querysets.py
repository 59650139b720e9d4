"""Read logic: chainable QuerySet methods used by pages, API, admin and exports."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Avg, Case, Count, F, OuterRef, Prefetch, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

CLOSED_STATUSES = ("completed", "not_kept")
# Display order on the public pages: good news first, then what needs attention.
STATUS_ORDER = ("completed", "in_progress", "behind", "not_started", "not_kept")
LIGHT_ORDER = ("red", "yellow", "green", "grey")
# The dashboard groups organizations as the newspaper does: districts and counties together.
ORGANIZATION_GROUPS = (
    ("区县", ("district", "county")),
    ("市级部门", ("department",)),
    ("开发区", ("zone",)),
    ("企业", ("enterprise",)),
)


class KeyTaskQuerySet(models.QuerySet):
    def top_level(self):
        return self.filter(parent__isnull=True)

    def tree(self):
        """Top-level tasks with their sub-items prefetched, in printed order."""
        return self.top_level().prefetch_related(Prefetch("children", queryset=self.model.objects.order_by("order")))

    def resolve(self, value):
        """The task named by an id or a code ("12" or "T2.1"), or None."""
        value = (value or "").strip()
        if not value:
            return None
        lookup = {"pk": int(value)} if value.isdigit() else {"code": value}
        return self.filter(**lookup).first()

    def with_rollup(self):
        """Annotate each task with the roll-up of the commitments under it (sub-items included)."""
        return self.annotate(**_rollup_annotations(_commitments_under_outer_task()))


class CommitmentQuerySet(models.QuerySet):
    def for_cards(self):
        """What a list row shows (organization, official); not the statement's or the source's long text."""
        return self.select_related("organization", "statement__official").defer("statement__text")

    def stats(self, today=None):
        """Totals over this queryset in one query: count, average percent, per status, per light."""
        rows = self.order_by().with_light(today)
        aggregates = {"total": Count("pk"), "avg_percent": Avg("percent")}
        for status in STATUS_ORDER:
            aggregates[f"status_{status}"] = Count("pk", filter=Q(status=status))
        for light in LIGHT_ORDER:
            aggregates[f"light_{light}"] = Count("pk", filter=Q(light=light))
        result = rows.aggregate(**aggregates)
        result["avg_percent"] = round(result["avg_percent"] or 0, 1)
        return result

    def for_listing(self):
        from .models import KeyTask

        return self.select_related("organization", "statement__official", "statement__source").prefetch_related(
            Prefetch("tasks", queryset=KeyTask.objects.select_related("parent").order_by("order"))
        )

    def under_task(self, task):
        """Commitments linked to ``task`` or to any of its sub-items."""
        from .models import TaskLink

        links = TaskLink.objects.filter(Q(task=task) | Q(task__parent=task))
        return self.filter(pk__in=links.values("commitment"))

    def with_light(self, today=None):
        """Annotate ``light``: the warning light, from due date, progress and freshness of approved updates.

        grey: closed (completed or not kept); red: past due (or past its next milestone); yellow: due
        (or its next milestone due) within WARNING_DUE_SOON_DAYS and under WARNING_DUE_SOON_PERCENT
        (or the milestone's target), or no approved
        update for WARNING_STALE_DAYS (counted from publication when there is none); green otherwise.
        """
        from .models import Milestone

        today = today or timezone.localdate()
        soon = today + datetime.timedelta(days=settings.WARNING_DUE_SOON_DAYS)
        stale = today - datetime.timedelta(days=settings.WARNING_STALE_DAYS)
        # With milestones, the next one not yet reached stands in for the due date and its target for
        # WARNING_DUE_SOON_PERCENT; without (or once all are reached), the commitment's own due date.
        upcoming = Milestone.objects.filter(commitment=OuterRef("pk"), target_percent__gt=OuterRef("percent"))
        upcoming = upcoming.order_by("due_on", "target_percent")
        return self.annotate(
            next_due=Coalesce(models.Subquery(upcoming.values("due_on")[:1]), F("due_date")),
            next_target=Coalesce(
                models.Subquery(upcoming.values("target_percent")[:1]), Value(settings.WARNING_DUE_SOON_PERCENT)
            ),
        ).annotate(
            light=Case(
                When(status__in=CLOSED_STATUSES, then=Value("grey")),
                When(next_due__lt=today, then=Value("red")),
                When(Q(next_due__lte=soon) & Q(percent__lt=F("next_target")), then=Value("yellow")),
                When(
                    Q(last_update_on__lt=stale)
                    | Q(last_update_on__isnull=True, statement__source__published_on__lt=stale),
                    then=Value("yellow"),
                ),
                default=Value("green"),
                output_field=models.CharField(),
            )
        )


class ProgressUpdateQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(review_state="approved")

    def latest_first(self):
        return self.order_by("-reported_on", "-id")

    def for_timeline(self):
        return self.approved().latest_first().select_related("commitment__organization")


class _Scalar(models.Func):
    """An aggregate function used inside a correlated subquery.

    Not flagged as an aggregate, so Django adds no GROUP BY: the subquery returns one row,
    which is what a roll-up per outer row needs (a GROUP BY on a constant would be read by
    PostgreSQL as a column position).
    """

    contains_aggregate = False


def _rollup_annotations(commitments):
    """Count, average and per-status counts over ``commitments`` (a correlated queryset)."""
    commitments = commitments.order_by()

    def scalar(function, expression, output, **where):
        rows = commitments.filter(**where) if where else commitments
        value = rows.annotate(v=_Scalar(expression, function=function, output_field=output)).values("v")[:1]
        return Coalesce(models.Subquery(value, output_field=output), Value(0), output_field=output)

    annotations = {
        "n_commitments": scalar("COUNT", F("pk"), models.IntegerField()),
        "avg_percent": scalar("AVG", F("percent"), models.FloatField()),
    }
    for status in STATUS_ORDER:
        annotations[f"n_{status}"] = scalar("COUNT", F("pk"), models.IntegerField(), status=status)
    return annotations


def _commitments_under_outer_task():
    """Commitments linked to the outer task or to one of its sub-items, each once."""
    from .models import Commitment, TaskLink

    outer = OuterRef(OuterRef("pk"))
    links = TaskLink.objects.filter(Q(task=outer) | Q(task__parent=outer)).values("commitment")
    return Commitment.objects.filter(pk__in=links)


class OrganizationQuerySet(models.QuerySet):
    def with_rollup(self):
        """Annotate count, average progress and per-status counts of each organization's commitments."""
        annotations = {
            "n_commitments": Count("commitments"),
            "avg_percent": Coalesce(Avg("commitments__percent"), Value(0.0), output_field=models.FloatField()),
        }
        for status in STATUS_ORDER:
            annotations[f"n_{status}"] = Count("commitments", filter=Q(commitments__status=status))
        return self.annotate(**annotations)


def breakdown(stats, prefix, order, labels):
    """[(key, label, count)] for a stacked bar, in display order."""
    return [(key, labels[key], stats[f"{prefix}{key}"]) for key in order]


def dashboard_stats(*, today=None, latest=8, red=12):
    """Everything the dashboard shows, in a fixed number of queries whatever the data size.

    1 totals, 2 key tasks with roll-ups, 3 their sub-items, 4 organizations with roll-ups,
    5 latest approved updates, 6 the first red-light commitments.
    """
    from .models import Commitment, KeyTask, Light, Organization, ProgressUpdate, Status

    totals = Commitment.objects.all().stats(today)
    tasks = list(
        KeyTask.objects.top_level()
        .with_rollup()
        .prefetch_related(Prefetch("children", queryset=KeyTask.objects.order_by("order", "pk")))
        .order_by("order", "pk")
    )
    organizations = list(Organization.objects.with_rollup().order_by("kind", "name"))
    groups = []
    for title, kinds in ORGANIZATION_GROUPS:
        members = sorted((o for o in organizations if o.kind in kinds), key=lambda o: (-o.avg_percent, o.name))
        if members:
            groups.append((title, members))
    updates = list(ProgressUpdate.objects.for_timeline()[:latest])
    red_rows = list(
        Commitment.objects.for_cards().with_light(today).filter(light="red").order_by("due_date", "percent", "pk")[:red]
    )
    return {
        "totals": totals,
        "status_breakdown": breakdown(totals, "status_", STATUS_ORDER, dict(Status.choices)),
        "light_breakdown": breakdown(totals, "light_", LIGHT_ORDER, dict(Light.choices)),
        "tasks": tasks,
        "organization_groups": groups,
        "latest_updates": updates,
        "red_commitments": red_rows,
    }


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
