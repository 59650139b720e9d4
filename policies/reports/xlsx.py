"""The monthly report as an XLSX workbook: one sheet per table, the chart beside the organizations."""

import io

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..choices import LIGHT_COLOURS, LIGHT_ORDER, Status
from .monthly import LIGHT_HEADERS, STATUS_HEADERS

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E8EEF4")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _sheet(workbook, title, headers, rows, widths):
    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font, cell.fill, cell.alignment = _BOLD, _HEADER_FILL, _WRAP
    for row in rows:
        sheet.append(row)
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _group_rows(groups, total):
    for group in [*groups, total]:
        yield [group.name, group.total, *group.status_counts, *group.light_counts, group.avg_percent]


def write_xlsx(report):
    workbook = Workbook()
    summary = workbook.active
    summary.title = "概况"
    overall = report.overall
    summary.append([report.title])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([f"数据截至 {report.as_of:%Y-%m-%d}；状态与进度取自审核通过的进展，灯号按当日计算。"])
    summary.append([])
    summary.append(["承诺事项", overall.total])
    summary.append(["平均完成进度（%）", overall.avg_percent])
    summary.append(["本月状态或进度有变化", len(report.changes)])
    summary.append(["红灯", overall.light_count("red")])
    summary.column_dimensions["A"].width = 28

    headers = ["名称", "承诺数", *STATUS_HEADERS, *LIGHT_HEADERS, "平均进度（%）"]
    widths = [26, 8, *[9] * (len(STATUS_HEADERS) + len(LIGHT_HEADERS)), 12]
    organizations = _sheet(workbook, "按责任单位", headers, _group_rows(report.organizations, overall), widths)
    _sheet(workbook, "按重点任务", headers, _group_rows(report.tasks, overall), [40, *widths[1:]])

    # Lights per organization, stacked: the colours of the site's lights.
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
    chart.title = "各责任单位承诺灯号"
    chart.y_axis.title = "承诺数"
    first_light = 2 + len(STATUS_HEADERS) + 1
    count = len(report.organizations)
    data = Reference(organizations, min_col=first_light, max_col=first_light + len(LIGHT_ORDER) - 1,
                     min_row=1, max_row=count + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(organizations, min_col=1, min_row=2, max_row=count + 1))
    for series, light in zip(chart.series, LIGHT_ORDER, strict=True):
        series.graphicalProperties.solidFill = LIGHT_COLOURS[light].lstrip("#")
    chart.height, chart.width = max(7.5, 0.6 * count + 3), 18
    organizations.add_chart(chart, f"A{count + 4}")

    _sheet(workbook, "本月变化", ["责任单位", "承诺事项", "上月末", "本月末", "变更日期", "操作人", "说明"],
           ([row.commitment.organization.name, row.commitment.summary, row.before.words, row.state.words,
             row.changed_on, row.changed_by, row.change_reason] for row in report.changes),
           [18, 40, 16, 16, 12, 12, 40])
    _sheet(workbook, "红灯清单", ["责任单位", "承诺事项", "应完成日期", "状态", "进度（%）", "最近审核通过的进展"],
           ([row.commitment.organization.name, row.commitment.summary, row.next_due,
             Status(row.state.status).label, row.state.percent, row.state.last_update_on] for row in report.red_list),
           [18, 48, 12, 10, 10, 18])
    for sheet in workbook.worksheets[3:]:
        for column in ("E", "C", "F"):
            for cell in sheet[column][1:]:
                if hasattr(cell.value, "year"):
                    cell.number_format = "yyyy-mm-dd"
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = _WRAP
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
