"""A key task's page: its passage, its sub-items and the roll-up of the commitments under it."""

import datetime
from unittest import mock
from urllib.parse import quote

from django.test import TestCase, override_settings

from policies import search

from policies.models import Commitment, TaskLink
from policies.services import refresh_progress
from policies.views import TASK_PAGE_ROWS

from .bulk import grow
from .factories import make_update, make_world


class TaskPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        world = make_world()
        cls.t2 = world.tasks["T2"]
        cls.sub = world.tasks["T2.1"]
        cls.linked = Commitment.objects.filter(tasks=cls.sub).order_by("pk").first()
        make_update(commitment=cls.linked, status="completed", percent=100, review_state="approved",
                    reported_on=datetime.date(2021, 6, 1))
        refresh_progress()

    def test_shows_sub_items_commitments_and_roll_up(self):
        response = self.client.get(self.t2.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.t2.get_absolute_url(), f"/conferences/{self.t2.conference.slug}/tasks/T2/")
        under = set(TaskLink.objects.filter(task__in=[self.t2, *self.t2.children.all()]).values_list("commitment", flat=True))
        self.assertEqual({c.pk for c in response.context["commitments"]}, under)  # fewer than a page
        rollup = response.context["rollup"]
        self.assertEqual(rollup.n_commitments, len(under))
        # the one completed here, and 孙丽's and 周平's first commitments at 40 % (approved by make_world)
        self.assertEqual(len(under), 6)
        self.assertAlmostEqual(rollup.avg_percent, (100 + 40 + 40) / 6)
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
                self.assertEqual(self.client.get(f"/conferences/{self.t2.conference.slug}/tasks/{code}/").status_code, 404)

    # The view's own cost: the page cache would answer the second request with no query at all.
    @override_settings(TRACKER_PAGE_CACHE=False)
    def test_query_count_does_not_grow_with_commitments(self):
        # 1 task with parent/source/conference, 2 it and its sub-items, 3 their roll-ups in one grouped
        # query, 4 its stored keywords (weighted when the index was written), 5 the first commitments'
        # ids, 6 those rows with their lights.
        for grown in (False, True):
            if grown:
                grow(organizations=10, per_organization=6)
            search.forget_fitted()
            with self.assertNumQueries(6):
                response = self.client.get(self.t2.get_absolute_url())
            self.assertTrue(response.context["keywords"])
        # Bounded: the first rows, and a link to the conference's list filtered to the task for the rest.
        under = response.context["rollup"].n_commitments
        self.assertGreater(under, TASK_PAGE_ROWS)
        self.assertEqual(len(response.context["commitments"]), TASK_PAGE_ROWS)
        self.assertContains(response, f'在列表中查看全部 {under} 项')
        self.assertContains(response, f'href="/conferences/{self.t2.conference.slug}/commitments/?task=T2"')
        # A task with many commitments finds its first ones by walking the source's order: the same rows.
        with mock.patch("policies.views.TASK_SCAN_FROM", 0):
            walked = self.client.get(self.t2.get_absolute_url())
        self.assertEqual([c.pk for c in walked.context["commitments"]], [c.pk for c in response.context["commitments"]])

    def test_shows_the_top_keywords_of_the_commitments_under_it(self):
        response = self.client.get(self.t2.get_absolute_url())
        keywords = response.context["keywords"]
        self.assertEqual(keywords, search.keywords_for_task(self.t2))
        self.assertEqual(keywords[0][1], 1.0)
        self.assertContains(response, "<h2 id=\"keywords-title\">关键词</h2>", html=True)
        under = Commitment.objects.under_task(self.t2)
        for word, _ in keywords:
            conference = self.t2.conference.slug
            self.assertContains(response, f'?q={quote(word)}&amp;conference={conference}&amp;task=T2"')
            self.assertTrue(under.filter(search_document__words__contains=word).exists())
