"""Each public page and the API list cost the same number of queries at two data sizes:
the conference fixtures alone, and the fixtures plus a few hundred generated commitments
with about ten updates each (the benchmark's data, see generate_demo_data).

Pages are measured uncached (the cached hit costs none, see test_cache.py)."""

import datetime
import re

from django.test import TestCase, override_settings

from policies import summaries
from policies.choices import ReviewState
from policies.demo_data import generate
from policies.models import Commitment, KeyTask, Organization, ProgressUpdate, TaskLink
from policies.services import refresh_progress

from .factories import (
    load_conference,
    make_official,
    make_organization,
    make_statement,
    make_update,
    make_user,
    shipped_commitment_count,
)

# What each page costs, whatever the size. Reasons are in the assertion helpers below.
EXPECTED = {
    # the conferences (the latest is shown, all are in the switch), then the dashboard (see
    # selectors.dashboard_stats): the organizations' summary rows by status and light (totals and
    # organization roll-ups), key tasks with their sub-items, their roll-ups (their summary rows), the organizations,
    # latest approved updates, the red list (selectors.first_red), then the tasks' monthly summary rows for
    # the progress-over-time charts (history.task_charts)
    "home": 8,
    # commitment with its relations, linked tasks, approved updates, their evidence files, milestones
    "commitment": 5,
    # source with its conference, the commitments whose quotes are highlighted
    "source": 2,
    # count, the page's ids, those commitments, linked tasks
    "api_list": 4,
    # organization looked up by the filter, count, the page's ids, those commitments, linked tasks
    "api_list_by_organization": 5,
    # key tasks with their sub-items, in one query each
    "api_tasks": 2,
    # the conference, the task menu, count, the filter menus (organizations, districts and counties,
    # departments, officials), the page's ids, those rows (organizations and officials joined)
    "list": 9,
    # the same, the search joined into the count and the page's ids
    "list_searched": 9,
    # task with parent, source and conference, it and its sub-items, their roll-ups (one grouped query),
    # stored keywords, the first commitments' ids, those rows
    "task": 6,
    # organization, totals per conference, those conferences, the first rows of each, stored keywords, officials
    "organization": 6,
    # official with organization, totals per conference, those conferences, the first rows of each, statements
    "official": 5,
    # the conferences, their totals (one grouped query)
    "conferences": 2,
    # the list's, with the task looked up by the filter, and the count read from its summary rows
    "list_by_task_and_status": 10,
    # the list's, sorted by progress: the same
    "list_sorted": 9,
    # the organization looked up by the filter, the rows (streamed, with their linked tasks)
    "export": 3,
    # the latest approved updates with their commitments
    "feed": 1,
}
# The most rows any public page lists, at any size.
PAGE_ROWS_MAX = 100


class QueryCountMixin:
    generated = 0

    @classmethod
    def setUpTestData(cls):
        load_conference()
        if cls.generated:
            generate(using="default", commitments=cls.generated, seed=11)
        cls.commitment = Commitment.objects.get(summary="加大就业失业监测", statement__source__publisher="重庆日报")
        author = make_user()
        for month in (3, 6):
            make_update(
                commitment=cls.commitment, author=author, review_state=ReviewState.APPROVED,
                reported_on=datetime.date(2021, month, 30), percent=month * 10,
            )
        # Reported on, and past its due date: the dashboard has a red commitment to list at both sizes.
        refresh_progress(commitments=Commitment.objects.filter(pk=cls.commitment.pk))

    def assert_page_queries(self, name, url, *, contains, **headers):
        with self.assertNumQueries(EXPECTED[name]):
            response = self.client.get(url, headers=headers)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, contains)

    def test_home(self):
        self.assert_page_queries("home", "/", contains="重点任务进展")

    def test_commitment_page(self):
        self.assert_page_queries("commitment", self.commitment.get_absolute_url(), contains="60%")

    def test_source_page(self):
        self.assert_page_queries("source", "/conferences/2020-12-29/sources/cqrb-2020-12-30-economic-work/", contains="重庆日报")

    def test_api_list(self):
        self.assert_page_queries("api_list", "/api/commitments/?page_size=100", contains='"count"', accept="application/json")

    def test_api_tasks(self):
        self.assert_page_queries("api_tasks", "/api/tasks/", contains='"code"', accept="application/json")

    def test_commitment_list(self):
        first = Commitment.objects.order_by("statement__span_start", "number", "pk").first()
        self.assert_page_queries("list", "/commitments/", contains=first.summary)

    def test_commitment_list_searched(self):
        self.assert_page_queries("list_searched", "/commitments/?q=就业", contains="就业")

    def test_task_page(self):
        self.assert_page_queries("task", KeyTask.objects.get(code="T3", parent=None).get_absolute_url(), contains="T3")

    def test_organization_page(self):
        organization = self.commitment.organization
        self.assert_page_queries("organization", organization.get_absolute_url(), contains=organization.name)

    def test_official_page(self):
        official = self.commitment.statement.official
        self.assert_page_queries("official", official.get_absolute_url(), contains=official.name)

    def test_conferences(self):
        self.assert_page_queries("conferences", "/conferences/", contains="全部会议")

    def test_list_by_task_and_status(self):
        commitment = Commitment.objects.get(pk=self.commitment.pk)
        url = f"/commitments/?task={commitment.tasks.first().code}&status={commitment.status}"
        self.assert_page_queries("list_by_task_and_status", url, contains=commitment.summary)

    def test_list_sorted_by_progress(self):
        self.assert_page_queries("list_sorted", "/commitments/?sort=-progress", contains="全部承诺")

    def test_export(self):
        with self.assertNumQueries(EXPECTED["export"]):
            response = self.client.get(f"/commitments/export/?format=csv&organization={self.commitment.organization_id}")
            body = b"".join(response.streaming_content) if response.streaming else response.content
        self.assertIn("加大就业失业监测", body.decode("utf-8-sig"))

    def test_feed(self):
        self.assert_page_queries("feed", "/feeds/updates/", contains="<entry>")

    def test_api_list_by_organization(self):
        url = f"/api/commitments/?organization={self.commitment.organization_id}"
        self.assert_page_queries("api_list_by_organization", url, contains=self.commitment.summary, accept="application/json")


@override_settings(TRACKER_PAGE_CACHE=False)
class FixtureSizeQueryCountTests(QueryCountMixin, TestCase):
    def test_size(self):
        self.assertEqual(Commitment.objects.count(), shipped_commitment_count())


@override_settings(TRACKER_PAGE_CACHE=False)
class GeneratedSizeQueryCountTests(QueryCountMixin, TestCase):
    generated = 300

    def test_size(self):
        self.assertEqual(Commitment.objects.count(), shipped_commitment_count() + 300)
        self.assertGreater(ProgressUpdate.objects.count(), 300 * 8)

    def test_generated_commitment_page_with_many_updates(self):
        busiest = (
            Commitment.objects.filter(updates__review_state="approved")
            .order_by("-percent", "pk").first()
        )
        self.assertGreaterEqual(busiest.updates.approved().count(), 3)
        self.assert_page_queries("commitment", busiest.get_absolute_url(), contains=busiest.summary)


@override_settings(TRACKER_PAGE_CACHE=False)
class BenchQueryCountHeaderTests(TestCase):
    """The benchmark reads SQL per request from this header; it must agree with assertNumQueries."""

    @classmethod
    def setUpTestData(cls):
        load_conference()

    def test_header_counts_the_queries_of_the_request(self):
        from django.conf import settings

        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with self.settings(MIDDLEWARE=["bench.middleware.QueryCountMiddleware", *settings.MIDDLEWARE]):
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get("/")
            self.assertGreater(len(queries), 5)
            self.assertEqual(response["X-Query-Count"], str(len(queries)))
            self.assertEqual(self.client.get("/healthz")["X-Query-Count"], "0")


@override_settings(TRACKER_PAGE_CACHE=False)
class PageSizeBoundTests(TestCase):
    """No public page lists more than PAGE_ROWS_MAX rows, however many there are: with more
    commitments than that under one organization, official and task, each page still shows at most
    that many links to commitments, and the API at most that many results whatever page_size asks."""

    @classmethod
    def setUpTestData(cls):
        load_conference()
        organization = make_organization(name="行数区")
        statement = make_statement(official=make_official(organization=organization))
        cls.task = KeyTask.objects.get(code="T3", parent=None)
        Commitment.objects.bulk_create(
            Commitment(statement=statement, organization=organization, number=n, quote="原文", summary=f"行数承诺{n}",
                       span_start=0, span_end=2, due_date=datetime.date(2021, 12, 31))
            for n in range(1, PAGE_ROWS_MAX + 30)
        )
        TaskLink.objects.bulk_create(TaskLink(commitment=c, task=cls.task) for c in organization.commitments.all())
        # What the write paths do after such writes (policies.invalidation): the summary rows counted again.
        summaries.tasks_changed([cls.task.pk])
        summaries.organizations_changed(None)
        cls.organization, cls.official = organization, statement.official

    def commitment_links(self, url):
        response = self.client.get(url, follow=True)  # the unscoped lists redirect to the latest conference's
        self.assertEqual(response.status_code, 200)
        return set(re.findall(r'href="/commitments/(\d+)/"', response.content.decode()))

    def test_lists_show_at_most_a_page(self):
        self.assertGreater(self.organization.commitments.count(), PAGE_ROWS_MAX)
        for url in ("/", "/commitments/", f"/commitments/?department={self.organization.pk}", "/commitments/?q=原文"):
            with self.subTest(url=url):
                self.assertLessEqual(len(self.commitment_links(url)), PAGE_ROWS_MAX)

    def test_task_organization_and_official_pages_show_the_first_rows_and_link_to_the_rest(self):
        from policies.selectors import ROWS_PER_CONFERENCE
        from policies.views import TASK_PAGE_ROWS

        for url, rows in ((self.task.get_absolute_url(), TASK_PAGE_ROWS),
                          (self.organization.get_absolute_url(), ROWS_PER_CONFERENCE),
                          (self.official.get_absolute_url(), ROWS_PER_CONFERENCE)):
            with self.subTest(url=url):
                self.assertEqual(len(self.commitment_links(url)), rows)

    def test_api_pages_are_bounded_whatever_page_size_asks(self):
        response = self.client.get("/api/commitments/?page_size=100000", headers={"accept": "application/json"})
        self.assertEqual(len(response.json()["results"]), PAGE_ROWS_MAX)


@override_settings(TRACKER_PAGE_CACHE=False)
class OrganizationRowsBoundTests(TestCase):
    """The dashboard's organizations and the organizations page are bounded too: with more organizations of
    one kind than either shows, the dashboard shows the first of the group and the page a page of them."""

    @classmethod
    def setUpTestData(cls):
        load_conference()
        source = Commitment.objects.first().statement.source
        for n in range(PAGE_ROWS_MAX + 5):
            organization = make_organization(name=f"行数企业{n:03}", kind="enterprise")
            statement = make_statement(official=make_official(organization=organization), source=source, text="原文")
            Commitment.objects.create(statement=statement, organization=organization, number=1, quote="原文",
                                      summary=f"行数承诺{n}", span_start=statement.span_start,
                                      span_end=statement.span_start + 2, due_date=datetime.date(2021, 12, 31))
        refresh_progress()  # and the organizations' rows of today

    def organization_links(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return set(re.findall(r'href="/organizations/(\d+)/"', response.content.decode()))

    def test_dashboard_and_organizations_page_show_a_bounded_number(self):
        from policies.selectors import ORGANIZATIONS_PER_PAGE, ORGANIZATIONS_SHOWN

        self.assertGreater(Commitment.objects.values("organization").distinct().count(), PAGE_ROWS_MAX)
        enterprises = "/conferences/2020-12-29/organizations/?group=enterprise"
        self.assertLessEqual(len(self.organization_links("/")), ORGANIZATIONS_SHOWN * 4 + 12)  # and the red list's
        self.assertEqual(len(self.organization_links(enterprises)), ORGANIZATIONS_PER_PAGE)
        enterprises_in_all = Organization.objects.filter(kind="enterprise").count()  # the fixture's and these
        self.assertEqual(len(self.organization_links(enterprises + "&page=2")), enterprises_in_all - ORGANIZATIONS_PER_PAGE)
