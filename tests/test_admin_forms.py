"""What the staff see on the admin's update and commitment forms: notices that match the
state of the row, and no controls a user cannot use."""

from django.test import TestCase

from policies.roles import ensure_roles

from .factories import make_commitment, make_organization, make_reporter, make_reviewer, make_update


class FormNoticesTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.org = make_organization(name="甲区")
        cls.reporter = make_reporter(organization=cls.org, username="reporter")
        cls.reviewer = make_reviewer(username="reviewer")
        cls.commitment = make_commitment(organization=cls.org, summary="建设智慧园区")

    def form(self, **overrides):
        data = {"commitment": self.commitment.pk, "reported_on": "2021-05-31", "status": "in_progress",
                "percent": 40, "note": "已完成前期工作", "evidence_url": "", "_save": "保存"}
        return {**data, **overrides}

    def test_a_new_update_form_shows_no_rejection_notice(self):
        for user in (self.reporter, self.reviewer):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                page = self.client.get(f"/admin/policies/progressupdate/add/?commitment={self.commitment.pk}")
                self.assertNotContains(page, "已被退回")
                self.assertContains(page, "保存后即提交督查员审核")

    def test_saving_a_new_update_says_it_waits_for_review(self):
        self.client.force_login(self.reporter)
        page = self.client.post("/admin/policies/progressupdate/add/", self.form(), follow=True)
        self.assertContains(page, "已提交，等待督查员审核；审核通过后才会公开。")

    def test_resubmitting_a_rejected_update_says_it_waits_for_review_again(self):
        update = make_update(commitment=self.commitment, author=self.reporter, review_state="rejected",
                             review_reason="缺少佐证", reviewed_by=self.reviewer)
        self.client.force_login(self.reporter)
        page = self.client.post(f"/admin/policies/progressupdate/{update.pk}/change/", self.form(), follow=True)
        self.assertContains(page, "已重新提交，等待督查员审核")

    def test_reporter_sees_no_link_suggestions_or_empty_link_rows(self):
        self.client.force_login(self.reporter)
        page = self.client.get(f"/admin/policies/commitment/{self.commitment.pk}/change/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "系统建议的重点任务")
        self.assertNotContains(page, "新增关联的重点任务")

    def test_reviewer_still_sees_suggestions_and_the_link_rows(self):
        self.client.force_login(self.reviewer)
        page = self.client.get(f"/admin/policies/commitment/{self.commitment.pk}/change/")
        self.assertContains(page, "系统建议的重点任务")
        self.assertContains(page, "新增关联的重点任务")
