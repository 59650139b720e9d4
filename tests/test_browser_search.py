"""Searching the public list in a real browser: the matched words are marked, and only in matching rows."""

import os

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from playwright.sync_api import sync_playwright

from policies import search
from policies.models import Commitment

from .factories import load_conference
from .test_browser_public import ARTIFACTS, CHROMIUM_ARGS


@pytest.mark.browser
class SearchInTheBrowserTests(StaticLiveServerTestCase):
    @classmethod
    def setUpClass(cls):
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        super().setUpClass()
        ARTIFACTS.mkdir(exist_ok=True)
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()

    def setUp(self):
        load_conference()
        self.context = self.browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        self.page = self.context.new_page()

    def tearDown(self):
        self.context.close()

    def test_searching_jiuye_marks_the_word_only_in_the_matching_rows(self):
        expected = list(search.search_commitments(Commitment.objects.select_related("organization"), "就业"))
        self.assertTrue(expected)
        self.page.goto(f"{self.live_server_url}/commitments/")
        self.assertEqual(self.page.locator("mark").count(), 0)
        self.page.get_by_label("关键词", exact=True).fill("就业")
        self.page.get_by_role("button", name="筛选").click()
        self.page.wait_for_load_state()

        rows = self.page.locator(".commitment")
        self.assertEqual(rows.count(), len(expected))
        organizations = [rows.nth(i).locator(".meta a").first.inner_text() for i in range(rows.count())]
        self.assertEqual(organizations, [c.organization.name for c in expected])
        self.assertIn("市人力社保局", organizations)
        for i in range(rows.count()):
            marks = rows.nth(i).locator("mark")
            self.assertGreater(marks.count(), 0)
            self.assertEqual(set(marks.all_inner_texts()), {"就业"})
        # Marked text is styled as a highlight, not left as plain text.
        background = self.page.locator(".commitment mark").first.evaluate("m => getComputedStyle(m).backgroundColor")
        self.assertNotIn(background, ("rgba(0, 0, 0, 0)", "transparent"))
        self.page.screenshot(path=ARTIFACTS / "list-search-jiuye.png", full_page=True)
