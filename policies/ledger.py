"""Excel/CSV ledgers (台账): download the commitments a user may see, fill in progress, upload it back.

The download and the upload are the same file: one header row, then one row per commitment.
The first columns describe the commitment and are ignored on upload except the number (承诺编号);
the last five are the progress to report. A row whose progress columns are all empty is skipped, so
a reporter fills in only what moved this month. An upload is checked row by row and either every
filled row becomes a submitted progress update, in one transaction, or nothing is imported and
every bad row is listed.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass

from django.db import transaction

from .filters import CommitmentFilter
from .choices import REPORTED_STATUSES
from .models import Commitment, ProgressUpdate
from .roles import visible_commitments
from .services import InvalidUpdates, check_updates, submit_updates

ID, ORGANIZATION, OFFICIAL, SUMMARY, DUE, CURRENT_STATUS, CURRENT_PERCENT = (
    "承诺编号", "责任单位", "领导干部", "承诺摘要", "完成时限", "当前状态", "当前进度（%）",
)
REPORTED_ON, STATUS, PERCENT, NOTE, EVIDENCE = "进展日期", "填报状态", "完成进度（%）", "进展说明", "佐证链接"
HEADER = [ID, ORGANIZATION, OFFICIAL, SUMMARY, DUE, CURRENT_STATUS, CURRENT_PERCENT,
          REPORTED_ON, STATUS, PERCENT, NOTE, EVIDENCE]
PROGRESS_COLUMNS = [REPORTED_ON, STATUS, PERCENT, NOTE, EVIDENCE]

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
STATUS_BY_LABEL = {status.label: status.value for status in REPORTED_STATUSES}
STATUS_LABELS = "、".join(STATUS_BY_LABEL)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    message: str

    def __str__(self):
        where = f"第 {self.row} 行" if self.row else "文件"
        return f"{where}{'「' + self.column + '」' if self.column else ''}：{self.message}"


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
        yield [c.pk, c.organization.name, c.statement.official.name, c.summary, c.due_date.isoformat(),
               c.get_status_display(), c.percent, "", "", "", "", ""]


def write_csv(commitments):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(ledger_rows(commitments))
    # The BOM makes Excel open the file as UTF-8 instead of mangling the Chinese.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(commitments):
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "承诺台账"
    sheet.append(HEADER)
    for row in ledger_rows(commitments):
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            # openpyxl would store a text starting with "=" as a formula; a quote is never one.
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        if cell.value in PROGRESS_COLUMNS:
            cell.fill = PatternFill("solid", fgColor="FFF2CC")
    for letter, width in zip("ABCDEFGHIJKL", (10, 16, 10, 40, 12, 10, 12, 12, 10, 12, 40, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "B2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# ---- upload -----------------------------------------------------------------------------------


def read_rows(data, filename):
    """The header and data rows of an uploaded .xlsx or .csv, as lists of cell values."""
    if len(data) > MAX_BYTES:
        raise LedgerError([RowError(0, "", f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请拆分后上传。")])
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        rows = _read_xlsx(data)
    elif name.endswith(".csv"):
        rows = _read_csv(data)
    else:
        raise LedgerError([RowError(0, "", "只接受从本系统下载的 .xlsx 或 .csv 台账文件。")])
    if not rows:
        raise LedgerError([RowError(0, "", "文件是空的。")])
    header = [str(v).strip() if v is not None else "" for v in rows[0]]
    if header[: len(HEADER)] != HEADER:
        raise LedgerError([RowError(1, "", f"表头与台账模板不一致，应为：{'、'.join(HEADER)}。请使用本系统下载的台账。")])
    body = rows[1:]
    if len(body) > MAX_ROWS:
        raise LedgerError([RowError(0, "", f"一次最多导入 {MAX_ROWS} 行。")])
    return body


def _read_xlsx(data):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file; all mean the same to the user
        raise LedgerError([RowError(0, "", "无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏。")]) from None
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _read_csv(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LedgerError([RowError(0, "", "CSV 文件须为 UTF-8 编码（从本系统下载的文件即是）。")]) from None
    return list(csv.reader(io.StringIO(text)))


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value):
    return "" if value is None else str(value).strip()


def _parse_int(value):
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != int(value):
            raise ValueError
        return int(value)
    text = _text(value).rstrip("%％").strip()
    if not re.fullmatch(r"\d+", text):
        raise ValueError
    return int(text)


def _parse_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if not match:
        raise ValueError
    return datetime.date(*map(int, match.groups()))


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


def _parse_row(values, fail):
    """The typed values of one row's cells as an unsaved update; ``fail(column, message)`` for each bad cell.

    Only what a cell is (a number, a date, a status on the scale) is checked here; what an update
    may be (completed means 100, no date in the future, lengths, scope) is for services.check_updates.
    """
    update = ProgressUpdate(note=_text(values[NOTE]), evidence_url=_text(values[EVIDENCE]))
    try:
        update.commitment_id = _parse_int(values[ID])
    except ValueError:
        fail(ID, "承诺编号必须是整数。" if not _blank(values[ID]) else "缺少承诺编号。")
    if _blank(values[REPORTED_ON]):
        fail(REPORTED_ON, "请填写进展日期。")
    else:
        try:
            update.reported_on = _parse_date(values[REPORTED_ON])
        except ValueError:
            fail(REPORTED_ON, f"无法识别日期“{_text(values[REPORTED_ON])}”，请写成 2021-06-30 的格式。")
    update.status = STATUS_BY_LABEL.get(_text(values[STATUS]))
    if update.status is None:
        fail(STATUS, f"请填写状态（{STATUS_LABELS}）。" if _blank(values[STATUS]) else
             f"状态“{_text(values[STATUS])}”不在可选范围内（{STATUS_LABELS}）。")
    try:
        update.percent = _parse_int(values[PERCENT])
    except ValueError:
        fail(PERCENT, "请填写 0 到 100 之间的整数。" if _blank(values[PERCENT]) else
             f"完成进度“{_text(values[PERCENT])}”不是 0 到 100 之间的整数。")
    if not update.note:
        fail(NOTE, "请填写进展说明。")
    return update


def parse_updates(rows):
    """The filled rows as unsaved updates, their spreadsheet row numbers, and the errors in their cells."""
    updates, numbers, errors, first_row_of = [], [], [], {}
    for number, values in _cells(rows):
        def fail(column, message, number=number):
            errors.append(RowError(number, column, message))

        update = _parse_row(values, fail)
        if update.commitment_id is not None:
            if update.commitment_id in first_row_of:
                fail(ID, f"承诺 {update.commitment_id} 已在第 {first_row_of[update.commitment_id]} 行填报，"
                         "每个承诺每次只能填报一行。")
            else:
                first_row_of[update.commitment_id] = number
        updates.append(update)
        numbers.append(number)
    return updates, numbers, errors


def _message(field, error, update):
    # Django's own wording for a bad URL does not say which one; in a sheet of many rows it should.
    if field == "evidence_url" and error.code == "invalid":
        return f"佐证链接“{update.evidence_url}”不是有效的网址。"
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
        raise LedgerError([RowError(0, "", "没有填写任何进展：请在“进展日期”到“佐证链接”几列中填写后再上传。")])
    try:
        if errors:
            # Nothing will be written; the rules are checked only to list every problem at once.
            service_errors = check_updates(updates=updates, author=user)
        else:
            return submit_updates(updates=updates, author=user)
    except InvalidUpdates as invalid:
        service_errors = invalid.errors
    raise LedgerError(_in_sheet_order(errors + _row_errors(service_errors, updates, numbers, errors)))
