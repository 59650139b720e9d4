"""Downloads of the public commitment list: CSV, Excel and JSON of exactly the rows a filtered list shows.

The list's FilterSet (policies/filters.py) does the filtering, so every query parameter of
/commitments/ works here too; the same columns, in the same order, go into every format
(COLUMNS; also the open-data download's commitments.csv). Rows are read in chunks and written
as they are read: a download of 100,000 commitments never sits in memory.
"""

import csv
import json
import tempfile
from dataclasses import dataclass
from collections.abc import Callable

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from .filters import CommitmentFilter
from .models import Commitment, Light
from .spreadsheets import neutralize_formula, xlsx_cell

CHUNK = 1000
LIGHT_LABELS = dict(Light.choices)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    key: str  # the JSON key; stable, scripts rely on it
    label: str  # the CSV and Excel header
    description: str  # for the open-data README
    value: Callable


def _date(value):
    return value.isoformat() if value else ""


COLUMNS = [
    Column("id", "编号", "承诺事项编号；页面为 /commitments/<编号>/。", lambda c: c.pk),
    Column("summary", "摘要", "本站编写的一句话摘要。", lambda c: c.summary),
    Column("quote", "原文引述", "报道中的逐字原文。", lambda c: c.quote),
    Column("organization_id", "责任单位编号", "责任单位编号；页面为 /organizations/<编号>/。", lambda c: c.organization_id),
    Column("organization", "责任单位", "责任单位名称。", lambda c: c.organization.name),
    Column("organization_kind", "单位类型", "区、县、市级部门、开发区或企业。", lambda c: c.organization.get_kind_display()),
    Column("official", "领导干部", "作出表态的领导干部。", lambda c: c.statement.official.name),
    Column("official_title", "时任职务", "报道所载的时任职务。", lambda c: c.statement.official.title),
    Column("tasks", "对应重点任务", "对应重点任务的编号，以分号分隔。", lambda c: ";".join(t.code for t in c.tasks.all())),
    Column("status", "状态代码", "not_started、in_progress、behind、completed 或 not_kept。", lambda c: c.status),
    Column("status_display", "状态", "当前状态（取最近一次审核通过的进展）。", lambda c: c.get_status_display()),
    Column("percent", "完成进度（%）", "0–100 的整数。", lambda c: c.percent),
    Column("light", "预警灯代码", "red、yellow、green 或 grey。", lambda c: c.light),
    Column("light_display", "预警灯", "按导出当日计算的预警灯。", lambda c: LIGHT_LABELS[c.light]),
    Column("due_date", "完成时限", "YYYY-MM-DD。", lambda c: _date(c.due_date)),
    Column("due_basis", "时限依据", "完成时限从原文如何得出。", lambda c: c.due_basis),
    Column("last_update_on", "最近进展日期", "最近一次审核通过的进展日期；没有则为空。", lambda c: _date(c.last_update_on)),
    Column("source", "来源", "来源标识；原文页面为 /sources/<来源>/。", lambda c: c.statement.source.slug),
    Column("span_start", "原文起始位置", "引述在来源去掉换行后的全文中的起始字符位置。", lambda c: c.span_start),
    Column("span_end", "原文结束位置", "引述的结束字符位置（不含）。", lambda c: c.span_end),
]
HEADER = [column.label for column in COLUMNS]
FORMATS = ("csv", "xlsx", "json")


def export_queryset():
    """Every commitment with what the columns read, in the public list's order (views.CommitmentListView)."""
    return (
        Commitment.objects.with_source_and_tasks()
        .with_light()
        .defer("statement__text", "statement__source__text")
        .order_by("statement__span_start", "number", "pk")
    )


def rows(commitments):
    """One list of values per commitment, read CHUNK rows at a time (1 query per chunk, +1 for its tasks)."""
    for commitment in commitments.iterator(chunk_size=CHUNK):
        yield [column.value(commitment) for column in COLUMNS]


class _Echo:
    """A file that hands back what is written to it, so csv.writer can feed a streamed response."""

    def write(self, value):
        return value


def csv_chunks(commitments):
    writer = csv.writer(_Echo())
    # The BOM makes Excel open the file as UTF-8 instead of mangling the Chinese.
    yield "\ufeff" + writer.writerow(HEADER)
    for row in rows(commitments):
        yield writer.writerow([neutralize_formula(value) for value in row])


def json_chunks(commitments):
    keys = [column.key for column in COLUMNS]
    yield "["
    separator = "\n"
    for row in rows(commitments):
        yield separator + json.dumps(dict(zip(keys, row, strict=True)), ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


def write_xlsx(commitments, file):
    """Write the .xlsx to ``file``; openpyxl's write-only mode keeps rows on disk, not in memory."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("承诺事项")
    header = []
    for label in HEADER:
        cell = xlsx_cell(sheet, label)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.freeze_panes = "B2"
    sheet.append(header)
    for row in rows(commitments):
        sheet.append([xlsx_cell(sheet, value) for value in row])
    workbook.save(file)


def _filename(extension):
    return f"commitments-{timezone.localdate():%Y%m%d}.{extension}"


@require_GET
def commitment_export(request):
    """/commitments/export/?format=csv|xlsx|json plus any filter of the list."""
    kind = request.GET.get("format", "csv")
    if kind not in FORMATS:
        return HttpResponse(gettext("format 只能是 csv、xlsx 或 json。"), status=400, content_type="text/plain; charset=utf-8")
    filterset = CommitmentFilter(request.GET, queryset=export_queryset())
    if not filterset.is_valid():
        problems = [
            gettext("%(label)s：%(errors)s") % {
                "label": filterset.filters[name].label,
                "errors": gettext("；").join(messages),
            }
            for name, messages in filterset.errors.items()
        ]
        return HttpResponse(
            gettext("筛选条件有误，未导出：") + "\n" + "\n".join(problems), status=400, content_type="text/plain; charset=utf-8"
        )
    commitments = filterset.qs
    if kind == "csv":
        response = StreamingHttpResponse(csv_chunks(commitments), content_type="text/csv; charset=utf-8")
    elif kind == "json":
        response = StreamingHttpResponse(json_chunks(commitments), content_type="application/json; charset=utf-8")
    else:
        file = tempfile.TemporaryFile()
        write_xlsx(commitments, file)
        file.seek(0)
        response = FileResponse(file, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(kind)}"'
    return response
