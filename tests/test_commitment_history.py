"""A commitment's history page tells what the review did to it, in Chinese, with who did it."""

from django.test import TestCase

from policies import services
from policies.models import Commitment, KeyTask, ProgressUpdate
from policies.roles import ensure_roles

from .factories import load_conference, make_commitment, make_organization, make_reporter, make_reviewer, make_update


class ReviewOnCommitmentHistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.org = make_organization(name="甲区")
        cls.reporter = make_reporter(organization=cls.org, username="reporter")
        cls.reviewer = make_reviewer(username="wang", first_name="督查员王")
        cls.commitment = make_commitment(organization=cls.org, summary="建设智慧园区")

    def history_page(self):
        self.client.force_login(self.reviewer)
        return self.client.get(f"/admin/policies/commitment/{self.commitment.pk}/history/")

    def test_an_approval_shows_old_and_new_status_and_percent_with_the_reviewer(self):
        update = make_update(commitment=self.commitment, author=self.reporter, status="in_progress", percent=50)
        services.approve_updates(updates=[update], reviewer=self.reviewer)
        latest = self.commitment.history.latest()
        self.assertEqual((latest.status, latest.percent, latest.history_user), ("in_progress", 50, self.reviewer))
        page = self.history_page()
        self.assertContains(page, "审核通过进展填报：尚无报告 0% → 推进中 50%")
        self.assertContains(page, "尚无报告")  # the delta column shows labels, not stored values
        self.assertNotContains(page, "not_reported")
        self.assertContains(page, "督查员王")
        self.assertNotContains(page, "该记录对象没有修改的记录")

    def test_a_rejection_shows_with_its_reason_even_when_nothing_changed(self):
        update = make_update(commitment=self.commitment, author=self.reporter)
        services.reject_updates(updates=[update], reviewer=self.reviewer, reason="缺少佐证材料")
        self.assertContains(self.history_page(), "退回进展填报（理由：缺少佐证材料）：尚无报告 0% → 尚无报告 0%")

    def test_a_close_out_shows_with_its_note(self):
        update = make_update(commitment=self.commitment, author=self.reporter, status="completed", percent=100)
        services.approve_updates(updates=[update], reviewer=self.reviewer)
        services.close_commitment(commitment=self.commitment, reviewer=self.reviewer, note="已竣工验收")
        self.assertContains(self.history_page(), "销号（说明：已竣工验收）：已完成 100%")

    def test_update_history_reads_in_chinese_with_labels(self):
        update = make_update(commitment=self.commitment, author=self.reporter)
        services.approve_updates(updates=[update], reviewer=self.reviewer)
        self.client.force_login(self.reviewer)
        page = self.client.get(f"/admin/policies/progressupdate/{update.pk}/history/").content.decode()
        self.assertIn("待审核", page)
        self.assertIn("已通过", page)
        self.assertIn("（空）", page)
        self.assertIn("改动", page)
        for raw in ("submitted", "approved", "None", "Deleted", "CHANGES", "Changes"):
            self.assertNotIn(f">{raw}", page.replace(" ", "").replace("\n", ""), raw)
            self.assertNotIn(f"→&nbsp;&nbsp;{raw}", page)


class FixtureHistoryTests(TestCase):
    def test_loaded_rows_get_one_initial_history_row_and_reloading_adds_none(self):
        load_conference()
        counts = [Commitment.history.count(), KeyTask.history.count()]
        self.assertEqual(counts, [Commitment.objects.count(), KeyTask.objects.count()])
        self.assertEqual(Commitment.history.first().history_change_reason, "载入会议数据")
        load_conference()
        self.assertEqual([Commitment.history.count(), KeyTask.history.count()], counts)
        self.assertEqual(ProgressUpdate.history.count(), ProgressUpdate.objects.count())
