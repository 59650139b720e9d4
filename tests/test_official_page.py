"""An official's page: the statement as quoted and the commitments drawn from it."""

from django.test import TestCase

from policies.models import Official

from .bulk import grow
from .factories import make_world


class OfficialPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_world()
        cls.official = cls.world.officials[0]  # three commitments in one statement

    def test_shows_statement_and_commitments(self):
        official = self.official
        response = self.client.get(official.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, official.title)
        self.assertContains(response, official.statements.get().text)
        self.assertEqual(response.context["stats"]["total"], 3)
        self.assertContains(response, f'href="/commitments/?official={official.pk}"')
        self.assertContains(response, f'href="{official.organization.get_absolute_url()}"')

    def test_unknown_official_is_404(self):
        self.assertEqual(self.client.get("/officials/999999/").status_code, 404)

    def test_query_count_does_not_grow_with_commitments(self):
        official = self.official
        # 1 official with organization, 2 statements, 3 commitments, 4 their totals
        with self.assertNumQueries(4):
            self.client.get(official.get_absolute_url())
        grow(organizations=2, per_organization=9)
        big = Official.objects.order_by("-pk").first()
        with self.assertNumQueries(4):
            response = self.client.get(big.get_absolute_url())
        self.assertEqual(len(response.context["commitments"]), 9)
