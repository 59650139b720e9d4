"""An organization's page: its officials, its commitments and their progress, and a link to filter them."""

import datetime
from unittest.mock import patch

from urllib.parse import quote

from django.test import TestCase, override_settings

from policies import search, selectors

from policies.models import Commitment, Organization
from policies.selectors import ROWS_PER_CONFERENCE
from policies.services import refresh_progress

from .bulk import grow
from .factories import (
    make_commitment,
    make_conference,
    make_organization,
    make_source,
    make_statement,
    make_update,
    make_world,
)


class OrganizationPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        world = make_world()
        cls.first_slug = world.conference.slug
        cls.district = world.organizations["江岸区"]
        cls.department = world.organizations["市人力社保局"]  # two commitments, both 孙丽's
        first, second = Commitment.objects.filter(organization=cls.department).order_by("pk")
        make_update(commitment=first, percent=35, review_state="approved", reported_on=datetime.date(2021, 9, 1))
        make_update(commitment=second, percent=90, reported_on=datetime.date(2021, 9, 1))  # not approved
        refresh_progress()

    def test_shows_officials_commitments_and_progress(self):
        response = self.client.get(self.department.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "孙丽")
        [(conference, conference_stats, rows, list_url)] = response.context["by_conference"]
        self.assertEqual(
            {c.pk for c in rows}, set(Commitment.objects.filter(organization=self.department).values_list("pk", flat=True))
        )
        self.assertEqual(conference_stats["total"], 2)
        self.assertEqual(list_url, f"/conferences/{conference.slug}/commitments/?department={self.department.pk}")
        stats = response.context["stats"]
        self.assertEqual(stats["total"], 2)
        # 35 % approved on one, the other's 90 % still awaiting review
        self.assertEqual(stats["avg_percent"], 17.5)
        self.assertContains(response, "17.5%")

    def test_one_click_to_all_commitments_of_a_district_or_department(self):
        district, department = self.district, self.department
        self.assertContains(self.client.get(district.get_absolute_url()), f'href="/commitments/?district={district.pk}"')
        self.assertContains(self.client.get(department.get_absolute_url()), f'href="/commitments/?department={department.pk}"')
        conference_list = f"/conferences/{self.first_slug}/commitments/"
        self.assertContains(self.client.get(department.get_absolute_url()), f'href="{conference_list}?department={department.pk}"')

    def test_unknown_organization_is_404(self):
        self.assertEqual(self.client.get("/organizations/999999/").status_code, 404)

    # The view's own cost: the page cache would answer the second request with no query at all.
    @override_settings(TRACKER_PAGE_CACHE=False)
    def test_query_count_and_rows_do_not_grow_with_commitments(self):
        # 1 organization, 2 its commitments' totals per conference, 3 those conferences, 4 the first
        # rows of each, 5 its stored keywords (weighted when the index was written, not on this
        # request), 6 its officials.
        for organization in (self.department, None):
            if organization is None:
                grow(organizations=3, per_organization=ROWS_PER_CONFERENCE + 5)
                organization = Organization.objects.order_by("-pk").first()
            search.forget_fitted()
            with self.assertNumQueries(6):
                response = self.client.get(organization.get_absolute_url())
            self.assertTrue(response.context["keywords"])
        # Bounded: the first rows of the conference, then a link to the list for all of them.
        [(conference, stats, rows, list_url)] = response.context["by_conference"]
        self.assertEqual(stats["total"], ROWS_PER_CONFERENCE + 5)
        self.assertEqual(len(rows), ROWS_PER_CONFERENCE)
        # The first in the source's order, each with its light.
        in_order = organization.commitments.order_by("statement__span_start", "number", "pk").values_list("pk", flat=True)
        self.assertEqual([c.pk for c in rows], list(in_order[:ROWS_PER_CONFERENCE]))
        self.assertEqual({c.light for c in rows} - {"none", "grey", "red", "yellow", "green"}, set())
        self.assertContains(response, f'在列表中查看全部 {ROWS_PER_CONFERENCE + 5} 项')
        self.assertContains(response, f'href="{list_url.replace("&", "&amp;")}"')

    @override_settings(TRACKER_PAGE_CACHE=False)
    def test_years_of_conferences_do_not_grow_the_page_past_its_rows(self):
        # Seven years of conferences, three commitments each: the newest conferences show their rows until
        # ROWS_PER_PAGE are shown (patched to 2 a conference and 5 in all: the two newest); every older one
        # keeps its summary line and its link to the list, and no query more is made for them.
        official = self.department.officials.get()
        for year in range(2021, 2028):
            conference = make_conference(slug=f"{year}-12-28", held_on=datetime.date(year, 12, 28))
            statement = make_statement(official=official, source=make_source(conference=conference))
            for number in (1, 2, 3):
                make_commitment(statement=statement, summary=f"{year}年承诺{number}", number=number)
        with patch.object(selectors, "ROWS_PER_CONFERENCE", 2), patch.object(selectors, "ROWS_PER_PAGE", 5):
            with self.assertNumQueries(6):
                response = self.client.get(self.department.get_absolute_url())
        sections = response.context["by_conference"]
        self.assertEqual(len(sections), 8)
        self.assertEqual([len(rows) for _, _, rows, _ in sections], [2, 2, 0, 0, 0, 0, 0, 0])
        self.assertEqual([stats["total"] for _, stats, _, _ in sections], [3] * 7 + [2])
        self.assertContains(response, "2027年承诺1")
        self.assertNotContains(response, "2025年承诺1")
        self.assertContains(response, "在列表中查看全部 3 项", count=7)
        self.assertNotContains(response, "前 0 项")
        self.assertContains(response, 'href="/conferences/2021-12-28/commitments/?department=')

    def test_commitments_are_grouped_by_conference(self):
        later = make_conference(slug="2021-12-28", held_on=datetime.date(2021, 12, 28))
        source = make_source(conference=later)
        official = self.department.officials.get()
        statement = make_statement(official=official, source=source)
        make_commitment(statement=statement, summary="二〇二二年的新承诺", number=1)
        response = self.client.get(self.department.get_absolute_url())
        sections = response.context["by_conference"]
        self.assertEqual([conference.slug for conference, *_ in sections], ["2021-12-28", self.first_slug])
        self.assertEqual([stats["total"] for _, stats, _, _ in sections], [1, 2])
        self.assertEqual(response.context["stats"]["total"], 3)
        self.assertContains(response, "二〇二二年的新承诺")
        self.assertContains(response, "2022年</a>承诺事项（1）")

    def test_shows_its_top_keywords_linked_to_a_search_of_its_commitments(self):
        response = self.client.get(self.department.get_absolute_url())
        keywords = response.context["keywords"]
        self.assertEqual(keywords, search.keywords_for_organization(self.department))
        self.assertContains(response, "<h2 id=\"keywords-title\">关键词</h2>", html=True)
        for word, _ in keywords:
            self.assertContains(response, f'?q={quote(word)}&amp;organization={self.department.pk}"')
            # Every keyword is a word of the organization's own commitments.
            self.assertTrue(Commitment.objects.filter(organization=self.department, search_document__words__contains=word))

    def test_an_organization_without_commitments_shows_no_keyword_list(self):
        response = self.client.get(make_organization().get_absolute_url())
        self.assertEqual(response.context["keywords"], [])
        self.assertNotContains(response, "关键词")

