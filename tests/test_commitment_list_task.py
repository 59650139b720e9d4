"""The list filtered by a key task: the count it shows, the rows and their order.

Filtered by a task alone, or with a status, the list reads how many commitments match from the task's
summary rows instead of counting them, and finds the first pages by walking the source's order; any
other filter counts the rows. Either way the reader sees the same count, rows and order."""

import datetime
import re
from unittest import mock

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from policies import summaries
from policies.cache import bump_data_version
from policies.choices import Status
from policies.models import Commitment, TaskLink
from policies.services import refresh_progress
from policies.views import SOURCE_ORDER, CommitmentListView

from .bulk import grow
from .factories import make_update, make_world


# The commitments under a task collected through their links (under_task without scan).
COLLECTED = re.compile(r'"policies_commitment"\."id" IN \(SELECT \w+\."commitment_id" AS "commitment" FROM "policies_tasklink"')


def shown_count(response):
    return int(re.search(r"共 <strong>(\d+)</strong> 项", response.content.decode()).group(1))


def shown_ids(response):
    return [c.pk for c in response.context["commitments"]]


class TaskListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_world()
        cls.task = cls.world.tasks["T1"]
        # More commitments under T1's sub-items, in the same source, with approved updates.
        grow(organizations=4, per_organization=8, source=cls.world.source)
        under = list(Commitment.objects.under_task(cls.task).order_by("pk"))
        # One linked to T1 itself as well as to a sub-item: it counts once.
        cls.twice = under[0]
        TaskLink.objects.create(commitment=cls.twice, task=cls.task)
        # One of a later conference linked to this conference's T1, as staff may accept a suggestion.
        later = make_world(held_on=datetime.date(2021, 12, 28), slug="later")
        cls.elsewhere = later.commitments[0]
        TaskLink.objects.create(commitment=cls.elsewhere, task=cls.task)
        summaries.tasks_changed([cls.task.pk])
        # Every status among them.
        reported = [(Status.NOT_STARTED, 0), (Status.IN_PROGRESS, 30), (Status.BEHIND, 20), (Status.COMPLETED, 100),
                    (Status.NOT_KEPT, 10)]
        for commitment, (status, percent) in zip(under[1:], reported, strict=False):
            make_update(commitment=commitment, status=status, percent=percent, review_state="approved",
                        reported_on=datetime.date(2021, 11, 30))
        refresh_progress(commitments=Commitment.objects.all())

    def get(self, url="/commitments/", **params):
        response = self.client.get(url, params)
        self.assertEqual(response.status_code, 200)
        return response

    def expected(self, rows):
        return list(rows.order_by(*SOURCE_ORDER).values_list("pk", flat=True))

    def test_a_task_alone_or_with_a_status_shows_the_number_of_commitments_under_it(self):
        under = Commitment.objects.under_task(self.task)
        self.assertIn(self.elsewhere, under)
        self.assertEqual(under.filter(pk=self.twice.pk).count(), 1)
        for status in ["", *Status.values]:
            with self.subTest(status=status):
                rows = under.filter(status=status) if status else under
                response = self.get(task="T1", status=status)
                self.assertEqual(shown_count(response), rows.count())
                self.assertEqual(response.context["paginator"].count, rows.count())
                self.assertEqual(shown_ids(response), self.expected(rows)[:20])
        self.assertGreater(under.count(), 20)
        self.assertGreater(under.filter(status=Status.COMPLETED).count(), 0)

    def test_any_other_filter_counts_the_rows(self):
        under = Commitment.objects.under_task(self.task)
        district = self.world.organizations["江岸区"]
        cases = [
            ({"district": district.pk}, under.filter(organization=district)),
            ({"status": Status.IN_PROGRESS, "due_year": 2021}, under.filter(status=Status.IN_PROGRESS, due_date__year=2021)),
            ({"light": "none"}, under.filter(status=Status.NOT_REPORTED)),
            # Not the task's summary rows, which count the later conference's commitment too.
            ({"conference": self.world.conference.slug}, under.in_conference(self.world.conference)),
        ]
        for params, rows in cases:
            with self.subTest(params=params):
                response = self.get(task="T1", **params)
                self.assertEqual(shown_count(response), rows.count())
                self.assertEqual(shown_ids(response), self.expected(rows)[:20])
        self.assertNotEqual(under.in_conference(self.world.conference).count(), under.count())
        # The conference's own list (the task page links to it) is the same.
        response = self.get(f"/conferences/{self.world.conference.slug}/commitments/", task="T1")
        self.assertEqual(shown_count(response), under.in_conference(self.world.conference).count())
        # A sort keeps the count, and orders the rows its way.
        response = self.get(task="T1", sort="-progress")
        self.assertEqual(shown_count(response), under.count())
        self.assertEqual(shown_ids(response)[0], under.order_by("-percent", "pk").first().pk)

    @override_settings(TRACKER_PAGE_CACHE=False)
    def test_every_page_walked_in_the_sources_order_shows_the_rows_collected_and_sorted(self):
        for status in ("", Status.IN_PROGRESS, Status.COMPLETED):
            with self.subTest(status=status):
                rows = Commitment.objects.under_task(self.task)
                expected = self.expected(rows.filter(status=status) if status else rows)
                pages = (len(expected) + 2) // 3
                seen = []
                with (mock.patch("policies.views.TASK_SCAN_FROM", 0), mock.patch("policies.views.TASK_SCAN_SHARE", 1),
                      mock.patch.object(CommitmentListView, "paginate_by", 3)):
                    for page in range(1, pages + 1):
                        with CaptureQueriesContext(connection) as queries:
                            response = self.get(task="T1", status=status, page=page)
                        seen.extend(shown_ids(response))
                        # Neither the count nor the page's ids collect the commitments under the task.
                        self.assertFalse([q for q in queries if "COUNT(" in q["sql"] or COLLECTED.search(q["sql"])])
                self.assertEqual(seen, expected)
                self.assertTrue(expected)

    @override_settings(TRACKER_PAGE_CACHE=False)
    def test_query_count(self):
        # 1 the task looked up by the filter, 2 the count from its summary rows, 3 the page's ids (walked in
        # the source's order, or collected), 4 those rows with their joins and lights; once per data version
        # the menus: 5 key tasks, 6 their conferences (there are two), 7-10 organizations, districts,
        # departments, officials, 11 conferences.
        for walked in (True, False):
            with (self.subTest(walked=walked), mock.patch("policies.views.TASK_SCAN_FROM", 0 if walked else 10**6),
                  mock.patch("policies.views.TASK_SCAN_SHARE", 1)):
                for expected in (11, 4):
                    with self.assertNumQueries(expected), CaptureQueriesContext(connection) as queries:
                        response = self.get(task="T1", status=Status.IN_PROGRESS)
                    self.assertTrue(shown_ids(response))
                    self.assertEqual(any(COLLECTED.search(q["sql"]) for q in queries), not walked)
                bump_data_version()
