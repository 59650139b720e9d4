"""Evidence files: what a file really is (by its bytes, not its name), and the name it is stored under.

Only reads here; ``services.attach_evidence`` writes. A file is accepted when its content is one of
``EvidenceKind`` *and* its name's extension says the same kind: a ``.pdf`` that is HTML, an ``.exe``
or a renamed ``.docx`` is refused, so that what a visitor downloads is what its name promises.
"""

import os
import re
import unicodedata
import uuid
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext, gettext_lazy

from .choices import EvidenceKind

EXTENSIONS = {
    ".pdf": EvidenceKind.PDF,
    ".png": EvidenceKind.PNG,
    ".jpg": EvidenceKind.JPEG,
    ".jpeg": EvidenceKind.JPEG,
    ".webp": EvidenceKind.WEBP,
    ".docx": EvidenceKind.DOCX,
    ".xlsx": EvidenceKind.XLSX,
    ".pptx": EvidenceKind.PPTX,
    ".odt": EvidenceKind.ODT,
    ".ods": EvidenceKind.ODS,
}

CONTENT_TYPES = {
    EvidenceKind.PDF: "application/pdf",
    EvidenceKind.PNG: "image/png",
    EvidenceKind.JPEG: "image/jpeg",
    EvidenceKind.WEBP: "image/webp",
    EvidenceKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    EvidenceKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    EvidenceKind.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    EvidenceKind.ODT: "application/vnd.oasis.opendocument.text",
    EvidenceKind.ODS: "application/vnd.oasis.opendocument.spreadsheet",
}

# The part every OOXML package of that kind has (ECMA-376 part 2), and the mimetype entry of ODF.
_OOXML_PARTS = {EvidenceKind.DOCX: "word/document.xml", EvidenceKind.XLSX: "xl/workbook.xml",
                EvidenceKind.PPTX: "ppt/presentation.xml"}
_ODF_MIMETYPES = {CONTENT_TYPES[EvidenceKind.ODT].encode(): EvidenceKind.ODT,
                  CONTENT_TYPES[EvidenceKind.ODS].encode(): EvidenceKind.ODS}

ALLOWED_EXTENSIONS_TEXT = gettext_lazy("PDF、PNG、JPEG、WebP 图片，Word（.docx）、Excel（.xlsx）、PowerPoint（.pptx）、ODF（.odt、.ods）文档")


def sniff(upload):
    """The EvidenceKind that ``upload``'s bytes are, or None. Reads the head (and a zip's directory)."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return EvidenceKind.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return EvidenceKind.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return EvidenceKind.JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return EvidenceKind.WEBP
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(upload)
    return None


def _sniff_zip(upload):
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                return _ODF_MIMETYPES.get(archive.read("mimetype").strip())
            if "[Content_Types].xml" in names:
                return next((kind for kind, part in _OOXML_PARTS.items() if part in names), None)
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        upload.seek(0)
    return None


def display_name(name):
    """The user's file name as shown: the last path part only, without control or format characters."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = name.strip().strip(".").strip()
    return name[-150:] or "未命名文件"


def stored_name(kind):
    """A generated name (no part of the user's): nothing in it can climb directories or collide."""
    extension = next(ext for ext, k in EXTENSIONS.items() if k == kind)
    return f"{uuid.uuid4().hex}{extension}"


def check_files(files, *, already=0):
    """The kind of each of ``files`` (uploaded files), or ValidationError listing every file refused."""
    limit, max_files = settings.EVIDENCE_MAX_BYTES, settings.EVIDENCE_MAX_FILES
    if already + len(files) > max_files:
        raise ValidationError(
            gettext("每条进展最多附 %(max)s 个佐证文件；已有 %(already)s 个，这次又选了 %(chosen)s 个。")
            % {"max": max_files, "already": already, "chosen": len(files)}, code="too_many"
        )
    errors, kinds = [], []
    for upload in files:
        name = display_name(upload.name)
        claimed = EXTENSIONS.get(os.path.splitext(name)[1].lower())
        if upload.size > limit:
            errors.append(gettext("“%(name)s”有 %(size)s，超过了每个文件 %(limit)s 的上限。") % {
                "name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit),
            })
            continue
        if not upload.size:
            errors.append(gettext("“%(name)s”是空文件。") % {"name": name})
            continue
        if claimed is None:
            errors.append(gettext("“%(name)s”的类型不在允许之列；可以上传 %(kinds)s。") % {"name": name, "kinds": ALLOWED_EXTENSIONS_TEXT})
            continue
        actual = sniff(upload)
        if actual != claimed:
            if actual:
                error = gettext("“%(name)s”的扩展名表示%(claimed)s，但文件实际是%(actual)s；请上传原始文件，不要只改扩展名。")
            else:
                error = gettext("“%(name)s”的扩展名表示%(claimed)s，但文件内容不是任何允许的文件类型；请上传原始文件，不要只改扩展名。")
            errors.append(error % {"name": name, "claimed": gettext(claimed.label), "actual": actual and gettext(actual.label)})
            continue
        kinds.append(claimed)
    if errors:
        raise ValidationError(errors, code="refused")
    return kinds
