"""Ledgers as real spreadsheets write them: percent cells, encodings, displayed dates, and the download's guards."""

import codecs
import csv
import datetime
import io

from openpyxl import load_workbook

from policies import ledger
from policies.ledger_dates import parse_cell_date
from policies.ledger_files import _percent_decimals
from policies.models import Commitment, ProgressUpdate

from .spreadsheet_apps import libreoffice_convert, needs_libreoffice
from .test_ledger import DOWNLOAD, UPLOAD, LedgerTestCase

COL = {name: index + 1 for index, name in enumerate(ledger.HEADER)}


class FilledLedgerTestCase(LedgerTestCase):
    def setUp(self):
        self.client.force_login(self.reporter)
        self.mine = list(Commitment.objects.filter(organization=self.liangjiang).order_by("pk").values_list("pk", flat=True))

    def fill(self, sheet, row, *, reported_on, status, percent, note, percent_format=None, date_format=None):
        sheet.cell(row, COL[ledger.REPORTED_ON], reported_on)
        if date_format:
            sheet.cell(row, COL[ledger.REPORTED_ON]).number_format = date_format
        sheet.cell(row, COL[ledger.STATUS], status)
        sheet.cell(row, COL[ledger.PERCENT], percent)
        if percent_format:
            sheet.cell(row, COL[ledger.PERCENT]).number_format = percent_format
        sheet.cell(row, COL[ledger.NOTE], note)

    def row_of(self, sheet, pk):
        return next(row for row in range(2, sheet.max_row + 1) if sheet.cell(row, 1).value == pk)

    def imported(self, response):
        self.assertEqual(response.status_code, 302, response.content.decode()[-3000:])
        return {u.note: u for u in ProgressUpdate.objects.filter(author=self.reporter)}

    def errors_of(self, response):
        self.assertEqual(response.status_code, 400)
        return response.content.decode()


class PercentCellTests(FilledLedgerTestCase):
    def test_percent_cells_mean_the_percentage_they_display(self):
        workbook = self.download_xlsx()
        sheet = workbook.active
        cases = [  # (status, stored value, number format, percent imported)
            ("已完成", 1.0, "0%", 100),
            ("推进中", 0.5, "0%", 50),
            ("推进中", 0.35, "0.00%", 35),
            ("推进中", 60, "General", 60),
            ("推进中", 70, '0"%"', 70),  # a quoted % is printed, not multiplied
        ]
        for pk, (status, value, number_format, _) in zip(self.mine, cases, strict=False):
            self.fill(sheet, self.row_of(sheet, pk), reported_on=datetime.date(2021, 6, 30), status=status,
                      percent=value, note=f"百分比 {value} {number_format}", percent_format=number_format)
        updates = self.imported(self.upload("ledger.xlsx", self.save(workbook)))
        for pk, (_, value, number_format, percent) in zip(self.mine, cases, strict=False):
            with self.subTest(value=value, number_format=number_format):
                update = updates[f"百分比 {value} {number_format}"]
                self.assertEqual((update.commitment_id, update.percent), (pk, percent))

    def test_a_fractional_percentage_is_refused_quoting_what_the_cell_shows(self):
        workbook = self.download_xlsx()
        sheet = workbook.active
        self.fill(sheet, self.row_of(sheet, self.mine[0]), reported_on=datetime.date(2021, 6, 30), status="推进中",
                  percent=0.505, note="半个百分点", percent_format="0.00%")
        self.fill(sheet, self.row_of(sheet, self.mine[1]), reported_on=datetime.date(2021, 6, 30), status="推进中",
                  percent=0.5, note="通用格式的小数")
        html = self.errors_of(self.upload("ledger.xlsx", self.save(workbook)))
        self.assertIn("完成进度“50.50%”不是 0 到 100 之间的整数", html)
        self.assertIn("完成进度“0.5”不是 0 到 100 之间的整数", html)  # typed as 0.5 into a General cell
        self.assertNotIn("0.505", html)

    def test_percent_formats_are_told_from_formats_that_print_a_percent_sign(self):
        cases = {"0%": 0, "0.00%": 2, "#,##0.0%": 1, '0"%"': None, "0\\%": None, "General": None, "[Red]0%": 0}
        for number_format, decimals in cases.items():
            with self.subTest(number_format=number_format):
                self.assertEqual(_percent_decimals(number_format), decimals)

    def test_csv_percent_text_with_decimals_or_full_width(self):
        rows = self.csv_rows()
        for row, (percent, status) in zip(rows[1:4], (("50.00%", "推进中"), ("100%", "已完成"), ("４０％", "推进中")),
                                           strict=True):
            row[7:11] = ["2021-06-30", status, percent, f"CSV {percent}"]
        updates = self.imported(self.upload("ledger.csv", self.csv_bytes(rows)))
        self.assertEqual({note: u.percent for note, u in updates.items()},
                         {"CSV 50.00%": 50, "CSV 100%": 100, "CSV ４０％": 40})

    def csv_rows(self):
        text = self.client.get(DOWNLOAD, {"format": "csv"}).getvalue().decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))

    def csv_bytes(self, rows, encoding="utf-8"):
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return out.getvalue().encode(encoding)


class EncodingTests(FilledLedgerTestCase):
    def rows(self):
        text = self.client.get(DOWNLOAD, {"format": "csv"}).getvalue().decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        rows[1][7:11] = ["2021-06-30", "推进中", "30", "编码测试：进展顺利"]
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return out.getvalue()

    def test_gbk_gb18030_and_utf16_csv_are_read(self):
        text = self.rows()
        for name, data in {
            "gbk": text.encode("gbk"),
            "gb18030": text.encode("gb18030"),
            "utf-16 le": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
            "utf-16 be": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
            "utf-8 without bom": text.encode("utf-8"),
        }.items():
            with self.subTest(encoding=name):
                ProgressUpdate.objects.filter(author=self.reporter).delete()
                updates = self.imported(self.upload("ledger.csv", data))
                self.assertEqual(updates["编码测试：进展顺利"].percent, 30)

    def test_an_undecodable_csv_names_the_fix(self):
        html = self.errors_of(self.upload("ledger.csv", self.rows().encode("utf-8")[:-40] + b"\xff\xfe\x80"))
        self.assertIn("无法识别 CSV 文件的编码", html)
        self.assertIn("把编码选为 UTF-8 或 GB18030", html)


class DateTests(FilledLedgerTestCase):
    def test_dates_as_spreadsheets_display_them(self):
        cases = {
            "2026-11-24": datetime.date(2026, 11, 24),
            "2026/11/24": datetime.date(2026, 11, 24),
            "2026/1/4": datetime.date(2026, 1, 4),
            "2026.11.24": datetime.date(2026, 11, 24),
            "2026年11月24日": datetime.date(2026, 11, 24),
            "26年11月24日": datetime.date(2026, 11, 24),
            "26-11-24": datetime.date(2026, 11, 24),  # LibreOffice's Chinese short date
            "11/21/26": datetime.date(2026, 11, 21),  # LibreOffice and Excel in a US locale
            "11/21/2026": datetime.date(2026, 11, 21),
            "5/6/26": datetime.date(2026, 5, 6),  # the ambiguity rule: month first when the year is last
            "20261124": datetime.date(2026, 11, 24),
            "46350": datetime.date(2026, 11, 24),  # a serial number
            46350: datetime.date(2026, 11, 24),
            46350.75: datetime.date(2026, 11, 24),
            "2026/11/24 0:00:00": datetime.date(2026, 11, 24),
            "２０２６／１１／２４": datetime.date(2026, 11, 24),
            datetime.datetime(2026, 11, 24, 9, 30): datetime.date(2026, 11, 24),
        }
        for text, expected in cases.items():
            with self.subTest(text=text):
                self.assertEqual(parse_cell_date(text), expected)

    def test_ambiguous_or_impossible_dates_are_refused(self):
        for text in ("24/11/26", "21/11/2026", "2026-13-01", "2026/2/30", "11月24日", "12", "下周一", "26/11/24",
                     "2026-11-24-1", "٢٠٢٦-١١-٢٤"):
            with self.subTest(text=text), self.assertRaises(ValueError):
                parse_cell_date(text)

    def test_a_refused_date_names_its_cell_and_the_fix(self):
        workbook = self.download_xlsx()
        sheet = workbook.active
        row = self.row_of(sheet, self.mine[0])
        self.fill(sheet, row, reported_on="24/11/20", status="推进中", percent=40, note="日期有歧义")
        html = self.errors_of(self.upload("ledger.xlsx", self.save(workbook)))
        self.assertIn(f"第 {row} 行「进展日期」：无法识别日期“24/11/20”（H{row}单元格），请写成 2021-06-30 或设为日期格式。", html)
        self.assertIn("11/24/26（月/日/年）", html)

    def test_serial_numbers_and_text_dates_in_an_xlsx(self):
        workbook = self.download_xlsx()
        sheet = workbook.active
        self.fill(sheet, self.row_of(sheet, self.mine[0]), reported_on=44377, status="推进中", percent=40,
                  note="序列号日期", date_format="General")
        self.fill(sheet, self.row_of(sheet, self.mine[1]), reported_on="21年6月29日", status="推进中", percent=40,
                  note="文字日期")
        updates = self.imported(self.upload("ledger.xlsx", self.save(workbook)))
        self.assertEqual(updates["序列号日期"].reported_on, datetime.date(2021, 6, 30))
        self.assertEqual(updates["文字日期"].reported_on, datetime.date(2021, 6, 29))


@needs_libreoffice
class LibreOfficeTests(FilledLedgerTestCase):
    """The download, filled in and re-saved by LibreOffice, as a reporter's spreadsheet application does."""

    def filled_download(self):
        workbook = self.download_xlsx()
        sheet = workbook.active
        fills = [
            dict(status="已完成", percent=1.0, percent_format="0%", note="LO 已完成 100%"),
            dict(status="推进中", percent=0.5, percent_format="0%", note="LO 推进中 50%"),
            dict(status="推进中", percent=0.25, percent_format="0.00%", note="LO 推进中 25.00%"),
        ]
        formats = ['yy"年"m"月"d"日"', "yyyy/m/d", "m/d/yy"]
        for pk, fill, date_format in zip(self.mine, fills, formats, strict=False):
            self.fill(sheet, self.row_of(sheet, pk), reported_on=datetime.date(2021, 6, 28), date_format=date_format,
                      **fill)
        return self.save(workbook)

    def assert_imported(self, response):
        updates = self.imported(response)
        self.assertEqual({note: (u.percent, u.status, u.reported_on) for note, u in updates.items()}, {
            "LO 已完成 100%": (100, "completed", datetime.date(2021, 6, 28)),
            "LO 推进中 50%": (50, "in_progress", datetime.date(2021, 6, 28)),
            "LO 推进中 25.00%": (25, "in_progress", datetime.date(2021, 6, 28)),
        })

    def test_xlsx_resaved_by_libreoffice(self):
        data = libreoffice_convert(self.filled_download(), source="xlsx", target="xlsx")
        self.assert_imported(self.upload("ledger.xlsx", data))

    def test_gb18030_csv_saved_by_libreoffice_in_a_chinese_locale(self):
        data = libreoffice_convert(self.filled_download(), source="xlsx", target="csv", encoding="gb18030")
        text = data.decode("gb18030")
        self.assertIn("21年6月28日", text)  # dates and percents as displayed, not as stored
        self.assertIn("100%", text)
        self.assertIn("25.00%", text)
        self.assert_imported(self.upload("ledger.csv", data))

    def test_utf16_csv_saved_by_libreoffice_in_a_us_locale(self):
        data = libreoffice_convert(self.filled_download(), source="xlsx", target="csv", encoding="utf-16",
                                   locale="en_US.UTF-8")
        self.assertTrue(data.startswith(codecs.BOM_UTF16_LE))
        self.assertIn("6/28/21", data.decode("utf-16"))
        self.assert_imported(self.upload("ledger.csv", data))

    def test_the_downloads_guards_survive_libreoffice(self):
        data = libreoffice_convert(self.save(self.download_xlsx()), source="xlsx", target="xlsx")
        sheet = load_workbook(io.BytesIO(data)).active
        kinds = {v.type for v in sheet.data_validations.dataValidation}
        self.assertEqual(kinds, {"list", "whole", "date"})
        self.assertIsInstance(sheet.cell(2, COL[ledger.DUE]).value, datetime.datetime)
        self.assertEqual(sheet.page_setup.orientation, "landscape")


class DownloadGuardTests(FilledLedgerTestCase):
    def test_the_xlsx_guards_what_a_reporter_types(self):
        sheet = self.download_xlsx().active
        last = sheet.max_row
        validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
        status = validations[f"I2:I{last}"]
        self.assertEqual((status.type, status.formula1), ("list", '"未启动,推进中,进展滞后,已完成,未兑现"'))
        self.assertIn("状态只能是：未启动、推进中", status.error)
        percent = validations[f"J2:J{last}"]
        self.assertEqual((percent.type, percent.operator, percent.formula1, percent.formula2),
                         ("whole", "between", "0", "100"))
        self.assertEqual(validations[f"H2:H{last}"].type, "date")

    def test_the_xlsx_has_date_cells_a_frozen_header_wrapped_text_and_prints_landscape_one_page_wide(self):
        sheet = self.download_xlsx().active
        due = sheet.cell(2, COL[ledger.DUE])
        commitment = Commitment.objects.get(pk=sheet.cell(2, 1).value)
        self.assertEqual(due.value.date(), commitment.due_date)
        self.assertTrue(due.is_date)
        # The empty 进展日期 cells are date-formatted, so what is typed there becomes a date.
        self.assertEqual(sheet.cell(2, COL[ledger.REPORTED_ON]).number_format, "yyyy-mm-dd")
        self.assertEqual(sheet.freeze_panes, "B2")
        self.assertTrue(sheet.cell(2, COL[ledger.SUMMARY]).alignment.wrap_text)
        self.assertTrue(sheet.cell(2, COL[ledger.NOTE]).alignment.wrap_text)
        self.assertEqual((sheet.page_setup.orientation, sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight),
                         ("landscape", 1, 0))
        self.assertTrue(sheet.sheet_properties.pageSetUpPr.fitToPage)
        self.assertEqual(sheet.print_title_rows, "$1:$1")

    def test_the_ledger_form_names_things_and_offers_tasks_from_a_list(self):
        self.client.force_login(self.reviewer)
        html = self.client.get(UPLOAD).content.decode()
        self.assertNotIn("的 id。", html)
        self.assertIn('<select name="task"', html)
        self.assertIn('<option value="T2">T2 ', html)
        self.assertIn("按区或县筛选", html)
