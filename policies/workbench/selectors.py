"""What the workbench shows, scoped by policies.roles; every list at most ROW_LIMIT rows."""

import datetime

from django.conf import settings
from django.db.models import Count, F, Q

from ..models import Commitment, Conference, ReviewState, Status
from ..choices import CLOSED_STATUSES
from ..roles import visible_commitments, visible_updates

ROW_LIMIT = 100


def silent_cutoff(today, silent_days=None):
    return today - datetime.timedelta(days=settings.SILENT_DAYS if silent_days is None else silent_days)


def active_commitments(user, today):
    """The user's commitments still being followed: not closed out, with their light."""
    queryset = Commitment.objects.filter(closed_on__isnull=True).for_listing().with_light(today)
    return visible_commitments(user, queryset)


def _silent(cutoff):
    return ~Q(status__in=CLOSED_STATUSES) & (Q(last_update_on__lt=cutoff) | Q(last_update_on__isnull=True))


def reviewer_board(user, *, today):
    """The review queue and the commitments that need attention. Queries: 1 pending counts per
    organization, 2 pending rows, 3 commitment counts, 4-7 overdue, yellow, silent, to close,
    8 the conferences a monthly report can be made for."""
    cutoff = silent_cutoff(today)
    pending = visible_updates(user).filter(review_state=ReviewState.SUBMITTED)
    per_organization = list(
        pending.values(org_id=F("commitment__organization_id"), org_name=F("commitment__organization__name"))
        .annotate(n=Count("pk"))
        .order_by("-n", "org_name")
    )
    pending_rows = list(
        pending.select_related("commitment__organization", "author").order_by("reported_on", "pk")[:ROW_LIMIT]
    )
    active = active_commitments(user, today)
    counts = active.aggregate(
        overdue=Count("pk", filter=Q(light="red")),
        at_risk=Count("pk", filter=Q(light="yellow")),
        silent=Count("pk", filter=_silent(cutoff)),
        to_close=Count("pk", filter=Q(status=Status.COMPLETED)),
    )
    return {
        "pending_total": sum(row["n"] for row in per_organization),
        "pending_per_organization": per_organization,
        "pending": pending_rows,
        "counts": counts,
        "overdue": list(active.filter(light="red").order_by("due_date", "pk")[:ROW_LIMIT]),
        "at_risk": list(active.filter(light="yellow").order_by("due_date", "pk")[:ROW_LIMIT]),
        "silent": list(
            active.filter(_silent(cutoff)).order_by(F("last_update_on").asc(nulls_first=True), "due_date", "pk")[:ROW_LIMIT]
        ),
        "to_close": list(active.filter(status=Status.COMPLETED).order_by("last_update_on", "pk")[:ROW_LIMIT]),
        "silent_cutoff": cutoff,
        "conferences": list(Conference.objects.order_by("-held_on", "pk")),
    }


def reporter_board(user, *, today):
    """A reporter's commitments, their rejected updates and all their updates. Queries: 1 commitments,
    2 their count, 3 rejected updates, 4 own updates."""
    commitments = visible_commitments(user, Commitment.objects.for_listing().with_light(today))
    own = visible_updates(user).filter(author=user).select_related("commitment", "reviewed_by")
    return {
        "commitments": list(
            commitments.order_by(F("closed_on").asc(nulls_first=True), "due_date", "pk")[:ROW_LIMIT]
        ),
        "commitments_total": commitments.count(),
        "rejected": list(own.filter(review_state=ReviewState.REJECTED).order_by("-reviewed_at", "-pk")[:ROW_LIMIT]),
        "updates": list(own.order_by("-created_at", "-pk")[:ROW_LIMIT]),
    }


def pending_for_review(user, ids):
    """The submitted updates among ``ids`` the reviewer may see; others (already reviewed, out of scope) drop out."""
    return list(visible_updates(user).filter(pk__in=ids, review_state=ReviewState.SUBMITTED).order_by("pk"))


