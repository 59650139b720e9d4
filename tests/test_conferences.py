"""Two conferences, each with a key task coded T1: every page, filter and API call names its conference,
old URLs still reach the first one, and / shows the latest with a switch to the other."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase, override_settings
from django.utils import timezone

from policies.models import Commitment, Conference, KeyTask, ProgressUpdate
from policies.services import approve_update, refresh_progress, submit_update

from .bulk import grow
from .factories import make_conference, make_reviewer, make_update, make_user, make_world


def make_two_conferences():
    """The 2020 conference's world and a 2021 one's, both with tasks T1 and T2 and their sub-items."""
    first = make_world(slug="2020-12-29", held_on=datetime.date(2020, 12, 29), name="全市经济工作会议")
    second = make_world(slug="2021-12-28", held_on=datetime.date(2021, 12, 28), name="全市经济工作会议")
    return first, second


class ConferenceIdentityTests(TestCase):
    def test_slug_and_plan_year_default_from_the_date(self):
        winter = Conference.objects.create(name="会议", city="甲市", held_on=datetime.date(2020, 12, 29))
        spring = Conference.objects.create(name="会议", city="乙市", held_on=datetime.date(2021, 3, 2))
        self.assertEqual((winter.slug, winter.plan_year), ("2020-12-29", 2021))
        self.assertEqual((spring.slug, spring.plan_year), ("2021-03-02", 2021))

    def test_slug_is_unique(self):
        make_conference(slug="2020-12-29")
        with transaction.atomic(), self.assertRaises(IntegrityError):
            make_conference(slug="2020-12-29")
        # Left blank, the default is checked before saving: a clear error, not a database failure.
        other_city = Conference(name="会议", city="乙市", held_on=datetime.date(2020, 12, 29))
        with self.assertRaises(ValidationError) as caught:
            other_city.full_clean()
        self.assertIn("slug", str(caught.exception.message_dict))


class TwoConferencesPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.first, cls.second = make_two_conferences()
        cls.t1_first, cls.t1_second = cls.first.tasks["T1"], cls.second.tasks["T1"]

    def test_each_t1_page_is_reachable_at_its_url(self):
        self.assertEqual(self.t1_first.get_absolute_url(), "/conferences/2020-12-29/tasks/T1/")
        self.assertEqual(self.t1_second.get_absolute_url(), "/conferences/2021-12-28/tasks/T1/")
        for world, task in ((self.first, self.t1_first), (self.second, self.t1_second)):
            with self.subTest(conference=world.conference.slug):
                response = self.client.get(task.get_absolute_url())
                self.assertEqual(response.context["task"], task)
                under = set(Commitment.objects.under_task(task).values_list("pk", flat=True))
                self.assertEqual({c.pk for c in response.context["commitments"]}, under)
                self.assertTrue(under <= {c.pk for c in world.commitments})

    def test_old_task_and_source_urls_redirect_permanently_to_the_oldest_conference(self):
        response = self.client.get("/tasks/T1/")
        self.assertRedirects(response, "/conferences/2020-12-29/tasks/T1/", status_code=301)
        response = self.client.get(f"/sources/{self.second.source.slug}/")
        self.assertRedirects(response, self.second.source.get_absolute_url(), status_code=301)
        self.assertEqual(self.client.get("/tasks/T99/").status_code, 404)

    def test_a_task_or_source_under_another_conference_is_404(self):
        self.assertEqual(self.client.get("/conferences/no-such/tasks/T1/").status_code, 404)
        wrong = f"/conferences/2020-12-29/sources/{self.second.source.slug}/"
        self.assertEqual(self.client.get(wrong).status_code, 404)
        self.assertEqual(self.client.get(self.second.source.get_absolute_url()).status_code, 200)

    def test_task_filter_resolves_the_code_within_the_conference(self):
        for world in (self.first, self.second):
            with self.subTest(conference=world.conference.slug):
                expected = set(Commitment.objects.under_task(world.tasks["T1"]).values_list("pk", flat=True))
                response = self.client.get("/commitments/", {"conference": world.conference.slug, "task": "T1"})
                self.assertEqual({c.pk for c in response.context["commitments"]}, expected)
                by_id = self.client.get("/commitments/", {"conference": world.conference.pk, "task": "T1"})
                self.assertEqual({c.pk for c in by_id.context["commitments"]}, expected)
                scoped = self.client.get(f"/conferences/{world.conference.slug}/commitments/", {"task": "T1"})
                self.assertEqual({c.pk for c in scoped.context["commitments"]}, expected)
        # Without a conference, a code means the oldest conference that has it (as the old URLs did).
        unscoped = self.client.get("/commitments/", {"task": "T1"})
        oldest = set(Commitment.objects.under_task(self.t1_first).values_list("pk", flat=True))
        self.assertEqual({c.pk for c in unscoped.context["commitments"]}, oldest)

    def test_conference_list_shows_only_its_commitments(self):
        response = self.client.get("/conferences/2021-12-28/commitments/")
        self.assertEqual(response.context["paginator"].count, len(self.second.commitments))
        self.assertContains(response, "<h1>2022年承诺</h1>", html=True)
        self.assertEqual(self.client.get("/conferences/no-such/commitments/").status_code, 404)

    def test_an_unknown_conference_in_the_filter_is_a_form_error(self):
        response = self.client.get("/commitments/", {"conference": "1999-01-01"})
        self.assertContains(response, "没有这个会议")
        self.assertEqual(list(response.context["commitments"]), [])

    def test_home_shows_the_latest_conference_with_links_to_the_other_and_to_all(self):
        response = self.client.get("/")
        self.assertEqual(response.context["conference"], self.second.conference)
        self.assertContains(response, "<h1>2022年经济工作承诺兑现情况</h1>", html=True)
        self.assertContains(response, "全市经济工作会议（2021年12月28日）")
        self.assertNotContains(response, "2021年经济工作承诺兑现情况")
        self.assertContains(response, 'href="/conferences/2020-12-29/"')
        self.assertContains(response, 'href="/conferences/"')
        self.assertEqual(response.context["totals"]["total"], len(self.second.commitments))
        # Its task links go to its own T1.
        self.assertContains(response, 'href="/conferences/2021-12-28/tasks/T1/"')
        self.assertNotContains(response, 'href="/conferences/2020-12-29/tasks/T1/"')

    def test_the_first_conference_keeps_its_own_dashboard(self):
        response = self.client.get("/conferences/2020-12-29/")
        self.assertEqual(response.context["conference"], self.first.conference)
        self.assertContains(response, "<h1>2021年经济工作承诺兑现情况</h1>", html=True)
        self.assertContains(response, "全市经济工作会议（2020年12月29日）")
        self.assertContains(response, 'href="/conferences/2021-12-28/"')
        self.assertEqual(self.client.get("/conferences/1999-01-01/").status_code, 404)

    def test_all_conferences_view_has_each_and_the_totals(self):
        response = self.client.get("/conferences/")
        self.assertEqual([c.slug for c in response.context["conferences"]], ["2021-12-28", "2020-12-29"])
        totals = response.context["totals"]
        self.assertEqual(totals["total"], len(self.first.commitments) + len(self.second.commitments))
        self.assertEqual(totals["reported"], len(self.first.statements) + len(self.second.statements))
        self.assertContains(response, f"<strong>{totals['reported']} / {totals['total']}</strong>", html=True)


class TwoConferencesApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.first, cls.second = make_two_conferences()

    def get(self, url, **params):
        response = self.client.get(url, params, headers={"accept": "application/json"})
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()

    def test_conferences_endpoint(self):
        rows = self.get("/api/conferences/")
        self.assertEqual([row["slug"] for row in rows], ["2020-12-29", "2021-12-28"])
        self.assertEqual(rows[0]["plan_year"], 2021)
        self.assertEqual(rows[1]["commitments"], len(self.second.commitments))
        self.assertEqual(rows[1]["reported"], len(self.second.statements))

    def test_commitments_by_conference_and_task_code(self):
        for world in (self.first, self.second):
            for value in (world.conference.slug, str(world.conference.pk)):
                with self.subTest(conference=value):
                    body = self.get("/api/commitments/", conference=value, task="T1", page_size=100)
                    expected = set(Commitment.objects.under_task(world.tasks["T1"]).values_list("pk", flat=True))
                    self.assertEqual({row["id"] for row in body["results"]}, expected)
                    self.assertEqual({row["conference"] for row in body["results"]}, {world.conference.slug})

    def test_tasks_organizations_and_officials_by_conference(self):
        tasks = self.get("/api/tasks/", conference="2021-12-28")
        self.assertEqual({row["id"] for row in tasks}, {t.pk for t in self.second.tasks.values() if t.parent_id is None})
        self.assertEqual({row["conference"] for row in tasks}, {"2021-12-28"})
        self.assertEqual(len(self.get("/api/tasks/")), 4)
        organizations = self.get("/api/organizations/", conference="2021-12-28", page_size=100)["results"]
        self.assertEqual({row["id"] for row in organizations}, {o.pk for o in self.second.organizations.values()})
        officials = self.get("/api/officials/", conference="2020-12-29", page_size=100)["results"]
        self.assertEqual({row["id"] for row in officials}, {o.pk for o in self.first.officials})

    def test_an_unknown_conference_is_a_400_naming_the_parameter(self):
        for url in ("/api/commitments/", "/api/tasks/", "/api/organizations/", "/api/officials/"):
            with self.subTest(url=url):
                response = self.client.get(url, {"conference": "nope"}, headers={"accept": "application/json"})
                self.assertEqual(response.status_code, 400)
                self.assertIn("conference", response.json())


class TwoConferencesStaffTests(TestCase):
    """The admin's filters and the ledger read a task code within the chosen conference too."""

    @classmethod
    def setUpTestData(cls):
        from policies.roles import ensure_roles

        ensure_roles()
        cls.first, cls.second = make_two_conferences()
        cls.reviewer = make_reviewer()

    def expected(self, world):
        return set(Commitment.objects.under_task(world.tasks["T1"]).values_list("pk", flat=True))

    def test_admin_list_filters_by_conference_and_task_code(self):
        self.client.force_login(self.reviewer)
        for world in (self.first, self.second):
            with self.subTest(conference=world.conference.slug):
                response = self.client.get("/admin/policies/commitment/",
                                           {"conference": world.conference.slug, "task": "T1"})
                self.assertEqual(response.status_code, 200)
                shown = {c.pk for c in response.context["cl"].result_list}
                self.assertEqual(shown, self.expected(world))

    def test_ledger_filters_by_conference_and_task_code(self):
        from policies.ledger import commitments_for_ledger

        for world in (self.first, self.second):
            with self.subTest(conference=world.conference.slug):
                rows = commitments_for_ledger(self.reviewer, {"conference": world.conference.slug, "task": "T1"})
                self.assertEqual({c.pk for c in rows}, self.expected(world))


class TaskResolutionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.first, cls.second = make_two_conferences()

    def test_resolve(self):
        t1_first, t1_second = self.first.tasks["T1"], self.second.tasks["T1"]
        self.assertEqual(KeyTask.objects.resolve("T1"), t1_first)
        self.assertEqual(KeyTask.objects.resolve("T1", conference=self.second.conference), t1_second)
        self.assertEqual(KeyTask.objects.resolve(str(t1_second.pk)), t1_second)
        self.assertIsNone(KeyTask.objects.resolve(str(t1_second.pk), conference=self.first.conference))
        # Only ASCII digits are an id: a full-width "１" is a (missing) code, not task 1.
        self.assertIsNone(KeyTask.objects.resolve("１"))
        self.assertIsNone(KeyTask.objects.resolve(""))

    def test_resolve_family_names_the_same_task_with_its_sub_items(self):
        t1_first, t1_second, t11_second = self.first.tasks["T1"], self.second.tasks["T1"], self.second.tasks["T1.1"]
        cases = [("T1", None), ("T1", self.second.conference), (str(t1_second.pk), None),
                 (str(t1_second.pk), self.first.conference), ("T1.1", self.second.conference), (str(t11_second.pk), None),
                 ("T9", None), ("１", None), ("", None), ("T1\x00", None)]
        for value, conference in cases:
            with self.subTest(value=value, conference=conference):
                task = KeyTask.objects.resolve_family(value, conference=conference)
                self.assertEqual(task, KeyTask.objects.resolve(value, conference=conference))
                if task is not None:
                    under = KeyTask.objects.filter(parent=task).values_list("pk", flat=True)
                    self.assertEqual(sorted(task.family), sorted([task.pk, *under]))
        self.assertGreater(len(KeyTask.objects.resolve_family("T1").family), 1)
        self.assertEqual(KeyTask.objects.resolve_family("T1").family[0], t1_first.pk)


class HonestStateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        from policies.roles import ensure_roles

        ensure_roles()
        cls.world = make_world(progress=False)
        cls.commitment = cls.world.commitments[0]
        Commitment.objects.filter(pk=cls.commitment.pk).update(due_date=datetime.date(2021, 12, 31))

    def light(self):
        return Commitment.objects.with_light().get(pk=self.commitment.pk).light

    def test_past_due_without_an_approved_report_is_not_reported_and_not_red(self):
        self.commitment.refresh_from_db()
        self.assertLess(self.commitment.due_date, timezone.localdate())
        self.assertEqual(self.commitment.status, "not_reported")
        self.assertEqual(self.light(), "none")
        response = self.client.get(self.commitment.get_absolute_url())
        self.assertContains(response, "尚无报告")
        self.assertContains(response, "无报告")
        self.assertNotContains(response, "未启动")
        dashboard = self.client.get(self.world.conference.get_absolute_url())
        self.assertEqual(dashboard.context["totals"]["light_red"], 0)
        self.assertContains(dashboard, f"<strong>0 / {len(self.world.commitments)}</strong>", html=True)
        self.assertContains(dashboard, "尚无审核通过的进展报告，无从判断是否逾期")
        api = self.client.get(f"/api/commitments/{self.commitment.pk}/", headers={"accept": "application/json"}).json()
        self.assertEqual((api["status"], api["light"], api["has_approved_report"]), ("not_reported", "none", False))

    def test_after_an_approval_past_due_it_is_red(self):
        update = make_update(commitment=self.commitment, status="in_progress", percent=30,
                             reported_on=datetime.date(2021, 6, 1), author=make_user())
        self.assertEqual(self.light(), "none")  # submitted, not yet approved
        approve_update(update=update, reviewer=make_reviewer())
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.status, "in_progress")
        self.assertEqual(self.light(), "red")
        api = self.client.get(f"/api/commitments/{self.commitment.pk}/", headers={"accept": "application/json"}).json()
        self.assertEqual((api["light"], api["has_approved_report"]), ("red", True))
        dashboard = self.client.get(self.world.conference.get_absolute_url())
        self.assertContains(dashboard, f"<strong>1 / {len(self.world.commitments)}</strong>", html=True)

    def test_a_progress_update_cannot_say_not_reported(self):
        update = ProgressUpdate(commitment=self.commitment, status="not_reported", percent=0, note="无",
                                reported_on=datetime.date(2021, 6, 1))
        with self.assertRaises(ValidationError) as caught:
            submit_update(update=update, author=make_reviewer())
        self.assertIn("status", caught.exception.message_dict)
        with transaction.atomic(), self.assertRaises(IntegrityError):
            ProgressUpdate.objects.create(commitment=self.commitment, status="not_reported", percent=0, note="无",
                                          reported_on=datetime.date(2021, 6, 1), author=make_user())

    def test_refresh_progress_falls_back_to_not_reported(self):
        update = make_update(commitment=self.commitment, review_state="approved")
        refresh_progress()
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.status, "in_progress")
        update.delete()
        refresh_progress()
        self.commitment.refresh_from_db()
        self.assertEqual((self.commitment.status, self.commitment.percent), ("not_reported", 0))


@override_settings(TRACKER_PAGE_CACHE=False)
class ConferencePagesQueryCountTests(TestCase):
    """The new pages cost the same at two sizes."""

    @classmethod
    def setUpTestData(cls):
        cls.first, cls.second = make_two_conferences()

    def test_query_counts_do_not_grow_with_data(self):
        pages = {
            # conferences, the dashboard's six (see selectors.dashboard_stats), one for the task charts
            "/conferences/2021-12-28/": 8,
            # conferences, their organizations' summary rows
            "/conferences/": 2,
            # conference, count, the page's ids, those rows, conference/organization/district/department/
            # official/task menus
            "/conferences/2021-12-28/commitments/?task=T1": 11,
            # source with its conference, the quotes to highlight
            self.first.source.get_absolute_url(): 2,
        }
        for grown in (False, True):
            if grown:
                grow(organizations=6, per_organization=25, source=self.second.source)
            for url, expected in pages.items():
                with self.subTest(url=url, grown=grown), self.assertNumQueries(expected):
                    self.assertEqual(self.client.get(url).status_code, 200)
