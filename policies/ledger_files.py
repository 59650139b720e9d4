"""Uploaded ledger files as rows of cells, whatever wrote them, without trusting their size.

What a spreadsheet application writes is not what openpyxl writes: LibreOffice and Excel store 100 %
as 1.0 in a percent-formatted cell, and a Chinese-locale "save as CSV" is GB18030, not UTF-8. A cell
is handed on as what its user saw: a percent cell becomes the text it displays ("100%"), a date cell a
date, any other number a number; ``policies.ledger`` reads the columns from there.

Files are hostile until read: an .xlsx is a zip whose parts may claim or hold far more than they
weigh. The declared sizes are checked before any XML is parsed (``zipfile`` never inflates a member
past its declared size), and the first sheet is streamed row by row, stopping at the row limit, so
a file of a million empty rows costs no more than one of MAX_ROWS.
"""

import codecs
import csv
import io
import re
import zipfile
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext, gettext_lazy

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# A full 5,000-row ledger written by openpyxl or LibreOffice has a sheet under 4 MB and shared strings
# under the notes' own size; these bounds leave room for that and cap what parsing can cost.
MAX_SHEET_XML = 16 * 1024 * 1024
MAX_UNPACKED = 64 * 1024 * 1024
MAX_PARTS = 200
# Tab, line feed and carriage return are text; every other control character is invisible debris
# (a stray NUL from a binary file, a vertical tab from an old spreadsheet) and is dropped.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class FileError(Exception):
    """A file that cannot be read as a ledger; the message says why and what to do."""


def clean_text(text):
    return _CONTROL.sub("", text)


def read_file(data, filename, width):
    """The rows of an uploaded .xlsx or .csv (at most MAX_ROWS + 1, header included), ``width`` cells each."""
    if len(data) > MAX_BYTES:
        raise FileError(gettext("文件超过 %(mb)s MB，请拆分后上传。") % {"mb": MAX_BYTES // 1024 // 1024})
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        rows = _read_xlsx(data, width)
    elif name.endswith(".csv"):
        rows = _read_csv(data, width)
    else:
        raise FileError(gettext("只接受从本系统下载的 .xlsx 或 .csv 台账文件。"))
    return rows


def _too_many_rows():
    return FileError(gettext("一次最多导入 %(rows)s 行（空行也计算在内），请拆分后上传。") % {"rows": MAX_ROWS})


# ---- xlsx ---------------------------------------------------------------------------------------

_UNREADABLE_XLSX = gettext_lazy("无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏（可在表格软件中打开后重新“另存为 .xlsx”）。")


def _check_archive(data):
    """Refuse, before parsing, an archive whose parts would unpack to more than a ledger can be."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise FileError(_UNREADABLE_XLSX) from None
    sheets = [p for p in parts if p.filename.startswith("xl/worksheets/")]
    if (len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED
            or any(p.file_size > MAX_SHEET_XML for p in sheets)):
        raise FileError(gettext("该 Excel 文件解压后过大，不像是台账。请使用本系统下载的台账，或拆分后上传。"))


def _read_xlsx(data, width):
    from openpyxl import load_workbook

    _check_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file; all mean the same to the user
        raise FileError(_UNREADABLE_XLSX) from None
    rows = []
    try:
        for row in workbook.worksheets[0].iter_rows(max_col=width):
            if len(rows) > MAX_ROWS:
                raise _too_many_rows()
            rows.append([_shown(cell) for cell in row])
    except FileError:
        raise
    except Exception:  # truncated or malformed XML, a value of the wrong type: the file is damaged
        raise FileError(_UNREADABLE_XLSX) from None
    finally:
        workbook.close()
    return rows


def _percent_decimals(number_format):
    """How many decimals a number format shows as a percentage, or None if it does not scale by 100.

    A "%" in quotes or after a backslash is printed as is and does not scale: ``0"%"`` shows 50 as "50%".
    """
    plain = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", number_format or "")
    if "%" not in plain:
        return None
    match = re.search(r"\.([0#?]+)", plain.split(";")[0])
    return len(match.group(1)) if match else 0


def _shown(cell):
    value = getattr(cell, "value", None)
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        decimals = _percent_decimals(getattr(cell, "number_format", None))
        if decimals is not None:
            # What the cell displays, rounded as the spreadsheet rounds it: 0.505 in "0%" shows as 51%.
            shown = (Decimal(repr(value)) * 100).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
            return f"{shown}%"
    return value


# ---- csv ----------------------------------------------------------------------------------------

_SAVE_AS_UTF8 = gettext_lazy("请在表格软件中“另存为” CSV 时把编码选为 UTF-8 或 GB18030（简体中文），或直接上传 .xlsx 文件。")


def decode_csv(data):
    """The text of a CSV in UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 (which includes GBK)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        # UTF-8 first: GB18030 would also decode most UTF-8 bytes, as the wrong characters.
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileError(gettext("无法识别 CSV 文件的编码。") + str(_SAVE_AS_UTF8))
    if "\x00" in text:
        # A NUL is no character of a text file: UTF-16 without its BOM, or not a CSV at all.
        raise FileError(gettext("CSV 文件中有空字符（NUL），不是文本格式的 CSV。") + str(_SAVE_AS_UTF8))
    return text


def _read_csv(data, width):
    text = decode_csv(data)
    first_line = text.split("\n", 1)[0]
    # Excel's "Unicode text" is tab-separated; a ledger's header has no tab or comma of its own.
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            if len(rows) > MAX_ROWS:
                raise _too_many_rows()
            rows.append([clean_text(value) for value in row[:width]])
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            reason = gettext("有一个单元格超过 %(limit)s 个字符") % {"limit": f"{csv.field_size_limit():,}"}
        else:
            reason = gettext("格式有误（引号不成对？）")
        raise FileError(
            gettext("CSV 文件第 %(line)s 行无法读取：%(reason)s。请检查该行，或改为上传 .xlsx 文件。") % {"line": reader.line_num, "reason": reason}
        ) from None
    return rows
