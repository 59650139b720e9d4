"""The tracker's vocabulary: every choice, its Chinese label, its colour and its display order.

Models, querysets, filters, the admin, templates (``policies/templatetags/vocabulary.py``) and the
page's CSS (the ``--tone`` rules that template tag writes) all read from here, so a value, label or
colour is spelled once. Renaming a value here needs a migration; the labels are in the migrations
too (``choices=``), so changing one does as well.

Colours are this module's, not the stylesheet's: the admin has no stylesheet of ours and colours its
light badge inline. Each colour is used both as a fill and as text on the page's light backgrounds,
so each keeps a contrast of at least 4.5:1 against #f6f8fa (WCAG AA for text), checked by a test.
"""

from django.db import models


class Status(models.TextChoices):
    # No approved progress report yet: what the tracker does not know, not a finding that nothing was done.
    NOT_REPORTED = "not_reported", "尚无报告"
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
    NONE = "none", "无报告"


class OrganizationKind(models.TextChoices):
    DISTRICT = "district", "区"
    COUNTY = "county", "县"
    DEPARTMENT = "department", "市级部门"
    ZONE = "zone", "开发区"
    ENTERPRISE = "enterprise", "企业"


class ReviewState(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "已退回"


class ReminderKind(models.TextChoices):
    DIGEST = "digest", "每日摘要"
    CHASE = "chase", "催办"


class LinkOrigin(models.TextChoices):
    CURATED = "curated", "人工核定"
    SUGGESTED = "suggested", "分词相似度建议"


class TaskOrigin(models.TextChoices):
    INFOGRAPHIC = "infographic", "重点任务图解"
    QUOTED_DEMAND = "quoted_demand", "报道引用的会议要求"


# What a progress update may say: a reporter reports a state, never the absence of a report.
REPORTED_STATUSES = tuple(status for status in Status if status != Status.NOT_REPORTED)

class DraftState(models.TextChoices):
    DRAFT = "draft", "待审核"
    ACCEPTED = "accepted", "已采纳"
    DISCARDED = "discarded", "已放弃"


# A commitment that can no longer move: its light is grey whatever its due date.
CLOSED_STATUSES = (Status.COMPLETED, Status.NOT_KEPT)

# Display order on the public pages: good news first, then what needs attention.
STATUS_ORDER = (
    Status.COMPLETED, Status.IN_PROGRESS, Status.BEHIND, Status.NOT_STARTED, Status.NOT_KEPT, Status.NOT_REPORTED,
)
LIGHT_ORDER = (Light.RED, Light.YELLOW, Light.GREEN, Light.GREY, Light.NONE)

# The dashboard groups organizations as the newspaper does: districts and counties together.
ORGANIZATION_GROUPS = (
    ("区县", (OrganizationKind.DISTRICT, OrganizationKind.COUNTY)),
    ("市级部门", (OrganizationKind.DEPARTMENT,)),
    ("开发区", (OrganizationKind.ZONE,)),
    ("企业", (OrganizationKind.ENTERPRISE,)),
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
