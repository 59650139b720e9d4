"""An organization's page: its officials, its commitments and their progress, and a link to filter them."""

import datetime

from urllib.parse import quote

from django.test import TestCase, override_settings

from policies import search

from policies.models import Commitment, Organization
from policies.services import refresh_progress

from .bulk import grow
from .factories import load_conference, make_organization, make_update


class OrganizationPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_conference()
        cls.jiangbei = Organization.objects.get(name="江北区")
        cls.keji = Organization.objects.get(name="市科技局")
        first, second = Commitment.objects.filter(organization=cls.keji).order_by("pk")[:2]
        make_update(commitment=first, percent=30, review_state="approved", reported_on=datetime.date(2021, 3, 1))
        make_update(commitment=second, percent=90, reported_on=datetime.date(2021, 3, 1))  # not approved
        refresh_progress()

    def test_shows_officials_commitments_and_progress(self):
        response = self.client.get(self.keji.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "陈军")
        self.assertEqual(
            {c.pk for c in response.context["commitments"]},
            set(Commitment.objects.filter(organization=self.keji).values_list("pk", flat=True)),
        )
        stats = response.context["stats"]
        self.assertEqual(stats["total"], 7)
        self.assertEqual(stats["avg_percent"], round(30 / 7, 1))
        self.assertContains(response, f"{round(30 / 7, 1)}%")

    def test_one_click_to_all_commitments_of_a_district_or_department(self):
        self.assertContains(self.client.get(self.jiangbei.get_absolute_url()), f'href="/commitments/?district={self.jiangbei.pk}"')
        self.assertContains(self.client.get(self.keji.get_absolute_url()), f'href="/commitments/?department={self.keji.pk}"')

    def test_unknown_organization_is_404(self):
        self.assertEqual(self.client.get("/organizations/999999/").status_code, 404)

    # The view's own cost: the page cache would answer the second request with no query at all.
    @override_settings(TRACKER_PAGE_CACHE=False)
    def test_query_count_does_not_grow_with_commitments(self):
        # 1 organization, 2 its commitments' totals, 3 the search documents' fingerprint (is the
        # cached keyword IDF current?), 4 every document's words to fit the IDF (only when not
        # cached: cleared here, so counted), 5 the words of its commitments for its keywords,
        # 6 its officials, 7 its commitments. With the IDF cached, the same page costs 6.
        for organization in (self.keji, None):
            if organization is None:
                grow(organizations=3, per_organization=8)
                organization = Organization.objects.order_by("-pk").first()
            search.forget_fitted()
            with self.assertNumQueries(7):
                response = self.client.get(organization.get_absolute_url())
            with self.assertNumQueries(6):
                self.client.get(organization.get_absolute_url())
            self.assertTrue(response.context["keywords"])
        self.assertEqual(len(response.context["commitments"]), 8)

    def test_shows_its_top_keywords_linked_to_a_search_of_its_commitments(self):
        response = self.client.get(self.keji.get_absolute_url())
        keywords = response.context["keywords"]
        self.assertEqual(keywords, search.keywords_for_organization(self.keji))
        self.assertContains(response, "<h2 id=\"keywords-title\">关键词</h2>", html=True)
        for word, _ in keywords:
            self.assertContains(response, f'?q={quote(word)}&amp;organization={self.keji.pk}"')
            # Every keyword is a word of the organization's own commitments.
            self.assertTrue(Commitment.objects.filter(organization=self.keji, search_document__words__contains=word))

    def test_an_organization_without_commitments_shows_no_keyword_list(self):
        response = self.client.get(make_organization().get_absolute_url())
        self.assertEqual(response.context["keywords"], [])
        self.assertNotContains(response, "关键词")

