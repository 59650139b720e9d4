"""A conference's organizations page (/conferences/<slug>/organizations/) and the dashboard's bounded
"各单位进展": every organization with its roll-up, by group, a bounded page at a time."""

from unittest.mock import patch

from django.test import TestCase, override_settings

from policies import selectors

from .bulk import grow
from .factories import make_world


@override_settings(TRACKER_PAGE_CACHE=False)
class OrganizationListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_world()
        cls.url = f"{cls.world.conference.get_absolute_url()}organizations/"

    def names(self, response):
        return [organization.name for _, _, organization in response.context["page_obj"].object_list]

    def test_every_organization_by_group_with_its_figures(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            # the most advanced first within each group: 20 %, 20 % (by name), 13.3 %
            self.names(response), ["山前县", "河西区", "江岸区", "市卫生健康委", "市人力社保局", "高新区", "城投集团"]
        )
        html = response.content.decode()
        self.assertIn("区县（3）", html)
        self.assertIn("市级部门（2）", html)
        self.assertEqual(html.count('<li class="rollup">'), 7)
        # 江岸区: three commitments, one of them reported at 40 %
        self.assertIn("13.3%", html)
        self.assertIn(f'href="{self.world.organizations["江岸区"].get_absolute_url()}"', html)

    def test_a_county_is_named_as_one_beside_its_link(self):
        html = self.client.get(self.url).content.decode()
        page = self.world.organizations["山前县"].get_absolute_url()
        self.assertIn(f'<a href="{page}">山前县</a> <span class="meta">（县）</span>', html)

    def test_one_group(self):
        response = self.client.get(self.url, {"group": "department"})
        self.assertEqual(self.names(response), ["市卫生健康委", "市人力社保局"])
        self.assertContains(response, f'<a href="{self.url}?group=department" aria-current="page">市级部门（2）</a>', html=True)

    def test_an_unknown_group_says_so_and_lists_everyone(self):
        for group in ("planet", "<script>", "区县"):
            with self.subTest(group=group):
                response = self.client.get(self.url, {"group": group})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "没有这个单位类别，下面列出全部单位。")
                self.assertEqual(len(self.names(response)), 7)
                self.assertNotContains(response, "<script>")

    def test_pages_are_bounded_and_the_last_page_holds_the_rest(self):
        with patch.object(selectors, "ORGANIZATIONS_PER_PAGE", 3), patch("policies.views.ORGANIZATIONS_PER_PAGE", 3):
            first = self.names(self.client.get(self.url))
            third = self.names(self.client.get(self.url, {"page": 3}))
            beyond = self.names(self.client.get(self.url, {"page": 99}))
            junk = self.client.get(self.url, {"page": "abc"})
        self.assertEqual(first, ["山前县", "河西区", "江岸区"])
        self.assertEqual(third, ["城投集团"])
        self.assertEqual(beyond, third)
        self.assertEqual(junk.status_code, 200)

    def test_an_unknown_conference_is_not_found(self):
        self.assertEqual(self.client.get("/conferences/1999-01-01/organizations/").status_code, 404)

    def test_query_count_does_not_grow_with_data(self):
        # 1 the conference, 2 its organizations' summary rows, 3 those organizations
        with self.assertNumQueries(3):
            self.client.get(self.url)
        grow(organizations=12, per_organization=3)
        with self.assertNumQueries(3):
            response = self.client.get(self.url)
        self.assertEqual(len(self.names(response)), 19)


@override_settings(TRACKER_PAGE_CACHE=False)
class DashboardShowsTheFirstOrganizationsOfEachGroupTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_world()

    def test_a_group_longer_than_the_bound_links_to_all_of_it(self):
        with patch.object(selectors, "ORGANIZATIONS_SHOWN", 2):
            response = self.client.get("/")
        groups = {key: (len(shown), count) for key, _, shown, count in response.context["organization_groups"]}
        shown = {key: [o.name for o in organizations] for key, _, organizations, _ in response.context["organization_groups"]}
        self.assertEqual(shown["district"], ["山前县", "河西区"])  # not 江岸区, the least advanced
        self.assertEqual(groups["district"], (2, 3))
        self.assertEqual(groups["department"], (2, 2))
        url = f"{self.world.conference.get_absolute_url()}organizations/?group=district"
        self.assertContains(response, f'<a href="{url}">查看全部 3 个单位（区县）</a>', html=True)
        self.assertNotContains(response, "?group=department")
