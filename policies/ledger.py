"""Excel/CSV ledgers (台账): download the commitments a user may see, fill in progress, upload it back.

The download and the upload are the same file: one header row, then one row per commitment.
The first columns describe the commitment and are ignored on upload except the number (承诺编号);
the last five are the progress to report. A row whose progress columns are all empty is skipped, so
a reporter fills in only what moved this month. An upload is checked row by row and either every
filled row becomes a submitted progress update, in one transaction, or nothing is imported and
every bad row is listed.
"""

import csv
import io
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext

from . import ledger_files
from .filters import CommitmentFilter
from . import ledger_layout
from .choices import REPORTED_STATUSES
from .ids import parse_id
from .ledger_dates import DATE_FORMATS_HELP, parse_cell_date
from .models import Commitment, ProgressUpdate
from .spreadsheets import neutralize_formula
from .roles import visible_commitments
from .services import InvalidUpdates, check_updates, submit_updates

ID, ORGANIZATION, OFFICIAL, SUMMARY, DUE, CURRENT_STATUS, CURRENT_PERCENT = (
    "承诺编号", "责任单位", "领导干部", "承诺摘要", "完成时限", "当前状态", "当前进度（%）",
)
REPORTED_ON, STATUS, PERCENT, NOTE, EVIDENCE = "进展日期", "填报状态", "完成进度（%）", "进展说明", "佐证链接"
HEADER = [ID, ORGANIZATION, OFFICIAL, SUMMARY, DUE, CURRENT_STATUS, CURRENT_PERCENT,
          REPORTED_ON, STATUS, PERCENT, NOTE, EVIDENCE]
PROGRESS_COLUMNS = [REPORTED_ON, STATUS, PERCENT, NOTE, EVIDENCE]
DATE_COLUMNS, WRAPPED_COLUMNS, DATE_FORMAT = (DUE, REPORTED_ON), (SUMMARY, NOTE, EVIDENCE), "yyyy-mm-dd"

MAX_BYTES, MAX_ROWS = ledger_files.MAX_BYTES, ledger_files.MAX_ROWS
STATUS_BY_LABEL = {status.label: status.value for status in REPORTED_STATUSES}
STATUS_LABELS = "、".join(STATUS_BY_LABEL)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    message: str

    def __str__(self):
        where = gettext("第 %(row)s 行") % {"row": self.row} if self.row else gettext("文件")
        if self.column:
            return gettext("%(where)s「%(column)s」：%(message)s") % {"where": where, "column": self.column, "message": self.message}
        return gettext("%(where)s：%(message)s") % {"where": where, "message": self.message}


class LedgerError(Exception):
    def __init__(self, errors):
        super().__init__("\n".join(map(str, errors)))
        self.errors = errors


# ---- download ---------------------------------------------------------------------------------


def commitments_for_ledger(user, params=None):
    """The commitments ``user`` may see, narrowed by the shared FilterSet when params are given."""
    queryset = visible_commitments(user, Commitment.objects.select_related("organization", "statement__official"))
    if params:
        filterset = CommitmentFilter(params, queryset=queryset)
        if not filterset.is_valid():
            raise LedgerError([
                RowError(0, str(filterset.filters[name].label), "；".join(messages))
                for name, messages in filterset.errors.items()
            ])
        queryset = filterset.qs
    return queryset.order_by("organization__kind", "organization__name", "statement__span_start", "number", "pk")


def ledger_rows(commitments):
    for c in commitments:
        yield [c.pk, c.organization.name, c.statement.official.name, c.summary, c.due_date,
               c.get_status_display(), c.percent, "", "", "", "", ""]


# Streamed downloads: an organization's or the whole site's ledger runs to tens of thousands of rows.
# Rows are read in chunks (``iterator``) and written as they come, so neither the queryset nor the
# file is held in memory: the CSV goes out as it is written, the workbook is written row by row by
# openpyxl's write-only mode into a temporary file that spills to disk past a few megabytes.
STREAM_CHUNK = 2000


def _streamed(commitments):
    return ledger_rows(commitments.defer("quote", "statement__text").iterator(chunk_size=STREAM_CHUNK))


def stream_csv(commitments):
    """The CSV ledger as an iterator of encoded chunks, for a StreamingHttpResponse."""
    out = io.StringIO()
    writer = csv.writer(out)
    # The BOM makes Excel open the file as UTF-8 instead of mangling the Chinese.
    out.write("\ufeff")
    writer.writerow(HEADER)
    for number, row in enumerate(_streamed(commitments), start=1):
        # A summary is quoted text: one that begins with "=" must not run as a formula where it is opened.
        writer.writerow([neutralize_formula(value) for value in row])
        if number % 500 == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def stream_xlsx(commitments):
    """The Excel ledger, written row by row, as an open file positioned at its start (for a FileResponse)."""
    import tempfile

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("承诺台账")
    layout = {"header": HEADER, "widths": (10, 16, 10, 40, 12, 10, 12, 12, 10, 12, 40, 30), "wrapped": WRAPPED_COLUMNS,
              "reported_on": REPORTED_ON}
    ledger_layout.prepare(sheet, **layout)  # before the first row: a write-only sheet writes its columns first
    header = []
    for title in HEADER:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if title in PROGRESS_COLUMNS:
            cell.fill = PatternFill("solid", fgColor="FFF2CC")
        header.append(cell)
    sheet.append(header)
    wrapped, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    last_row = 1
    for row in _streamed(commitments):
        cells = []
        for value, column in zip(row, HEADER, strict=True):
            cell = WriteOnlyCell(sheet, value=value)
            # openpyxl would store a text starting with "=" as a formula; a quote is never one.
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
            cell.alignment = wrapped if column in WRAPPED_COLUMNS else top
            if column in DATE_COLUMNS:
                cell.number_format = DATE_FORMAT  # a real date cell, shown the way the upload reads best
            cells.append(cell)
        sheet.append(cells)
        last_row += 1
    ledger_layout.finish(sheet, header=HEADER, last_row=last_row, status=(STATUS, list(STATUS_BY_LABEL)),
                         percent=PERCENT, reported_on=REPORTED_ON)
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook.save(out)
    out.seek(0)
    return out


# ---- upload -----------------------------------------------------------------------------------


def read_rows(data, filename):
    """The data rows of an uploaded .xlsx or .csv, as lists of cell values (see ``ledger_files``)."""
    try:
        rows = ledger_files.read_file(data, filename, width=len(HEADER))
    except ledger_files.FileError as error:
        raise LedgerError([RowError(0, "", str(error))]) from None
    if not rows:
        raise LedgerError([RowError(0, "", gettext("文件是空的。"))])
    header = [str(v).strip() if v is not None else "" for v in rows[0]]
    if header[: len(HEADER)] != HEADER:
        raise LedgerError([RowError(1, "", gettext("表头与台账模板不一致，应为：%(header)s。请使用本系统下载的台账。") % {
            "header": "、".join(HEADER),
        })])
    return rows[1:]


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value):
    return "" if value is None else ledger_files.clean_text(str(value)).strip()


# Full-width forms a Chinese input method types: "５０％", "２０２６／１１／２４".
_HALF_WIDTH = str.maketrans("０１２３４５６７８９％．／－：", "0123456789%./-:")


def _parse_int(value):
    """A whole number from a cell: 50, 50.0, "50", "50%", "50.00%". A percent cell arrives as its text."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != int(value):
            raise ValueError
        return int(value)
    text = _text(value).translate(_HALF_WIDTH).rstrip("%").strip()
    match = re.fullmatch(r"([0-9]+)(?:\.0*)?", text)
    if not match:
        raise ValueError
    return int(match.group(1))


def _parse_date(value):
    return parse_cell_date(value)


# Where the service's errors about an update's fields appear in the ledger; "" is the row as a whole.
COLUMN_OF_FIELD = {"commitment": ID, "reported_on": REPORTED_ON, "status": STATUS, "percent": PERCENT,
                   "note": NOTE, "evidence_url": EVIDENCE, "__all__": ""}


def _cells(rows):
    """(spreadsheet row number, {column: cell}) of each row with some progress filled in."""
    for number, row in enumerate(rows, start=2):
        # Cells right of the template's columns are the reporter's own notes: ignored.
        values = dict(zip(HEADER, list(row) + [None] * (len(HEADER) - len(row)), strict=False))
        if not all(_blank(values[c]) for c in PROGRESS_COLUMNS):
            yield number, values


def cell_name(column, row):
    """The spreadsheet's name of a cell: "H5"."""
    return f"{chr(ord('A') + HEADER.index(column))}{row}"


def _number_text(value):
    # A whole float (an id typed into a number cell reads back as 12.0) is its integer.
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _parse_row(values, fail, row):
    """The typed values of one row's cells as an unsaved update; ``fail(column, message)`` for each bad cell.

    Only what a cell is (a number, a date, a status on the scale) is checked here; what an update
    may be (completed means 100, no date in the future, lengths, scope) is for services.check_updates.
    """
    update = ProgressUpdate(note=_text(values[NOTE]), evidence_url=_text(values[EVIDENCE]))
    update.commitment_id = parse_id(_number_text(values[ID]))
    if update.commitment_id is None:
        fail(ID, gettext("承诺编号必须是整数。") if not _blank(values[ID]) else gettext("缺少承诺编号。"))
    if _blank(values[REPORTED_ON]):
        fail(REPORTED_ON, gettext("请填写进展日期。"))
    else:
        try:
            update.reported_on = _parse_date(values[REPORTED_ON])
        except ValueError:
            fail(REPORTED_ON, gettext("无法识别日期“%(value)s”（%(cell)s单元格），请写成 2021-06-30 或设为日期格式。%(formats)s") % {
                "value": _text(values[REPORTED_ON]), "cell": cell_name(REPORTED_ON, row), "formats": DATE_FORMATS_HELP,
            })
    update.status = STATUS_BY_LABEL.get(_text(values[STATUS]))
    if update.status is None:
        fail(STATUS, gettext("请填写状态（%(labels)s）。") % {"labels": STATUS_LABELS} if _blank(values[STATUS]) else
             gettext("状态“%(value)s”不在可选范围内（%(labels)s）。") % {"value": _text(values[STATUS]), "labels": STATUS_LABELS})
    try:
        update.percent = _parse_int(values[PERCENT])
    except ValueError:
        fail(PERCENT, gettext("请填写 0 到 100 之间的整数。") if _blank(values[PERCENT]) else
             gettext("完成进度“%(value)s”不是 0 到 100 之间的整数。") % {"value": _text(values[PERCENT])})
    if not update.note:
        fail(NOTE, gettext("请填写进展说明。"))
    return update


def parse_updates(rows):
    """The filled rows as unsaved updates, their spreadsheet row numbers, and the errors in their cells."""
    updates, numbers, errors, first_row_of = [], [], [], {}
    for number, values in _cells(rows):
        def fail(column, message, number=number):
            errors.append(RowError(number, column, message))

        update = _parse_row(values, fail, number)
        if update.commitment_id is not None:
            if update.commitment_id in first_row_of:
                fail(ID, gettext("承诺 %(pk)s 已在第 %(row)s 行填报，每个承诺每次只能填报一行。") % {
                    "pk": update.commitment_id, "row": first_row_of[update.commitment_id],
                })
            else:
                first_row_of[update.commitment_id] = number
        updates.append(update)
        numbers.append(number)
    return updates, numbers, errors


def _message(field, error, update):
    # Django's own wording for a bad URL does not say which one; in a sheet of many rows it should.
    if field == "evidence_url" and error.code == "invalid":
        return gettext("佐证链接“%(url)s”不是有效的网址。") % {"url": update.evidence_url}
    return " ".join(error.messages)


def _row_errors(service_errors, updates, numbers, cell_errors):
    """The service's errors placed in their rows and columns, leaving out cells already reported as unreadable."""
    reported = {(e.row, e.column) for e in cell_errors}
    return [
        RowError(numbers[position], COLUMN_OF_FIELD.get(field, ""), _message(field, error, updates[position]))
        for position, fields in service_errors.items()
        for field, errors in fields.items()
        if (numbers[position], COLUMN_OF_FIELD.get(field, "")) not in reported
        for error in errors
    ]


def _in_sheet_order(errors):
    order = {column: i for i, column in enumerate(HEADER)}
    return sorted(errors, key=lambda e: (e.row, order.get(e.column, len(HEADER))))


@transaction.atomic
def import_ledger(*, data, filename, user):
    """Import a filled-in ledger as submitted updates: all rows or none. Raises LedgerError listing every problem."""
    updates, numbers, errors = parse_updates(read_rows(data, filename))
    if not updates:
        raise LedgerError([RowError(0, "", gettext("没有填写任何进展：请在“%(first)s”到“%(last)s”几列中填写后再上传。") % {
            "first": REPORTED_ON, "last": EVIDENCE,
        })])
    try:
        if errors:
            # Nothing will be written; the rules are checked only to list every problem at once.
            service_errors = check_updates(updates=updates, author=user)
        else:
            return submit_updates(updates=updates, author=user)
    except InvalidUpdates as invalid:
        service_errors = invalid.errors
    raise LedgerError(_in_sheet_order(errors + _row_errors(service_errors, updates, numbers, errors)))
