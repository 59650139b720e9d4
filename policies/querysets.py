"""Read logic: chainable QuerySet methods used by pages, API, admin and exports."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, Prefetch, Q, Value, When
from django.utils import timezone

CLOSED_STATUSES = ("completed", "not_kept")


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


class CommitmentQuerySet(models.QuerySet):
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

        grey: closed (completed or not kept); red: past due; yellow: due within
        WARNING_DUE_SOON_DAYS and under WARNING_DUE_SOON_PERCENT, or no approved
        update for WARNING_STALE_DAYS (counted from publication when there is none); green otherwise.
        """
        today = today or timezone.localdate()
        soon = today + datetime.timedelta(days=settings.WARNING_DUE_SOON_DAYS)
        stale = today - datetime.timedelta(days=settings.WARNING_STALE_DAYS)
        return self.annotate(
            light=Case(
                When(status__in=CLOSED_STATUSES, then=Value("grey")),
                When(due_date__lt=today, then=Value("red")),
                When(Q(due_date__lte=soon) & Q(percent__lt=settings.WARNING_DUE_SOON_PERCENT), then=Value("yellow")),
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


def group_by_task(tasks, commitments):
    """Pair each top-level task with the commitments linked to it or to one of its sub-items.

    ``tasks`` come from ``KeyTask.objects.tree()``, ``commitments`` from ``for_listing()``;
    the grouping is done in memory so the page costs the same queries at any size.
    """
    by_task = {}
    for commitment in commitments:
        for linked in commitment.tasks.all():
            top = linked.parent_id or linked.id
            bucket = by_task.setdefault(top, [])
            if not bucket or bucket[-1] is not commitment:
                bucket.append(commitment)
    return [(task, by_task.get(task.id, [])) for task in tasks]
