"""The reviewers' import pages: paste or upload a report, edit its drafts, accept them."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from policies.choices import DraftState
from policies.importer import MAX_BYTES
from policies.models import Commitment, DraftCommitment, DraftStatement, ImportedReport, Statement
from policies.roles import ensure_roles

from .factories import make_organization, make_reporter, make_reviewer
from .reports import JIANGZHOU

ADD_URL = "/admin/policies/importedreport/add/"


def review_url(report):
    return f"/admin/policies/importedreport/{report.pk}/change/"


class ImportPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.reviewer = make_reviewer()
        cls.reporter = make_reporter(organization=make_organization())

    def setUp(self):
        self.client.force_login(self.reviewer)

    def upload(self, content, *, follow=False, **fields):
        upload = SimpleUploadedFile("report.txt", content, "text/plain")
        return self.client.post(ADD_URL, {"file": upload, **fields}, follow=follow)

    def test_pasted_text_is_stored_as_drafts_and_the_review_page_follows(self):
        response = self.client.post(ADD_URL, {"text": JIANGZHOU, "publisher": "江州日报",
                                              "published_on": "2021-12-29"}, follow=True)
        report = ImportedReport.objects.get()
        self.assertRedirects(response, review_url(report))
        self.assertContains(response, "已导入为草稿")
        self.assertContains(response, "李强")
        self.assertContains(response, "加快建设中央商务区")
        self.assertEqual(report.publisher, "江州日报")

    def test_a_gbk_file_is_read(self):
        response = self.upload(JIANGZHOU.encode("gbk"), follow=True)
        report = ImportedReport.objects.get()
        self.assertRedirects(response, review_url(report))
        self.assertEqual(report.encoding, "gb18030")
        self.assertEqual(report.text, JIANGZHOU)

    def test_unreadable_uploads_are_refused_with_a_message_and_nothing_written(self):
        cases = [
            (b"", "请粘贴报道原文或上传文本文件"),  # Django treats an empty upload as no file at all
            (b"  \n\n ", "内容为空"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "不是文本文件"),
            (("重庆" * (3 * 1024 * 1024 // 3 + 1)).encode("utf-8"), "文件过大"),
        ]
        self.assertGreater(len(cases[-1][0]), MAX_BYTES)
        for content, message in cases:
            with self.subTest(message=message):
                response = self.upload(content)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
                self.assertFalse(ImportedReport.objects.exists())

    def test_importing_the_same_report_again_says_so(self):
        self.client.post(ADD_URL, {"text": JIANGZHOU})
        response = self.upload(JIANGZHOU.encode("gbk"), follow=True)
        self.assertContains(response, "导入过")
        self.assertEqual(ImportedReport.objects.count(), 1)

    def test_reporters_cannot_reach_the_import_pages(self):
        self.client.post(ADD_URL, {"text": JIANGZHOU})
        report = ImportedReport.objects.get()
        self.client.force_login(self.reporter)
        for url in (ADD_URL, review_url(report), "/admin/policies/importedreport/"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.client.post(ADD_URL, {"text": JIANGZHOU + "。"}).status_code, 403)
        self.assertNotContains(self.client.get("/admin/"), "导入的报道")
        self.assertEqual(ImportedReport.objects.count(), 1)

    def test_the_conference_list_links_to_the_import_page(self):
        self.assertContains(self.client.get("/admin/policies/conference/"), ADD_URL)
        self.assertContains(self.client.get("/admin/"), "导入的报道")


class ReviewPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.reviewer = make_reviewer()

    def setUp(self):
        self.client.force_login(self.reviewer)
        self.client.post(ADD_URL, {"text": JIANGZHOU, "publisher": "江州日报", "published_on": "2021-12-29"})
        self.report = ImportedReport.objects.get()
        self.draft = self.report.statements.get(official_name="王芳")

    def form_data(self, **changes):
        """The review page's form as the browser would post it, with ``changes`` applied."""
        response = self.client.get(review_url(self.report))
        data = {}
        for form in [response.context["report_form"]] + [b["form"] for b in response.context["blocks"]]:
            for field in form:
                value = field.value()
                data[field.html_name] = "" if value is None else value
        for block in response.context["blocks"]:
            formset = block["commitments"]
            for field in formset.management_form:
                data[field.html_name] = field.value()
            for form in formset:
                for field in form:
                    if field.name == "DELETE":
                        continue
                    value = field.value()
                    data[field.html_name] = "" if value is None else (value.pk if hasattr(value, "pk") else value)
        data.update(changes)
        return data

    def commitment_prefix(self, quote):
        pks = list(self.draft.commitments.values_list("pk", flat=True))
        return f"c{self.draft.pk}-{pks.index(DraftCommitment.objects.get(quote=quote).pk)}"

    def test_edits_are_saved_on_the_draft_and_nothing_is_public(self):
        prefix = self.commitment_prefix("培育一批夜间经济示范街区")
        data = self.form_data(**{
            f"s{self.draft.pk}-official_title": "市商务委党组书记、主任",
            f"{prefix}-quote": "夜间经济示范街区",
            f"{prefix}-summary": "培育夜间经济示范街区",
            "_save": "保存修改",
        })
        response = self.client.post(review_url(self.report), data, follow=True)
        self.assertContains(response, "已保存修改")
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.official_title, "市商务委党组书记、主任")
        edited = self.draft.commitments.get(summary="培育夜间经济示范街区")
        self.assertEqual(edited.quote, "夜间经济示范街区")
        self.assertEqual(self.report.flat_text[edited.span_start : edited.span_end], "夜间经济示范街区")
        self.assertFalse(Statement.objects.exists())

    def test_a_quote_that_is_not_in_the_statement_is_refused_and_nothing_saved(self):
        prefix = self.commitment_prefix("举办国际消费节")
        data = self.form_data(**{f"{prefix}-quote": "举办国际美食节",
                                 f"s{self.draft.pk}-official_title": "主任", "_save": "保存修改"})
        response = self.client.post(review_url(self.report), data)
        self.assertContains(response, "表态原文中没有“举办国际美食节”")
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.official_title, "市商务委主任")

    def test_a_new_commitment_can_be_added_by_quoting_the_statement(self):
        new = f"c{self.draft.pk}-{self.draft.commitments.count()}"
        data = self.form_data(**{f"{new}-quote": "为全市发展贡献力量", "_save": "保存修改"})
        self.client.post(review_url(self.report), data)
        self.assertTrue(self.draft.commitments.filter(quote="为全市发展贡献力量").exists())

    def test_accept_one_statement_publishes_it_with_its_edits(self):
        prefix = self.commitment_prefix("举办国际消费节")
        data = self.form_data(**{f"{prefix}-summary": "举办首届国际消费节", "_accept": str(self.draft.pk)})
        response = self.client.post(review_url(self.report), data, follow=True)
        self.assertContains(response, "已采纳 王芳 的表态")
        commitment = Commitment.objects.get(summary="举办首届国际消费节")
        self.assertContains(response, commitment.get_absolute_url())
        self.assertContains(self.client.get(commitment.get_absolute_url()), "举办首届国际消费节")
        self.assertEqual(DraftStatement.objects.get(official_name="李强").state, DraftState.DRAFT)

    def test_accept_all_and_discard(self):
        self.client.post(review_url(self.report), self.form_data(_discard=str(self.draft.pk)))
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.state, DraftState.DISCARDED)
        response = self.client.post(review_url(self.report), self.form_data(_accept_all="1"), follow=True)
        self.assertContains(response, "已采纳 李强 的表态")
        self.assertEqual(list(Statement.objects.values_list("official__name", flat=True)), ["李强"])

    def test_a_refused_acceptance_says_why_and_writes_nothing(self):
        data = self.form_data(**{"report-publisher": "", "_accept": str(self.draft.pk)})
        response = self.client.post(review_url(self.report), data, follow=True)
        self.assertContains(response, "未采纳，没有写入任何数据")
        self.assertContains(response, "刊发媒体")
        self.assertFalse(Statement.objects.exists())
