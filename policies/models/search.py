"""The search index's tables: derived from commitments, written only by the search module."""

from django.db import models
from django.utils.translation import gettext, gettext_lazy as _, pgettext_lazy

from .commitments import Commitment
from .conference import KeyTask
from .organizations import Organization


class SearchDocument(models.Model):
    """A commitment's text cut into words by jieba, for the database's own full-text engine.

    Derived data: written only by ``policies.search.index_commitments`` (kept in step by
    ``policies.invalidation`` after each write; ``manage.py rebuild_search_index`` rebuilds it). Each field holds
    space-joined, normalised tokens (see ``policies.search.segmentation``).
    """

    commitment = models.OneToOneField(
        Commitment, on_delete=models.CASCADE, primary_key=True, related_name="search_document", verbose_name=pgettext_lazy("model", "承诺事项")
    )
    summary = models.TextField(_("摘要分词"), help_text=_("检索时权重最高。"))
    body = models.TextField(_("正文分词"), help_text=_("原文引述、责任单位与领导干部姓名。"))
    words = models.TextField(_("关键词分词"), help_text=_("摘要与原文引述的精确模式分词，供关键词与任务建议使用。"))

    class Meta:
        verbose_name = pgettext_lazy("model", "检索文档")
        verbose_name_plural = pgettext_lazy("models", "检索文档")

    def __str__(self):
        return gettext("检索文档：%(pk)s") % {"pk": self.commitment_id}


class SearchWord(models.Model):
    """One word of the full-text index as a search for that word alone finds it: how many search documents
    contain it, and the first of them in the search's order, with their scores.

    Derived data, written only by ``policies.search`` (``word_matches``) whenever the index changes: a
    search for one common word reads its count and first pages here instead of ranking every match.
    """

    word = models.TextField(_("词"))
    documents = models.PositiveIntegerField(_("含该词的文档数"))
    # [[score, commitment id], ...], best first: the search's order (higher score first, then the id).
    leading = models.JSONField(_("排在最前的文档"), default=list)

    class Meta:
        verbose_name = pgettext_lazy("model", "检索词")
        verbose_name_plural = pgettext_lazy("models", "检索词")
        constraints = [
            models.UniqueConstraint(fields=["word"], name="policies_searchword_word"),
            models.CheckConstraint(condition=models.Q(documents__gt=0), name="policies_searchword_documents_positive"),
        ]

    def __str__(self):
        return self.word


class Keyword(models.Model):
    """One of the top words of an organization's or a key task's commitments, weighted by TF-IDF.

    Derived data, written only by ``policies.search`` when the index is built or changed, so that a
    page reads a few rows instead of fitting IDF over every document. Exactly one owner is set.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="keywords", verbose_name=_("责任单位")
    )
    task = models.ForeignKey(
        KeyTask, on_delete=models.CASCADE, null=True, blank=True, related_name="keywords", verbose_name=pgettext_lazy("model", "重点任务")
    )
    rank = models.PositiveSmallIntegerField(_("名次"))
    word = models.CharField(_("关键词"), max_length=100)
    weight = models.FloatField(_("权重"), help_text=_("相对于第一名的权重，0 至 1。"))

    class Meta:
        verbose_name = pgettext_lazy("model", "关键词")
        verbose_name_plural = pgettext_lazy("models", "关键词")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=False, task__isnull=True)
                | models.Q(organization__isnull=True, task__isnull=False),
                name="policies_keyword_one_owner",
            ),
            models.UniqueConstraint(fields=["organization", "rank"], name="policies_keyword_organization_rank"),
            models.UniqueConstraint(fields=["task", "rank"], name="policies_keyword_task_rank"),
        ]

    def __str__(self):
        return self.word


class SuggestionWord(models.Model):
    """How many search documents contain a word: among every commitment (no task), or among the
    commitments curated as serving one key task. What the suggested key tasks are fitted from.

    Derived data, written only by ``policies.search`` (``word_counts``) when the index or the curated
    links change: whole numbers, so adding and taking away one commitment at a time gives exactly
    what counting from scratch gives.
    """

    task = models.ForeignKey(
        KeyTask, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=pgettext_lazy("model", "重点任务")
    )
    word = models.TextField(_("词"))
    documents = models.PositiveIntegerField(_("含该词的文档数"))

    class Meta:
        verbose_name = pgettext_lazy("model", "建议词频")
        verbose_name_plural = pgettext_lazy("models", "建议词频")
        constraints = [
            models.UniqueConstraint(fields=["task", "word"], name="policies_suggestionword_task_word"),
            models.UniqueConstraint(
                fields=["word"], condition=models.Q(task__isnull=True), name="policies_suggestionword_corpus_word"
            ),
            models.CheckConstraint(condition=models.Q(documents__gt=0), name="policies_suggestionword_documents_positive"),
        ]

    def __str__(self):
        return self.word


class SuggestionDocument(models.Model):
    """The words and curated key tasks one commitment is counted with in ``SuggestionWord``.

    Not a foreign key: the record outlives a deleted commitment until its words are counted out.
    """

    commitment_id = models.PositiveBigIntegerField(_("承诺事项编号"), primary_key=True)
    words = models.TextField(_("词"), help_text=_("去重排序后的词，空格分隔。"))
    tasks = models.TextField(_("人工关联的重点任务"), blank=True, help_text=_("重点任务的数据库编号，空格分隔。"))

    class Meta:
        verbose_name = pgettext_lazy("model", "建议计数文档")
        verbose_name_plural = pgettext_lazy("models", "建议计数文档")

    def __str__(self):
        return str(self.commitment_id)


class SuggestionState(models.Model):
    """One row: a new value with every change of the counts, so that each process knows with one small
    query whether the suggestions it has in memory are current."""

    version = models.UUIDField(_("版本"))

    class Meta:
        verbose_name = pgettext_lazy("model", "建议版本")
        verbose_name_plural = pgettext_lazy("models", "建议版本")

    def __str__(self):
        return str(self.version)


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
