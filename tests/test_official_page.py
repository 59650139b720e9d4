"""An official's page: the statement as quoted and the commitments drawn from it."""

from django.test import TestCase

from policies.models import Official
from policies.selectors import ROWS_PER_CONFERENCE

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
        slug = self.world.conference.slug
        self.assertContains(response, f'href="/conferences/{slug}/commitments/?official={official.pk}"')
        self.assertContains(response, f'href="{official.organization.get_absolute_url()}"')

    def test_unknown_official_is_404(self):
        self.assertEqual(self.client.get("/officials/999999/").status_code, 404)

    def test_query_count_does_not_grow_with_commitments(self):
        official = self.official
        # 1 official with organization, 2 statements with their sources and conferences,
        # 3 commitments' totals per conference, 4 those conferences, 5 the first rows of each
        with self.assertNumQueries(5):
            self.client.get(official.get_absolute_url())
        grow(organizations=2, per_organization=ROWS_PER_CONFERENCE + 3)
        big = Official.objects.order_by("-pk").first()
        with self.assertNumQueries(5):
            response = self.client.get(big.get_absolute_url())
        [(_, stats, rows, _)] = response.context["by_conference"]
        self.assertEqual((stats["total"], len(rows)), (ROWS_PER_CONFERENCE + 3, ROWS_PER_CONFERENCE))
