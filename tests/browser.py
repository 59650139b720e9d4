"""One live server and one Debian Chromium per browser test class, driven by Playwright."""

import os
from pathlib import Path

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from playwright.sync_api import sync_playwright

# Debian's chromium by default; bin/ensure-test-deps checks the same path before `make test` starts.
CHROMIUM = os.environ.get("TRACKER_CHROMIUM") or "/usr/bin/chromium"
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
        try:
            cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except Exception as error:
            # Without a browser no browser test can run: stop the run with one line instead of an error
            # per test. Playwright is stopped first, or every later sync_playwright() would fail with
            # "Sync API inside the asyncio loop" and hide the cause.
            cls.playwright.stop()
            super().tearDownClass()
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            pytest.exit(
                f"Chromium at {CHROMIUM} did not start ({first_line}); run bin/ensure-test-deps "
                "or set TRACKER_CHROMIUM to a Chromium binary.",
                returncode=1,
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
