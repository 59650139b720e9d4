"""How the downloaded .xlsx ledger looks and guards itself in Excel or LibreOffice.

The reporter fills in five columns: a drop-down offers the statuses, the percent takes a whole number
from 0 to 100, the date a date no later than today, each with a message in Chinese when refused. The
header stays in view while scrolling, long texts wrap, and the sheet prints landscape, one page wide,
with the header on every page. The download is a write-only (streamed) sheet, which writes its columns,
view and properties before the first row and the rest after the last: ``prepare`` comes before the
rows, ``finish`` after them.
"""

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

DATE_FORMAT = "yyyy-mm-dd"
_EARLIEST_DATE = 36526  # 2000-01-01 as a spreadsheet serial number


def _validation(sheet, cells, prompt, error, **rule):
    validation = DataValidation(
        allow_blank=True, showErrorMessage=True, showInputMessage=True, errorStyle="stop",
        errorTitle="填写有误", error=error, promptTitle="填写说明", prompt=prompt, **rule,
    )
    validation.add(cells)
    sheet.data_validations.append(validation)  # a write-only sheet has the list, not add_data_validation()


def _letters(header):
    return {name: get_column_letter(i) for i, name in enumerate(header, start=1)}


def prepare(sheet, *, header, widths, wrapped, reported_on):
    """What a sheet must have before its first row: column widths and styles, the frozen header."""
    letter = _letters(header)
    for name, width in zip(header, widths, strict=True):
        dimension = sheet.column_dimensions[letter[name]]
        dimension.width = width
        # A column's own style is what a cell typed into later takes on.
        if name in wrapped:
            dimension.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions[letter[reported_on]].number_format = DATE_FORMAT
    sheet.freeze_panes = "B2"  # the header row and the commitment's number stay in view
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # with finish()'s fitToWidth: one page wide


def finish(sheet, *, header, last_row, status, percent, reported_on):
    """What follows the rows: validation of the cells to fill in, the print setup."""
    letter = _letters(header)
    last_row = max(last_row, 2)
    status_column, labels = status
    _validation(
        sheet, f"{letter[status_column]}2:{letter[status_column]}{last_row}",
        prompt="从下拉列表中选择。", error=f"状态只能是：{'、'.join(labels)}。",
        type="list", formula1='"' + ",".join(labels) + '"',
    )
    _validation(
        sheet, f"{letter[percent]}2:{letter[percent]}{last_row}",
        prompt="填 0 到 100 的整数；已完成填 100。", error="完成进度须为 0 到 100 之间的整数。",
        type="whole", operator="between", formula1="0", formula2="100",
    )
    _validation(
        sheet, f"{letter[reported_on]}2:{letter[reported_on]}{last_row}",
        prompt="填日期，如 2021-06-30；不晚于今天。", error="进展日期须为 2000 年以后、不晚于今天的日期，如 2021-06-30。",
        type="date", operator="between", formula1=str(_EARLIEST_DATE), formula2="TODAY()",
    )

    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.print_title_rows = "1:1"
