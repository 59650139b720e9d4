"""A commitment's page: the verbatim quote and where it came from, and only approved progress."""

import datetime

from django.test import TestCase, override_settings

from policies.models import Commitment
from policies.services import refresh_progress

from .factories import make_world, make_update


class CommitmentPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_world()
        cls.commitment = cls.world.commitments[2]  # 王建国's third: due 2021-12-31, no progress of its own yet
        make_update(commitment=cls.commitment, reported_on=datetime.date(2021, 4, 2), percent=35,
                    review_state="approved", note="建成监测平台", evidence_url="https://example.org/a?x=1&y=2")
        make_update(commitment=cls.commitment, reported_on=datetime.date(2021, 8, 3), percent=70,
                    review_state="approved", note="覆盖全部区县")
        make_update(commitment=cls.commitment, reported_on=datetime.date(2021, 10, 4), percent=95,
                    note="待审核的填报内容")
        make_update(commitment=cls.commitment, reported_on=datetime.date(2021, 11, 5), percent=99,
                    review_state="rejected", review_reason="无佐证", note="被退回的填报内容")
        refresh_progress()

    def test_shows_quote_people_tasks_due_date_and_progress(self):
        response = self.client.get(self.commitment.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        c = self.commitment
        self.assertContains(response, c.quote)
        self.assertContains(response, f'href="{c.statement.official.get_absolute_url()}">王建国</a>')
        self.assertContains(response, f'href="{c.organization.get_absolute_url()}">{c.organization.name}</a>')
        for task in c.tasks.all():
            self.assertContains(response, f'href="{task.get_absolute_url()}"')
        self.assertContains(response, "2021-12-31")
        self.assertContains(response, "推进中")
        self.assertContains(response, 'style="width: 70.0%"')
        self.assertContains(response, "红灯")

    def test_links_back_to_the_highlighted_quote(self):
        response = self.client.get(self.commitment.get_absolute_url())
        self.assertContains(response, f'href="/conferences/{self.world.conference.slug}/sources/{self.world.source.slug}/#c{self.commitment.pk}"')

    def test_timeline_has_only_approved_updates_with_evidence(self):
        response = self.client.get(self.commitment.get_absolute_url())
        html = response.content.decode()
        self.assertLess(html.index("2021-08-03"), html.index("2021-04-02"))
        self.assertIn("建成监测平台", html)
        self.assertIn('href="https://example.org/a?x=1&amp;y=2"', html)
        for hidden in ("待审核的填报内容", "被退回的填报内容", "2021-10-04", "2021-11-05"):
            self.assertNotIn(hidden, html)

    def test_without_updates_says_so(self):
        other = self.world.commitments[1]
        self.assertContains(self.client.get(other.get_absolute_url()), "尚无经审核通过的进展记录")

    def test_unknown_commitment_is_404(self):
        self.assertEqual(self.client.get("/commitments/999999/").status_code, 404)

    def test_script_in_fields_is_escaped(self):
        Commitment.objects.filter(pk=self.commitment.pk).update(summary="<script>alert(1)</script>")
        make_update(commitment=self.commitment, review_state="approved", note="<script>bad()</script>",
                    reported_on=datetime.date(2021, 9, 9))
        html = self.client.get(self.commitment.get_absolute_url()).content.decode()
        self.assertNotIn("<script>", html)
        self.assertIn("&lt;script&gt;bad()&lt;/script&gt;", html)

    # The factories are not a write path and leave cached pages alone: measure the render itself.
    @override_settings(TRACKER_PAGE_CACHE=False)
    def test_query_count_does_not_grow_with_updates(self):
        # 1 commitment with organization/official/source, 2 linked tasks, 3 approved updates,
        # 4 their evidence files, 5 milestones
        with self.assertNumQueries(5):
            self.client.get(self.commitment.get_absolute_url())
        for day in range(1, 25):
            make_update(commitment=self.commitment, reported_on=datetime.date(2021, 7, day), review_state="approved")
        with self.assertNumQueries(5):
            response = self.client.get(self.commitment.get_absolute_url())
        self.assertEqual(len(response.context["updates"]), 26)
