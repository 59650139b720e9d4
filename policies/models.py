"""The tracker's data: a conference, the source that reports it, its key tasks,
the officials who answered it, their commitments and the progress recorded on them.

Quotes and passages are located by character spans in the source's *flat text*:
the verbatim page with the layout's line breaks removed (see ``Source.flat_text``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .querysets import CommitmentQuerySet, KeyTaskQuerySet, OrganizationQuerySet, ProgressUpdateQuerySet


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "未启动"
    IN_PROGRESS = "in_progress", "推进中"
    BEHIND = "behind", "进展滞后"
    COMPLETED = "completed", "已完成"
    NOT_KEPT = "not_kept", "未兑现"


class Light(models.TextChoices):
    RED = "red", "红灯"
    YELLOW = "yellow", "黄灯"
    GREEN = "green", "绿灯"
    GREY = "grey", "灰灯"


class TaskOrigin(models.TextChoices):
    INFOGRAPHIC = "infographic", "重点任务图解"
    QUOTED_DEMAND = "quoted_demand", "报道引用的会议要求"


class OrganizationKind(models.TextChoices):
    DISTRICT = "district", "区"
    COUNTY = "county", "县"
    DEPARTMENT = "department", "市级部门"
    ZONE = "zone", "开发区"
    ENTERPRISE = "enterprise", "企业"


class LinkOrigin(models.TextChoices):
    CURATED = "curated", "人工核定"
    SUGGESTED = "suggested", "分词相似度建议"


class ReviewState(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "已退回"


def _in_choices(field, choices):
    return Q(**{f"{field}__in": choices.values})


def _span_is_valid(prefix=""):
    return Q(**{f"{prefix}span_start__gte": 0}) & Q(**{f"{prefix}span_end__gt": F(f"{prefix}span_start")})


class SpanMixin(models.Model):
    """A passage of ``self.source`` given by its offsets in the source's flat text."""

    span_start = models.PositiveIntegerField("起始位置")
    span_end = models.PositiveIntegerField("结束位置")

    class Meta:
        abstract = True

    def passage(self):
        return self.source.flat_text[self.span_start : self.span_end]


class ConferenceManager(models.Manager):
    def get_by_natural_key(self, city, held_on):
        return self.get(city=city, held_on=held_on)


class Conference(models.Model):
    name = models.CharField("会议名称", max_length=200)
    city = models.CharField("城市", max_length=50)
    held_on = models.DateField("召开日期")

    objects = ConferenceManager()

    class Meta:
        verbose_name = verbose_name_plural = "会议"
        constraints = [
            models.UniqueConstraint(fields=["city", "held_on"], name="policies_conference_unique_city_date"),
        ]

    def __str__(self):
        return f"{self.name}（{self.held_on:%Y-%m-%d}）"

    def natural_key(self):
        return (self.city, self.held_on.isoformat())


class SourceManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Source(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="sources", verbose_name="会议")
    slug = models.SlugField("标识", max_length=100)
    publisher = models.CharField("刊发媒体", max_length=100)
    published_on = models.DateField("刊发日期")
    titles = models.JSONField("标题", default=list, help_text="本版各篇文章的标题，按版面顺序。")
    text = models.TextField("原文", help_text="逐字原文，保留版面换行。")

    objects = SourceManager()

    class Meta:
        verbose_name = verbose_name_plural = "来源"
        constraints = [models.UniqueConstraint(fields=["slug"], name="policies_source_unique_slug")]

    def __str__(self):
        return f"{self.publisher} {self.published_on:%Y-%m-%d}"

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["policies.conference"]

    @property
    def flat_text(self):
        """The text that spans index: the page's hard line breaks removed, nothing else changed."""
        return self.text.replace("\r", "").replace("\n", "")

    def get_absolute_url(self):
        return reverse("policies:source", args=[self.slug])


class KeyTaskManager(models.Manager.from_queryset(KeyTaskQuerySet)):
    def get_by_natural_key(self, code, city, held_on):
        return self.get(code=code, conference__city=city, conference__held_on=held_on)


class KeyTask(SpanMixin, models.Model):
    Origin = TaskOrigin

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="tasks", verbose_name="会议")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级任务"
    )
    code = models.CharField("编号", max_length=20, help_text="如 T2、T2.1；不得为纯数字，以免与 id 混淆。")
    order = models.PositiveSmallIntegerField("顺序")
    title = models.CharField("标题", max_length=200)
    description = models.TextField("说明", blank=True)
    origin = models.CharField("出处类型", max_length=20, choices=TaskOrigin.choices, default=TaskOrigin.INFOGRAPHIC)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="tasks", verbose_name="来源")

    history = HistoricalRecords()
    objects = KeyTaskManager()

    class Meta:
        verbose_name = verbose_name_plural = "重点任务"
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "code"], name="policies_keytask_unique_code"),
            models.CheckConstraint(condition=_span_is_valid(), name="policies_keytask_span_valid"),
            models.CheckConstraint(condition=_in_choices("origin", TaskOrigin), name="policies_keytask_origin_valid"),
            models.CheckConstraint(condition=~Q(code__regex=r"^[0-9]+$"), name="policies_keytask_code_not_numeric"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def natural_key(self):
        return (self.code, *self.conference.natural_key())

    natural_key.dependencies = ["policies.conference", "policies.source"]

    def clean(self):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": "重点任务只有两级：上级任务本身不能再有上级。"})

    def get_absolute_url(self):
        return reverse("policies:task", args=[self.code])



class OrganizationManager(models.Manager.from_queryset(OrganizationQuerySet)):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class Organization(models.Model):
    Kind = OrganizationKind

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=OrganizationKind.choices)

    objects = OrganizationManager()

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="policies_organization_unique_name"),
            models.CheckConstraint(condition=_in_choices("kind", OrganizationKind), name="policies_organization_kind_valid"),
        ]
        indexes = [models.Index(fields=["kind", "name"], name="policies_org_kind_name")]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)

    def get_absolute_url(self):
        return reverse("policies:organization", args=[self.pk])



class OfficialManager(models.Manager):
    def get_by_natural_key(self, name, organization_name):
        return self.get(name=name, organization__name=organization_name)


class Official(models.Model):
    name = models.CharField("姓名", max_length=50)
    title = models.CharField("时任职务", max_length=200)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="officials", verbose_name="单位"
    )

    objects = OfficialManager()

    class Meta:
        verbose_name = verbose_name_plural = "领导干部"
        ordering = ["organization__kind", "organization__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="policies_official_unique_name"),
        ]

    def __str__(self):
        return f"{self.name}（{self.title}）"

    def natural_key(self):
        return (self.name, *self.organization.natural_key())

    natural_key.dependencies = ["policies.organization"]

    def get_absolute_url(self):
        return reverse("policies:official", args=[self.pk])



class StatementManager(models.Manager):
    def get_by_natural_key(self, source_slug, official_name, organization_name):
        return self.get(
            source__slug=source_slug, official__name=official_name, official__organization__name=organization_name
        )


class Statement(SpanMixin, models.Model):
    """What one official is quoted as saying in one source, as a whole."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="statements", verbose_name="来源")
    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="statements", verbose_name="领导干部")
    text = models.TextField("表态原文")

    objects = StatementManager()

    class Meta:
        verbose_name = verbose_name_plural = "表态"
        ordering = ["span_start"]
        constraints = [
            models.UniqueConstraint(fields=["source", "official"], name="policies_statement_unique_official"),
            models.CheckConstraint(condition=_span_is_valid(), name="policies_statement_span_valid"),
        ]
        # Listings sort commitments by their statement's place in the source: with this index SQLite
        # walks statements in order instead of sorting every commitment (2 s → 0.1 s at 100,000).
        indexes = [models.Index(fields=["span_start"], name="policies_statement_span")]

    def __str__(self):
        return f"{self.official.name}的表态"

    def natural_key(self):
        return (self.source.slug, *self.official.natural_key())

    natural_key.dependencies = ["policies.source", "policies.official"]


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

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="commitments", verbose_name="表态")
    # The same as statement.official.organization; kept on the row because every
    # filter, permission check and roll-up goes by organization.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="commitments", verbose_name="责任单位"
    )
    number = models.PositiveSmallIntegerField("序号", help_text="在该表态中的顺序。")
    quote = models.TextField("原文引述")
    summary = models.CharField("摘要", max_length=200)
    due_date = models.DateField("完成时限")
    due_basis = models.CharField("时限依据", max_length=300, blank=True)
    tasks = models.ManyToManyField(
        KeyTask, through="TaskLink", related_name="commitments", verbose_name="对应重点任务"
    )

    # Derived from the latest approved progress update by services.refresh_progress(); never edited by hand.
    status = models.CharField("当前状态", max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    percent = models.PositiveSmallIntegerField("当前进度（%）", default=0)
    last_update_on = models.DateField("最近一次审核通过的进展日期", null=True, blank=True)

    # Close-out (销号): a reviewer's confirmation that a completed commitment needs no more follow-up.
    # Written only by services.close_commitment; the commitment stays public with its whole record.
    closed_on = models.DateField("销号日期", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="closed_commitments",
        verbose_name="销号人",
    )
    # db_default: the demo generator and other raw inserts that predate close-out need not name it.
    close_note = models.TextField("销号说明", blank=True, db_default="")

    # The derived progress is tracked too: refresh_progress writes it with .update(), which records
    # nothing, so the review services add a history row themselves (services._record_progress).
    # Review and close-out reasons quote the reviewer's words, which may be longer than the default 100 characters.
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))
    objects = CommitmentManager()

    class Meta:
        verbose_name = verbose_name_plural = "承诺事项"
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
            models.Index(fields=["status", "due_date"], name="policies_commitment_status_due"),
            models.Index(fields=["due_date"], name="policies_commitment_due"),
            models.Index(fields=["percent"], name="policies_commitment_percent"),
            models.Index(fields=["last_update_on"], name="policies_commitment_last_upd"),
        ]

    def __str__(self):
        return self.summary

    def natural_key(self):
        return (*self.statement.natural_key(), self.number)

    natural_key.dependencies = ["policies.statement"]

    @property
    def source(self):
        return self.statement.source

    def clean(self):
        if self.statement_id and self.organization_id:
            if self.statement.official.organization_id != self.organization_id:
                raise ValidationError({"organization": "责任单位必须是表态领导干部所在的单位。"})

    def get_absolute_url(self):
        return reverse("policies:commitment", args=[self.pk])


class TaskLinkManager(models.Manager):
    def get_by_natural_key(self, source_slug, official_name, organization_name, number, code, city, held_on):
        return self.get(
            commitment=Commitment.objects.db_manager(self.db).get_by_natural_key(
                source_slug, official_name, organization_name, number
            ),
            task=KeyTask.objects.db_manager(self.db).get_by_natural_key(code, city, held_on),
        )


class TaskLink(models.Model):
    Origin = LinkOrigin

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="links", verbose_name="承诺事项")
    task = models.ForeignKey(KeyTask, on_delete=models.PROTECT, related_name="links", verbose_name="重点任务")
    origin = models.CharField("来源", max_length=20, choices=LinkOrigin.choices, default=LinkOrigin.CURATED)
    score = models.FloatField("相似度", null=True, blank=True)

    history = HistoricalRecords()
    objects = TaskLinkManager()

    class Meta:
        verbose_name = verbose_name_plural = "任务关联"
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


class Milestone(models.Model):
    """A dated stage of a commitment (the source has staged targets such as "2022年和2025年两阶段").

    Reached when the commitment's approved percent is at least ``target_percent``. The next milestone
    not yet reached is what the warning light and the public page measure the commitment against.
    """

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="milestones", verbose_name="承诺事项")
    due_on = models.DateField("节点时限")
    title = models.CharField("节点目标", max_length=200)
    target_percent = models.PositiveSmallIntegerField(
        "节点目标进度（%）", help_text="审核通过的完成进度达到这个数即视为完成该节点；最后一个节点通常是 100。"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "阶段节点"
        ordering = ["due_on", "target_percent", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_percent__gte=1) & Q(target_percent__lte=100), name="policies_milestone_percent_range"
            ),
            models.UniqueConstraint(fields=["commitment", "target_percent"], name="policies_milestone_unique_target"),
        ]
        indexes = [models.Index(fields=["commitment", "target_percent", "due_on"], name="policies_milestone_next")]

    def __str__(self):
        return f"{self.due_on:%Y-%m-%d} {self.title}（目标 {self.target_percent}%）"

    def clean(self):
        if self.commitment_id and self.due_on and self.due_on > self.commitment.due_date:
            raise ValidationError({"due_on": f"节点时限不能晚于承诺的完成时限 {self.commitment.due_date:%Y-%m-%d}。"})


class ProgressUpdate(models.Model):
    Review = ReviewState

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="updates", verbose_name="承诺事项")
    reported_on = models.DateField("进展日期")
    status = models.CharField("状态", max_length=20, choices=Status.choices)
    percent = models.PositiveSmallIntegerField("完成进度（%）")
    note = models.TextField("进展说明")
    evidence_url = models.URLField("佐证链接", max_length=500, blank=True)
    milestone = models.ForeignKey(
        Milestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="updates", verbose_name="对应阶段节点",
        help_text="这次进展针对的阶段节点（如有）。",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates", verbose_name="填报人"
    )
    review_state = models.CharField("审核状态", max_length=20, choices=ReviewState.choices, default=ReviewState.SUBMITTED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_updates",
        verbose_name="审核人",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_reason = models.TextField("退回理由", blank=True)
    created_at = models.DateTimeField("填报时间", auto_now_add=True)

    history = HistoricalRecords()
    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "进展填报"
        ordering = ["-reported_on", "-id"]
        permissions = [("review_progressupdate", "可以审核进展填报")]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="policies_progressupdate_percent_range"),
            models.CheckConstraint(condition=_in_choices("status", Status), name="policies_progressupdate_status_valid"),
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
            models.Index(fields=["review_state", "reported_on"], name="policies_update_review_date"),
        ]

    def __str__(self):
        return f"{self.commitment}：{self.get_status_display()} {self.percent}%（{self.reported_on:%Y-%m-%d}）"

    def clean(self):
        errors = {}
        if self.status == Status.COMPLETED and self.percent != 100:
            errors["percent"] = "状态为“已完成”时，完成进度必须是 100%。"
        if self.reported_on and self.reported_on > timezone.localdate():
            errors["reported_on"] = "进展日期不能晚于今天。"
        if self.milestone_id and self.commitment_id and self.milestone.commitment_id != self.commitment_id:
            errors["milestone"] = "只能选择这项承诺自己的阶段节点。"
        if errors:
            raise ValidationError(errors)


class ReminderKind(models.TextChoices):
    DIGEST = "digest", "每日摘要"
    CHASE = "chase", "催办"


class Reminder(models.Model):
    """One reminder email as sent: a daily digest (send_reminders) or a reviewer's 催办 on one commitment.

    Written only by ``policies.reminders``; kept so that the commitment and the workbench can show
    who was chased when, and so that nobody gets two digests on one day (the constraint below).
    """

    Kind = ReminderKind

    kind = models.CharField("类型", max_length=20, choices=ReminderKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reminders", verbose_name="收件人"
    )
    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders", verbose_name="承诺事项"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="reminders_sent",
        verbose_name="催办人",
    )
    sent_on = models.DateField("发送日期")
    sent_at = models.DateTimeField("发送时间", default=timezone.now)
    subject = models.CharField("邮件标题", max_length=200)
    body = models.TextField("邮件正文")

    class Meta:
        verbose_name = verbose_name_plural = "催办提醒"
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=_in_choices("kind", ReminderKind), name="policies_reminder_kind_valid"),
            models.UniqueConstraint(
                fields=["recipient", "sent_on"], condition=Q(kind=ReminderKind.DIGEST),
                name="policies_reminder_one_digest_a_day",
            ),
        ]
        indexes = [models.Index(fields=["commitment", "sent_at"], name="policies_reminder_commitment")]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.recipient.get_username()}（{self.sent_on:%Y-%m-%d}）"


class Reporter(models.Model):
    """A reporter (填报员) and the one organization whose commitments they report on.

    Kept apart from the user so that a reviewer is simply a user without one; not in any fixture.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reporter", verbose_name="用户"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="reporters", verbose_name="单位"
    )

    class Meta:
        verbose_name = verbose_name_plural = "填报员"

    def __str__(self):
        return f"{self.user.get_username()}（{self.organization.name}）"


class SearchDocument(models.Model):
    """A commitment's text cut into words by jieba, for the database's own full-text engine.

    Derived data: written only by ``policies.search.index_commitments`` (kept in step by
    ``policies.signals``; ``manage.py rebuild_search_index`` rebuilds it). Each field holds
    space-joined, normalised tokens (see ``policies.segmentation``).
    """

    commitment = models.OneToOneField(
        Commitment, on_delete=models.CASCADE, primary_key=True, related_name="search_document", verbose_name="承诺事项"
    )
    summary = models.TextField("摘要分词", help_text="检索时权重最高。")
    body = models.TextField("正文分词", help_text="原文引述、责任单位与领导干部姓名。")
    words = models.TextField("关键词分词", help_text="摘要与原文引述的精确模式分词，供关键词与任务建议使用。")

    class Meta:
        verbose_name = verbose_name_plural = "检索文档"

    def __str__(self):
        return f"检索文档：{self.commitment_id}"


class NeverListedManager(models.Manager):
    # The FTS5 table is read only through a commitment query's join. Listing it (dumpdata) would
    # fail on PostgreSQL, where it does not exist, and would copy an index, not data, on SQLite.
    def get_queryset(self):
        return super().get_queryset().none()


class SearchIndexEntry(models.Model):
    """SQLite only: a row of the FTS5 table over SearchDocument, created by migration, not by Django.

    Declared so that a commitment query can join the full-text match and its BM25 ``rank``
    instead of ranking row by row. Never written: triggers copy SearchDocument into it.
    On PostgreSQL the table does not exist; a GIN index on SearchDocument serves instead.
    """

    commitment = models.OneToOneField(
        Commitment,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        related_name="search_index_entry",
    )
    # FTS5 treats "<table> = 'query'" on its hidden column named like the table as MATCH.
    match = models.TextField(db_column="policies_searchindexentry")
    rank = models.FloatField()

    objects = NeverListedManager()

    class Meta:
        managed = False
        db_table = "policies_searchindexentry"
        base_manager_name = "objects"
