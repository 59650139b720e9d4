"""Roll-ups of key tasks and organizations: the figures the dashboard and task pages show.

Each test compares the grouped queries with a count made here in Python from the links
themselves, over data where a commitment sits under a task twice (linked to the task and to one
of its sub-items) and under two sub-items of the same task.
"""

from django.test import TestCase

from policies.choices import STATUS_ORDER, Status
from policies.models import Commitment, KeyTask, TaskLink
from policies.selectors import dashboard_stats

from .factories import make_commitment, make_conference, make_organization, make_source, make_task


def expected_task_rollup(task):
    """The commitments under ``task`` (linked to it or to a sub-item), each once, counted by hand."""
    ids = {link.commitment_id for link in TaskLink.objects.select_related("task")
           if link.task_id == task.pk or link.task.parent_id == task.pk}
    rows = list(Commitment.objects.filter(pk__in=ids))
    figures = {"n_commitments": len(rows), "avg_percent": sum(r.percent for r in rows) / len(rows) if rows else 0.0}
    for status in STATUS_ORDER:
        figures[f"n_{status}"] = sum(1 for r in rows if r.status == status)
    return figures


def rollup_of(row):
    return {name: getattr(row, name) for name in ["n_commitments", "avg_percent", *[f"n_{s}" for s in STATUS_ORDER]]}


class TaskRollupTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.conference = make_conference()
        source = make_source(conference=cls.conference)
        cls.top = make_task(source=source)
        cls.first, cls.second = make_task(source=source, parent=cls.top), make_task(source=source, parent=cls.top)
        cls.other = make_task(source=source)
        cls.empty = make_task(source=source)
        organization = make_organization()
        # Under the task and one sub-item; under both sub-items; under one sub-item; under the other task only.
        make_commitment(organization=organization, source=source, tasks=[cls.top, cls.first],
                        percent=40, status=Status.IN_PROGRESS)
        make_commitment(organization=organization, source=source, tasks=[cls.first, cls.second],
                        percent=100, status=Status.COMPLETED)
        make_commitment(organization=organization, source=source, tasks=[cls.second], percent=0)
        make_commitment(organization=organization, source=source, tasks=[cls.other], percent=70,
                        status=Status.IN_PROGRESS)
        # Another conference's commitment under the same task, for the narrowed roll-up.
        make_commitment(source=make_source(), tasks=[cls.top], percent=10, status=Status.IN_PROGRESS)

    def test_each_commitment_counts_once_under_its_top_level_task(self):
        rows = {row.pk: row for row in KeyTask.objects.top_level().with_rollup()}
        for task in (self.top, self.other, self.empty):
            with self.subTest(task=task.code):
                self.assertEqual(rollup_of(rows[task.pk]), expected_task_rollup(task))
        self.assertEqual(rows[self.top.pk].n_commitments, 4)
        self.assertEqual(rows[self.top.pk].avg_percent, 37.5)
        self.assertEqual(rows[self.empty.pk].n_commitments, 0)

    def test_sub_items_count_their_own_commitments(self):
        rows = {row.pk: row for row in KeyTask.objects.filter(parent=self.top).with_rollup()}
        for task in (self.first, self.second):
            with self.subTest(task=task.code):
                self.assertEqual(rollup_of(rows[task.pk]), expected_task_rollup(task))
        self.assertEqual(rows[self.first.pk].n_commitments, 2)

    def test_two_queries_whatever_the_number_of_tasks(self):
        # 1: the tasks, 2: every roll-up at once; 3: the sub-items prefetched
        with self.assertNumQueries(3):
            rows = list(KeyTask.objects.top_level().with_rollup().prefetch_related("children"))
            [(row.n_commitments, list(row.children.all())) for row in rows]

    def test_rollup_survives_chaining(self):
        row = KeyTask.objects.with_rollup().filter(pk=self.top.pk).order_by("pk").first()
        self.assertEqual(row.n_commitments, 4)

    def test_conference_narrows_the_commitments_counted(self):
        row = KeyTask.objects.filter(pk=self.top.pk).with_rollup(conference=self.conference).get()
        self.assertEqual(row.n_commitments, 3)
        self.assertEqual(KeyTask.objects.filter(pk=self.top.pk).with_rollup().get().n_commitments, 4)


class OrganizationRollupTests(TestCase):
    """The organizations' figures on a conference's dashboard (selectors.dashboard_stats)."""

    @classmethod
    def setUpTestData(cls):
        cls.conference = make_conference()
        source = make_source(conference=cls.conference)
        cls.busy, cls.idle = make_organization(), make_organization()
        for percent, status in [(20, Status.IN_PROGRESS), (100, Status.COMPLETED), (0, Status.NOT_STARTED)]:
            make_commitment(organization=cls.busy, source=source, percent=percent, status=status)
        other_source = make_source()
        cls.other_conference = other_source.conference
        make_commitment(organization=cls.busy, source=other_source, percent=90, status=Status.IN_PROGRESS)

    def rows(self, conference):
        dashboard = dashboard_stats(conference=conference)
        return {row.pk: row for _, _, members, _ in dashboard["organization_groups"] for row in members}

    def test_figures_match_a_count_by_hand(self):
        for conference in (self.conference, self.other_conference):
            rows = self.rows(conference)
            self.assertNotIn(self.idle.pk, rows)  # nothing of its own in the conference: not listed
            commitments = list(self.busy.commitments.filter(statement__source__conference=conference))
            with self.subTest(conference=conference.pk):
                row = rows[self.busy.pk]
                self.assertEqual(row.n_commitments, len(commitments))
                self.assertAlmostEqual(row.avg_percent, sum(c.percent for c in commitments) / len(commitments))
                for status in STATUS_ORDER:
                    self.assertEqual(getattr(row, f"n_{status}"), sum(1 for c in commitments if c.status == status))

    def test_conference_narrows_the_commitments_counted(self):
        row = self.rows(self.conference)[self.busy.pk]
        self.assertEqual((row.n_commitments, row.avg_percent, row.n_in_progress), (3, 40.0, 1))
