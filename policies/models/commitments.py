"""What officials said (statements), what they committed to, and the key tasks each commitment serves."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy as _, pgettext_lazy
from simple_history.models import HistoricalRecords

from .. import links
from ..choices import LinkOrigin, Status
from ..querysets import CommitmentQuerySet
from .base import SpanMixin, _in_choices, _span_is_valid
from .conference import KeyTask, Source
from .organizations import Official, Organization


class StatementManager(models.Manager):
    def get_by_natural_key(self, source_slug, official_name, organization_name):
        return self.get(
            source__slug=source_slug, official__name=official_name, official__organization__name=organization_name
        )


class Statement(SpanMixin, models.Model):
    """What one official is quoted as saying in one source, as a whole."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="statements", verbose_name=pgettext_lazy("model", "来源"))
    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="statements", verbose_name=pgettext_lazy("model", "领导干部"))
    text = models.TextField(_("表态原文"))

    objects = StatementManager()

    class Meta:
        verbose_name = pgettext_lazy("model", "表态")
        verbose_name_plural = pgettext_lazy("models", "表态")
        ordering = ["span_start"]
        constraints = [
            models.UniqueConstraint(fields=["source", "official"], name="policies_statement_unique_official"),
            models.CheckConstraint(condition=_span_is_valid(), name="policies_statement_span_valid"),
        ]
        # Listings sort commitments by their statement's place in the source: with this index SQLite
        # walks statements in order instead of sorting every commitment (2 s → 0.1 s at 100,000).
        indexes = [models.Index(fields=["span_start"], name="policies_statement_span")]

    def __str__(self):
        return gettext("%(official)s的表态") % {"official": self.official.name}

    def natural_key(self):
        return (self.source.slug, *self.official.natural_key())

    natural_key.dependencies = ["policies.source", "policies.official"]

    def clean(self):
        self.check_slice("text", self.text, _("表态原文"))
        if self.pk and self.span_start is not None and self.span_end is not None:
            outside = self.commitments.exclude(span_start__gte=self.span_start, span_end__lte=self.span_end)
            if outside.exists():
                raise ValidationError({"text": _("该表态的承诺事项有的不在新的位置之内：请先修改或删除这些承诺事项。")})


class CommitmentManager(models.Manager.from_queryset(CommitmentQuerySet)):
    def get_by_natural_key(self, source_slug, official_name, organization_name, number):
        return self.get(
            statement__source__slug=source_slug,
            statement__official__name=official_name,
            statement__official__organization__name=organization_name,
            number=number,
        )


class Commitment(SpanMixin, models.Model):
    """One trackable action an official committed to, quoted verbatim from the statement."""

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="commitments", verbose_name=pgettext_lazy("model", "表态"))
    # The same as statement.official.organization; kept on the row because every
    # filter, permission check and roll-up goes by organization.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("责任单位")
    )
    number = models.PositiveSmallIntegerField(_("序号"), help_text=_("在该表态中的顺序。"))
    quote = models.TextField(_("原文引述"))
    summary = models.CharField(_("摘要"), max_length=200)
    due_date = models.DateField(_("完成时限"))
    due_basis = models.CharField(_("时限依据"), max_length=300, blank=True)
    tasks = models.ManyToManyField(
        KeyTask, through="TaskLink", related_name="commitments", verbose_name=_("对应重点任务")
    )

    # Derived from the latest approved progress update by services.refresh_progress(); never edited by hand.
    status = models.CharField(_("当前状态"), max_length=20, choices=Status.choices, default=Status.NOT_REPORTED)
    percent = models.PositiveSmallIntegerField(_("当前进度（%）"), default=0)
    last_update_on = models.DateField(_("最近一次审核通过的进展日期"), null=True, blank=True)

    # Close-out (销号): a reviewer's confirmation that a completed commitment needs no more follow-up.
    # Written only by services.close_commitment; the commitment stays public with its whole record.
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="closed_commitments",
        verbose_name=_("销号人"),
    )
    # db_default: the demo generator and other raw inserts that predate close-out need not name it.
    close_note = models.TextField(_("销号说明"), blank=True, db_default="")

    # The derived progress is tracked too: refresh_progress writes it with .update(), which records
    # nothing, so the review services add a history row themselves (services._record_progress).
    # Review and close-out reasons quote the reviewer's words, which may be longer than the default 100 characters.
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))
    objects = CommitmentManager()

    class Meta:
        verbose_name = pgettext_lazy("model", "承诺事项")
        verbose_name_plural = pgettext_lazy("models", "承诺事项")
        ordering = ["statement__span_start", "number"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "number"], name="policies_commitment_unique_number"),
            models.CheckConstraint(condition=_span_is_valid(), name="policies_commitment_span_valid"),
            models.CheckConstraint(condition=_in_choices("status", Status), name="policies_commitment_status_valid"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="policies_commitment_percent_range"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | ~Q(close_note=""), name="policies_commitment_closed_has_note"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "due_date"], name="policies_commitment_org_due"),
            # In the red list's order within a status (selectors.first_red): its first rows are read, not sorted
            # out of every commitment due the same day (thousands are due on 31 December).
            models.Index(fields=["status", "due_date", "percent", "id"], name="policies_commitment_status_due"),
            # The list's sorts (filters.SORT_CHOICES), each ending on the id, one index per direction: the first
            # page is read in the index's order, not sorted out of the thousands that share a due date or a
            # percent (a sort by progress at 100,000 on PostgreSQL: 23 ms, 0.1 through its index). The sort by
            # latest progress, last first, has its index on PostgreSQL only (migration 0024): SQLite cannot
            # write NULLS LAST in an index, and needs none, its NULLs coming last in a descending one.
            models.Index(fields=["due_date", "id"], name="policies_commitment_due_id"),
            models.Index(fields=["-due_date", "id"], name="policies_commitment_due_desc"),
            models.Index(fields=["percent", "id"], name="policies_commitment_pct_id"),
            models.Index(fields=["-percent", "id"], name="policies_commitment_pct_desc"),
            models.Index(fields=["last_update_on", "id"], name="policies_commitment_upd_id"),
        ]

    def __str__(self):
        return self.summary

    def natural_key(self):
        return (*self.statement.natural_key(), self.number)

    natural_key.dependencies = ["policies.statement"]

    @property
    def has_approved_report(self):
        """Whether any progress update on it was approved (no query: refresh_progress keeps the status)."""
        return self.status != Status.NOT_REPORTED

    @property
    def source(self):
        return self.statement.source

    def clean(self):
        if not self.statement_id:
            return
        if self.organization_id and self.statement.official.organization_id != self.organization_id:
            raise ValidationError({"organization": _("责任单位必须是表态领导干部所在的单位。")})
        self.check_slice("quote", self.quote, _("原文引述"))
        statement = self.statement
        if self.span_start is not None and self.span_end is not None and not (
            statement.span_start <= self.span_start and self.span_end <= statement.span_end
        ):
            raise ValidationError({"quote": (
                gettext("承诺的原文（第 %(start)s–%(end)s 字）必须在所属表态的原文（第 %(outer_start)s–%(outer_end)s 字）之内。")
                % {"start": self.span_start, "end": self.span_end,
                   "outer_start": statement.span_start, "outer_end": statement.span_end}
            )})

    def get_absolute_url(self):
        return links.page_url("policies:commitment", self.pk)


class TaskLinkManager(models.Manager):
    def get_by_natural_key(self, source_slug, official_name, organization_name, number, code, city, held_on):
        return self.get(
            commitment=Commitment.objects.db_manager(self.db).get_by_natural_key(
                source_slug, official_name, organization_name, number
            ),
            task=KeyTask.objects.db_manager(self.db).get_by_natural_key(code, city, held_on),
        )


class TaskLink(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="links", verbose_name=pgettext_lazy("model", "承诺事项"))
    task = models.ForeignKey(KeyTask, on_delete=models.PROTECT, related_name="links", verbose_name=pgettext_lazy("model", "重点任务"))
    origin = models.CharField(_("来源"), max_length=20, choices=LinkOrigin.choices, default=LinkOrigin.CURATED)
    score = models.FloatField(_("相似度"), null=True, blank=True)

    history = HistoricalRecords()
    objects = TaskLinkManager()

    class Meta:
        verbose_name = pgettext_lazy("model", "任务关联")
        verbose_name_plural = pgettext_lazy("models", "任务关联")
        constraints = [
            models.UniqueConstraint(fields=["commitment", "task"], name="policies_tasklink_unique"),
            models.CheckConstraint(condition=_in_choices("origin", LinkOrigin), name="policies_tasklink_origin_valid"),
        ]
        # Covers "commitments under task T" (under_task) without touching the table.
        indexes = [models.Index(fields=["task", "commitment"], name="policies_tasklink_task_cmt")]

    def __str__(self):
        return f"{self.commitment} → {self.task.code}"

    def natural_key(self):
        return (*self.commitment.natural_key(), *self.task.natural_key())

    natural_key.dependencies = ["policies.commitment", "policies.keytask"]
