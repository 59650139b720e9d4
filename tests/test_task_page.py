"""A key task's page: its passage, its sub-items and the roll-up of the commitments under it."""

import datetime

from django.test import TestCase

from policies.models import Commitment, KeyTask, TaskLink
from policies.services import refresh_progress

from .bulk import grow
from .factories import load_conference, make_update


class TaskPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_conference()
        cls.t2 = KeyTask.objects.get(code="T2")
        cls.sub = KeyTask.objects.get(code="T2.1")
        cls.linked = Commitment.objects.filter(tasks=cls.sub).order_by("pk").first()
        make_update(commitment=cls.linked, status="completed", percent=100, review_state="approved",
                    reported_on=datetime.date(2021, 6, 1))
        refresh_progress()

    def test_shows_sub_items_commitments_and_roll_up(self):
        response = self.client.get(self.t2.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.t2.get_absolute_url(), "/tasks/T2/")
        under = set(TaskLink.objects.filter(task__in=[self.t2, *self.t2.children.all()]).values_list("commitment", flat=True))
        self.assertEqual({c.pk for c in response.context["commitments"]}, under)
        rollup = response.context["rollup"]
        self.assertEqual(rollup.n_commitments, len(under))
        self.assertAlmostEqual(rollup.avg_percent, 100 / len(under))
        self.assertEqual(rollup.n_completed, 1)
        self.assertEqual([c.code for c in response.context["children"]], ["T2.1", "T2.2", "T2.3"])
        child = response.context["children"][0]
        self.assertEqual(child.n_commitments, Commitment.objects.filter(tasks=self.sub).count())
        for task in self.t2.children.all():
            self.assertContains(response, f'href="{task.get_absolute_url()}"')
        self.assertContains(response, self.t2.passage())

    def test_sub_item_page_links_to_its_parent(self):
        response = self.client.get(self.sub.get_absolute_url())
        self.assertContains(response, f'href="{self.t2.get_absolute_url()}"')
        self.assertEqual(response.context["children"], [])

    def test_sub_item_rows_do_not_claim_sub_items_of_their_own(self):
        self.assertNotContains(self.client.get(self.t2.get_absolute_url()), "子项（")

    def test_unknown_task_is_404(self):
        for code in ("T99", "<script>", "2"):
            with self.subTest(code=code):
                self.assertEqual(self.client.get(f"/tasks/{code}/").status_code, 404)

    def test_query_count_does_not_grow_with_commitments(self):
        # 1 task with parent/source, 2 roll-ups of it and its sub-items, 3 commitments, 4 their linked tasks
        with self.assertNumQueries(4):
            self.client.get(self.t2.get_absolute_url())
        grow(organizations=10, per_organization=6)
        with self.assertNumQueries(4):
            self.client.get(self.t2.get_absolute_url())
