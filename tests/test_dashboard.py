"""The dashboard's figures match figures computed here, independently, from the data and a known set of updates."""

import datetime
from collections import defaultdict
from unittest.mock import patch

from django.conf import settings
from django.test import TestCase, override_settings
from django.utils import timezone

from policies import invalidation, selectors
from policies.models import Commitment, KeyTask, Milestone, Organization, TaskLink
from policies.services import refresh_progress

from .bulk import grow
from .factories import (
    make_commitment, make_official, make_organization, make_source, make_statement, make_update, make_world,
)

CLOSED = {"completed", "not_kept"}


def expected_light(commitment, today):
    """The warning-light rule as the README states it, written out again for the test."""
    if commitment.last_update_on is None:  # no approved report: no verdict, whatever the date
        return "none"
    if commitment.status in CLOSED:
        return "grey"
    if commitment.due_date < today:
        return "red"
    soon = today + datetime.timedelta(days=settings.WARNING_DUE_SOON_DAYS)
    if commitment.due_date <= soon and commitment.percent < settings.WARNING_DUE_SOON_PERCENT:
        return "yellow"
    stale = today - datetime.timedelta(days=settings.WARNING_STALE_DAYS)
    return "yellow" if commitment.last_update_on < stale else "green"


class DashboardNumbersTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        world = make_world(progress=False)
        # a and c of 江岸区, b and d of 市人力社保局, e of 高新区
        cls.a, cls.b, cls.c, cls.d, cls.e = (world.commitments[i] for i in (2, 7, 0, 8, 11))
        d = datetime.date
        # (commitment, reported_on, status, percent, review_state): only "approved" may count.
        cls.updates = [
            (cls.a, d(2021, 3, 1), "in_progress", 30, "approved"),
            (cls.a, d(2021, 6, 1), "in_progress", 60, "approved"),
            (cls.a, d(2021, 9, 1), "in_progress", 90, "submitted"),
            (cls.b, d(2021, 5, 1), "completed", 100, "approved"),
            (cls.c, d(2021, 4, 1), "behind", 20, "approved"),
            (cls.c, d(2021, 10, 1), "in_progress", 80, "rejected"),
            (cls.d, d(2021, 8, 1), "completed", 100, "submitted"),
            (cls.e, d(2021, 7, 1), "not_kept", 10, "approved"),
        ]
        for commitment, reported_on, status, percent, state in cls.updates:
            extra = {"review_reason": "佐证不足"} if state == "rejected" else {}
            make_update(commitment=commitment, reported_on=reported_on, status=status, percent=percent,
                        review_state=state, note=f"进展说明 {commitment.summary}", **extra)
        refresh_progress()

    def expected(self):
        """Status and percent per commitment from the approved updates above, by hand."""
        latest = {}
        for commitment, reported_on, status, percent, state in self.updates:
            if state == "approved" and (commitment.pk not in latest or reported_on > latest[commitment.pk][0]):
                latest[commitment.pk] = (reported_on, status, percent)
        rows = {}
        for commitment in Commitment.objects.select_related("statement__source", "organization"):
            _, status, percent = latest.get(commitment.pk, (None, "not_reported", 0))
            rows[commitment.pk] = (commitment, status, percent)
        return rows

    def setUp(self):
        self.response = self.client.get("/")
        self.assertEqual(self.response.status_code, 200)
        self.context = self.response.context
        self.today = timezone.localdate()

    def test_totals_per_status_and_light_and_average(self):
        rows = self.expected()
        totals = self.context["totals"]
        self.assertEqual(totals["total"], len(rows))
        statuses = defaultdict(int)
        for _, status, _ in rows.values():
            statuses[status] += 1
        for status in ("completed", "in_progress", "behind", "not_started", "not_kept", "not_reported"):
            self.assertEqual(totals[f"status_{status}"], statuses[status], status)
        self.assertEqual(statuses["completed"], 1)  # the submitted "completed" of d does not count
        average = sum(percent for _, _, percent in rows.values()) / len(rows)
        self.assertEqual(totals["avg_percent"], round(average, 1))
        self.assertAlmostEqual(average, (60 + 100 + 20 + 10) / 13)
        lights = defaultdict(int)
        for commitment, _, _ in rows.values():
            commitment.refresh_from_db()
            lights[expected_light(commitment, self.today)] += 1
        for light in ("red", "yellow", "green", "grey", "none"):
            self.assertEqual(totals[f"light_{light}"], lights[light], light)
        html = self.response.content.decode()
        list_url = f"/conferences/{self.a.statement.source.conference.slug}/commitments/"
        self.assertIn(f"<dd><a href=\"{list_url}\">{len(rows)}</a> 项</dd>", html)
        # a, b, c and e have approved reports; d's completion is only submitted
        self.assertEqual(totals["reported"], 4)
        self.assertIn(f"<strong>4 / {len(rows)}</strong> 项承诺已有经审核的进展报告", html)
        self.assertIn(f"{round(average, 1)}%", html)

    def test_key_tasks_roll_up_sub_items_counting_each_commitment_once(self):
        rows = self.expected()
        under = defaultdict(set)
        for link in TaskLink.objects.select_related("task__parent"):
            top = link.task.parent or link.task
            under[top.code].add(link.commitment_id)
        tasks = {task.code: task for task in self.context["tasks"]}
        self.assertEqual(list(tasks), list(KeyTask.objects.filter(parent=None).order_by("order").values_list("code", flat=True)))
        for code, task in tasks.items():
            members = under[code]
            with self.subTest(code=code):
                self.assertEqual(task.n_commitments, len(members))
                expected_avg = sum(rows[pk][2] for pk in members) / len(members) if members else 0
                self.assertAlmostEqual(task.avg_percent, expected_avg)
                self.assertEqual(task.n_completed, sum(rows[pk][1] == "completed" for pk in members))
        # T1 has commitments through its sub-items only, and the dashboard lists the tree.
        self.assertEqual(Commitment.objects.filter(tasks__code="T1").count(), 0)
        self.assertEqual(tasks["T1"].n_commitments, 7)
        html = self.response.content.decode()
        for task in KeyTask.objects.all():
            self.assertIn(task.title, html)

    def test_organizations_grouped_by_kind_with_their_progress(self):
        rows = self.expected()
        groups = {title: members for _, title, members, _ in self.context["organization_groups"]}
        self.assertEqual(list(groups), ["区县", "市级部门", "开发区", "企业"])
        self.assertEqual({o.name for o in groups["区县"]}, set(
            Organization.objects.filter(kind__in=["district", "county"]).values_list("name", flat=True)))
        self.assertIn("山前县", {o.name for o in groups["区县"]})
        by_name = {o.name: o for members in groups.values() for o in members}
        self.assertEqual(len(by_name), Organization.objects.count())
        for organization in Organization.objects.all():
            mine = [percent for commitment, _, percent in rows.values() if commitment.organization_id == organization.pk]
            with self.subTest(organization=organization.name):
                self.assertEqual(by_name[organization.name].n_commitments, len(mine))
                self.assertAlmostEqual(by_name[organization.name].avg_percent, sum(mine) / len(mine))
        self.assertEqual(by_name["市人力社保局"].n_completed, 1)

    def test_latest_updates_are_the_approved_ones_newest_first(self):
        shown = self.context["latest_updates"]
        approved = sorted(
            [(reported_on, c.pk) for c, reported_on, _, _, state in self.updates if state == "approved"], reverse=True
        )
        self.assertEqual([(u.reported_on, u.commitment_id) for u in shown], approved)
        html = self.response.content.decode()
        self.assertNotIn("2021-09-01", html)  # the submitted 90 % of a
        self.assertNotIn("2021-10-01", html)  # the rejected one

    def test_red_light_list_and_links(self):
        rows = self.expected()
        red = []
        for commitment, _, _ in rows.values():
            commitment.refresh_from_db()
            if expected_light(commitment, self.today) == "red":
                red.append(commitment)
        shown = self.context["red_commitments"]
        self.assertEqual(len(shown), min(12, len(red)))
        self.assertTrue({c.pk for c in shown} <= {c.pk for c in red})
        html = self.response.content.decode()
        if len(red) <= 12:
            self.assertNotIn("查看全部", html)
            # Past twelve, the list is cut and links to all of them.
            # Past due, and reported: red (past due with no report would be "无报告").
            for _ in range(13 - len(red)):
                late = make_commitment(statement=self.a.statement, due_date=datetime.date(2021, 1, 31))
                make_update(commitment=late, review_state="approved", reported_on=datetime.date(2021, 1, 15))
                red.append(late)
            refresh_progress()
            with self.captureOnCommitCallbacks(execute=True):
                invalidation.pages_changed()  # what the admin does after adding commitments
            html = self.client.get("/").content.decode()
        self.assertIn(f"查看全部 {len(red)} 项红灯事项", html)
        district = Organization.objects.get(name="江岸区")
        department = Organization.objects.get(name="市人力社保局")
        list_url = f"/conferences/{self.a.statement.source.conference.slug}/commitments/"
        self.assertIn(f'href="{list_url}?district={district.pk}"', html)
        self.assertIn(f'href="{list_url}?department={department.pk}"', html)

    def test_bars_are_drawn_on_the_server_with_numbers(self):
        html = self.response.content.decode()
        self.assertIn('class="stack"', html)
        self.assertIn('style="flex-grow: 1"', html)  # one completed commitment
        self.assertNotIn("<script", html)
        self.assertNotIn("cdn", html.lower())


class DashboardEscapingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_world()

    def test_script_in_names_and_titles_is_escaped(self):
        task_url = self.world.tasks["T2"].get_absolute_url()
        Organization.objects.filter(name="江岸区").update(name="<script>alert(1)</script>")
        KeyTask.objects.filter(code="T2").update(title="<script>alert(2)</script>")
        Commitment.objects.filter(pk=self.world.commitments[2].pk).update(summary="<script>alert(3)</script>")
        for url in ("/", task_url, "/commitments/?kind=district"):
            with self.subTest(url=url):
                html = self.client.get(url).content.decode()
                self.assertNotIn("<script>", html)
                self.assertIn("&lt;script&gt;", html)


class DashboardQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_world()

    # The factories are not a write path and leave cached pages alone: measure the render itself.
    @override_settings(TRACKER_PAGE_CACHE=False)
    def test_query_count_does_not_grow_with_data(self):
        # 1 the conferences (the latest is shown, all are in the switch), 2 the organizations' summary rows
        # by status and light (the totals and the organizations' roll-ups), 3 tasks and their sub-items,
        # 4 their roll-ups (their summary rows), 5 those organizations, 6 latest approved updates, 7 the red
        # list (selectors.first_red), 8 the tasks' monthly summary rows for the progress-over-time charts
        with self.assertNumQueries(8):
            small = self.client.get("/")
        grow(organizations=8, per_organization=5)
        with self.assertNumQueries(8):
            large = self.client.get("/")
        self.assertEqual(small.context["totals"]["total"] + 40, large.context["totals"]["total"])
        self.assertEqual(len(large.context["latest_updates"]), 8)


class DashboardLightsTests(TestCase):
    """Each way to a light, milestones included, counted alike by the dashboard and the conference overview."""

    TODAY = datetime.date(2022, 6, 1)

    @classmethod
    def setUpTestData(cls):
        d = datetime.date
        source = make_source()
        cls.conference = source.conference
        statement = make_statement(official=make_official(organization=make_organization(name="甲区")), source=source)
        reported = {"statement": statement, "status": "in_progress", "percent": 30, "last_update_on": d(2022, 5, 1)}
        far = d(2025, 12, 31)
        cls.red_by_milestone = make_commitment(summary="一期节点已过", due_date=far, **reported)
        Milestone.objects.create(commitment=cls.red_by_milestone, due_on=d(2022, 5, 31), title="一期建成", target_percent=40)
        cls.yellow_by_milestone = make_commitment(summary="一期节点将至", due_date=far, **reported)
        Milestone.objects.create(commitment=cls.yellow_by_milestone, due_on=d(2022, 6, 20), title="一期建成", target_percent=40)
        cls.green_past_milestone = make_commitment(summary="一期节点已达", due_date=far, **{**reported, "percent": 50})
        Milestone.objects.create(commitment=cls.green_past_milestone, due_on=d(2022, 5, 31), title="一期建成", target_percent=40)
        cls.red_by_due_date = make_commitment(summary="已过时限", due_date=d(2022, 5, 1), **reported)
        cls.grey = make_commitment(summary="已完成", due_date=d(2022, 5, 1), **{**reported, "status": "completed",
                                                                             "percent": 100})
        cls.none = make_commitment(summary="尚无报告", due_date=d(2022, 5, 1), statement=statement)

    def test_milestones_closed_and_unreported_commitments_light_the_totals_and_the_red_list(self):
        dashboard = selectors.dashboard_stats(conference=self.conference, today=self.TODAY)
        totals = dashboard["totals"]
        expected = {"red": 2, "yellow": 1, "green": 1, "grey": 1, "none": 1}
        self.assertEqual({light: totals[f"light_{light}"] for light in expected}, expected)
        self.assertEqual((totals["total"], totals["reported"]), (6, 5))
        self.assertEqual(totals["avg_percent"], round((30 * 3 + 50 + 100) / 6, 1))
        # by due date: the one past its own due date first, then the one past its milestone
        self.assertEqual(dashboard["red_commitments"], [self.red_by_due_date, self.red_by_milestone])
        [organization] = [o for _, _, members, _ in dashboard["organization_groups"] for o in members]
        self.assertEqual((organization.n_commitments, organization.n_in_progress, organization.n_completed,
                          organization.n_not_reported), (6, 4, 1, 1))
        self.assertAlmostEqual(organization.avg_percent, (30 * 3 + 50 + 100) / 6)
        overview = selectors.conference_overview(today=self.TODAY)
        [conference] = overview["conferences"]
        self.assertEqual(conference.stats, totals)
        self.assertEqual(Commitment.objects.stats(self.TODAY), totals)


class LatestUpdatesWindowTests(TestCase):
    """The latest updates are looked for among the latest of any conference first, then among all of the
    conference's own: an older conference's page still lists its own latest, newest first."""

    @classmethod
    def setUpTestData(cls):
        cls.old, cls.new = make_source(), make_source()
        d = datetime.date
        cls.old_updates = [
            make_update(commitment=make_commitment(source=cls.old), reported_on=d(2021, month, 1), review_state="approved")
            for month in (3, 5, 4)
        ]
        cls.new_updates = [
            make_update(commitment=make_commitment(source=cls.new), reported_on=d(2022, month, 1), review_state="approved")
            for month in (1, 2, 3)
        ]
        make_update(commitment=cls.old_updates[0].commitment, reported_on=d(2023, 1, 1), review_state="submitted")
        refresh_progress()

    def latest(self, source):
        return selectors.dashboard_stats(conference=source.conference)["latest_updates"]

    def test_an_older_conference_lists_its_own_updates_beyond_the_window(self):
        newest_first = sorted(self.old_updates, key=lambda u: u.reported_on, reverse=True)
        # 1 the organizations' summary rows, 2 tasks (none, so no roll-ups or sub-items), 3 organizations,
        # 4 the updates in the window (here every approved update), 5 red list (first_red)
        with self.assertNumQueries(5):
            self.assertEqual(self.latest(self.old), newest_first)
        with patch.object(selectors, "RECENT_UPDATES", 2):
            # the window holds only the new conference's two latest: one more query, all of the old one's
            with self.assertNumQueries(6):
                self.assertEqual(self.latest(self.old), newest_first)
            self.assertEqual(self.latest(self.new), sorted(self.new_updates, key=lambda u: u.reported_on, reverse=True))
