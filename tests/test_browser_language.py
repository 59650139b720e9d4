"""A visitor switches the interface to English with the header's button, keeps it from page to page, and
switches back; the quotes stay Chinese."""

import pytest

from .browser import ARTIFACTS, BrowserTestCase
from .factories import make_world
from .test_translations import chinese_interface_left, data_strings


@pytest.mark.browser
class LanguageSwitchTests(BrowserTestCase):
    def setUp(self):
        self.world = make_world()
        super().setUp()

    def test_switch_to_english_and_back(self):
        commitment = self.world.commitments[0]
        self.page.goto(f"{self.live_server_url}{commitment.get_absolute_url()}")
        nav = self.page.get_by_role("navigation", name="主导航")
        self.assertEqual(nav.get_by_role("link").all_inner_texts(), ["概览", "历次会议", "全部承诺", "数据接口"])

        self.page.get_by_role("button", name="English").click()
        self.page.wait_for_load_state()
        # Back on the same page, in English; the data is as quoted.
        self.assertEqual(self.page.url, f"{self.live_server_url}{commitment.get_absolute_url()}")
        self.assertEqual(self.page.locator("html").get_attribute("lang"), "en")
        nav = self.page.get_by_role("navigation", name="Main navigation")
        self.assertEqual(nav.get_by_role("link").all_inner_texts(), ["Overview", "Conferences", "All commitments", "API"])
        self.assertIn("In progress", self.page.locator(".badge").first.inner_text())
        self.assertEqual(self.page.locator("h1").inner_text(), commitment.summary)
        body = self.page.locator("main").inner_text()
        for heading in ("Current status", "Responsible organization", "Progress history", "Approved progress"):
            self.assertIn(heading, body)
        self.assertEqual(chinese_interface_left(self.page.content(), data_strings()), [])
        self.page.set_viewport_size({"width": 360, "height": 800})
        self.page.screenshot(path=ARTIFACTS / "language-english-commitment-360.png", full_page=True)

        # The choice holds on the next page.
        nav.get_by_role("link", name="All commitments").click()
        self.page.wait_for_load_state()
        self.assertIn("In progress", self.page.locator(".commitment .badge").all_inner_texts())
        self.page.screenshot(path=ARTIFACTS / "language-english-list-360.png")

        self.page.get_by_role("button", name="中文").click()
        self.page.wait_for_load_state()
        self.assertEqual(self.page.locator("html").get_attribute("lang"), "zh-CN")
        self.assertEqual(self.page.get_by_role("navigation", name="主导航").get_by_role("link").all_inner_texts(),
                         ["概览", "历次会议", "全部承诺", "数据接口"])
        self.assertIn("推进中", self.page.locator(".commitment .badge").all_inner_texts())

    def test_english_pages_fit_a_phone_and_a_desktop(self):
        # English words are longer than the Chinese the layout was drawn for: nothing may push the page wider
        # than the screen. Screenshots in test-artifacts/ to look at.
        self.context.add_cookies([{"name": "django_language", "value": "en", "url": self.live_server_url}])
        pages = {"dashboard": "/", "list": "/commitments/?status=in_progress",
                 "commitment": self.world.commitments[0].get_absolute_url(),
                 "task": self.world.tasks["T1"].get_absolute_url()}
        for width in (360, 1280):
            self.page.set_viewport_size({"width": width, "height": 900})
            for name, path in pages.items():
                with self.subTest(page=name, width=width):
                    self.page.goto(f"{self.live_server_url}{path}")
                    self.assertEqual(self.page.locator("html").get_attribute("lang"), "en")
                    self.page.screenshot(path=ARTIFACTS / f"english-{name}-{width}.png", full_page=True)
                    overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                    self.assertLessEqual(overflow, 0)

    def test_an_english_browser_gets_english_without_switching(self):
        context = self.browser.new_context(locale="en-US", extra_http_headers={"Accept-Language": "en-US,en;q=0.9"})
        try:
            page = context.new_page()
            page.goto(f"{self.live_server_url}/")
            self.assertEqual(page.locator("html").get_attribute("lang"), "en")
            self.assertEqual(page.get_by_role("link", name="Skip to content").count(), 1)
        finally:
            context.close()
