"""Writes that touch several rows together."""

from django.db import transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Commitment, ProgressUpdate, Status


@transaction.atomic
def refresh_progress(*, commitments=None):
    """Set each commitment's status, percent and last update date from its latest approved update.

    Latest means the most recent ``reported_on``, ties broken by the later entry. A commitment
    with no approved update is "not started" at 0 %. One UPDATE, whatever the number of rows.
    """
    latest = ProgressUpdate.objects.approved().filter(commitment=OuterRef("pk")).latest_first()
    queryset = Commitment.objects.all() if commitments is None else commitments
    return queryset.update(
        status=Coalesce(Subquery(latest.values("status")[:1]), Value(Status.NOT_STARTED)),
        percent=Coalesce(Subquery(latest.values("percent")[:1]), Value(0)),
        last_update_on=Subquery(latest.values("reported_on")[:1]),
    )
