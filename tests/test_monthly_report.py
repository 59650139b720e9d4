"""The monthly report (月报): figures recomputed here from the data the test made, XLSX and PDF written,
the command and the workbench download."""

import datetime
import io
import tempfile
from pathlib import Path
from unittest import mock

from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import timezone
from openpyxl import load_workbook

from policies import reports, services
from policies.models import Commitment, ProgressUpdate
from policies.roles import ensure_roles

from .factories import WORLD_STATEMENTS, make_reporter, make_reviewer, make_world


def at(year, month, day):
    return mock.patch("django.utils.timezone.now",
                      return_value=timezone.make_aware(datetime.datetime(year, month, day, 10, 0)))


class MonthlyReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        # The history is dated by the clock: the data exists from January 2021, as it would have.
        with at(2021, 1, 5):
            cls.world = make_world(progress=False)
        cls.reviewer = make_reviewer(username="审核员乙", password="pw")
        cls.c = cls.world.commitments
        author = make_reporter(organization=cls.c[0].organization)

        def approve(commitment, status, percent, reported_on):
            update = ProgressUpdate.objects.create(commitment=commitment, status=status, percent=percent,
                                                   note="进展", reported_on=reported_on, author=author)
            services.approve_update(update=update, reviewer=cls.reviewer)

        with at(2021, 3, 15):
            approve(cls.c[0], "in_progress", 30, datetime.date(2021, 3, 10))
        with at(2021, 4, 10):
            approve(cls.c[0], "completed", 100, datetime.date(2021, 4, 8))
            approve(cls.c[3], "behind", 20, datetime.date(2021, 4, 5))

    def report(self, month, today):
        return reports.monthly_report(conference=self.world.conference, month=month, today=today)

    def expected_per_organization(self, states, light):
        """{organization: (total, {status: n}, {light: n})} worked out from the world's own table."""
        expected, position = {}, 0
        for organization, _, _, _, clauses in WORLD_STATEMENTS:
            total, statuses, lights = expected.get(organization, (0, {}, {}))
            for _ in clauses:
                status = states.get(position, ("not_reported", 0))[0]
                statuses[status] = statuses.get(status, 0) + 1
                lights[light(position)] = lights.get(light(position), 0) + 1
                total += 1
                position += 1
            expected[organization] = (total, statuses, lights)
        return expected

    def test_figures_per_organization_in_april(self):
        # On 2021-04-30: c0 completed (grey), c3 updated on 04-05 (green); nothing due within 30 days;
        # every other commitment has no approved report yet: no light.
        states = {0: ("completed", 100), 3: ("behind", 20)}
        expected = self.expected_per_organization(
            states, lambda i: {0: "grey", 3: "green"}.get(i, "none"))
        with self.assertNumQueries(5):
            report = self.report(datetime.date(2021, 4, 1), datetime.date(2021, 4, 30))
        got = {group.name: (group.total, {s: group.status_count(s) for s in ("not_reported", "not_started", "in_progress", "behind", "completed", "not_kept") if group.status_count(s)},
                            {light: group.light_count(light) for light in ("red", "yellow", "green", "grey", "none") if group.light_count(light)})
               for group in report.organizations}
        self.assertEqual(got, expected)
        self.assertEqual(report.overall.total, 13)
        self.assertEqual(report.overall.avg_percent, round(120 / 13, 1))

    def test_changes_since_last_month_come_from_the_history(self):
        april = self.report(datetime.date(2021, 4, 1), datetime.date(2021, 4, 30))
        changes = {row.commitment.pk: (row.before.words, row.state.words, row.changed_by, row.changed_on)
                   for row in april.changes}
        self.assertEqual(changes, {
            self.c[0].pk: ("推进中 30%", "已完成 100%", "审核员乙", datetime.date(2021, 4, 10)),
            self.c[3].pk: ("尚无报告 0%", "进展滞后 20%", "审核员乙", datetime.date(2021, 4, 10)),
        })
        march = self.report(datetime.date(2021, 3, 1), datetime.date(2021, 3, 31))
        self.assertEqual([(row.commitment.pk, row.state.words) for row in march.changes], [(self.c[0].pk, "推进中 30%")])
        self.assertEqual(march.overall.status_count("completed"), 0)

    def test_the_red_list_is_what_was_due_and_not_done(self):
        report = self.report(datetime.date(2022, 1, 1), datetime.date(2022, 1, 31))
        # Due in 2021, reported on, not completed: only c3 (c0 was completed; the rest have no report, no light).
        due_2021 = {c.pk for c in self.c if c.due_date == datetime.date(2021, 12, 31)}
        self.assertEqual(due_2021 & {self.c[0].pk, self.c[3].pk}, {self.c[0].pk, self.c[3].pk})
        self.assertEqual({row.commitment.pk for row in report.red_list}, {self.c[3].pk})

    def test_lights_match_the_live_rule_for_the_current_month(self):
        today = timezone.localdate()
        report = self.report(today, today)
        live = dict(Commitment.objects.filter(pk__in=[c.pk for c in self.c]).with_light(today).values_list("pk", "light"))
        self.assertEqual({row.commitment.pk: row.light for row in report.rows}, live)

    def test_per_key_task_counts_each_commitment_once_under_its_top_task(self):
        report = self.report(datetime.date(2021, 4, 1), datetime.date(2021, 4, 30))
        tasks = {group.name.split(" ")[0]: group.total for group in report.tasks}
        self.assertEqual(tasks, {"T1": 7, "T2": 6})

    def test_xlsx_has_the_tables_and_a_chart(self):
        report = self.report(datetime.date(2021, 4, 1), datetime.date(2021, 4, 30))
        workbook = load_workbook(io.BytesIO(reports.render(report, "xlsx")))
        self.assertEqual(workbook.sheetnames, ["概况", "按责任单位", "按重点任务", "本月变化", "红灯清单"])
        rows = {row[0]: row for row in workbook["按责任单位"].iter_rows(min_row=2, values_only=True)}
        # name, total, 已完成, 推进中, 进展滞后, 未启动, 未兑现, 尚无报告, 红, 黄, 绿, 灰, 无报告, average
        self.assertEqual(rows["江岸区"], ("江岸区", 3, 1, 0, 0, 0, 0, 2, 0, 0, 0, 1, 2, 33.3))
        self.assertEqual(len(workbook["按责任单位"]._charts), 1)
        self.assertEqual(workbook["本月变化"].max_row, 3)

    def test_pdf_embeds_the_chinese_font(self):
        report = self.report(datetime.date(2021, 4, 1), datetime.date(2021, 4, 30))
        content = reports.render(report, "pdf")
        self.assertTrue(content.startswith(b"%PDF-"))
        self.assertIn(b"NotoSansCJKSC", content)
        self.assertIn(b"/FontFile3", content)  # the font program itself, not a name the reader must supply

    def test_command_writes_both_formats_and_refuses_bad_input(self):
        with tempfile.TemporaryDirectory() as folder:
            for fmt in ("xlsx", "pdf"):
                path = Path(folder) / f"report.{fmt}"
                call_command("monthly_report", "--conference", str(self.world.conference.pk), "--month", "2021-04",
                             "--format", fmt, "--output", str(path), stdout=io.StringIO())
                self.assertGreater(path.stat().st_size, 1000)
        with self.assertRaisesMessage(CommandError, "月份应写成 YYYY-MM"):
            call_command("monthly_report", "--conference", self.world.source.slug, "--month", "2021-4月")
        with self.assertRaisesMessage(CommandError, "没有找到会议“1999-01-01”"):
            call_command("monthly_report", "--conference", "1999-01-01", "--month", "2021-04")

    def test_reviewers_download_it_from_the_workbench(self):
        url = f"/workbench/reports/monthly/?conference={self.world.conference.pk}&month=2021-04&format=pdf"
        self.client.force_login(self.reviewer)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("attachment", response["Content-Disposition"])
        page = self.client.get("/workbench/")
        self.assertContains(page, "月报下载")
        bad = self.client.get(url.replace("2021-04", "四月"), follow=True)
        self.assertContains(bad, "未能生成月报：月份应写成 YYYY-MM")
        self.client.force_login(make_reporter(organization=self.c[0].organization))
        self.assertEqual(self.client.get(url).status_code, 403)
