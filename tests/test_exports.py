"""Downloads of the public list (CSV, Excel, JSON) and the open-data zip."""

import csv
import io
import json
import zipfile
from unittest import mock

from django.test import TestCase, override_settings
from openpyxl import load_workbook

from policies import exports, invalidation, opendata
from policies.services import refresh_progress
from policies.spreadsheets import neutralize_formula

from .factories import make_commitment, make_organization, make_task, make_update


def read_csv(response):
    body = b"".join(response.streaming_content)
    return body, list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response):
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return sheet, [[cell.value for cell in row] for row in sheet.iter_rows()]


def read_json(response):
    return json.loads(b"".join(response.streaming_content))


class NeutralizeFormulaTests(TestCase):
    def test_text_a_spreadsheet_would_run_gets_an_apostrophe(self):
        for text in ("=1+2", "+86 23", "-5", "@SUM(A1)", "\t=1", "\r=1"):
            self.assertEqual(neutralize_formula(text), "'" + text)

    def test_other_values_are_unchanged(self):
        for value in ("推动=发展", "2021", "", 5, -5, None):
            self.assertEqual(neutralize_formula(value), value)


class CommitmentExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.yubei = make_organization(name="渝北区")
        cls.other = make_organization(name="江津区")
        cls.task = make_task(code="T7")
        cls.rows = [
            make_commitment(organization=cls.yubei, summary=f"渝北承诺{n}", number=n, span_start=n, span_end=n + 5,
                            tasks=[cls.task] if n % 2 else [])
            for n in range(1, 24)
        ]
        make_commitment(organization=cls.other, summary="江津承诺")
        cls.evil = make_commitment(organization=cls.yubei, summary="=HYPERLINK(\"http://x\")", quote="@SUM(1)", number=99)
        make_update(commitment=cls.rows[0], status="in_progress", percent=30, review_state="approved")
        refresh_progress()

    def page_ids(self, **params):
        """Every row the list shows for ``params``, page after page."""
        ids, page = [], 1
        while True:
            response = self.client.get("/commitments/", {**params, "page": page})
            ids += [c.pk for c in response.context["commitments"]]
            if not response.context["page_obj"].has_next():
                return ids
            page += 1

    def export(self, kind, **params):
        response = self.client.get("/commitments/export/", {"format": kind, **params})
        self.assertEqual(response.status_code, 200, response)
        return response

    def test_each_format_holds_exactly_the_rows_of_the_filtered_list_in_its_order(self):
        filters = {"organization": self.yubei.pk, "sort": "-progress"}
        expected = self.page_ids(**filters)
        self.assertEqual(len(expected), 24)  # more than one page of the list
        _, rows = read_csv(self.export("csv", **filters))
        self.assertEqual([int(row[0]) for row in rows[1:]], expected)
        _, rows = read_xlsx(self.export("xlsx", **filters))
        self.assertEqual([row[0] for row in rows[1:]], expected)
        self.assertEqual([row["id"] for row in read_json(self.export("json", **filters))], expected)

    def test_a_searched_list_exports_its_matches_in_rank_order(self):
        expected = self.page_ids(q="江津")
        self.assertEqual(len(expected), 1)
        _, rows = read_csv(self.export("csv", q="江津"))
        self.assertEqual([int(r[0]) for r in rows[1:]], expected)

    def test_task_filter_exports_only_linked_commitments(self):
        _, rows = read_csv(self.export("csv", task="T7"))
        self.assertEqual([int(r[0]) for r in rows[1:]], self.page_ids(task="T7"))
        self.assertEqual({r[8] for r in rows[1:]}, {"T7"})

    def test_every_format_has_the_same_columns_and_values(self):
        params = {"organization": self.yubei.pk, "status": "in_progress"}
        _, csv_rows = read_csv(self.export("csv", **params))
        _, xlsx_rows = read_xlsx(self.export("xlsx", **params))
        (json_row,) = read_json(self.export("json", **params))
        self.assertEqual(csv_rows[0], exports.HEADER)
        self.assertEqual(xlsx_rows[0], exports.HEADER)
        self.assertEqual(list(json_row), [column.key for column in exports.COLUMNS])
        self.assertEqual(csv_rows[1], [str(value) for value in json_row.values()])
        self.assertEqual(xlsx_rows[1], [value if value != "" else None for value in json_row.values()])
        self.assertEqual(json_row["status_display"], "推进中")
        self.assertEqual(json_row["percent"], 30)

    def test_csv_starts_with_a_bom_and_neutralizes_formulas(self):
        body, rows = read_csv(self.export("csv", organization=self.yubei.pk))
        self.assertTrue(body.startswith("\ufeff编号".encode("utf-8")))
        (evil,) = [row for row in rows if row[0] == str(self.evil.pk)]
        self.assertEqual(evil[1], "'=HYPERLINK(\"http://x\")")
        self.assertEqual(evil[2], "'@SUM(1)")

    def test_xlsx_keeps_formula_like_text_as_text(self):
        sheet, rows = read_xlsx(self.export("xlsx", organization=self.yubei.pk))
        index = [row[0] for row in rows].index(self.evil.pk)
        cell = sheet.cell(row=index + 1, column=2)
        self.assertEqual((cell.value, cell.data_type), ("=HYPERLINK(\"http://x\")", "s"))

    def test_json_keeps_the_text_verbatim(self):
        (row,) = [r for r in read_json(self.export("json")) if r["id"] == self.evil.pk]
        self.assertEqual(row["quote"], "@SUM(1)")

    def test_downloads_are_named_attachments(self):
        for kind in exports.FORMATS:
            disposition = self.export(kind)["Content-Disposition"]
            self.assertRegex(disposition, rf'^attachment; filename="commitments-\d{{8}}\.{kind}"$')

    def test_bad_filters_and_formats_are_answered_with_a_message(self):
        response = self.client.get("/commitments/export/", {"format": "csv", "status": "nonsense"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("状态", response.content.decode())
        response = self.client.get("/commitments/export/", {"format": "pdf"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("csv、xlsx 或 json", response.content.decode())

    def test_rows_are_read_in_chunks_with_a_fixed_number_of_queries_each(self):
        # 1: the commitments, one cursor read 10 rows at a time; 2-4: the tasks of each chunk of 10.
        with mock.patch.object(exports, "CHUNK", 10), self.assertNumQueries(4):
            _, rows = read_csv(self.export("csv"))
        self.assertEqual(len(rows), 26)

    def test_the_list_links_to_its_exports_with_its_filters(self):
        response = self.client.get("/commitments/", {"organization": self.yubei.pk, "page": 2})
        self.assertContains(response, f'href="/commitments/export/?organization={self.yubei.pk}&amp;format=csv"')
        self.assertContains(response, 'href="/data/open-data.zip"')


class OpenDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.commitment = make_commitment(summary="建成示范区")
        make_update(commitment=cls.commitment, note="已通过的进展", review_state="approved")
        make_update(commitment=cls.commitment, note="待审核的进展")

    def setUp(self):
        import tempfile

        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        override = override_settings(DATA_DIR=directory.name)
        override.enable()
        self.addCleanup(override.disable)

    def download(self):
        response = self.client.get("/data/open-data.zip")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/zip")
        return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))

    def table(self, archive, name):
        return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))

    def test_zip_holds_every_public_table_a_readme_and_a_licence(self):
        archive = self.download()
        names = set(archive.namelist())
        self.assertEqual(names, {"README.md", "LICENCE.txt", "commitments.csv", *(t[0] for t in opendata.TABLES)})
        self.assertIn("CC BY 4.0", archive.read("LICENCE.txt").decode())
        self.assertIn("版权归刊发媒体", archive.read("LICENCE.txt").decode())
        readme = archive.read("README.md").decode()
        for name in names - {"README.md", "LICENCE.txt"}:
            self.assertIn(f"## {name}", readme)
        self.assertEqual([r["摘要"] for r in self.table(archive, "commitments.csv")], ["建成示范区"])

    def test_source_titles_are_one_field_separated_by_bars(self):
        source = self.commitment.statement.source
        source.titles = "第一篇标题\n第二篇 标题\n"
        source.save()
        [row] = self.table(self.download(), "sources.csv")
        self.assertEqual(row["titles"], "第一篇标题|第二篇 标题")

    def test_only_approved_updates_and_no_people_behind_them(self):
        rows = self.table(self.download(), "progress_updates.csv")
        self.assertEqual([row["note"] for row in rows], ["已通过的进展"])
        self.assertNotIn("author", rows[0])

    def test_zip_is_built_once_and_again_after_the_data_changed(self):
        with mock.patch.object(opendata, "build_archive", wraps=opendata.build_archive) as build:
            self.download()
            self.download()
            self.assertEqual(build.call_count, 1)
            with self.captureOnCommitCallbacks(execute=True):  # as every write path does (policies/invalidation.py)
                invalidation.commitments_changed([make_commitment(summary="新增的承诺").pk])
            archive = self.download()
            self.assertEqual(build.call_count, 2)
        self.assertIn("新增的承诺", [r["摘要"] for r in self.table(archive, "commitments.csv")])
