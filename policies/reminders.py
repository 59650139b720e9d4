"""Reminders (催办) by email: the daily digests of ``manage.py send_reminders`` and a reviewer's
chase on one commitment. Every email sent is recorded as a ``Reminder``; at most one digest per
person per day (a database constraint, so two overlapping runs cannot both send); nothing to
deactivated users or to users without an email address.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Commitment, ProgressUpdate, Reminder, ReminderKind, ReviewState
from .choices import CLOSED_STATUSES
from .roles import is_reviewer

DIGEST_ROWS = 50


def _workbench_url():
    return settings.TRACKER_SITE_URL.rstrip("/") + reverse("workbench:index")


def _line(commitment, today):
    due = f"完成时限 {commitment.due_date:%Y-%m-%d}"
    if commitment.due_date < today:
        due += f"（已逾期 {(today - commitment.due_date).days} 天）"
    last = f"最近审核通过的进展 {commitment.last_update_on:%Y-%m-%d}" if commitment.last_update_on else "尚无审核通过的进展"
    return f"· {commitment.summary}（{commitment.organization.name}）：{due}；当前{commitment.get_status_display()} {commitment.percent}%；{last}"


def _reporter_items(organization_id, today, due_days, silent_days):
    soon = today + datetime.timedelta(days=due_days)
    cutoff = today - datetime.timedelta(days=silent_days)
    rows = (
        Commitment.objects.filter(organization_id=organization_id, closed_on__isnull=True)
        .exclude(status__in=CLOSED_STATUSES)
        .filter(Q(due_date__lte=soon) | Q(last_update_on__lt=cutoff) | Q(last_update_on__isnull=True))
        .select_related("organization")
        .order_by("due_date", "pk")
    )
    return list(rows[: DIGEST_ROWS + 1])


def _reporter_digest(user, items, today, due_days, silent_days):
    overdue = [c for c in items if c.due_date < today]
    rest = [c for c in items if c.due_date >= today]
    lines = [f"{user.get_full_name() or user.get_username()}，您好：", "",
             f"以下承诺事项已逾期、将在 {due_days} 天内到期，或已超过 {silent_days} 天没有审核通过的进展，请及时填报。", ""]
    if overdue:
        lines += ["【已逾期】", *(_line(c, today) for c in overdue), ""]
    if rest:
        lines += ["【即将到期或长期未更新】", *(_line(c, today) for c in rest[:DIGEST_ROWS]), ""]
    if len(items) > DIGEST_ROWS:
        lines.append("另有更多事项未列出，请在工作台查看全部。")
    lines += [f"工作台：{_workbench_url()}", "", "（本邮件由承诺跟踪系统自动发送，每人每天至多一封。）"]
    return f"【承诺跟踪】{len(items) if len(items) <= DIGEST_ROWS else f'{DIGEST_ROWS}+'} 项承诺需要填报进展", "\n".join(lines)


def _reviewer_digest(user, pending):
    lines = [f"{user.get_full_name() or user.get_username()}，您好：", "",
             f"目前有 {len(pending)} 条进展填报等待审核：", ""]
    for update in pending[:DIGEST_ROWS]:
        lines.append(f"· {update.commitment.organization.name}：{update.commitment.summary}——"
                     f"{update.get_status_display()} {update.percent}%（{update.reported_on:%Y-%m-%d}，填报人 {update.author.get_username()}）")
    if len(pending) > DIGEST_ROWS:
        lines.append("另有更多填报未列出，请在工作台查看全部。")
    lines += ["", f"工作台：{_workbench_url()}", "", "（本邮件由承诺跟踪系统自动发送，每人每天至多一封。）"]
    count = len(pending) if len(pending) <= DIGEST_ROWS else f"{DIGEST_ROWS}+"
    return f"【承诺跟踪】{count} 条进展填报等待审核", "\n".join(lines)


def _send_digest(user, subject, body, today):
    """Claim the day's digest for ``user`` first, then send; a failed send rolls the claim back."""
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(kind=ReminderKind.DIGEST, recipient=user, sent_on=today,
                                               subject=subject, body=body)
            send_mail(subject, body, None, [user.email])
    except IntegrityError:  # someone else's run sent today's digest meanwhile
        return None
    return reminder


def _recipients():
    return get_user_model().objects.filter(is_active=True).exclude(email="").order_by("pk")


def send_digests(*, today=None, due_days=None, silent_days=None):
    """Email each active reporter a digest of their organization's commitments that are overdue, due
    within ``due_days`` or silent for ``silent_days``, and each active reviewer the pending updates.
    Skips whoever has nothing to read or already had today's digest. Returns the reminders sent."""
    today = today or timezone.localdate()
    due_days = settings.REMINDER_DUE_DAYS if due_days is None else due_days
    silent_days = settings.SILENT_DAYS if silent_days is None else silent_days
    already = set(Reminder.objects.filter(kind=ReminderKind.DIGEST, sent_on=today).values_list("recipient_id", flat=True))
    users = [user for user in _recipients().select_related("reporter") if user.pk not in already]
    reviewers = [user for user in users if is_reviewer(user)]
    reporters = [user for user in users if user not in reviewers and getattr(user, "reporter", None)]
    sent = []
    if reviewers:
        pending = list(
            ProgressUpdate.objects.filter(review_state=ReviewState.SUBMITTED)
            .select_related("commitment__organization", "author").order_by("reported_on", "pk")[: DIGEST_ROWS + 1]
        )
        if pending:
            for user in reviewers:
                sent.append(_send_digest(user, *_reviewer_digest(user, pending), today))
    items_by_organization = {}
    for user in reporters:
        organization_id = user.reporter.organization_id
        if organization_id not in items_by_organization:
            items_by_organization[organization_id] = _reporter_items(organization_id, today, due_days, silent_days)
        items = items_by_organization[organization_id]
        if items:
            sent.append(_send_digest(user, *_reporter_digest(user, items, today, due_days, silent_days), today))
    return [reminder for reminder in sent if reminder]


@transaction.atomic
def chase_commitment(*, commitment, sender, note="", today=None):
    """A reviewer's 催办 on one commitment: an email to each active reporter of its organization."""
    if not is_reviewer(sender):
        raise PermissionDenied(_("只有督查员可以催办。"))
    if commitment.closed_on:
        raise ValidationError(_("这项承诺已销号，无需催办。"))
    today = today or timezone.localdate()
    recipients = list(_recipients().filter(reporter__organization_id=commitment.organization_id))
    if not recipients:
        raise ValidationError(
            _("%(organization)s没有可接收邮件的填报员（账户有效且填写了邮箱）。") % {"organization": commitment.organization.name}
        )
    note = (note or "").strip()
    subject = f"【承诺跟踪】催办：{commitment.summary}"[:200]
    body = "\n".join([
        f"督查员 {sender.get_full_name() or sender.get_username()} 请您尽快填报以下承诺事项的进展：", "",
        _line(commitment, today), *(["", f"督查员留言：{note}"] if note else []), "",
        f"工作台：{_workbench_url()}",
    ])
    sent = []
    for user in recipients:
        sent.append(Reminder.objects.create(kind=ReminderKind.CHASE, recipient=user, commitment=commitment,
                                            sent_by=sender, sent_on=today, subject=subject, body=body))
        send_mail(subject, body, None, [user.email])
    return sent
