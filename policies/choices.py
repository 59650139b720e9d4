"""The tracker's vocabulary: every choice, its Chinese label, its colour and its display order.

Models, querysets, filters, the admin, templates (``policies/templatetags/vocabulary.py``) and the
page's CSS (the ``--tone`` rules that template tag writes) all read from here, so a value, label or
colour is spelled once. Renaming a value here needs a migration; the labels are in the migrations
too (``choices=``), so changing one does as well.

The labels are data as much as interface: the ledger reads them back from spreadsheets, exports and
the open-data download print them, history notes store them. So they stay plain Chinese strings, only
marked (gettext_noop) for the English catalogue (locale/en), and are translated where they are
shown: the ``{% status_badge %}``/``{% light_badge %}`` tags and ``{% translate %}`` in templates.

Colours are this module's, not the stylesheet's: the admin has no stylesheet of ours and colours its
light badge inline. Each colour is used both as a fill and as text on the page's light backgrounds,
so each keeps a contrast of at least 4.5:1 against #f6f8fa (WCAG AA for text), checked by a test.
"""

from django.db import models
from django.utils.translation import gettext_noop


class Status(models.TextChoices):
    # No approved progress report yet: what the tracker does not know, not a finding that nothing was done.
    NOT_REPORTED = "not_reported", gettext_noop("尚无报告")
    NOT_STARTED = "not_started", gettext_noop("未启动")
    IN_PROGRESS = "in_progress", gettext_noop("推进中")
    BEHIND = "behind", gettext_noop("进展滞后")
    COMPLETED = "completed", gettext_noop("已完成")
    NOT_KEPT = "not_kept", gettext_noop("未兑现")


class Light(models.TextChoices):
    RED = "red", gettext_noop("红灯")
    YELLOW = "yellow", gettext_noop("黄灯")
    GREEN = "green", gettext_noop("绿灯")
    GREY = "grey", gettext_noop("灰灯")
    NONE = "none", gettext_noop("无报告")


class OrganizationKind(models.TextChoices):
    DISTRICT = "district", gettext_noop("区")
    COUNTY = "county", gettext_noop("县")
    DEPARTMENT = "department", gettext_noop("市级部门")
    ZONE = "zone", gettext_noop("开发区")
    ENTERPRISE = "enterprise", gettext_noop("企业")


class ReviewState(models.TextChoices):
    SUBMITTED = "submitted", gettext_noop("待审核")
    APPROVED = "approved", gettext_noop("已通过")
    REJECTED = "rejected", gettext_noop("已退回")


class ReminderKind(models.TextChoices):
    DIGEST = "digest", gettext_noop("每日摘要")
    CHASE = "chase", gettext_noop("催办")


class LinkOrigin(models.TextChoices):
    CURATED = "curated", gettext_noop("人工核定")
    SUGGESTED = "suggested", gettext_noop("分词相似度建议")


class TaskOrigin(models.TextChoices):
    INFOGRAPHIC = "infographic", gettext_noop("重点任务图解")
    QUOTED_DEMAND = "quoted_demand", gettext_noop("报道引用的会议要求")


# What a progress update may say: a reporter reports a state, never the absence of a report.
REPORTED_STATUSES = tuple(status for status in Status if status != Status.NOT_REPORTED)

class DraftState(models.TextChoices):
    DRAFT = "draft", gettext_noop("待审核")
    ACCEPTED = "accepted", gettext_noop("已采纳")
    DISCARDED = "discarded", gettext_noop("已放弃")


class EvidenceKind(models.TextChoices):
    PDF = "pdf", gettext_noop("PDF 文档")
    PNG = "png", gettext_noop("PNG 图片")
    JPEG = "jpeg", gettext_noop("JPEG 图片")
    WEBP = "webp", gettext_noop("WebP 图片")
    DOCX = "docx", gettext_noop("Word 文档")
    XLSX = "xlsx", gettext_noop("Excel 表格")
    PPTX = "pptx", gettext_noop("PowerPoint 演示文稿")
    ODT = "odt", gettext_noop("ODF 文本文档")
    ODS = "ods", gettext_noop("ODF 电子表格")


# Images and PDFs open in the browser; office documents are always downloaded.
INLINE_EVIDENCE_KINDS = (EvidenceKind.PDF, EvidenceKind.PNG, EvidenceKind.JPEG, EvidenceKind.WEBP)


# A commitment that can no longer move: its light is grey whatever its due date.
CLOSED_STATUSES = (Status.COMPLETED, Status.NOT_KEPT)
# Reported on and not closed: the statuses a warning light (red, yellow, green) is given to.
OPEN_STATUSES = tuple(status for status in Status if status not in CLOSED_STATUSES and status != Status.NOT_REPORTED)

# Display order on the public pages: good news first, then what needs attention.
STATUS_ORDER = (
    Status.COMPLETED, Status.IN_PROGRESS, Status.BEHIND, Status.NOT_STARTED, Status.NOT_KEPT, Status.NOT_REPORTED,
)
LIGHT_ORDER = (Light.RED, Light.YELLOW, Light.GREEN, Light.GREY, Light.NONE)

# The dashboard groups organizations as the newspaper does: districts and counties together.
ORGANIZATION_GROUPS = (
    (gettext_noop("区县"), (OrganizationKind.DISTRICT, OrganizationKind.COUNTY)),
    (gettext_noop("市级部门"), (OrganizationKind.DEPARTMENT,)),
    (gettext_noop("开发区"), (OrganizationKind.ZONE,)),
    (gettext_noop("企业"), (OrganizationKind.ENTERPRISE,)),
)

_GREEN, _BLUE, _RED, _DARK_RED, _AMBER, _GREY = "#2e7d32", "#0a58ca", "#c62828", "#7a1c1c", "#9a6700", "#59636e"
# "Nothing reported" must not read as a verdict: a neutral violet, apart from the closed grey and every warning.
_VIOLET = "#6639ba"

STATUS_COLOURS = {
    Status.COMPLETED: _GREEN,
    Status.IN_PROGRESS: _BLUE,
    Status.BEHIND: _RED,
    Status.NOT_STARTED: _GREY,
    Status.NOT_KEPT: _DARK_RED,
    Status.NOT_REPORTED: _VIOLET,
}
LIGHT_COLOURS = {
    Light.RED: _RED,
    Light.YELLOW: _AMBER,
    Light.GREEN: _GREEN,
    Light.GREY: _GREY,
    Light.NONE: _VIOLET,
}

# The CSS class prefix of each coloured vocabulary: ``status-behind``, ``light-red``.
COLOURED = {"status": (Status, STATUS_COLOURS), "light": (Light, LIGHT_COLOURS)}
# The colours as CSS, written to this file by `manage.py write_vocabulary_css` (a test checks it is current):
# a static file rather than an inline <style>, which the Content-Security-Policy refuses.
STYLESHEET = "static/css/vocabulary.css"


def stylesheet():
    """Each status and light class with its colour as ``--tone``, which site.css uses for text, fills and borders."""
    rules = [
        f".{prefix}-{value}{{--tone:{colours[value]}}}"
        for prefix, (choices, colours) in COLOURED.items()
        for value in choices
    ]
    return "/* Generated from policies/choices.py by `manage.py write_vocabulary_css`: edit there. */\n" + "\n".join(rules) + "\n"
