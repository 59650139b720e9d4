"""In a real browser: a reporter records progress, a reviewer approves it, the public page changes."""


import pytest
from playwright.sync_api import expect

from policies.roles import ensure_roles

from .browser import ARTIFACTS, BrowserTestCase
from .factories import make_commitment, make_organization, make_reporter, make_reviewer, make_task


@pytest.mark.browser
class ReviewInTheBrowserTests(BrowserTestCase):
    def setUp(self):
        ensure_roles()
        organization = make_organization(name="示范区")
        self.commitment = make_commitment(organization=organization, summary="建设智慧园区", tasks=[make_task()])
        make_reporter(organization=organization, username="tianbaoyuan", password="填报-密码-1")
        make_reviewer(username="duchayuan", password="督查-密码-1")
        super().setUp()

    def log_in(self, username, password, next_url):
        page = self.page
        page.goto(f"{self.live_server_url}/admin/login/?next={next_url}")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("input[type=submit]")

    def log_out(self):
        self.page.click("#logout-form button")
        expect(self.page.locator("#content")).to_contain_text("重新登录")

    def public_page(self):
        self.page.goto(f"{self.live_server_url}{self.commitment.get_absolute_url()}")
        return self.page.locator("main").inner_text()

    def assert_public_progress_unchanged(self):
        text = self.public_page()
        self.assertIn("尚无报告", text)
        self.assertNotIn("推进中", text)
        self.assertNotIn("60%", text)

    def test_reporter_records_reviewer_approves_public_page_changes(self):
        page = self.page
        self.assert_public_progress_unchanged()

        self.log_in("tianbaoyuan", "填报-密码-1", f"/admin/policies/commitment/{self.commitment.pk}/change/")
        expect(page.locator("h1")).to_contain_text("查看 承诺事项")
        page.click("text=填报进展")
        expect(page.locator("#progressupdate_form")).to_be_visible()
        expect(page.locator(".field-commitment")).to_contain_text("建设智慧园区")
        page.fill("#id_reported_on", "2021-06-30")
        page.select_option("#id_status", label="推进中")
        page.fill("#id_percent", "60")
        page.fill("#id_note", "园区一期主体完工，二期启动招标。")
        page.click("input[name=_save]")
        expect(page.locator(".messagelist")).to_contain_text("成功")
        expect(page.locator("#result_list")).to_contain_text("待审核")
        page.screenshot(path=str(ARTIFACTS / "admin-reporter-submitted.png"), full_page=True)
        self.log_out()
        self.assert_public_progress_unchanged()  # submitted is not public

        self.log_in("duchayuan", "督查-密码-1", "/admin/policies/progressupdate/?review_state__exact=submitted")
        page.click("#result_list tbody tr a >> nth=0")
        page.click("text=审核")
        expect(page.locator("h1")).to_have_text("审核进展填报")
        page.screenshot(path=str(ARTIFACTS / "admin-reviewer-review.png"), full_page=True)
        page.click("input[name=approve]")
        expect(page.locator(".messagelist")).to_contain_text("已审核通过")
        expect(page.locator("#result_list")).to_contain_text("已通过")

        text = self.public_page()
        self.assertIn("推进中", text)
        self.assertIn("60%", text)
        self.assertIn("园区一期主体完工，二期启动招标。", text)
        page.screenshot(path=str(ARTIFACTS / "admin-public-after-approval.png"), full_page=True)
