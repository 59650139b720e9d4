"""An e-mail address and what it follows. Kept only to send these mails; its owner can delete it from any mail."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy as _, pgettext_lazy

TARGETS = ("commitment", "organization", "task")


class Follower(models.Model):
    email = models.EmailField(_("邮箱地址"), max_length=254)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    # Updates approved after this moment are news for this address; set when it first confirms.
    digested_until = models.DateTimeField(_("已通知至"), null=True, blank=True)
    last_digest_on = models.DateField(_("最近一次发信日期"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "关注者")
        verbose_name_plural = pgettext_lazy("models", "关注者")
        constraints = [models.UniqueConstraint(fields=["email"], name="following_follower_unique_email")]

    def __str__(self):
        return self.email


class Follow(models.Model):
    """One thing an address follows: exactly one of a commitment, an organization or a key task."""

    follower = models.ForeignKey(Follower, on_delete=models.CASCADE, related_name="follows", verbose_name=pgettext_lazy("model", "关注者"))
    commitment = models.ForeignKey(
        "policies.Commitment", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=pgettext_lazy("model", "承诺事项")
    )
    organization = models.ForeignKey(
        "policies.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=pgettext_lazy("model", "单位")
    )
    task = models.ForeignKey(
        "policies.KeyTask", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=pgettext_lazy("model", "重点任务")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    # The language of the page the sign-up was made on: the mails are read later, outside any request,
    # so they are written in this language (policies.following.mail), not in the server's default.
    language = models.CharField(
        _("邮件语言"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = pgettext_lazy("model", "关注")
        verbose_name_plural = pgettext_lazy("models", "关注")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(commitment__isnull=False, organization__isnull=True, task__isnull=True)
                    | Q(commitment__isnull=True, organization__isnull=False, task__isnull=True)
                    | Q(commitment__isnull=True, organization__isnull=True, task__isnull=False)
                ),
                name="following_follow_one_target",
            ),
            *(
                models.UniqueConstraint(
                    fields=["follower", target], condition=Q(**{f"{target}__isnull": False}),
                    name=f"following_follow_unique_{target}",
                )
                for target in TARGETS
            ),
        ]

    def __str__(self):
        return f"{self.follower} → {self.target}"

    @property
    def target(self):
        return self.commitment or self.organization or self.task

    @property
    def target_kind(self):
        return next(name for name in TARGETS if getattr(self, f"{name}_id"))

    def target_label(self):
        if self.commitment_id:
            return gettext("承诺“%(summary)s”") % {"summary": self.commitment.summary}
        if self.organization_id:
            return gettext("%(organization)s的全部承诺") % {"organization": self.organization.name}
        return gettext("重点任务 %(code)s %(title)s") % {"code": self.task.code, "title": self.task.title}
