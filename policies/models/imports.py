"""What the importer read from a report, kept as drafts until a reviewer accepts them.

Drafts have their own tables: no public page, API view or export queries them, so nothing read
from a report can be shown before a reviewer accepts it (``policies.importing.accept_statements``
then creates the real rows). Spans index the flat text of ``ImportedReport.text``, which becomes
the source's text on acceptance, so they stay valid.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy as _, pgettext_lazy

from ..choices import DraftState, OrganizationKind
from .base import _in_choices, _span_is_valid
from .commitments import Statement
from .conference import Conference, KeyTask, Source


class ImportedReport(models.Model):
    text = models.TextField(_("原文"), help_text=_("解码后的原文，保留版面换行；采纳后即为来源原文。"))
    sha256 = models.CharField(_("原文指纹"), max_length=64, help_text=_("去掉版面换行后原文的 SHA-256。"))
    encoding = models.CharField(_("编码"), max_length=20)
    conference_name = models.CharField(_("会议名称"), max_length=200, blank=True)
    conference_city = models.CharField(_("城市"), max_length=50, blank=True)
    conference_held_on = models.DateField(_("会议日期"), null=True, blank=True)
    publisher = models.CharField(_("刊发媒体"), max_length=100, blank=True)
    published_on = models.DateField(_("刊发日期"), null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="imported_reports", verbose_name=_("导入人")
    )
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    # Set by the first acceptance; later acceptances of the same report reuse them.
    conference = models.ForeignKey(
        Conference, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=pgettext_lazy("model", "会议")
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=pgettext_lazy("model", "来源")
    )

    class Meta:
        verbose_name = pgettext_lazy("model", "导入的报道")
        verbose_name_plural = pgettext_lazy("models", "导入的报道")
        ordering = ["-imported_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["sha256"], name="policies_importedreport_unique_text")]

    def __str__(self):
        name = self.conference_name or _("会议报道")
        if not self.conference_held_on:
            return name
        return gettext("%(name)s（%(date)s）") % {"name": name, "date": f"{self.conference_held_on:%Y-%m-%d}"}

    @property
    def flat_text(self):
        return Source(text=self.text).flat_text


class DraftTask(models.Model):
    report = models.ForeignKey(ImportedReport, on_delete=models.CASCADE, related_name="tasks", verbose_name=pgettext_lazy("model", "导入的报道"))
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("上级任务")
    )
    code = models.CharField(_("编号"), max_length=20)
    order = models.PositiveSmallIntegerField(_("顺序"))
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    span_start = models.PositiveIntegerField(_("起始位置"))
    span_end = models.PositiveIntegerField(_("结束位置"))
    task = models.ForeignKey(
        KeyTask, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=pgettext_lazy("model", "重点任务")
    )

    class Meta:
        verbose_name = pgettext_lazy("model", "草稿重点任务")
        verbose_name_plural = pgettext_lazy("models", "草稿重点任务")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["report", "code"], name="policies_drafttask_unique_code"),
            models.CheckConstraint(condition=_span_is_valid(), name="policies_drafttask_span_valid"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


class DraftStatement(models.Model):
    report = models.ForeignKey(
        ImportedReport, on_delete=models.CASCADE, related_name="statements", verbose_name=pgettext_lazy("model", "导入的报道")
    )
    official_name = models.CharField(_("姓名"), max_length=50)
    official_title = models.CharField(_("职务"), max_length=200, blank=True)
    organization_name = models.CharField(_("单位"), max_length=100)
    organization_kind = models.CharField(_("单位类型"), max_length=20, choices=OrganizationKind.choices, blank=True)
    text = models.TextField(_("表态原文"))
    span_start = models.PositiveIntegerField(_("起始位置"))
    span_end = models.PositiveIntegerField(_("结束位置"))
    state = models.CharField(_("状态"), max_length=20, choices=DraftState.choices, default=DraftState.DRAFT)
    statement = models.ForeignKey(
        Statement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("已采纳的表态")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "草稿表态")
        verbose_name_plural = pgettext_lazy("models", "草稿表态")
        ordering = ["span_start"]
        constraints = [
            models.CheckConstraint(condition=_span_is_valid(), name="policies_draftstatement_span_valid"),
            models.CheckConstraint(condition=_in_choices("state", DraftState), name="policies_draftstatement_state_valid"),
            models.CheckConstraint(
                condition=Q(organization_kind="") | _in_choices("organization_kind", OrganizationKind),
                name="policies_draftstatement_kind_valid",
            ),
        ]

    def __str__(self):
        return gettext("%(organization)s%(title)s%(name)s的表态（草稿）") % {
            "organization": self.organization_name, "title": self.official_title, "name": self.official_name,
        }


class DraftCommitment(models.Model):
    statement = models.ForeignKey(
        DraftStatement, on_delete=models.CASCADE, related_name="commitments", verbose_name=pgettext_lazy("model", "草稿表态")
    )
    quote = models.TextField(_("原文引述"))
    span_start = models.PositiveIntegerField(_("起始位置"))
    span_end = models.PositiveIntegerField(_("结束位置"))
    summary = models.CharField(_("摘要"), max_length=200, blank=True, help_text=_("留空则采纳时取原文引述。"))
    due_date = models.DateField(_("完成时限"), null=True, blank=True, help_text=_("留空则采纳时按规则推定。"))
    due_basis = models.CharField(_("时限依据"), max_length=300, blank=True)
    task_codes = models.JSONField(_("对应重点任务编号"), default=list, blank=True)
    # {code: score} as the suggestion module gave them at import: a link kept from here is
    # recorded as a suggestion with its score, one the reviewer added as curated.
    suggested = models.JSONField(_("建议的重点任务"), default=dict, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "草稿承诺")
        verbose_name_plural = pgettext_lazy("models", "草稿承诺")
        ordering = ["span_start"]
        constraints = [
            models.CheckConstraint(condition=_span_is_valid(), name="policies_draftcommitment_span_valid"),
        ]

    def __str__(self):
        return self.quote
