"""axe-core (bundled by axe-playwright-python, no network) on every public page, on a phone and on a
desktop: no WCAG 2.1 A or AA violation. axe is injected with page.evaluate, which the site's
Content-Security-Policy does not govern (it is the browser's DevTools protocol, not a page script)."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe

from policies.services import refresh_progress

from .browser import ARTIFACTS, BrowserTestCase
from .factories import make_update, make_world

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# label-content-name-mismatch is a WCAG 2.1 A rule (2.5.3) that axe marks experimental and skips
# unless asked; the dashboard once failed it.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_21_AA},
    "rules": {"label-content-name-mismatch": {"enabled": True}},
    "resultTypes": ["violations"],
}
WIDTHS = (360, 1280)


@pytest.mark.browser
class AxeOnPublicPagesTests(BrowserTestCase):
    axe = Axe()

    def setUp(self):
        self.world = make_world()
        # Every status on the page, so that each badge's colours are measured.
        statuses = ["completed", "behind", "not_kept"]
        for commitment, status in zip(self.world.commitments[1:4], statuses, strict=True):
            make_update(commitment=commitment, status=status, percent=100 if status == "completed" else 20,
                        review_state="approved", reported_on=datetime.date(2021, 9, 30))
        refresh_progress()
        super().setUp()

    # /api/docs/ has its own test below: Swagger UI draws it with JavaScript after the page loads.
    def public_pages(self):
        commitment = self.world.commitments[0]
        return {
            "dashboard": "/",
            "conferences": "/conferences/",
            "conference": self.world.conference.get_absolute_url(),
            "conference-list": f"{self.world.conference.get_absolute_url()}commitments/",
            "organizations": f"{self.world.conference.get_absolute_url()}organizations/",
            "list": "/commitments/",
            "list-searched": "/commitments/?q=数据中心",
            "list-filtered": "/commitments/?status=not_started&kind=district&task=T1",
            "list-bad-filter": "/commitments/?due_year=abc&status=planet",
            "commitment": commitment.get_absolute_url(),
            "organization": commitment.organization.get_absolute_url(),
            "task": self.world.tasks["T1"].get_absolute_url(),
            "subtask": self.world.tasks["T1.1"].get_absolute_url(),
            "official": self.world.officials[0].get_absolute_url(),
            "source": self.world.source.get_absolute_url(),
            "follow": f"/follow/commitment/{commitment.pk}/",
            "admin-login": "/admin/login/",
        }

    def test_no_wcag_21_a_or_aa_violation_on_any_public_page_on_a_phone_or_a_desktop(self):
        pages = self.public_pages()
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            for name, path in pages.items():
                with self.subTest(page=name, width=width):
                    response = self.page.goto(f"{self.live_server_url}{path}")
                    self.assertIn(response.status, (200, 400), path)
                    results = self.axe.run(self.page, options=AXE_OPTIONS)
                    self.page.screenshot(path=ARTIFACTS / f"axe-{name}-{width}.png", full_page=True)
                    self.assertEqual(results.violations_count, 0, results.generate_report())

    def test_no_wcag_21_a_or_aa_violation_on_the_api_docs_before_and_after_trying_an_operation(self):
        # Swagger UI (drf-spectacular-sidecar) under the project's template, style sheet and script:
        # templates/drf_spectacular/swagger_ui.html, static/css/api-docs.css, static/js/api-docs.js.
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            response = self.page.goto(f"{self.live_server_url}/api/docs/")
            self.assertEqual(response.status, 200)
            operation = self.page.locator("#operations-commitments-commitments_list")
            operation.click()
            self.page.locator("tr[data-param-name='district']").wait_for()
            with self.subTest(state="read", width=width):
                results = self.axe.run(self.page, options=AXE_OPTIONS)
                self.page.screenshot(path=ARTIFACTS / f"axe-api-docs-{width}.png", full_page=False)
                self.assertEqual(results.violations_count, 0, results.generate_report())
            operation.get_by_role("button", name="Try it out").click()
            operation.get_by_role("button", name="Execute").click()
            operation.locator(".live-responses-table").wait_for()
            with self.subTest(state="tried", width=width):
                results = self.axe.run(self.page, options=AXE_OPTIONS)
                self.page.screenshot(path=ARTIFACTS / f"axe-api-docs-tried-{width}.png", full_page=True)
                self.assertEqual(results.violations_count, 0, results.generate_report())

    def test_no_wcag_21_a_or_aa_violation_on_the_public_pages_in_english(self):
        # English labels are longer and change what axe measures (names, contrast of wrapped text).
        self.context.add_cookies([{"name": "django_language", "value": "en", "url": self.live_server_url}])
        pages = self.public_pages()
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            for name, path in pages.items():
                with self.subTest(page=name, width=width):
                    response = self.page.goto(f"{self.live_server_url}{path}")
                    self.assertIn(response.status, (200, 400), path)
                    self.assertEqual(self.page.locator("html").get_attribute("lang"), "en")
                    results = self.axe.run(self.page, options=AXE_OPTIONS)
                    self.assertEqual(results.violations_count, 0, results.generate_report())

    def test_axe_runs_under_the_sites_content_security_policy(self):
        # Not vacuous: the policy is on the page, axe ran rules and would report a violation it sees.
        response = self.page.goto(f"{self.live_server_url}/")
        self.assertIn("script-src 'self'", response.headers["content-security-policy"])
        self.page.evaluate("document.body.insertAdjacentHTML('beforeend', '<img src=\"/favicon.ico\">')")
        results = self.axe.run(self.page, options=AXE_OPTIONS)
        self.assertIn("image-alt", {violation["id"] for violation in results.response["violations"]})
