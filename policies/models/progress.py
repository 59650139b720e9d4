"""Progress reported on a commitment and its review."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, gettext_lazy as _, pgettext_lazy
from simple_history.models import HistoricalRecords

from ..choices import REPORTED_STATUSES, ReviewState, Status
from ..querysets import ProgressUpdateQuerySet
from .base import _in_choices
from .commitments import Commitment
from .milestones import Milestone


class ProgressUpdate(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="updates", verbose_name=pgettext_lazy("model", "承诺事项"))
    reported_on = models.DateField(_("进展日期"))
    # A report states where the work is; "no report yet" is the commitment's state before any approval.
    status = models.CharField(_("状态"), max_length=20, choices=[(s.value, s.label) for s in REPORTED_STATUSES])
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"))
    note = models.TextField(_("进展说明"))
    evidence_url = models.URLField(_("佐证链接"), max_length=500, blank=True)
    milestone = models.ForeignKey(
        Milestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="updates", verbose_name=_("对应阶段节点"),
        help_text=_("这次进展针对的阶段节点（如有）。"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates", verbose_name=_("填报人")
    )
    review_state = models.CharField(_("审核状态"), max_length=20, choices=ReviewState.choices, default=ReviewState.SUBMITTED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_updates",
        verbose_name=_("审核人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_reason = models.TextField(_("退回理由"), blank=True)
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("model", "进展填报")
        verbose_name_plural = pgettext_lazy("models", "进展填报")
        ordering = ["-reported_on", "-id"]
        permissions = [("review_progressupdate", gettext_noop("可以审核进展填报"))]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="policies_progressupdate_percent_range"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in REPORTED_STATUSES]), name="policies_progressupdate_status_valid"
            ),
            models.CheckConstraint(
                condition=_in_choices("review_state", ReviewState), name="policies_progressupdate_review_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.COMPLETED) | Q(percent=100),
                name="policies_progressupdate_completed_is_100",
            ),
            models.CheckConstraint(
                condition=~Q(review_state=ReviewState.REJECTED) | ~Q(review_reason=""),
                name="policies_progressupdate_rejection_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["commitment", "review_state", "reported_on"], name="policies_update_latest"),
            # The latest approved first (timelines, the dashboard's latest updates and their window): the id
            # breaks ties in the index itself on PostgreSQL, so the first rows are read in order, not
            # filtered out of the date index's (SQLite's indexes end with the rowid anyway).
            models.Index(fields=["review_state", "reported_on", "id"], name="policies_update_approved_date"),
            # The admin's list, newest first (the default ordering), reads the first 50 in index order
            # instead of sorting a million updates (2.5 s at 100,000 commitments).
            models.Index(fields=["reported_on", "id"], name="policies_update_reported"),
        ]

    def __str__(self):
        return gettext("%(commitment)s：%(status)s %(percent)s%%（%(date)s）") % {
            "commitment": self.commitment, "status": gettext(self.get_status_display()), "percent": self.percent,
            "date": f"{self.reported_on:%Y-%m-%d}",
        }

    def clean(self):
        errors = {}
        if self.status == Status.COMPLETED and self.percent != 100:
            errors["percent"] = _("状态为“已完成”时，完成进度必须是 100%。")
        if self.reported_on and self.reported_on > timezone.localdate():
            errors["reported_on"] = _("进展日期不能晚于今天。")
        if self.milestone_id and self.commitment_id and self.milestone.commitment_id != self.commitment_id:
            errors["milestone"] = _("只能选择这项承诺自己的阶段节点。")
        if errors:
            raise ValidationError(errors)
