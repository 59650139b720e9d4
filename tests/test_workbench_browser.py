"""In a real browser at 360 px: a reporter reads a rejection on the workbench and resubmits; a
reviewer approves two updates in place from the queue."""

import pytest
from playwright.sync_api import expect

from policies import services
from policies.models import ProgressUpdate
from policies.roles import ensure_roles

from .browser import ARTIFACTS, BrowserTestCase
from .factories import make_commitment, make_organization, make_reporter, make_reviewer, make_update

PHONE = {"width": 360, "height": 740}


@pytest.mark.browser
class WorkbenchOnAPhoneTests(BrowserTestCase):
    def setUp(self):
        ensure_roles()
        organization = make_organization(name="示范区")
        self.park = make_commitment(organization=organization, summary="建设智慧园区")
        self.port = make_commitment(organization=organization, summary="扩建内陆港")
        self.reporter = make_reporter(organization=organization, username="tianbaoyuan", password="填报-密码-1")
        self.reviewer = make_reviewer(username="duchayuan", password="督查-密码-1")
        super().setUp()
        self.page.set_viewport_size(PHONE)

    def log_in(self, username, password):
        self.page.goto(f"{self.live_server_url}/admin/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("input[type=submit]")
        expect(self.page.locator("h1")).to_contain_text("工作台")

    def assert_fits_the_phone(self):
        width = self.page.evaluate("document.documentElement.scrollWidth")
        self.assertLessEqual(width, PHONE["width"], "the workbench scrolls sideways at 360 px")

    def test_reporter_sees_the_rejection_with_its_reason_and_resubmits(self):
        update = make_update(commitment=self.park, author=self.reporter, percent=30, note="完成选址。")
        services.reject_updates(updates=[update], reviewer=self.reviewer, reason="请附上规划批复文件的链接")
        page = self.page
        self.log_in("tianbaoyuan", "填报-密码-1")
        rejected = page.locator("#rejected")
        expect(rejected).to_contain_text("被退回的填报（1）")
        expect(rejected).to_contain_text("退回理由：请附上规划批复文件的链接")
        self.assert_fits_the_phone()
        page.screenshot(path=str(ARTIFACTS / "workbench-reporter-rejected-360.png"), full_page=True)

        rejected.get_by_role("link", name="修改并重新提交").click()
        page.fill("#id_evidence_url", "https://example.org/pifu.pdf")
        page.click("input[name=_save]")
        expect(page.locator(".messagelist")).to_contain_text("已重新提交，等待督查员审核")
        page.goto(f"{self.live_server_url}/workbench/")
        expect(page.locator("#rejected")).to_have_count(0)
        expect(page.locator("#my-updates")).to_contain_text("待审核")
        page.screenshot(path=str(ARTIFACTS / "workbench-reporter-resubmitted-360.png"), full_page=True)
        update.refresh_from_db()
        self.assertEqual((update.review_state, update.evidence_url), ("submitted", "https://example.org/pifu.pdf"))

    def test_reviewer_approves_two_updates_in_place(self):
        first = make_update(commitment=self.park, author=self.reporter, percent=40, note="园区一期开工。")
        second = make_update(commitment=self.port, author=self.reporter, percent=20, note="完成可研。")
        third = make_update(commitment=self.port, author=self.reporter, percent=25, note="仍待核实。")
        page = self.page
        self.log_in("duchayuan", "督查-密码-1")
        queue = page.locator("#pending")
        expect(queue).to_contain_text("待审核的进展填报（3）")
        expect(queue).to_contain_text("示范区 3")
        self.assert_fits_the_phone()
        page.screenshot(path=str(ARTIFACTS / "workbench-reviewer-queue-360.png"), full_page=True)

        page.locator(f"#update-{first.pk} input[type=checkbox]").check()
        page.locator(f"#update-{second.pk} input[type=checkbox]").check()
        page.get_by_role("button", name="通过所选").click()
        expect(page.locator(".wb-messages")).to_contain_text("已审核通过 2 条进展填报")
        expect(queue).to_contain_text("待审核的进展填报（1）")
        expect(page.locator(f"#update-{third.pk}")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "workbench-reviewer-approved-360.png"), full_page=True)
        states = dict(ProgressUpdate.objects.values_list("pk", "review_state"))
        self.assertEqual(states, {first.pk: "approved", second.pk: "approved", third.pk: "submitted"})
        self.park.refresh_from_db()
        self.assertEqual((self.park.status, self.park.percent), ("in_progress", 40))
