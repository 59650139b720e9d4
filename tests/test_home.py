"""The first public page lists every key task with the commitments linked to it."""

from django.test import TestCase

from policies.models import Commitment, KeyTask

from .factories import load_conference


class HomePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_conference()

    def test_lists_every_key_task_and_every_commitment(self):
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        for task in KeyTask.objects.all():
            self.assertIn(task.title, html)
        for commitment in Commitment.objects.all():
            self.assertIn(f'href="/commitments/{commitment.pk}/"', html)
        self.assertIn('lang="zh-CN"', html)

    def test_query_count_is_fixed(self):
        # 1: tasks, 2: their sub-items, 3: commitments with organization/official/source, 4: linked tasks
        with self.assertNumQueries(4):
            self.client.get("/")


class CommitmentPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_conference()

    def test_shows_quote_official_and_link_to_source(self):
        commitment = Commitment.objects.get(summary="加大就业失业监测")
        html = self.client.get(commitment.get_absolute_url()).content.decode()
        self.assertIn(commitment.quote, html)
        self.assertIn("陈元春", html)
        self.assertIn(f"/sources/cqrb-2020-12-30-economic-work/#c{commitment.pk}", html)
        self.assertIn("尚无经审核通过的进展记录", html)

    def test_unknown_commitment_is_404(self):
        self.assertEqual(self.client.get("/commitments/999999/").status_code, 404)
