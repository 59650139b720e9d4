"""In a real browser: a reviewer pastes a report, edits a draft, accepts, and the public pages show it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from policies.models import Commitment
from policies.roles import ensure_roles

from .browser import ARTIFACTS, BrowserTestCase
from .factories import make_reviewer
from .reports import JIANGZHOU


@pytest.mark.browser
class ImportInTheBrowserTests(BrowserTestCase):
    def setUp(self):
        ensure_roles()
        make_reviewer(username="duchayuan", password="督查-密码-1")
        super().setUp()

    def test_reviewer_pastes_edits_accepts_and_the_public_sees_it(self):
        page = self.page
        page.goto(f"{self.live_server_url}/admin/login/?next=/admin/policies/conference/")
        page.fill("#id_username", "duchayuan")
        page.fill("#id_password", "督查-密码-1")
        page.click("input[type=submit]")
        page.click("text=导入会议报道")
        expect(page.locator("h1")).to_have_text("导入会议报道")
        page.fill("#id_text", JIANGZHOU)
        page.fill("#id_publisher", "江州日报")
        page.fill("#id_published_on", "2021-12-29")
        page.click("input[name=_import]")
        expect(page.locator(".messagelist")).to_contain_text("已导入为草稿：2 段表态")
        page.screenshot(path=str(ARTIFACTS / "import-review.png"), full_page=True)

        block = page.locator("fieldset.draft-statement", has_text="王芳")
        block.locator("input[name$='-official_title']").fill("市商务委党组书记、主任")
        row = block.locator("tr.draft-commitment", has_text="").nth(1)
        # Choose the quote by selecting words of the statement, as the page tells the reviewer to.
        block.locator(".draft-text").evaluate(
            """(el) => { const text = el.firstChild; const start = text.data.indexOf("夜间经济示范街区");
                         const range = document.createRange(); range.setStart(text, start);
                         range.setEnd(text, start + 8); const s = window.getSelection();
                         s.removeAllRanges(); s.addRange(range); }"""
        )
        row.locator("button.use-selection").click()
        expect(row.locator("textarea")).to_have_value("夜间经济示范街区")
        row.locator("input[name$='-summary']").fill("培育夜间经济示范街区")
        page.click("input[name=_accept_all]")
        expect(page.locator(".messagelist")).to_contain_text("已采纳 李强、王芳 的表态")
        page.screenshot(path=str(ARTIFACTS / "import-accepted.png"), full_page=True)

        commitment = Commitment.objects.get(summary="培育夜间经济示范街区")
        self.assertEqual(commitment.quote, "夜间经济示范街区")
        page.goto(f"{self.live_server_url}{commitment.get_absolute_url()}")
        main = page.locator("main")
        expect(main).to_contain_text("培育夜间经济示范街区")
        expect(main).to_contain_text("市商务委党组书记、主任")
        expect(main).to_contain_text("江州日报")
        page.screenshot(path=str(ARTIFACTS / "import-public-commitment.png"), full_page=True)
        page.goto(f"{self.live_server_url}/commitments/?q=中央商务区")
        expect(page.locator("main")).to_contain_text("加快建设中央商务区")

        # The accepted report's conference has its own dashboard and list, and / now opens it.
        conference = commitment.statement.source.conference
        page.goto(f"{self.live_server_url}/")
        expect(page.locator("h1")).to_have_text(f"{conference.plan_year}年经济工作承诺兑现情况")
        page.goto(f"{self.live_server_url}{reverse('policies:conference_commitments', args=[conference.slug])}")
        expect(page.locator("main")).to_contain_text("培育夜间经济示范街区")
        page.screenshot(path=str(ARTIFACTS / "import-conference-list.png"), full_page=True)
