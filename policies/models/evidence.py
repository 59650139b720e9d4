"""Files a reporter attaches to a progress update as evidence (佐证材料)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from ..choices import INLINE_EVIDENCE_KINDS, EvidenceKind
from .base import _in_choices
from .progress import ProgressUpdate


def _stored_name(instance, filename):
    # ``filename`` is already the generated one (policies.evidence.stored_name); the user's own name
    # is kept in original_name for display only and never reaches the storage.
    return f"evidence/{filename}"


class EvidenceFile(models.Model):
    """One file on one update. Written only by ``services.attach_evidence``, which checks its content;
    public once the update is approved (``policies.views.evidence_file``)."""

    Kind = EvidenceKind

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence_files",
                               verbose_name=pgettext_lazy("model", "进展填报"))
    file = models.FileField(_("文件"), upload_to=_stored_name, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, choices=EvidenceKind.choices)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="evidence_files", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "佐证文件")
        verbose_name_plural = pgettext_lazy("models", "佐证文件")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=_in_choices("kind", EvidenceKind), name="policies_evidencefile_kind_valid"),
            models.CheckConstraint(condition=Q(size__gt=0), name="policies_evidencefile_not_empty"),
            models.UniqueConstraint(fields=["file"], name="policies_evidencefile_unique_file"),
        ]

    def __str__(self):
        return self.original_name

    @property
    def shown_inline(self):
        """Images and PDFs open in the browser; office documents are always downloaded."""
        return self.kind in INLINE_EVIDENCE_KINDS

