"""Milestones: the next one not yet reached drives the light and shows on the public page; a
reporter reports against one of the commitment's own milestones."""

import datetime

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from policies import services
from policies.models import Commitment, Milestone
from policies.roles import ensure_roles

from .factories import make_commitment, make_organization, make_reporter, make_reviewer, make_update

TODAY = datetime.date(2022, 6, 1)


class MilestoneLightTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.org = make_organization(name="甲区")
        cls.reporter = make_reporter(organization=cls.org, username="reporter")
        cls.reviewer = make_reviewer(username="reviewer")
        cls.commitment = make_commitment(organization=cls.org, summary="两阶段建设物流园", due_date=datetime.date(2025, 12, 31))
        Milestone.objects.create(commitment=cls.commitment, due_on=datetime.date(2022, 5, 31), title="一期建成", target_percent=40)
        Milestone.objects.create(commitment=cls.commitment, due_on=datetime.date(2025, 12, 31), title="全面建成", target_percent=100)

    def light(self):
        # The totals' query and a page's rows (per_row: each row looks its next milestone up) must agree.
        rows = {per_row: Commitment.objects.with_light(TODAY, per_row=per_row).get(pk=self.commitment.pk)
                for per_row in (False, True)}
        self.assertEqual(*({(row.light, row.next_due, row.next_target)} for row in rows.values()))
        return rows[False].light

    def approve(self, percent, reported_on=datetime.date(2022, 5, 30)):
        update = make_update(commitment=self.commitment, author=self.reporter, percent=percent, reported_on=reported_on)
        services.approve_updates(updates=[update], reviewer=self.reviewer)

    def test_a_missed_milestone_is_red_though_the_final_due_date_is_years_away(self):
        self.approve(20)
        self.assertEqual(self.light(), "red")

    def test_reaching_the_milestone_moves_on_to_the_next_one(self):
        self.approve(40)
        self.assertEqual(self.light(), "green")
        row = Commitment.objects.with_light(TODAY).get(pk=self.commitment.pk)
        self.assertEqual((row.next_due, row.next_target), (datetime.date(2025, 12, 31), 100))

    def test_a_milestone_due_soon_and_not_reached_is_yellow(self):
        Milestone.objects.filter(title="一期建成").update(due_on=datetime.date(2022, 6, 20))
        self.approve(30)
        self.assertEqual(self.light(), "yellow")

    def test_without_milestones_the_due_date_rules_as_before(self):
        # Reported on (a commitment with no approved report has no light but 无报告), then past due.
        plain = make_commitment(organization=self.org, due_date=datetime.date(2022, 5, 1), status="in_progress",
                                percent=30, last_update_on=datetime.date(2022, 4, 1))
        self.assertEqual(Commitment.objects.with_light(TODAY).get(pk=plain.pk).light, "red")

    def test_the_list_shows_the_light_of_a_missed_milestone(self):
        # The list's rows (with_light per_row) against the real date, as a visitor sees them: two commitments
        # due in two years, 20 % done and reported today; one of them missed a milestone yesterday.
        today = timezone.localdate()
        facts = {"organization": self.org, "due_date": today + datetime.timedelta(days=730), "status": "in_progress",
                 "percent": 20, "last_update_on": today}
        late = make_commitment(summary="有节点", **facts)
        Milestone.objects.create(commitment=late, due_on=today - datetime.timedelta(days=1), title="一期", target_percent=40)
        on_time = make_commitment(summary="无节点", **facts)
        rows = self.client.get("/commitments/", {"sort": "-progress"}).context["commitments"]
        lights = {row.pk: row.light for row in rows}
        self.assertEqual((lights[late.pk], lights[on_time.pk]), ("red", "green"))

    def test_public_page_lists_milestones_and_marks_reached_and_next(self):
        self.approve(40)
        page = self.client.get(self.commitment.get_absolute_url())
        self.assertContains(page, "2022-05-31 一期建成（目标 40%） <span class=\"meta\">已达成</span>", html=False)
        self.assertContains(page, "2025-12-31 全面建成（目标 100%） <strong>下一个节点</strong>", html=False)

    def test_a_milestone_after_the_commitments_due_date_is_refused(self):
        late = Milestone(commitment=self.commitment, due_on=datetime.date(2026, 1, 1), title="延后", target_percent=90)
        with self.assertRaisesMessage(ValidationError, "节点时限不能晚于承诺的完成时限 2025-12-31"):
            late.full_clean()


class ReportAgainstAMilestoneTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.org = make_organization(name="甲区")
        cls.reporter = make_reporter(organization=cls.org, username="reporter")
        cls.commitment = make_commitment(organization=cls.org, summary="两阶段建设物流园")
        cls.other = make_commitment(organization=cls.org, summary="另一项承诺")
        cls.stage = Milestone.objects.create(commitment=cls.commitment, due_on=datetime.date(2021, 6, 30),
                                             title="一期建成", target_percent=50)
        cls.foreign = Milestone.objects.create(commitment=cls.other, due_on=datetime.date(2021, 6, 30),
                                               title="另一项的节点", target_percent=50)

    def form(self, **overrides):
        data = {"commitment": self.commitment.pk, "reported_on": "2021-05-31", "status": "in_progress",
                "percent": 50, "milestone": self.stage.pk, "note": "一期主体完工", "evidence_url": "", "_save": "保存"}
        return {**data, **overrides}

    def test_reporter_picks_one_of_the_commitments_milestones(self):
        self.client.force_login(self.reporter)
        page = self.client.get(f"/admin/policies/progressupdate/add/?commitment={self.commitment.pk}")
        self.assertContains(page, "一期建成（目标 50%）")
        self.assertNotContains(page, "另一项的节点")
        self.client.post("/admin/policies/progressupdate/add/", self.form())
        self.assertEqual(self.commitment.updates.get().milestone, self.stage)

    def test_another_commitments_milestone_is_refused(self):
        self.client.force_login(self.reporter)
        response = self.client.post("/admin/policies/progressupdate/add/", self.form(milestone=self.foreign.pk))
        self.assertFalse(self.commitment.updates.exists())
        self.assertEqual(response.status_code, 200)
