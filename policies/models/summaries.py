"""Summary rows: the key tasks' roll-ups and progress over time, kept current so that the dashboard reads a
few rows per task instead of every commitment and approved update under it.

Derived data, written only by ``policies.summaries`` (beside ``services.refresh_progress``, in the same
transaction, and wherever task links change); ``manage.py rebuild_summaries`` recomputes them all.
A commitment is *under* a task when it is linked to the task or to one of its sub-items; it counts once.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from ..choices import Status
from .commitments import Commitment
from .conference import KeyTask


class CommitmentMonth(models.Model):
    """How much a commitment's percent changed in one month: the month's latest approved update (the
    latest as ``refresh_progress`` picks it) less the one before it, or less 0 for the first. A month
    with an approved update has a row even when the percent did not move."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="months", verbose_name=pgettext_lazy("model", "承诺事项"))
    month = models.DateField(_("月份"), help_text=_("该月第一天。"))
    change = models.SmallIntegerField(_("进度变化（百分点）"))

    class Meta:
        verbose_name = pgettext_lazy("model", "承诺每月进度变化")
        verbose_name_plural = pgettext_lazy("models", "承诺每月进度变化")
        constraints = [models.UniqueConstraint(fields=["commitment", "month"], name="policies_commitmentmonth_unique")]

    def __str__(self):
        return f"{self.commitment_id} {self.month:%Y-%m} {self.change:+d}"


class TaskMonth(models.Model):
    """The sum of the month's changes of the commitments under a task, and how many there were."""

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="months", verbose_name=pgettext_lazy("model", "重点任务"))
    month = models.DateField(_("月份"), help_text=_("该月第一天。"))
    change = models.IntegerField(_("进度变化之和（百分点）"))
    entries = models.IntegerField(_("有进展的承诺数"))

    class Meta:
        verbose_name = pgettext_lazy("model", "重点任务每月进度变化")
        verbose_name_plural = pgettext_lazy("models", "重点任务每月进度变化")
        constraints = [models.UniqueConstraint(fields=["task", "month"], name="policies_taskmonth_unique")]

    def __str__(self):
        return f"{self.task_id} {self.month:%Y-%m} {self.change:+d}"


class TaskRollup(models.Model):
    """How many commitments under a task have one status, and the sum of their percents. Lights are not
    here: they depend on the day, and are computed from due dates when a page is read."""

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="rollups", verbose_name=pgettext_lazy("model", "重点任务"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices)
    commitments = models.IntegerField(_("承诺数"))
    percent_total = models.IntegerField(_("进度之和"))

    class Meta:
        verbose_name = pgettext_lazy("model", "重点任务汇总")
        verbose_name_plural = pgettext_lazy("models", "重点任务汇总")
        constraints = [models.UniqueConstraint(fields=["task", "status"], name="policies_taskrollup_unique")]

    def __str__(self):
        return f"{self.task_id} {self.status} {self.commitments}"
