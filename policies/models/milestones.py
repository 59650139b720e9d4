"""Dated stages of a commitment."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy as _, pgettext_lazy
from simple_history.models import HistoricalRecords

from .commitments import Commitment


class Milestone(models.Model):
    """A dated stage of a commitment (the source has staged targets such as "2022年和2025年两阶段").

    Reached when the commitment's approved percent is at least ``target_percent``. The next milestone
    not yet reached is what the warning light and the public page measure the commitment against.
    """

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="milestones", verbose_name=pgettext_lazy("model", "承诺事项"))
    due_on = models.DateField(_("节点时限"))
    title = models.CharField(_("节点目标"), max_length=200)
    target_percent = models.PositiveSmallIntegerField(
        _("节点目标进度（%）"), help_text=_("审核通过的完成进度达到这个数即视为完成该节点；最后一个节点通常是 100。")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model", "阶段节点")
        verbose_name_plural = pgettext_lazy("models", "阶段节点")
        ordering = ["due_on", "target_percent", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_percent__gte=1) & Q(target_percent__lte=100), name="policies_milestone_percent_range"
            ),
            models.UniqueConstraint(fields=["commitment", "target_percent"], name="policies_milestone_unique_target"),
        ]
        indexes = [models.Index(fields=["commitment", "target_percent", "due_on"], name="policies_milestone_next")]

    def __str__(self):
        return gettext("%(date)s %(title)s（目标 %(percent)s%%）") % {
            "date": f"{self.due_on:%Y-%m-%d}", "title": self.title, "percent": self.target_percent,
        }

    def clean(self):
        if self.commitment_id and self.due_on and self.due_on > self.commitment.due_date:
            raise ValidationError({"due_on": gettext("节点时限不能晚于承诺的完成时限 %(date)s。") % {
                "date": f"{self.commitment.due_date:%Y-%m-%d}",
            }})
