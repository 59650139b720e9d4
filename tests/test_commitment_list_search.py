"""The public list's text box: jieba search, best match first, matched words marked, input escaped."""

import datetime
import re

from django.test import TestCase

from policies import search
from policies.models import Commitment, Organization

from .bulk import grow
from .factories import load_conference, make_commitment

MARK = re.compile(r"<mark>(.*?)</mark>")
FILLER = "，".join(["坚持稳中求进工作总基调", "统筹发展和安全", "扎实做好各项工作"] * 12)


def shown(response):
    return list(response.context["commitments"])


class ConferenceSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_conference()

    def test_matched_words_are_marked_in_summaries_and_quotes_of_every_row(self):
        response = self.client.get("/commitments/", {"q": "就业"})
        rows = shown(response)
        self.assertTrue(rows)
        self.assertIn(Organization.objects.get(name="市人力社保局"), {c.organization for c in rows})
        html = response.content.decode()
        items = re.findall(r'<li class="commitment .*?</li>', html, re.S)
        self.assertEqual(len(items), len(rows))
        for commitment, item in zip(rows, items, strict=True):
            with self.subTest(commitment=commitment.pk):
                self.assertEqual(set(MARK.findall(item)), {"就业"})
                self.assertEqual(len(MARK.findall(item)), commitment.summary.count("就业") + commitment.quote.count("就业"))
                # The quote is shown verbatim: taking the marks out gives it back character for character.
                quote = re.search(r'<p class="quote-excerpt">.*?“(.*?)”</p>', item, re.S).group(1)
                self.assertEqual(MARK.sub(r"\1", quote), commitment.quote)

    def test_without_a_query_nothing_is_marked_and_no_quote_is_added(self):
        html = self.client.get("/commitments/").content.decode()
        self.assertNotIn("<mark>", html)
        self.assertNotIn("quote-excerpt", html)

    def test_script_in_the_query_is_escaped_and_never_marked_as_html(self):
        response = self.client.get("/commitments/", {"q": "<script>alert(1)</script>"})
        html = response.content.decode()
        self.assertNotIn("<script>", html)
        self.assertEqual(shown(response), [])
        self.assertEqual(response.context["search_terms"], search.query_terms("<script>alert(1)</script>"))
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", html)  # echoed in the text box, escaped

    def test_a_refused_query_marks_nothing(self):
        response = self.client.get("/commitments/", {"q": "就业" * 60})  # over the 100-character limit
        self.assertContains(response, "筛选条件有误")
        self.assertEqual(response.context["search_terms"], [])
        self.assertNotContains(response, "<mark>")


class SearchOrderAndEscapingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # Created first, so that the list's default order (source order) would show it first.
        cls.in_quote = make_commitment(summary="做好年度各项工作", quote=f"{FILLER}，推进营商环境建设，{FILLER}",
                                       due_date=datetime.date(2021, 3, 31))
        cls.in_summary = make_commitment(summary="打造一流营商环境", quote="打造一流营商环境",
                                         due_date=datetime.date(2022, 12, 31))
        cls.scripted = make_commitment(summary="<script>alert('x')</script>稳定就业", quote="<b>稳定就业</b>")

    def test_a_summary_match_comes_before_a_long_quote_mentioning_it_once(self):
        self.assertEqual(shown(self.client.get("/commitments/")), [self.in_quote, self.in_summary, self.scripted])
        self.assertEqual(shown(self.client.get("/commitments/", {"q": "营商环境"})), [self.in_summary, self.in_quote])

    def test_an_explicit_sort_wins_over_the_rank(self):
        response = self.client.get("/commitments/", {"q": "营商环境", "sort": "due"})
        self.assertEqual(shown(response), [self.in_quote, self.in_summary])

    def test_marks_go_around_escaped_text_only(self):
        response = self.client.get("/commitments/", {"q": "就业 <script>"})
        self.assertEqual(shown(response), [self.scripted])
        html = response.content.decode()
        self.assertNotIn("<script>", html)
        self.assertNotIn("<b>", html)
        self.assertIn("&lt;<mark>script</mark>&gt;alert(&#x27;x&#x27;)&lt;/<mark>script</mark>&gt;稳定<mark>就业</mark>", html)
        self.assertIn("&lt;b&gt;稳定<mark>就业</mark>&lt;/b&gt;", html)


class SearchQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_conference()

    def test_a_search_costs_the_same_queries_at_any_size(self):
        # 1 count and 2 the page's ids (both from the full-text index alone), 3 those rows; once per data
        # version (grow bumps it) the menus: 4 conferences, 5-8 organizations, districts, departments,
        # officials, 9 key tasks: the same as without a search.
        for size in (0, 60):
            if size:
                grow(organizations=10, per_organization=6)
            with self.subTest(size=size), self.assertNumQueries(9):
                response = self.client.get("/commitments/", {"q": "测试 承诺" if size else "就业"})
                [c.statement.official.name for c in response.context["commitments"]]
            self.assertTrue(response.context["commitments"])
        # With another filter, the count and the ids come from the commitments joined to the index, and
        # the organization is looked up; the menus are those read above.
        bureau = Organization.objects.get(name="市人力社保局")
        with self.assertNumQueries(4):
            response = self.client.get("/commitments/", {"q": "就业", "department": bureau.pk})
        self.assertTrue(response.context["commitments"])


class SearchCountAndPagesTests(TestCase):
    """A search alone is answered from the full-text index (policies.search.ranked_matches), a search
    with another filter from the commitments: either way the count, the rows and their order are the
    search's over the commitments the filters keep."""

    @classmethod
    def setUpTestData(cls):
        load_conference()
        grow(organizations=6, per_organization=8)  # many commitments say 测试承诺: ties in rank

    def shown_count(self, response):
        return int(re.search(r"共 <strong>(\d+)</strong> 项", response.content.decode()).group(1))

    def test_the_count_and_every_page_are_the_searchs(self):
        for query in ("就业", "测试 承诺"):
            expected = [c.pk for c in search.search_commitments(Commitment.objects.all(), query)]
            self.assertGreater(len(expected), 20 if query == "测试 承诺" else 0)
            seen = []
            for page in range(1, (len(expected) + 19) // 20 + 1):
                with self.subTest(query=query, page=page):
                    response = self.client.get("/commitments/", {"q": query, "page": page})
                    self.assertEqual(self.shown_count(response), len(expected))
                    seen.extend(c.pk for c in shown(response))
            self.assertEqual(seen, expected)

    def test_with_another_filter_the_rows_are_counted(self):
        district = Organization.objects.filter(kind="district", commitments__summary="测试承诺").first()
        rows = search.search_commitments(Commitment.objects.filter(organization=district), "测试 承诺")
        response = self.client.get("/commitments/", {"q": "测试 承诺", "district": district.pk})
        self.assertEqual(self.shown_count(response), rows.count())
        self.assertEqual([c.pk for c in shown(response)], [c.pk for c in rows][:20])
        self.assertLess(rows.count(), search.ranked_matches("测试 承诺").count())
        # A sort keeps the search's count, in its own order.
        response = self.client.get("/commitments/", {"q": "测试 承诺", "sort": "-progress"})
        self.assertEqual(self.shown_count(response), search.ranked_matches("测试 承诺").count())
        by_progress = search.search_commitments(Commitment.objects.all(), "测试 承诺").order_by("-percent", "pk")
        self.assertEqual([c.pk for c in shown(response)], [c.pk for c in by_progress][:20])
