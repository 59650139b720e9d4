"""Public history: a commitment's timeline and chart, and each key task's progress over time on the dashboard."""

import datetime
import re

from django.test import TestCase

from policies import history
from policies.services import refresh_progress

from .factories import make_commitment, make_task, make_update

D = datetime.date


def chart_points(html):
    (points,) = re.findall(r'<polyline points="([^"]+)"', html)
    return [tuple(float(v) for v in pair.split(",")) for pair in points.split()]


class StepChartTests(TestCase):
    def test_percent_maps_to_height_and_dates_to_width(self):
        chart = history.step_chart([(D(2021, 1, 1), 0), (D(2021, 7, 2), 50), (D(2021, 12, 31), 100)])
        ys = {history.HEIGHT - history.PAD: 0, history.PAD: 100, history.HEIGHT / 2: 50}
        self.assertEqual([ys[y] for _, y in chart.dots], [0, 50, 100])
        self.assertEqual(chart.dots[0][0], history.PAD)
        self.assertEqual(chart.dots[-1][0], history.WIDTH - history.PAD)
        self.assertEqual((chart.first, chart.last, chart.last_percent), (D(2021, 1, 1), D(2021, 12, 31), 100))
        self.assertIn("2021-07-02 50%", chart.description)

    def test_no_data_no_chart(self):
        self.assertIsNone(history.step_chart([]))


class CommitmentHistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.commitment = make_commitment(summary="建成数据中心")
        make_update(commitment=cls.commitment, reported_on=D(2021, 3, 1), percent=20, review_state="approved",
                    note="完成选址", evidence_url="https://example.org/site")
        make_update(commitment=cls.commitment, reported_on=D(2021, 9, 1), percent=70, review_state="approved",
                    note="主体封顶")
        make_update(commitment=cls.commitment, reported_on=D(2021, 10, 1), percent=90, note="待审核的进展")
        make_update(commitment=cls.commitment, reported_on=D(2021, 11, 1), percent=95, review_state="rejected",
                    review_reason="无佐证", note="被退回的进展")
        refresh_progress()

    def test_timeline_shows_approved_updates_with_status_percent_date_and_evidence(self):
        response = self.client.get(self.commitment.get_absolute_url())
        html = response.content.decode()
        timeline = html[html.index('<ol class="timeline">'):]
        self.assertIn("2021-09-01", timeline)
        self.assertIn("主体封顶", timeline)
        self.assertIn("70%", timeline)
        self.assertIn('href="https://example.org/site"', timeline)
        self.assertNotIn("待审核的进展", html)
        self.assertNotIn("被退回的进展", html)
        self.assertLess(timeline.index("主体封顶"), timeline.index("完成选址"))  # latest first

    def test_chart_draws_each_approved_percent_without_javascript(self):
        html = self.client.get(self.commitment.get_absolute_url()).content.decode()
        self.assertIn('role="img" aria-label="完成进度（0–100%）随时间的变化：2021-03-01 20%；2021-09-01 70%"', html)
        heights = sorted({y for _, y in chart_points(html)}, reverse=True)
        self.assertEqual(heights, [history._y(20), history._y(70)])
        self.assertNotIn("<script", html)

    def test_no_chart_without_approved_updates(self):
        other = make_commitment()
        self.assertNotContains(self.client.get(other.get_absolute_url()), "<svg")


class TaskHistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.task = make_task(code="T5", title="扩大有效投资")
        cls.sub = make_task(code="T5.1", parent=cls.task, source=cls.task.source)
        cls.idle = make_task(code="T6", title="没有进展的任务")
        a = make_commitment(tasks=[cls.task, cls.sub])  # under T5 twice, counted once
        b = make_commitment(tasks=[cls.sub])
        make_commitment(tasks=[cls.idle])
        make_update(commitment=a, reported_on=D(2021, 3, 10), percent=40, review_state="approved")
        make_update(commitment=a, reported_on=D(2021, 5, 1), percent=80, review_state="approved")
        make_update(commitment=b, reported_on=D(2021, 5, 20), percent=20, review_state="approved")
        make_update(commitment=b, reported_on=D(2021, 6, 1), percent=100, review_state="rejected", review_reason="否")
        refresh_progress()

    def test_monthly_average_of_the_commitments_under_each_task(self):
        from policies.models import KeyTask

        tasks = list(KeyTask.objects.top_level().with_rollup())
        with self.assertNumQueries(1):  # the tasks' monthly summary rows
            charts = history.task_charts(tasks)
        self.assertEqual(set(charts), {self.task.pk})
        self.assertIn("2021-03-31 20%；2021-05-31 50%", charts[self.task.pk].description)

    def test_dashboard_shows_a_chart_per_task_with_progress(self):
        response = self.client.get(self.task.conference.get_absolute_url())  # T5's conference (T6 has its own)
        self.assertContains(response, "重点任务进展走势")
        self.assertContains(response, '<svg viewBox', count=1)
        self.assertContains(response, "最近 50%")
