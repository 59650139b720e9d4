"""In a real browser: searching the public list marks the matched words; a reviewer accepts a suggested task."""

import pytest
from playwright.sync_api import expect

from policies import search
from policies.choices import LinkOrigin
from policies.models import Commitment, Organization, TaskLink
from policies.roles import ensure_roles

from .browser import ARTIFACTS, BrowserTestCase
from .factories import load_conference, make_reviewer


@pytest.mark.browser
class SearchInTheBrowserTests(BrowserTestCase):
    def setUp(self):
        load_conference()
        super().setUp()

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

    def test_a_keyword_tag_on_an_organization_page_searches_its_commitments(self):
        organization = Organization.objects.get(name="市人力社保局")
        word, _ = search.keywords_for_organization(organization)[0]
        self.page.goto(f"{self.live_server_url}{organization.get_absolute_url()}")
        tags = self.page.locator(".keywords a")
        self.assertEqual(tags.all_inner_texts(), [w for w, _ in search.keywords_for_organization(organization)])
        self.page.screenshot(path=ARTIFACTS / "organization-keywords.png", full_page=True)
        tags.first.click()
        self.page.wait_for_load_state()
        self.assertEqual(set(self.page.locator(".commitment .meta a:first-child").all_inner_texts()), {organization.name})
        rows = self.page.locator(".commitment")
        self.assertEqual(rows.count(), search.search_commitments(organization.commitments.all(), word).count())
        for i in range(rows.count()):
            self.assertIn(word, rows.nth(i).locator("mark").all_inner_texts())


@pytest.mark.browser
class AcceptSuggestionInTheBrowserTests(BrowserTestCase):
    def setUp(self):
        load_conference()
        ensure_roles()
        make_reviewer(username="duchayuan", password="督查-密码-1")
        self.commitment = Commitment.objects.filter(links__task__code="T8.2").order_by("pk").first()
        super().setUp()

    def test_reviewer_accepts_the_top_suggestion_in_one_click(self):
        search.forget_fitted()
        top = search.suggest_for_commitment(self.commitment, limit=1)[0]
        change_url = f"/admin/policies/commitment/{self.commitment.pk}/change/"
        page = self.page
        page.goto(f"{self.live_server_url}/admin/login/?next={change_url}")
        page.fill("#id_username", "duchayuan")
        page.fill("#id_password", "督查-密码-1")
        page.click("input[type=submit]")
        section = page.locator("#suggested-tasks")
        expect(section).to_contain_text("系统建议的重点任务（按分词相似度）")
        section.scroll_into_view_if_needed()
        page.screenshot(path=ARTIFACTS / "admin-suggestions.png", full_page=True)
        section.get_by_role("button", name=f"采纳，建立关联：{top.task.code} {top.task.title}", exact=True).click()
        expect(page.locator(".messagelist")).to_contain_text(f"已采纳建议：关联重点任务 {top.task.code}")
        self.assertTrue(page.url.endswith(change_url))
        link = TaskLink.objects.get(commitment=self.commitment, task=top.task)
        self.assertEqual(link.origin, LinkOrigin.SUGGESTED)
        # Nothing else on the change form was submitted with it.
        self.assertEqual(Commitment.objects.get(pk=self.commitment.pk).summary, self.commitment.summary)
        page.screenshot(path=ARTIFACTS / "admin-suggestion-accepted.png", full_page=True)
