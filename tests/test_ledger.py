"""Excel/CSV ledgers: download what you may see, fill in progress, upload the same file back."""

import csv
import datetime
import io

from django.test import TestCase
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from policies import ledger
from policies.filters import CommitmentFilter
from policies.models import Commitment, ProgressUpdate
from policies.roles import ensure_roles

from .factories import make_commitment, make_reporter, make_reviewer, make_world

DOWNLOAD = "/admin/policies/commitment/ledger/download/"
UPLOAD = "/admin/policies/commitment/ledger/"


def upload_file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


class LedgerTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        world = make_world()
        ensure_roles()
        cls.liangjiang = world.organizations["江岸区"]
        cls.jiangbei = world.organizations["河西区"]
        # Six commitments of the reporter's own, enough for one bad row of each kind.
        for number in range(4, 7):
            make_commitment(statement=world.statements[0], number=number)
        cls.reporter = make_reporter(organization=cls.liangjiang, username="liangjiang")
        cls.reviewer = make_reviewer(username="duchayuan")

    def download_xlsx(self, **params):
        response = self.client.get(DOWNLOAD, {"format": "xlsx", **params})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], ledger.XLSX_TYPE)
        self.assertTrue(response.streaming)  # written row by row, sent in blocks
        return load_workbook(io.BytesIO(response.getvalue()))

    def ids_in(self, workbook):
        return [row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True)]

    def save(self, workbook):
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()

    def upload(self, name, data):
        return self.client.post(UPLOAD, {"file": upload_file(name, data)})


class DownloadTests(LedgerTestCase):
    def test_reporter_downloads_only_their_organizations_commitments(self):
        self.client.force_login(self.reporter)
        workbook = self.download_xlsx()
        expected = set(Commitment.objects.filter(organization=self.liangjiang).values_list("pk", flat=True))
        self.assertEqual(set(self.ids_in(workbook)), expected)
        self.assertEqual([c.value for c in workbook.active[1]], ledger.HEADER)

    def test_filter_parameters_use_the_shared_filterset(self):
        self.client.force_login(self.reviewer)
        params = {"task": "T2", "kind": "district"}
        expected = set(CommitmentFilter(params, queryset=Commitment.objects.all()).qs.values_list("pk", flat=True))
        self.assertTrue(expected)
        self.assertEqual(set(self.ids_in(self.download_xlsx(**params))), expected)
        self.assertLess(len(expected), Commitment.objects.count())

    def test_filter_cannot_widen_a_reporters_scope(self):
        self.client.force_login(self.reporter)
        self.assertEqual(self.ids_in(self.download_xlsx(organization=self.jiangbei.pk)), [])

    def test_reporters_ledger_page_offers_only_their_organization(self):
        self.client.force_login(self.reporter)
        html = self.client.get(UPLOAD).content.decode()
        self.assertIn(f'<option value="{self.liangjiang.pk}">江岸区</option>', html)
        self.assertNotIn("河西区", html)
        self.assertIn('type="file"', html)

    def test_bad_filter_value_is_a_clear_400(self):
        self.client.force_login(self.reviewer)
        response = self.client.get(DOWNLOAD, {"format": "csv", "status": "done"})
        self.assertContains(response, "状态", status_code=400)
        self.assertContains(response, "无法下载台账", status_code=400)

    def test_csv_opens_in_excel_as_utf8(self):
        self.client.force_login(self.reviewer)
        response = self.client.get(DOWNLOAD, {"format": "csv"})
        self.assertTrue(response.streaming)  # sent as it is written, never held whole in memory
        content = response.getvalue()
        self.assertTrue(content.startswith("\ufeff".encode()))
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        self.assertEqual(rows[0], ledger.HEADER)
        self.assertEqual(len(rows) - 1, Commitment.objects.count())
        self.assertIn("filename*=utf-8''", response["Content-Disposition"])

    def test_anonymous_is_sent_to_login(self):
        response = self.client.get(DOWNLOAD)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/admin/login/"))


class RoundTripTests(LedgerTestCase):
    def test_download_edit_three_rows_upload_approve_and_the_public_numbers_change(self):
        self.client.force_login(self.reporter)
        workbook = self.download_xlsx()
        sheet = workbook.active
        edits = {2: ("推进中", 35), 3: ("进展滞后", 10), 4: ("已完成", 100)}
        header = [c.value for c in sheet[1]]
        col = {name: header.index(name) + 1 for name in header}
        edited = {}
        public_before = {pk: self.client.get(f"/api/commitments/{pk}/").json()["percent"]
                         for pk in Commitment.objects.filter(organization=self.liangjiang).values_list("pk", flat=True)}
        for row, (status, percent) in edits.items():
            sheet.cell(row, col[ledger.REPORTED_ON], datetime.date(2021, 6, 30))
            sheet.cell(row, col[ledger.STATUS], status)
            sheet.cell(row, col[ledger.PERCENT], percent)
            sheet.cell(row, col[ledger.NOTE], f"台账填报：{status}")
            edited[sheet.cell(row, 1).value] = (status, percent)

        response = self.upload("承诺台账.xlsx", self.save(workbook))
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        created = ProgressUpdate.objects.filter(note__startswith="台账填报")
        self.assertEqual(set(created.values_list("review_state", flat=True)), {"submitted"})
        self.assertEqual(set(created.values_list("commitment_id", flat=True)), set(edited))
        self.assertEqual(set(created.values_list("author", flat=True)), {self.reporter.pk})
        for pk in edited:  # nothing public yet
            self.assertEqual(self.client.get(f"/api/commitments/{pk}/").json()["percent"], public_before[pk])

        self.client.force_login(self.reviewer)
        self.client.post("/admin/policies/progressupdate/", {
            "action": "approve_selected", "_selected_action": list(created.values_list("pk", flat=True)), "index": 0,
        })
        for pk, (status, percent) in edited.items():
            with self.subTest(commitment=pk):
                api = self.client.get(f"/api/commitments/{pk}/").json()
                self.assertEqual((api["status_display"], api["percent"]), (status, percent))
                page = self.client.get(f"/commitments/{pk}/").content.decode()
                self.assertIn(f"台账填报：{status}", page)
                self.assertIn(f"{percent}%", page)

    def test_csv_round_trip(self):
        self.client.force_login(self.reviewer)
        text = self.client.get(DOWNLOAD, {"format": "csv", "organization": self.jiangbei.pk}).getvalue().decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        rows[1][7:11] = ["2021-05-20", "推进中", "55", "CSV 填报"]
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        response = self.upload("ledger.csv", out.getvalue().encode("utf-8"))
        self.assertEqual(response.status_code, 302)
        update = ProgressUpdate.objects.get(note="CSV 填报")
        self.assertEqual((update.commitment_id, update.percent, update.reported_on),
                         (int(rows[1][0]), 55, datetime.date(2021, 5, 20)))


class InvalidUploadTests(LedgerTestCase):
    def workbook(self, rows):
        workbook = Workbook()
        workbook.active.append(ledger.HEADER)
        for row in rows:
            workbook.active.append(row)
        return self.save(workbook)

    def row(self, commitment_id, reported_on="2021-06-30", status="推进中", percent=50, note="说明", url=""):
        return [commitment_id, "", "", "", "", "", "", reported_on, status, percent, note, url]

    def test_every_bad_row_is_listed_and_nothing_is_imported(self):
        mine = list(Commitment.objects.filter(organization=self.liangjiang).values_list("pk", flat=True))
        other = Commitment.objects.filter(organization=self.jiangbei).first().pk
        future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
        rows = [
            self.row(mine[0]),                                   # 2: valid
            self.row(999999),                                    # 3: unknown commitment
            self.row(mine[1], percent=150),                      # 4: percent out of range
            self.row(mine[2], status="差不多完成了"),              # 5: status not on the scale
            self.row(mine[3], reported_on=future),               # 6: date in the future
            self.row(other),                                     # 7: another organization's commitment
            self.row(mine[4], status="已完成", percent=90),        # 8: completed below 100
            self.row(mine[5], note="", url="不是网址"),             # 9: two errors in one row
            self.row(mine[0], percent=60),                       # 10: the same commitment twice
            self.row("abc"),                                     # 11: not a number
            self.row(None, None, None, None, None),              # 12: blank progress: skipped, no error
        ]
        before = ProgressUpdate.objects.count()
        self.client.force_login(self.reporter)
        response = self.upload("ledger.xlsx", self.workbook(rows))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(ProgressUpdate.objects.count(), before)
        html = response.content.decode()
        expected = [
            "第 3 行「承诺编号」：没有编号为 999999 的承诺事项",
            "第 4 行「完成进度（%）」：完成进度 150 超出 0 到 100 的范围",
            "第 5 行「填报状态」：状态“差不多完成了”不在可选范围内（未启动、推进中、进展滞后、已完成、未兑现）",
            "第 6 行「进展日期」：进展日期不能晚于今天",
            f"第 7 行「承诺编号」：承诺 {other} 不属于你所在的单位",
            "第 8 行「完成进度（%）」：状态为“已完成”时，完成进度必须是 100",
            "第 9 行「进展说明」：请填写进展说明",
            "第 9 行「佐证链接」：佐证链接“不是网址”不是有效的网址",
            f"第 10 行「承诺编号」：承诺 {mine[0]} 已在第 2 行填报",
            "第 11 行「承诺编号」：承诺编号必须是整数",
        ]
        for message in expected:
            self.assertIn(message, html)
        self.assertIn(f"发现 {len(expected)} 处问题，本次没有导入任何数据", html)
        self.assertNotIn("第 2 行", html.replace("已在第 2 行", ""))
        self.assertNotIn("第 12 行", html)

    def test_a_foreign_file_is_refused_with_a_message(self):
        before = ProgressUpdate.objects.count()
        self.client.force_login(self.reporter)
        cases = {
            "notes.txt": (b"hello", "只接受从本系统下载的 .xlsx 或 .csv 台账文件"),
            "broken.xlsx": (b"PK\x03\x04 not really a zip", "无法读取该 Excel 文件"),
            "other.csv": ("姓名,年龄\n张三,30\n".encode(), "表头与台账模板不一致"),
            "binary.csv": (b"\xff\x80\xff\x80", "无法识别 CSV 文件的编码。请在表格软件中“另存为” CSV 时把编码选为 UTF-8 或 GB18030"),
            "empty.xlsx": (self.workbook([self.row(None, None, None, None, None)]), "没有填写任何进展"),
        }
        for name, (data, message) in cases.items():
            with self.subTest(file=name):
                response = self.upload(name, data)
                self.assertContains(response, message, status_code=400)
        self.assertEqual(ProgressUpdate.objects.count(), before)

    def test_uploading_the_same_file_twice_is_refused_the_second_time(self):
        mine = Commitment.objects.filter(organization=self.liangjiang).first().pk
        data = self.workbook([self.row(mine, note="同一份台账")])
        self.client.force_login(self.reporter)
        self.assertEqual(self.upload("ledger.xlsx", data).status_code, 302)
        response = self.upload("ledger.xlsx", data)
        self.assertContains(response, "第 2 行：与已有的进展填报完全相同", status_code=400)
        self.assertEqual(ProgressUpdate.objects.filter(note="同一份台账").count(), 1)

    def test_reviewers_may_upload_for_any_organization(self):
        other = Commitment.objects.filter(organization=self.jiangbei).first().pk
        self.client.force_login(self.reviewer)
        response = self.upload("ledger.xlsx", self.workbook([self.row(other, percent="40%")]))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ProgressUpdate.objects.get(author=self.reviewer).percent, 40)
