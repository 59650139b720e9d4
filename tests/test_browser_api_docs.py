"""The API docs page (Swagger UI from the project's own static files) works under the site's Content-Security-Policy."""

import pytest

from .browser import ARTIFACTS, BrowserTestCase
from .factories import make_commitment


@pytest.mark.browser
class ApiDocsInTheBrowserTests(BrowserTestCase):
    def test_docs_page_lists_the_commitment_filters_in_chinese_and_english(self):
        make_commitment()
        refused = []
        self.page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
        self.page.goto(f"{self.live_server_url}/")
        self.page.get_by_role("link", name="数据接口").click()
        self.page.locator("#operations-commitments-commitments_list").click()
        district = self.page.locator("tr[data-param-name='district']")
        district.wait_for()
        self.assertIn("按区或县筛选（API 中写单位的 id，见 /api/organizations/）。 / Id of a district or county", district.inner_text())
        self.page.screenshot(path=ARTIFACTS / "api-docs.png", full_page=False)
        self.assertEqual(refused, [])
