"""Evidence files on a progress update: checked by content, stored under a generated name, public only
once the update is approved, and always served so that a browser cannot be tricked into running them."""

import io
import os
import shutil
import tempfile
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings

from policies import evidence, services
from policies.models import EvidenceFile, ProgressUpdate
from policies.roles import ensure_roles

from .factories import make_commitment, make_organization, make_reporter, make_reviewer, make_update

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def ooxml(part):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


class EvidenceTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.organization = make_organization()
        cls.reporter = make_reporter(organization=cls.organization, password="pw")
        cls.other_reporter = make_reporter(organization=make_organization(), password="pw")
        cls.reviewer = make_reviewer(password="pw")
        cls.commitment = make_commitment(organization=cls.organization)

    def setUp(self):
        self.media = tempfile.mkdtemp(prefix="evidence-")
        self.addCleanup(shutil.rmtree, self.media, ignore_errors=True)
        media = override_settings(MEDIA_ROOT=self.media)
        media.enable()
        self.addCleanup(media.disable)
        self.update = make_update(commitment=self.commitment, author=self.reporter)

    def stored_files(self):
        return [name for _, _, names in os.walk(self.media) for name in names]

    def attach(self, *files, update=None, user=None):
        return services.attach_evidence(update=update or self.update, files=list(files), uploader=user or self.reporter)


class ContentCheckTests(EvidenceTestCase):
    def test_each_allowed_kind_is_recognised_by_its_content(self):
        stored = self.attach(upload("a.pdf", PDF), upload("b.png", PNG), upload("c.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20),
                             upload("d.docx", ooxml("word/document.xml")), upload("e.xlsx", ooxml("xl/workbook.xml")))
        self.assertEqual([row.kind for row in stored], ["pdf", "png", "jpeg", "docx", "xlsx"])
        self.assertEqual(len(self.stored_files()), 5)

    def test_a_pdf_that_is_really_html_is_refused_and_nothing_stored(self):
        with self.assertRaises(ValidationError) as caught:
            self.attach(upload("a.pdf", PDF), upload("报告.pdf", b"<html><script>alert(1)</script></html>"))
        self.assertIn("“报告.pdf”的扩展名表示PDF 文档，但文件内容不是任何允许的文件类型", caught.exception.messages[0])
        self.assertEqual(EvidenceFile.objects.count(), 0)
        self.assertEqual(self.stored_files(), [])

    def test_an_executable_renamed_and_a_docx_renamed_to_pdf_are_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self.attach(upload("setup.pdf", b"MZ\x90\x00" + b"\x00" * 60), upload("plan.pdf", ooxml("word/document.xml")))
        self.assertEqual(len(caught.exception.messages), 2)
        self.assertIn("文件实际是Word 文档", caught.exception.messages[1])
        self.assertEqual(self.stored_files(), [])

    def test_a_zip_that_is_not_an_office_document_is_refused(self):
        with self.assertRaises(ValidationError):
            self.attach(upload("a.xlsx", ooxml("something/else.xml")))

    def test_an_extension_outside_the_list_is_refused_whatever_the_content(self):
        with self.assertRaises(ValidationError) as caught:
            self.attach(upload("page.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"))
        self.assertIn("类型不在允许之列", caught.exception.messages[0])

    @override_settings(EVIDENCE_MAX_BYTES=1024)
    def test_too_large_a_file_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self.attach(upload("big.pdf", PDF + b"0" * 2000))
        self.assertIn("超过了每个文件 1.0\xa0KB 的上限", caught.exception.messages[0])
        self.assertEqual(self.stored_files(), [])

    @override_settings(EVIDENCE_MAX_FILES=2)
    def test_too_many_files_on_one_update_are_refused(self):
        self.attach(upload("a.pdf", PDF))
        with self.assertRaises(ValidationError) as caught:
            self.attach(upload("b.pdf", PDF), upload("c.pdf", PDF))
        self.assertIn("最多附 2 个佐证文件；已有 1 个", caught.exception.messages[0])
        self.assertEqual(self.update.evidence_files.count(), 1)

    def test_a_name_with_directories_and_odd_characters_is_kept_for_display_only(self):
        [row] = self.attach(upload("../../etc/\u202e进展\x00说明.pdf", PDF))
        self.assertEqual(row.original_name, "进展说明.pdf")
        self.assertRegex(row.file.name, r"^evidence/[0-9a-f]{32}\.pdf$")
        self.assertTrue(os.path.realpath(row.file.path).startswith(os.path.realpath(self.media)))
        self.assertEqual(evidence.display_name("..\\..\\win.ini"), "win.ini")

    def test_a_reporter_cannot_attach_to_another_organizations_update(self):
        from django.core.exceptions import PermissionDenied

        with self.assertRaises(PermissionDenied):
            self.attach(upload("a.pdf", PDF), user=self.other_reporter)


class ServingTests(EvidenceTestCase):
    def setUp(self):
        super().setUp()
        self.pdf, self.docx = self.attach(upload("通报.pdf", PDF), upload("台账.docx", ooxml("word/document.xml")))

    def url(self, row):
        return f"/evidence/{row.pk}/"

    def approve(self):
        services.approve_update(update=self.update, reviewer=self.reviewer)

    def test_not_public_before_approval(self):
        self.assertEqual(self.client.get(self.url(self.pdf)).status_code, 404)
        page = self.client.get(self.commitment.get_absolute_url())
        self.assertNotContains(page, "通报.pdf")

    def test_the_reporters_organization_and_reviewers_see_it_before_approval(self):
        for user, expected in ((self.reporter, 200), (self.reviewer, 200), (self.other_reporter, 404)):
            self.client.force_login(user)
            response = self.client.get(self.url(self.pdf))
            self.assertEqual(response.status_code, expected, user)
            if expected == 200:
                self.assertEqual(response["Cache-Control"], "private, no-store")

    def test_public_after_approval_and_on_the_commitment_timeline(self):
        self.approve()
        response = self.client.get(self.url(self.pdf))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content), PDF)
        page = self.client.get(self.commitment.get_absolute_url())
        self.assertContains(page, f'href="/evidence/{self.pdf.pk}/"')
        self.assertContains(page, "通报.pdf")

    def test_served_with_nosniff_and_office_files_as_attachments(self):
        self.approve()
        pdf = self.client.get(self.url(self.pdf))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertEqual(pdf["X-Content-Type-Options"], "nosniff")
        self.assertIn("sandbox", pdf["Content-Security-Policy"])
        self.assertTrue(pdf["Content-Disposition"].startswith("inline"))
        docx = self.client.get(self.url(self.docx))
        self.assertEqual(docx["X-Content-Type-Options"], "nosniff")
        self.assertTrue(docx["Content-Disposition"].startswith("attachment"))
        self.assertIn("filename*=utf-8''%E5%8F%B0%E8%B4%A6.docx", docx["Content-Disposition"])

    def test_a_rejected_update_takes_its_files_out_of_public_view(self):
        self.approve()
        services.reject_update(update=self.update, reviewer=self.reviewer, reason="佐证不足")
        self.assertEqual(self.client.get(self.url(self.pdf)).status_code, 404)


class AdminUploadTests(EvidenceTestCase):
    def form_data(self, **extra):
        return {"commitment": self.commitment.pk, "reported_on": "2021-06-30", "status": "in_progress",
                "percent": "60", "note": "附佐证", "evidence_url": "", "milestone": "", **extra}

    def test_a_reporter_adds_files_with_a_new_update(self):
        self.client.force_login(self.reporter)
        response = self.client.post("/admin/policies/progressupdate/add/", self.form_data(
            evidence_files=[upload("照片.png", PNG), upload("通报.pdf", PDF)]))
        self.assertEqual(response.status_code, 302, response.context["adminform"].form.errors if response.context else "")
        update = ProgressUpdate.objects.get(note="附佐证")
        self.assertEqual(sorted(update.evidence_files.values_list("original_name", flat=True)), ["照片.png", "通报.pdf"])
        change = self.client.get(f"/admin/policies/progressupdate/{update.pk}/change/")
        self.assertContains(change, "照片.png")

    def test_a_disguised_file_is_refused_on_the_form_and_the_update_not_saved(self):
        self.client.force_login(self.reporter)
        response = self.client.post("/admin/policies/progressupdate/add/", self.form_data(
            evidence_files=[upload("通报.pdf", b"<html></html>")]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "“通报.pdf”的扩展名表示PDF 文档")
        self.assertFalse(ProgressUpdate.objects.filter(note="附佐证").exists())
        self.assertEqual(self.stored_files(), [])


class StorageSettingsTests(TestCase):
    def settings_with(self, **environ):
        import importlib
        from unittest import mock

        import tracker.settings

        with mock.patch.dict(os.environ, environ):
            storages = importlib.reload(tracker.settings).STORAGES
        importlib.reload(tracker.settings)
        return storages

    def test_files_go_to_media_root_by_default(self):
        storages = self.settings_with(TRACKER_S3_BUCKET="")
        self.assertEqual(storages["default"]["BACKEND"], "django.core.files.storage.FileSystemStorage")

    def test_a_bucket_switches_to_private_s3_storage(self):
        storage = self.settings_with(TRACKER_S3_BUCKET="tracker-evidence", TRACKER_S3_ENDPOINT_URL="https://s3.example.cn",
                                     TRACKER_S3_PREFIX="/prod/")["default"]
        self.assertEqual(storage["BACKEND"], "storages.backends.s3.S3Storage")
        self.assertEqual(storage["OPTIONS"]["bucket_name"], "tracker-evidence")
        self.assertEqual(storage["OPTIONS"]["endpoint_url"], "https://s3.example.cn")
        self.assertEqual((storage["OPTIONS"]["location"], storage["OPTIONS"]["default_acl"]), ("prod", "private"))
