"""What a person sees in a real browser: filtering, following a quote to its source, the dashboard on a phone."""


import pytest

from policies.models import Commitment, Organization
from policies.services import refresh_progress

from .browser import ARTIFACTS, BrowserTestCase
from .factories import load_conference, make_update


@pytest.mark.browser
class PublicPagesInTheBrowserTests(BrowserTestCase):
    def setUp(self):
        load_conference()
        super().setUp()

    def shown_organizations(self):
        return set(self.page.locator(".commitment .meta a:first-child").all_inner_texts())

    def choose_and_submit(self, label, option):
        self.page.goto(f"{self.live_server_url}/commitments/")
        self.page.get_by_label(label, exact=True).select_option(label=option)
        self.page.get_by_role("button", name="筛选").click()
        self.page.wait_for_load_state()

    def test_filter_by_district_shows_only_its_commitments(self):
        self.choose_and_submit("区县", "江北区")
        jiangbei = Organization.objects.get(name="江北区")
        self.assertIn(f"district={jiangbei.pk}", self.page.url)
        self.assertEqual(self.shown_organizations(), {"江北区"})
        count = Commitment.objects.filter(organization=jiangbei).count()
        self.assertGreater(count, 1)
        self.assertEqual(self.page.locator(".commitment").count(), count)
        self.assertIn(f"共 {count} 项", self.page.locator(".result-count").inner_text())
        self.page.screenshot(path=ARTIFACTS / "list-district-jiangbei.png", full_page=True)

    def test_filter_by_department_shows_only_its_commitments(self):
        self.choose_and_submit("市级部门", "市科技局")
        self.assertEqual(self.shown_organizations(), {"市科技局"})
        self.assertEqual(self.page.locator(".commitment").count(), 7)
        self.page.screenshot(path=ARTIFACTS / "list-department-keji.png", full_page=True)

    def test_open_a_commitment_and_jump_to_its_highlighted_quote(self):
        commitment = Commitment.objects.get(summary="加大就业失业监测")
        make_update(commitment=commitment, review_state="approved", percent=40, note="监测平台上线",
                    evidence_url="https://example.org/evidence")
        refresh_progress()
        self.page.goto(f"{self.live_server_url}/commitments/?q=就业失业监测")
        self.page.get_by_role("link", name="加大就业失业监测").click()
        self.page.wait_for_load_state()
        self.assertIn("监测平台上线", self.page.locator(".timeline").inner_text())
        self.page.screenshot(path=ARTIFACTS / "commitment.png", full_page=True)
        self.page.get_by_role("link", name="在原文中查看").click()
        self.page.wait_for_load_state()
        self.assertTrue(self.page.url.endswith(f"#c{commitment.pk}"))
        mark = self.page.locator(f"mark#c{commitment.pk}")
        self.assertTrue(commitment.quote.startswith(mark.inner_text()))
        self.assertTrue(mark.is_visible())
        self.assertTrue(self.page.evaluate(f"document.querySelector('mark#c{commitment.pk}').matches(':target')"))
        in_view = self.page.evaluate(
            f"(() => {{ const r = document.getElementById('c{commitment.pk}').getBoundingClientRect();"
            " return r.top >= 0 && r.bottom <= innerHeight; })()"
        )
        self.assertTrue(in_view)
        self.page.screenshot(path=ARTIFACTS / "source-highlight.png")

    def test_dashboard_fits_a_phone_and_a_desktop(self):
        for n, commitment in enumerate(Commitment.objects.order_by("pk")[::4]):
            status = ("in_progress", "behind", "completed")[n % 3]
            make_update(commitment=commitment, status=status, percent=100 if status == "completed" else (15 + 7 * n) % 95,
                        review_state="approved", note="测试用进展说明")
        refresh_progress()
        for width in (360, 1280):
            with self.subTest(width=width):
                self.page.set_viewport_size({"width": width, "height": 800})
                self.page.goto(self.live_server_url + "/")
                self.assertEqual(self.page.locator("h1").inner_text(), "2021年经济工作承诺兑现情况")
                scroll_width, inner_width = self.page.evaluate(
                    "[document.scrollingElement.scrollWidth, innerWidth]"
                )
                self.assertLessEqual(scroll_width, inner_width)
                self.page.screenshot(path=ARTIFACTS / f"dashboard-{width}.png", full_page=True)

    def test_other_pages_fit_a_phone(self):
        commitment = Commitment.objects.get(summary="加大就业失业监测")
        jiangbei = Organization.objects.get(name="江北区")
        self.page.set_viewport_size({"width": 360, "height": 800})
        pages = {
            "list": "/commitments/", "commitment": commitment.get_absolute_url(), "task": "/conferences/2020-12-29/tasks/T2/",
            "organization": jiangbei.get_absolute_url(), "source": commitment.source.get_absolute_url(),
            "official": commitment.statement.official.get_absolute_url(),
            "organizations": "/conferences/2020-12-29/organizations/",
        }
        for name, url in pages.items():
            with self.subTest(page=name):
                self.page.goto(self.live_server_url + url)
                scroll_width, inner_width = self.page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
                self.assertLessEqual(scroll_width, inner_width)
                self.page.screenshot(path=ARTIFACTS / f"{name}-360.png", full_page=True)

    def test_skip_link_is_the_first_stop_for_the_keyboard(self):
        self.page.goto(self.live_server_url + "/")
        self.page.keyboard.press("Tab")
        focused = self.page.evaluate("document.activeElement.textContent")
        self.assertEqual(focused, "跳到正文")
        self.assertTrue(self.page.locator(".skip-link").is_visible())
