"""The conference, the source that reports it, and the key tasks it set."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy as _, pgettext_lazy
from simple_history.models import HistoricalRecords

from .. import links
from ..choices import TaskOrigin
from ..passages import begins_with_title
from ..querysets import ConferenceQuerySet, KeyTaskQuerySet
from .base import SpanMixin, _in_choices, _span_is_valid


class ConferenceManager(models.Manager.from_queryset(ConferenceQuerySet)):
    def get_by_natural_key(self, city, held_on):
        return self.get(city=city, held_on=held_on)


class Conference(models.Model):
    name = models.CharField(_("会议名称"), max_length=200)
    city = models.CharField(_("城市"), max_length=50)
    held_on = models.DateField(_("召开日期"))
    slug = models.SlugField(
        _("标识"), max_length=50, blank=True, help_text=_("网址中的会议标识；留空则取召开日期，如 2020-12-29。")
    )
    plan_year = models.PositiveSmallIntegerField(
        _("部署年度"), null=True, blank=True,
        help_text=_("会议部署哪一年的经济工作；留空则按召开日期推定（11、12 月召开的取次年）。"),
    )

    objects = ConferenceManager()

    class Meta:
        verbose_name = pgettext_lazy("model", "会议")
        verbose_name_plural = pgettext_lazy("models", "会议")
        ordering = ["held_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["city", "held_on"], name="policies_conference_unique_city_date"),
            models.UniqueConstraint(fields=["slug"], name="policies_conference_unique_slug"),
        ]

    def __str__(self):
        return gettext("%(name)s（%(date)s）") % {"name": self.name, "date": f"{self.held_on:%Y-%m-%d}"}

    def natural_key(self):
        return (self.city, self.held_on.isoformat())

    @staticmethod
    def default_slug(held_on):
        return held_on.isoformat()

    @staticmethod
    def default_plan_year(held_on):
        """A winter conference sets the next year's work (the conference of 2020-12-29 set 2021's)."""
        return held_on.year + 1 if held_on.month >= 11 else held_on.year

    def _fill_defaults(self):
        if self.held_on:
            self.slug = self.slug or self.default_slug(self.held_on)
            self.plan_year = self.plan_year or self.default_plan_year(self.held_on)

    def clean(self):
        # Filled before the constraints are validated, so a taken default slug is a form error.
        self._fill_defaults()

    def save(self, *args, **kwargs):
        # Defaults that depend on another field; loaddata (raw) skips this, so the fixture spells them.
        self._fill_defaults()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return links.page_url("policies:conference", self.slug)


class SourceManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Source(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="sources", verbose_name=pgettext_lazy("model", "会议"))
    slug = models.SlugField(_("标识"), max_length=100)
    publisher = models.CharField(_("刊发媒体"), max_length=100)
    published_on = models.DateField(_("刊发日期"))
    titles = models.TextField(_("标题"), blank=True, help_text=_("本版各篇文章的标题，按版面顺序，每行一个。"))
    text = models.TextField(_("原文"), help_text=_("逐字原文，保留版面换行。"))

    objects = SourceManager()

    class Meta:
        verbose_name = pgettext_lazy("model", "来源")
        verbose_name_plural = pgettext_lazy("models", "来源")
        constraints = [models.UniqueConstraint(fields=["slug"], name="policies_source_unique_slug")]

    def __str__(self):
        return f"{self.publisher} {self.published_on:%Y-%m-%d}"

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["policies.conference"]

    def title_lines(self):
        return [line.strip() for line in self.titles.splitlines() if line.strip()]

    @property
    def flat_text(self):
        """The text that spans index: the page's hard line breaks removed, nothing else changed."""
        return self.text.replace("\r", "").replace("\n", "")

    def get_absolute_url(self):
        return links.page_url("policies:source", self.conference.slug, self.slug)


class KeyTaskManager(models.Manager.from_queryset(KeyTaskQuerySet)):
    def get_by_natural_key(self, code, city, held_on):
        return self.get(code=code, conference__city=city, conference__held_on=held_on)


class KeyTask(SpanMixin, models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="tasks", verbose_name=pgettext_lazy("model", "会议"))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级任务")
    )
    code = models.CharField(_("编号"), max_length=20, help_text=_("如 T2、T2.1；不得为纯数字，以免与 id 混淆。"))
    order = models.PositiveSmallIntegerField(_("顺序"))
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    origin = models.CharField(_("出处类型"), max_length=20, choices=TaskOrigin.choices, default=TaskOrigin.INFOGRAPHIC)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="tasks", verbose_name=pgettext_lazy("model", "来源"))

    history = HistoricalRecords()
    objects = KeyTaskManager()

    class Meta:
        verbose_name = pgettext_lazy("model", "重点任务")
        verbose_name_plural = pgettext_lazy("models", "重点任务")
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
            raise ValidationError({"parent": _("重点任务只有两级：上级任务本身不能再有上级。")})
        # A key task's span covers the item as printed: its title (after the heading's number, if
        # the report prints one: "一、"), then any text printed under it. The title must be where the
        # passage begins, verbatim.
        flat_text = self._flat_text_or_none()
        if flat_text is not None and self.title and self.span_start is not None and self.span_end is not None:
            passage = flat_text[self.span_start : self.span_end]
            if self.span_end > len(flat_text) or not begins_with_title(passage, self.title):
                raise ValidationError({"title": (
                    gettext("标题“%(title)s”不是来源原文第 %(start)s–%(end)s 字的开头：该位置的原文是“%(passage)s”。请粘贴原文，由系统查找位置。")
                    % {"title": self.title, "start": self.span_start, "end": self.span_end, "passage": passage}
                )})

    def get_absolute_url(self):
        return links.page_url("policies:task", self.conference.slug, self.code)
