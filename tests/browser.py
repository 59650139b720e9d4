"""One live server and one Debian Chromium per browser test class, driven by Playwright."""

from pathlib import Path

from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from playwright.sync_api import sync_playwright

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


class BrowserTestCase(StaticLiveServerTestCase):
    """Screenshots go to test-artifacts/ (git-ignored), to be looked at."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ARTIFACTS.mkdir(exist_ok=True)
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )

    def setUp(self):
        super().setUp()
        # A fresh context per test: no cookies or storage carried from one test to the next.
        self.context = self.browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        self.page = self.context.new_page()

    def tearDown(self):
        self.context.close()
        super().tearDown()

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()
