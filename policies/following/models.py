"""An e-mail address and what it follows. Kept only to send these mails; its owner can delete it from any mail."""

from django.db import models
from django.db.models import Q

TARGETS = ("commitment", "organization", "task")


class Follower(models.Model):
    email = models.EmailField("邮箱地址", max_length=254)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    # Updates approved after this moment are news for this address; set when it first confirms.
    digested_until = models.DateTimeField("已通知至", null=True, blank=True)
    last_digest_on = models.DateField("最近一次发信日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "关注者"
        constraints = [models.UniqueConstraint(fields=["email"], name="following_follower_unique_email")]

    def __str__(self):
        return self.email


class Follow(models.Model):
    """One thing an address follows: exactly one of a commitment, an organization or a key task."""

    follower = models.ForeignKey(Follower, on_delete=models.CASCADE, related_name="follows", verbose_name="关注者")
    commitment = models.ForeignKey(
        "policies.Commitment", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="承诺事项"
    )
    organization = models.ForeignKey(
        "policies.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="单位"
    )
    task = models.ForeignKey(
        "policies.KeyTask", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="重点任务"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "关注"
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
            return f"承诺“{self.commitment.summary}”"
        if self.organization_id:
            return f"{self.organization.name}的全部承诺"
        return f"重点任务 {self.task.code} {self.task.title}"
