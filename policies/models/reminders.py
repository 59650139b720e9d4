"""Reminder emails as sent (催办)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _, pgettext_lazy

from ..choices import ReminderKind
from .base import _in_choices
from .commitments import Commitment


class Reminder(models.Model):
    """One reminder email as sent: a daily digest (send_reminders) or a reviewer's 催办 on one commitment.

    Written only by ``policies.reminders``; kept so that the commitment and the workbench can show
    who was chased when, and so that nobody gets two digests on one day (the constraint below).
    """

    Kind = ReminderKind

    kind = models.CharField(_("类型"), max_length=20, choices=ReminderKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reminders", verbose_name=_("收件人")
    )
    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders", verbose_name=pgettext_lazy("model", "承诺事项")
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="reminders_sent",
        verbose_name=_("催办人"),
    )
    sent_on = models.DateField(_("发送日期"))
    sent_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    subject = models.CharField(_("邮件标题"), max_length=200)
    body = models.TextField(_("邮件正文"))

    class Meta:
        verbose_name = pgettext_lazy("model", "催办提醒")
        verbose_name_plural = pgettext_lazy("models", "催办提醒")
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
        return gettext("%(kind)s：%(recipient)s（%(date)s）") % {
            "kind": gettext(self.get_kind_display()), "recipient": self.recipient.get_username(), "date": f"{self.sent_on:%Y-%m-%d}",
        }
