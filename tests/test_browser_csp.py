"""In a real browser: the Content-Security-Policy blocks nothing that the pages and the admin need."""

import pytest

from policies.roles import ensure_roles

from .browser import BrowserTestCase
from .factories import make_commitment, make_organization, make_reviewer, make_task, make_update

PASSWORD = "督查员的长密码-2026"


@pytest.mark.browser
class ContentSecurityPolicyInTheBrowserTests(BrowserTestCase):
    def setUp(self):
        ensure_roles()
        organization = make_organization(name="示范区")
        self.commitment = make_commitment(organization=organization, summary="建设智慧园区", tasks=[make_task()])
        make_update(commitment=self.commitment, percent=40)
        make_reviewer(username="duchayuan", password=PASSWORD)
        super().setUp()
        self.violations = []
        self.page.on(
            "console",
            lambda message: "Content Security Policy" in message.text and self.violations.append(f"{self.page.url}: {message.text}"),
        )

    def visit(self, path):
        self.page.goto(f"{self.live_server_url}{path}")
        self.page.wait_for_load_state("load")

    def test_public_pages_and_admin_render_without_violations(self):
        for path in ("/", "/commitments/", self.commitment.get_absolute_url(), "/api/commitments/?format=api"):
            self.visit(path)
        self.visit("/admin/login/")
        self.page.fill("#id_username", "duchayuan")
        self.page.fill("#id_password", PASSWORD)
        self.page.click("input[type=submit]")
        for path in ("/admin/", "/admin/policies/commitment/", f"/admin/policies/commitment/{self.commitment.pk}/change/"):
            self.visit(path)
        self.assertEqual(self.violations, [])
        # The admin's own scripts ran: its jQuery namespace exists.
        self.assertTrue(self.page.evaluate("typeof django !== 'undefined' && typeof django.jQuery === 'function'"))

    def test_an_inline_script_would_be_blocked(self):
        # The policy is in force: a script injected into the page does not run.
        self.visit("/")
        self.page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1'; document.body.appendChild(s); }")
        self.assertIsNone(self.page.evaluate("window.injected"))
        self.assertTrue(any("script-src" in text for text in self.violations))
