"""The workbench (/workbench/): what each role sees, the in-place actions, the login landing, query pins."""

import datetime

from django.test import TestCase
from django.utils import timezone

from policies import services
from policies.models import ProgressUpdate
from policies.roles import ensure_roles

from .factories import make_commitment, make_organization, make_reporter, make_reviewer, make_update, make_user

URL = "/workbench/"


class WorkbenchTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.today = timezone.localdate()
        cls.org_a = make_organization(name="甲区")
        cls.org_b = make_organization(name="乙区")
        cls.reporter = make_reporter(organization=cls.org_a, username="reporter_a")
        cls.reporter_b = make_reporter(organization=cls.org_b, username="reporter_b")
        cls.reviewer = make_reviewer(username="reviewer")
        # Reported on, then past due: red (with no approved report it would be 无报告, not overdue).
        cls.overdue = make_commitment(organization=cls.org_a, summary="甲区逾期的承诺",
                                      due_date=cls.today - datetime.timedelta(days=10), status="in_progress",
                                      percent=30, last_update_on=cls.today - datetime.timedelta(days=20))
        cls.future = make_commitment(organization=cls.org_a, summary="甲区明年的承诺",
                                     due_date=cls.today + datetime.timedelta(days=300))
        cls.other = make_commitment(organization=cls.org_b, summary="乙区的承诺",
                                    due_date=cls.today + datetime.timedelta(days=300))
        cls.pending_a = make_update(commitment=cls.future, author=cls.reporter, note="甲区待审")
        cls.pending_b = make_update(commitment=cls.other, author=cls.reporter_b, note="乙区待审")

    def page(self, user):
        self.client.force_login(user)
        return self.client.get(URL)


class ReviewerWorkbenchTests(WorkbenchTestCase):
    def test_shows_pending_updates_with_counts_per_organization_and_what_needs_attention(self):
        page = self.page(self.reviewer)
        self.assertContains(page, "待审核的进展填报（2）")
        self.assertContains(page, "甲区 <strong>1</strong>")
        self.assertContains(page, "乙区 <strong>1</strong>")
        self.assertContains(page, "甲区待审")
        self.assertContains(page, "已逾期（1）")
        self.assertContains(page, "甲区逾期的承诺")

    def test_approves_one_update_in_place(self):
        self.client.force_login(self.reviewer)
        response = self.client.post("/workbench/review/", {"update": self.pending_a.pk, "decision": "approve"}, follow=True)
        self.assertContains(response, "已审核通过 1 条进展填报")
        self.pending_a.refresh_from_db()
        self.future.refresh_from_db()
        self.assertEqual((self.pending_a.review_state, self.future.percent), ("approved", 50))
        self.assertContains(response, "待审核的进展填报（1）")

    def test_rejects_in_bulk_with_a_reason_and_refuses_without_one(self):
        self.client.force_login(self.reviewer)
        ids = [self.pending_a.pk, self.pending_b.pk]
        response = self.client.post("/workbench/review/", {"update": ids, "decision": "reject", "reason": " "}, follow=True)
        self.assertContains(response, "未能退回：请填写退回理由。")
        self.assertEqual(ProgressUpdate.objects.filter(review_state="submitted").count(), 2)
        self.client.post("/workbench/review/", {"update": ids, "decision": "reject", "reason": "缺少佐证"})
        self.assertEqual(set(ProgressUpdate.objects.values_list("review_state", "review_reason")), {("rejected", "缺少佐证")})

    def test_nothing_ticked_or_already_reviewed_gives_a_message(self):
        self.client.force_login(self.reviewer)
        response = self.client.post("/workbench/review/", {"decision": "approve", "update": ["x"]}, follow=True)
        self.assertContains(response, "没有可审核的填报")

    def test_review_and_close_are_for_reviewers_and_post_only(self):
        self.client.force_login(self.reporter)
        response = self.client.post("/workbench/review/", {"update": self.pending_a.pk, "decision": "approve"})
        self.assertEqual(response.status_code, 403)
        self.pending_a.refresh_from_db()
        self.assertEqual(self.pending_a.review_state, "submitted")
        self.client.force_login(self.reviewer)
        self.assertEqual(self.client.get("/workbench/review/").status_code, 405)

    def test_closes_a_completed_commitment_which_leaves_the_queue(self):
        done = make_update(commitment=self.overdue, author=self.reporter, status="completed", percent=100)
        services.approve_updates(updates=[done], reviewer=self.reviewer)
        page = self.page(self.reviewer)
        self.assertContains(page, "已完成、待销号（1）")
        response = self.client.post(f"/workbench/commitments/{self.overdue.pk}/close/", {"note": "已验收"}, follow=True)
        self.assertContains(response, "已销号：甲区逾期的承诺")
        self.assertContains(response, "已完成、待销号（0）")
        self.assertNotContains(response, "甲区逾期的承诺</a>")

    def test_pins_its_queries(self):
        for n in range(3):
            make_update(commitment=self.overdue, author=self.reporter, note=f"更多待审{n}")
        self.client.force_login(self.reviewer)
        # session, user, the user's permissions (two: is_reviewer), then 1 pending per organization,
        # 2 pending rows, 3 commitment counts, 4 overdue, 5 yellow, 6 silent, 7 to close, 8 conferences (月报)
        with self.assertNumQueries(12):
            self.client.get(URL)


class ReporterWorkbenchTests(WorkbenchTestCase):
    def test_sees_own_organization_commitments_with_due_dates_lights_and_a_report_link(self):
        page = self.page(self.reporter)
        self.assertContains(page, "本单位的承诺事项（2）")
        self.assertContains(page, "甲区逾期的承诺")
        self.assertContains(page, "红灯")
        self.assertContains(page, f"/admin/policies/progressupdate/add/?commitment={self.overdue.pk}")
        self.assertNotContains(page, "乙区的承诺")
        self.assertNotContains(page, "待审核的进展填报")

    def test_sees_a_rejection_with_its_reason_prominently(self):
        services.reject_updates(updates=[self.pending_a], reviewer=self.reviewer, reason="请补充佐证材料")
        page = self.page(self.reporter)
        self.assertContains(page, "被退回的填报（1）")
        self.assertContains(page, "退回理由：请补充佐证材料")
        self.assertContains(page, f"/admin/policies/progressupdate/{self.pending_a.pk}/change/")
        self.assertNotContains(self.page(self.reporter_b), "请补充佐证材料")

    def test_pins_its_queries(self):
        self.client.force_login(self.reporter)
        # session, user, permissions (is_reviewer: two), reporter row, its organization (the heading),
        # then 1 commitments, 2 their count, 3 rejected updates, 4 own updates
        with self.assertNumQueries(10):
            self.client.get(URL)


class LandingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.reviewer = make_reviewer(username="reviewer", password="secret-pw-1")

    def test_staff_land_on_the_workbench_after_logging_in(self):
        for login_url in ("/admin/login/", "/admin/login/?next=/admin/"):
            with self.subTest(login_url=login_url):
                self.client.logout()
                page = self.client.get(login_url)
                response = self.client.post(login_url, {"username": "reviewer", "password": "secret-pw-1",
                                                        "next": page.context["next"]})
                self.assertRedirects(response, URL)

    def test_a_page_asked_for_is_kept(self):
        response = self.client.post("/admin/login/?next=/admin/policies/commitment/",
                                    {"username": "reviewer", "password": "secret-pw-1",
                                     "next": "/admin/policies/commitment/"})
        self.assertRedirects(response, "/admin/policies/commitment/")

    def test_admin_header_links_to_the_workbench(self):
        self.client.force_login(self.reviewer)
        self.assertContains(self.client.get("/admin/"), '<a href="/workbench/"><strong>工作台</strong></a>')

    def test_anonymous_visitors_are_sent_to_login_and_users_without_a_role_told_why(self):
        self.assertRedirects(self.client.get(URL), "/admin/login/?next=/workbench/", fetch_redirect_response=False)
        self.client.force_login(make_user(username="nobody", is_staff=True))
        self.assertContains(self.client.get(URL), "你的账户还没有分配角色")
