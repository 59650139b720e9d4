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


class OfficialStatementsBoundTests(TestCase):
    """An official quoted at many conferences: the page quotes the latest OFFICIAL_STATEMENTS statements in
    full and says how many earlier ones there are, linking to the official's commitments."""

    def test_the_latest_statements_in_full_and_a_count_of_the_rest(self):
        import datetime

        from policies.views import OFFICIAL_STATEMENTS

        from .factories import make_conference, make_official, make_source, make_statement

        official = make_official(name="多年表态")
        for year in range(OFFICIAL_STATEMENTS + 3):
            conference = make_conference(held_on=datetime.date(2010 + year, 12, 28))
            make_statement(official=official, source=make_source(conference=conference, text=f"表态{year}年度原文。"),
                           text=f"表态{year}年度原文")
        with self.settings(TRACKER_PAGE_CACHE=False):
            response = self.client.get(official.get_absolute_url())
        html = response.content.decode()
        self.assertEqual(html.count('<blockquote class="quote">'), OFFICIAL_STATEMENTS)
        self.assertIn(f"表态{OFFICIAL_STATEMENTS + 2}年度原文", html)  # the latest is quoted
        self.assertNotIn("表态0年度原文", html)  # the earliest is not
        self.assertIn("另有 3 条更早的表态未在此全文引用", html)
        self.assertIn(f'href="/commitments/?official={official.pk}"', html)
