"""Summary rows: the key tasks' roll-ups and progress over time, and the organizations' counts by status and
light, kept current so that the dashboard reads a few rows per task and per organization instead of every
commitment and approved update.

Derived data, written only by ``policies.summaries`` (beside ``services.refresh_progress``, in the same
transaction, and wherever task links change); ``manage.py rebuild_summaries`` recomputes them all.
A commitment is *under* a task when it is linked to the task or to one of its sub-items; it counts once.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from ..choices import Light, Status
from ..querysets import OrganizationRollupQuerySet
from .commitments import Commitment
from .conference import Conference, KeyTask
from .organizations import Organization


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


class OrganizationRollup(models.Model):
    """How many of an organization's commitments in one conference have one status and one light on the day
    ``counted_on``, and the sum of their percents. A light depends on the day (a due date passes), so the rows
    hold one day's lights: every row is of the same day, and a page reads them only on that day. They are
    counted again for each write that can change a light, and all of them once a day (``manage.py count_lights``)."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="+", verbose_name=_("会议"))
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="rollups", verbose_name=pgettext_lazy("model", "单位")
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices)
    light = models.CharField(_("预警灯"), max_length=10, choices=Light.choices)
    commitments = models.IntegerField(_("承诺数"))
    percent_total = models.IntegerField(_("进度之和"))
    counted_on = models.DateField(_("计算日期"))

    objects = OrganizationRollupQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("model", "单位汇总")
        verbose_name_plural = pgettext_lazy("models", "单位汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "organization", "status", "light"], name="policies_organizationrollup_unique"
            )
        ]

    def __str__(self):
        return f"{self.conference_id} {self.organization_id} {self.status} {self.light} {self.commitments}"
