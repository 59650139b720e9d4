"""The staff side and the follow-by-email mails in English: the workbench, our admin pages, the follow
pages and the mails, which are written in the language the reader signed up in.

The lint below keeps it so: no Chinese in these Python modules outside gettext calls (data and
operator-only text are listed, with why), checked by the one lint of tests/test_translations.py, which
also checks every template.
"""

import re
from unittest import mock

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase

from policies.following.models import Follow
from policies.roles import ensure_roles
from policies.services import approve_update

from .factories import make_commitment, make_organization, make_reporter, make_reviewer, make_update
from .test_translations import CJK, untranslated_python_strings

ROOT = settings.BASE_DIR
ENGLISH = {"accept-language": "en-US,en;q=0.9"}

# The templates of these folders are linted with every other template by tests/test_translations.py.
PYTHON_DIRS = ["policies/following", "policies/workbench", "policies/admin", "policies/models"]
# Operator command lines: their help and output stay Chinese, like the other management commands.
PYTHON_EXCLUDED = ["policies/following/management"]
# Chinese that is data, not interface, per module, with why.
PYTHON_ALLOWED = {
    "policies/admin/imports.py": {
        # Separators a task-code field accepts, Chinese punctuation included (what people type).
        r"[\s,，、;；]+",
        # The field's initial value, read back by the same separators: data, not a sentence.
        "、",
    },
    # The ledger's file name: the downloaded file is a Chinese document, whatever the interface.
    "policies/admin/commitments.py": {"承诺台账-"},
}


class NoUntranslatedChineseTests(SimpleTestCase):
    def test_python_modules_have_no_chinese_outside_gettext(self):
        paths = [
            path for folder in PYTHON_DIRS for path in sorted((ROOT / folder).rglob("*.py"))
            if "migrations" not in path.parts
            and not any(path.is_relative_to(ROOT / excluded) for excluded in PYTHON_EXCLUDED)
        ]
        self.assertGreater(len(paths), 20)
        for path in paths:
            name = str(path.relative_to(ROOT))
            with self.subTest(module=name):
                source = path.read_text(encoding="utf-8")
                self.assertEqual(untranslated_python_strings(source, allowed=PYTHON_ALLOWED.get(name, ())), [])


class FollowPagesInEnglishTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.commitment = make_commitment(summary="建成西部科学城核心区")

    def test_the_follow_page_in_english_by_accept_language(self):
        response = self.client.get(f"/follow/commitment/{self.commitment.pk}/", headers=ENGLISH)
        self.assertContains(response, "<h1>Follow by email</h1>", html=True)
        self.assertContains(response, "the commitment “建成西部科学城核心区”")  # the data stays Chinese
        self.assertContains(response, '<label for="id_email">Email address</label>', html=True)
        self.assertContains(response, "Send the confirmation email")

    def test_the_follow_page_in_english_by_the_language_cookie_with_english_errors(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.post(f"/follow/commitment/{self.commitment.pk}/", {"email": "not-an-address"})
        self.assertContains(response, "Please enter a valid email address.", status_code=400)
        self.assertNotContains(response, "邮件关注", status_code=400)

    def test_the_follow_page_stays_chinese_by_default(self):
        response = self.client.get(f"/follow/commitment/{self.commitment.pk}/")
        self.assertContains(response, "<h1>邮件关注</h1>", html=True)
        self.assertContains(response, "发送确认邮件")


class MailLanguageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.reviewer = make_reviewer()
        cls.commitment = make_commitment(summary="建成西部科学城核心区")

    def setUp(self):
        patcher = mock.patch("django.conf.settings.TRACKER_SITE_URL", "http://testserver")
        patcher.start()
        self.addCleanup(patcher.stop)

    def sign_up_and_confirm(self, email, **headers):
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"/follow/commitment/{self.commitment.pk}/", {"email": email}, headers=headers)
        confirmation = mail.outbox[-1]
        url = re.search(r"http://testserver(/follow/confirm/\S+/)", confirmation.body).group(1)
        self.client.post(url)  # confirmed from a browser in the other language: the mails keep the sign-up's
        return confirmation

    def digests(self):
        mail.outbox.clear()
        call_command("send_follow_digests", stdout=open("/dev/null", "w"))
        return {message.to[0]: message for message in mail.outbox}

    def test_a_follower_who_signed_up_in_english_gets_english_mails_and_one_in_chinese_gets_chinese(self):
        english = self.sign_up_and_confirm("reader@example.org", **ENGLISH)
        self.assertEqual(english.subject, "Please confirm: follow the commitment “建成西部科学城核心区”")
        self.assertIn("To confirm, open the link below and press “Confirm” (valid for 7 days):", english.body)
        self.assertIsNone(CJK.search(english.body.replace("建成西部科学城核心区", "")))
        self.assertEqual(Follow.objects.get(follower__email="reader@example.org").language, "en")

        chinese = self.sign_up_and_confirm("duzhe@example.org")
        self.assertEqual(chinese.subject, "请确认：关注承诺“建成西部科学城核心区”")
        self.assertIn("确认关注请打开下面的链接", chinese.body)

        approve_update(update=make_update(commitment=self.commitment, note="核心区道路全线贯通", percent=60),
                       reviewer=self.reviewer)
        digests = self.digests()
        digest = digests["reader@example.org"]
        self.assertEqual(digest.subject, "Commitment progress: 1 new approved update")
        self.assertIn("There are newly approved updates on what you follow:", digest.body)
        self.assertIn("2021-06-30 In progress 60%", digest.body)
        self.assertIn("核心区道路全线贯通", digest.body)  # the data as reported
        self.assertIn("Unsubscribe from everything and delete your email address: http://testserver/follow/forget/", digest.body)

        digest = digests["duzhe@example.org"]
        self.assertEqual(digest.subject, "承诺进展：1 条新的审核通过的进展")
        self.assertIn("2021-06-30 推进中 60%", digest.body)
        self.assertIn("退订全部并删除您的邮箱地址：", digest.body)

    def test_existing_follows_default_to_chinese(self):
        field = Follow._meta.get_field("language")
        self.assertEqual(field.default, "zh-hans")


class StaffPagesInEnglishTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.organization = make_organization(name="江岸区")
        cls.reviewer = make_reviewer(username="reviewer")
        cls.reporter = make_reporter(organization=cls.organization, username="reporter")
        cls.commitment = make_commitment(organization=cls.organization, summary="新开工重大项目30个")
        cls.update = make_update(commitment=cls.commitment, author=cls.reporter, note="已开工18个")

    def test_the_reviewers_workbench_in_english(self):
        self.client.force_login(self.reviewer)
        page = self.client.get("/workbench/", headers=ENGLISH)
        self.assertContains(page, "Progress updates awaiting review (1)")
        self.assertContains(page, "reported by reporter")
        self.assertContains(page, '<button type="submit" name="decision" value="approve" aria-label="Approve: 新开工重大项目30个">Approve</button>', html=True)
        self.assertContains(page, "Monthly report download")
        response = self.client.post("/workbench/review/", {"update": self.update.pk, "decision": "approve"},
                                    headers=ENGLISH, follow=True)
        self.assertContains(response, "Approved 1 progress update; the commitment’s status and progress are updated.")

    def test_the_reporters_workbench_in_english_by_the_language_cookie(self):
        self.client.force_login(self.reporter)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = self.client.get("/workbench/")
        self.assertContains(page, "Your organization’s commitments (1)")
        self.assertContains(page, "Reporter for 江岸区")
        self.assertContains(page, '<span class="wb-state wb-state-submitted">Awaiting review</span> In progress 50%', html=False)

    def test_the_commitment_changelist_in_english(self):
        self.client.force_login(self.reviewer)
        page = self.client.get("/admin/policies/commitment/", headers=ENGLISH)
        self.assertContains(page, "Select commitment to change")
        self.assertContains(page, "Ledger download and upload")
        self.assertContains(page, '<td class="field-status">Not yet reported</td>', html=True)
        self.assertContains(page, "Warning light")
        self.assertContains(page, "新开工重大项目30个")

    def test_the_update_change_form_in_english(self):
        self.client.force_login(self.reviewer)
        page = self.client.get(f"/admin/policies/progressupdate/{self.update.pk}/change/", headers=ENGLISH)
        self.assertContains(page, "Change progress update")
        self.assertContains(page, "This update awaits a reviewer and is published only once approved.")
        self.assertContains(page, '<option value="in_progress" selected>In progress</option>', html=True)
        self.assertContains(page, "Review state")
        self.assertContains(page, '<div class="readonly">Awaiting review</div>', html=True)
        self.assertContains(page, 'class="viewlink">Review</a>')

    def test_the_admin_in_english_by_the_language_cookie(self):
        self.client.force_login(self.reviewer)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = self.client.get(f"/admin/policies/commitment/{self.commitment.pk}/change/")
        self.assertContains(page, "Change commitment")
        self.assertContains(page, "Current progress (computed from the latest approved progress update; cannot be edited by hand)")
        self.assertContains(page, '<div class="readonly">Not yet reported</div>', html=True)
        changelist = self.client.get("/admin/policies/progressupdate/?review_state__exact=submitted")
        self.assertContains(changelist, "Select progress update to change")
        self.assertContains(changelist, "Approve the selected progress updates")

    def test_the_admin_stays_chinese_by_default(self):
        self.client.force_login(self.reviewer)
        page = self.client.get(f"/admin/policies/progressupdate/{self.update.pk}/change/")
        self.assertContains(page, "这条填报正在等待督查员审核，通过后才会公开。")
        self.assertContains(page, '<div class="readonly">待审核</div>', html=True)


class ApiDocsPageTests(TestCase):
    def test_the_docs_page_names_its_language_and_brings_the_projects_style_sheet_and_script(self):
        self.assertContains(self.client.get("/api/docs/"), '<html lang="zh-CN">')
        page = self.client.get("/api/docs/", headers=ENGLISH)
        self.assertContains(page, '<html lang="en">')
        self.assertContains(page, 'href="/static/css/api-docs.css"')
        self.assertContains(page, 'src="/static/js/api-docs.js"')
        self.assertNotContains(page, "<style>")  # the page's only inline style moved into the style sheet
