"""The key tasks' summary rows (policies.summaries) stay equal to what the data says, through every write.

After each step of a sequence of approvals, rejections, revisions, deletions, restorations and link
changes through the services and the admin, the rows kept current step by step must equal both a
rebuild from scratch and a count made here in Python from the commitments, their links and their
approved updates; and the dashboard's charts must equal those drawn from the approved updates
themselves, the way history.task_charts drew them before there were summary rows.
"""

import datetime
from collections import defaultdict
from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.test import TestCase

from policies import history, services, summaries
from policies.choices import ReviewState
from policies.models import Commitment, CommitmentMonth, KeyTask, ProgressUpdate, TaskLink, TaskMonth, TaskRollup
from policies.roles import ensure_roles

from .factories import make_commitment, make_conference, make_organization, make_reviewer, make_source, make_task, make_update

D = datetime.date


def maintained():
    """The three tables as sets of rows, ids left out."""
    return (
        set(CommitmentMonth.objects.values_list("commitment_id", "month", "change")),
        set(TaskRollup.objects.values_list("task_id", "status", "commitments", "percent_total")),
        set(TaskMonth.objects.values_list("task_id", "month", "change", "entries")),
    )


def counted_by_hand():
    """The same rows, counted here from the links, the commitments and the approved updates."""
    latest = defaultdict(dict)  # commitment → {first of month: that month's latest approved percent}
    for update in ProgressUpdate.objects.filter(review_state=ReviewState.APPROVED).order_by("reported_on", "pk"):
        latest[update.commitment_id][update.reported_on.replace(day=1)] = update.percent
    months = {}
    for commitment_id, by_month in latest.items():
        previous = 0
        for month in sorted(by_month):
            months[(commitment_id, month)] = by_month[month] - previous
            previous = by_month[month]
    under = defaultdict(set)  # task → commitments linked to it or to one of its sub-items
    for link in TaskLink.objects.select_related("task"):
        under[link.task_id].add(link.commitment_id)
        if link.task.parent_id:
            under[link.task.parent_id].add(link.commitment_id)
    commitments = {c.pk: c for c in Commitment.objects.all()}
    rollups, task_months = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    for task_id, ids in under.items():
        for pk in ids:
            rollups[(task_id, commitments[pk].status)][0] += 1
            rollups[(task_id, commitments[pk].status)][1] += commitments[pk].percent
            for (commitment_id, month), change in months.items():
                if commitment_id == pk:
                    task_months[(task_id, month)][0] += change
                    task_months[(task_id, month)][1] += 1
    return (
        {(pk, month, change) for (pk, month), change in months.items()},
        {(task, status, n, total) for (task, status), (n, total) in rollups.items()},
        {(task, month, change, n) for (task, month), (change, n) in task_months.items()},
    )


def charts_from_updates(tasks):
    """history.task_charts as it was before summary rows: every approved update read and added up."""
    tasks = [task for task in tasks if task.n_commitments]
    ids = [task.pk for task in tasks]
    under = defaultdict(set)
    for link in TaskLink.objects.select_related("task"):
        if link.task_id in ids:
            under[link.commitment_id].add(link.task_id)
        elif link.task.parent_id in ids:
            under[link.commitment_id].add(link.task.parent_id)
    changes = defaultdict(lambda: defaultdict(int))
    current, previous = None, 0
    updates = ProgressUpdate.objects.filter(review_state=ReviewState.APPROVED, commitment_id__in=list(under))
    for update in updates.order_by("commitment_id", "reported_on", "pk"):
        if update.commitment_id != current:
            current, previous = update.commitment_id, 0
        for task_id in under[update.commitment_id]:
            changes[task_id][history._month_end(update.reported_on)] += update.percent - previous
        previous = update.percent
    charts = {}
    for task in tasks:
        if changes[task.pk]:
            total, series = 0, []
            for month in sorted(changes[task.pk]):
                total += changes[task.pk][month]
                series.append((month, round(total / task.n_commitments, 1)))
            charts[task.pk] = history.step_chart(series)
    return charts


class SummariesFollowEveryWriteTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.reviewer = make_reviewer()
        conference = make_conference()
        source = make_source(conference=conference)
        cls.a = make_task(source=source, code="A")
        cls.a1 = make_task(source=source, parent=cls.a, code="A.1")
        cls.a2 = make_task(source=source, parent=cls.a, code="A.2")
        cls.b = make_task(source=source, code="B")
        organization = make_organization()
        cls.c1 = make_commitment(organization=organization, tasks=[cls.a, cls.a1], summary="建成产业园")
        cls.c2 = make_commitment(organization=organization, tasks=[cls.a1, cls.a2], summary="新增就业")
        cls.c3 = make_commitment(organization=organization, tasks=[cls.b], summary="改造老旧小区")
        cls.c4 = make_commitment(organization=organization, tasks=[cls.a2, cls.b], summary="建设农田")

    def submitted(self, commitment, day, percent, status="in_progress"):
        return make_update(commitment=commitment, reported_on=day, percent=percent, status=status)

    def assert_current(self, step):
        rows = maintained()
        with self.subTest(step=step):
            self.assertEqual(rows, counted_by_hand())
            tasks = list(KeyTask.objects.top_level().with_rollup())
            self.assertEqual(
                {pk: (c.points, c.description) for pk, c in history.task_charts(tasks).items()},
                {pk: (c.points, c.description) for pk, c in charts_from_updates(tasks).items()},
            )
            summaries.rebuild()
            self.assertEqual(maintained(), rows)

    def test_a_sequence_of_reviews_and_link_changes(self):
        self.assert_current("created")
        u1 = self.submitted(self.c1, D(2021, 3, 10), 30)
        u2 = self.submitted(self.c1, D(2021, 3, 20), 50)
        u3 = self.submitted(self.c2, D(2021, 4, 1), 20)
        u4 = self.submitted(self.c4, D(2021, 3, 5), 60)
        services.approve_updates(updates=[u1, u2, u3, u4], reviewer=self.reviewer)
        self.assert_current("four approved at once")
        u5 = self.submitted(self.c1, D(2021, 5, 2), 50)  # a month where the percent does not move
        services.approve_update(update=u5, reviewer=self.reviewer)
        self.assert_current("approved without a change of percent")
        services.reject_update(update=u2, reviewer=self.reviewer, reason="佐证不足")
        self.assert_current("an approved update rejected")
        u3.percent, u3.reported_on = 70, D(2021, 6, 2)
        services.revise_update(update=u3, editor=self.reviewer)
        self.assert_current("an approved update revised into another month")
        services.delete_updates(updates=[u4], reviewer=self.reviewer)
        self.assert_current("the only approved update of a commitment deleted")
        services.restore_update(update_id=u4.pk, reviewer=self.reviewer)
        self.assert_current("restored")
        done = self.submitted(self.c3, D(2021, 7, 1), 100, status="completed")
        services.approve_update(update=done, reviewer=self.reviewer)
        services.close_commitment(commitment=self.c3, reviewer=self.reviewer, note="已验收")
        self.assert_current("completed and closed out")
        services.accept_suggestion(commitment=self.c3, task=self.a1)
        self.assert_current("a suggested link accepted")

        self.client.force_login(self.reviewer)
        link = self.c1.links.get(task=self.a1)
        response = self.client.post(f"/admin/policies/commitment/{self.c1.pk}/change/", {
            "summary": self.c1.summary, "due_date": "2021-12-31", "due_basis": "",
            "links-TOTAL_FORMS": 2, "links-INITIAL_FORMS": 2,
            "links-0-id": link.pk, "links-0-commitment": self.c1.pk, "links-0-DELETE": "on",
            "links-1-id": self.c1.links.get(task=self.a).pk, "links-1-commitment": self.c1.pk,
            "links-2-TOTAL_FORMS": 1, "links-2-INITIAL_FORMS": 0,
            "links-2-0-task": self.b.pk, "links-2-0-origin": "curated", "links-2-0-commitment": self.c1.pk,
            "updates-TOTAL_FORMS": 0, "updates-INITIAL_FORMS": 0,
            "milestones-TOTAL_FORMS": 0, "milestones-INITIAL_FORMS": 0,
            "reminders-TOTAL_FORMS": 0, "reminders-INITIAL_FORMS": 0, "_save": "保存",
        })
        self.assertEqual(response.status_code, 302)
        self.assertEqual(set(self.c1.tasks.values_list("code", flat=True)), {"A", "B"})
        self.assert_current("a link removed and one added on the commitment's admin page")
        link = self.c4.links.get(task=self.a2)
        response = self.client.post(f"/admin/policies/tasklink/{link.pk}/delete/", {"post": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assert_current("a link deleted on its own admin page")

    def test_a_batch_too_large_to_follow_one_by_one_is_counted_again(self):
        self.submitted(self.c1, D(2021, 3, 10), 30)
        self.submitted(self.c2, D(2021, 4, 1), 40)
        ProgressUpdate.objects.update(review_state=ReviewState.APPROVED)
        with mock.patch.object(summaries, "DIFFERENCES_MAX", 1):
            services.refresh_progress(commitments=Commitment.objects.filter(pk__in=[self.c1.pk, self.c2.pk]))
        self.assertEqual(maintained(), counted_by_hand())
        self.assertAlmostEqual(KeyTask.objects.filter(pk=self.a.pk).with_rollup().get().avg_percent, 70 / 3)

    def test_rebuild_command_repairs_rows_changed_around_the_services(self):
        services.approve_update(update=self.submitted(self.c2, D(2021, 4, 1), 40), reviewer=self.reviewer)
        expected = maintained()
        TaskRollup.objects.all().delete()
        TaskMonth.objects.update(change=0)
        out = StringIO()
        call_command("rebuild_summaries", stdout=out)
        self.assertEqual(maintained(), expected)
        self.assertIn("重点任务汇总已重新计算", out.getvalue())
