"""Object pages' addresses built from a pattern reversed once (policies.links) are reverse()'s, always."""

from django.test import SimpleTestCase
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from policies import links


class PageUrlTests(SimpleTestCase):
    def tearDown(self):
        clear_script_prefix()
        set_script_prefix("/")

    def assert_same(self, viewname, *args):
        self.assertEqual(links.page_url(viewname, *args), reverse(viewname, args=args))

    def test_the_addresses_the_pages_link_to_are_reverses(self):
        self.assert_same("policies:organization", 15)
        self.assert_same("policies:official", 7)
        self.assert_same("policies:commitment", 100066)
        self.assert_same("policies:conference", "2020-12-29")
        self.assert_same("policies:task", "2020-12-29", "T3")
        self.assert_same("policies:task", "2021-12-28", "T10.2")
        self.assert_same("policies:source", "2020-12-29", "cqrb-2020-12-30")
        self.assertEqual(links.page_url("policies:task", "2020-12-29", "T3"), "/conferences/2020-12-29/tasks/T3/")

    def test_a_code_in_chinese_is_quoted_as_reverse_quotes_it(self):
        self.assert_same("policies:task", "2020-12-29", "稳就业")

    def test_a_site_served_under_a_prefix_links_under_it(self):
        self.assertEqual(links.page_url("policies:organization", 15), "/organizations/15/")
        set_script_prefix("/tracker/")
        self.assertEqual(links.page_url("policies:organization", 15), "/tracker/organizations/15/")
        self.assert_same("policies:task", "2020-12-29", "T3")

    def test_an_argument_no_address_can_hold_is_refused_as_reverse_refuses_it(self):
        with self.assertRaises(NoReverseMatch):
            links.page_url("policies:task", "2020-12-29", "T3/../admin")
        with self.assertRaises(NoReverseMatch):
            links.page_url("policies:task", "2020-12-29", "")
