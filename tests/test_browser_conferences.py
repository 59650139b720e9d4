"""Switching between two conferences on the public pages, as a person would, on a phone and a desktop."""

import datetime

import pytest

from .browser import ARTIFACTS, BrowserTestCase
from .factories import make_world


@pytest.mark.browser
class ConferenceSwitchInTheBrowserTests(BrowserTestCase):
    def setUp(self):
        self.first = make_world(slug="2020-12-29", held_on=datetime.date(2020, 12, 29), name="全市经济工作会议")
        self.second = make_world(slug="2021-12-28", held_on=datetime.date(2021, 12, 28), name="全市经济工作会议",
                                 progress=False)
        super().setUp()

    def heading(self):
        return self.page.get_by_role("heading", level=1).inner_text()

    def switch(self):
        return self.page.get_by_role("navigation", name="选择会议")

    def test_switch_between_the_two_conferences_and_all_of_them(self):
        for width in (360, 1280):
            with self.subTest(width=width):
                self.page.set_viewport_size({"width": width, "height": 900})
                self.page.goto(f"{self.live_server_url}/")
                # The latest conference, nothing reported yet: said plainly, no red.
                self.assertEqual(self.heading(), "2022年经济工作承诺兑现情况")
                self.assertIn("0 / 13 项承诺已有经审核的进展报告", self.page.locator(".reported").inner_text())
                self.assertEqual(self.page.locator(".commitment.light-red").count(), 0)
                self.page.screenshot(path=ARTIFACTS / f"conference-latest-{width}.png", full_page=True)

                self.switch().get_by_role("link", name="2021年").click()
                self.page.wait_for_load_state()
                self.assertTrue(self.page.url.endswith("/conferences/2020-12-29/"))
                self.assertEqual(self.heading(), "2021年经济工作承诺兑现情况")
                self.assertIn("7 / 13 项承诺已有经审核的进展报告", self.page.locator(".reported").inner_text())
                self.page.screenshot(path=ARTIFACTS / f"conference-2020-{width}.png", full_page=True)

                # Its T1 is its own, and its list is filtered within it.
                self.page.get_by_role("link", name="T1 推动高质量发展").first.click()
                self.page.wait_for_load_state()
                self.assertTrue(self.page.url.endswith("/conferences/2020-12-29/tasks/T1/"))
                self.page.get_by_role("link", name="在列表中查看全部").click()
                self.page.wait_for_load_state()
                self.assertIn("/conferences/2020-12-29/commitments/?task=T1", self.page.url)
                shown = self.page.locator(".commitment").count()
                self.assertEqual(shown, 7)

                self.page.goto(f"{self.live_server_url}/")
                self.switch().get_by_role("link", name="全部会议").click()
                self.page.wait_for_load_state()
                self.assertEqual(self.heading(), "全部会议")
                self.assertIn("7 / 26", self.page.locator(".reported").inner_text())
                self.page.screenshot(path=ARTIFACTS / f"conference-all-{width}.png", full_page=True)
                # Nothing wider than the screen.
                overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                self.assertLessEqual(overflow, 0)
