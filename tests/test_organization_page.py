"""An organization's page: its officials, its commitments and their progress, and a link to filter them."""

import datetime

from django.test import TestCase

from policies.models import Commitment, Organization
from policies.services import refresh_progress

from .bulk import grow
from .factories import load_conference, make_update


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

    def test_query_count_does_not_grow_with_commitments(self):
        # 1 organization, 2 its officials, 3 its commitments, 4 their totals
        with self.assertNumQueries(4):
            self.client.get(self.keji.get_absolute_url())
        grow(organizations=3, per_organization=8)
        big = Organization.objects.order_by("-pk").first()
        with self.assertNumQueries(4):
            response = self.client.get(big.get_absolute_url())
        self.assertEqual(len(response.context["commitments"]), 8)

