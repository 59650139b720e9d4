"""A search for one common word reads its count and first pages from the word's stored row: the same
count, rows and order as ranking every match, on every page, after every kind of change to the index."""

import re

from django.test import TestCase

from policies import invalidation, search
from policies.cache import bump_data_version
from policies.models import Commitment

from .factories import make_commitment, make_official, make_organization, make_statement

# More matches than the stored rows list (five pages of twenty): the first pages come from the row, the
# later ones from ranking the rest. The word's count and place in the summary vary, and so the rank.
SUMMARIES = [
    "促进就业",
    "稳就业保民生，扩大就业容量",
    "实施就业优先政策，就业规模稳定，重点群体就业帮扶",
    "推进高质量发展，建设现代化产业体系，扩大内需，促进就业",
    "就业",
    "完善城乡基层治理体系，深化改革开放，统筹发展和安全，做好就业工作",
]


def shown(response):
    return [c.pk for c in response.context["commitments"]]


def shown_count(response):
    return int(re.search(r"共 <strong>(\d+)</strong> 项", response.content.decode()).group(1))


def ranked(query):
    """The search's order, ranking every match: what the list showed before the rows were stored."""
    return [c.pk for c in search.search_commitments(Commitment.objects.all(), query)]


def add(n, statement, start=0):
    return [
        make_commitment(statement=statement, number=start + i + 1, summary=SUMMARIES[(start + i) % len(SUMMARIES)])
        for i in range(n)
    ]


class CommonWordTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.statement = make_statement()
        add(108, cls.statement)
        # The word in the body alone (the organization's name): ranked after every summary that says it.
        bureau = make_statement(official=make_official(organization=make_organization(name="市就业服务局")))
        cls.in_body = [make_commitment(statement=bureau, number=i + 1, summary="技能培训") for i in range(4)]

    def assert_stored_rows_are_the_search_s(self):
        self.assertEqual(search.stored_search_words(), search.search_words_from_scratch())

    def assert_every_page_is_the_search_s(self, query="就业"):
        expected = ranked(query)
        seen = []
        for page in range(1, (len(expected) + 19) // 20 + 1):
            with self.subTest(query=query, page=page):
                response = self.client.get("/commitments/", {"q": query, "page": page})
                self.assertEqual(shown_count(response), len(expected))
                seen.extend(shown(response))
        self.assertEqual(seen, expected)

    def test_every_page_of_a_common_word_is_the_search_s(self):
        expected = ranked("就业")
        self.assertEqual(len(expected), 112)
        self.assertEqual(expected[-4:], [c.pk for c in self.in_body])
        self.assert_every_page_is_the_search_s()
        self.assert_stored_rows_are_the_search_s()

    def test_other_searches_still_rank_every_match(self):
        # Two words, a word inside another filter, a word nothing says.
        self.assert_every_page_is_the_search_s("扩大 就业")
        response = self.client.get("/commitments/", {"q": "就业", "organization": self.in_body[0].organization_id})
        self.assertEqual(shown(response), [c.pk for c in self.in_body])
        response = self.client.get("/commitments/", {"q": "冷链"})
        self.assertEqual((shown_count(response), shown(response)), (0, []))

    def test_a_common_word_s_count_and_first_pages_are_one_row_at_any_size(self):
        for size in (0, 30):
            add(size, self.statement, start=200)
            bump_data_version()  # as the write paths do once they commit: pages cached before are stale
            with self.subTest(size=size):
                expected, matches = ranked("就业"), search.ranked_matches("就业")
                # 1 the word's row: its count and the first five pages
                with self.assertNumQueries(1):
                    self.assertEqual(matches.count(), 112 + size)
                    self.assertEqual(matches[80:100], expected[80:100])
                # 1 the word's row, 2 the page's ids ranked by the index
                with self.assertNumQueries(2):
                    self.assertEqual(list(search.ranked_matches("就业")[100:120]), expected[100:120])
                # 1-6 the form's menus (tasks, conferences, organizations of each kind, officials), 7 the
                # word's row for the count, 8 and for the page's ids, 9 the page's rows
                with self.assertNumQueries(9):
                    response = self.client.get("/commitments/", {"q": "就业"})
                self.assertEqual(shown(response), expected[:20])

    def test_edits_added_and_deleted_commitments_keep_the_rows_exact(self):
        first = ranked("就业")
        # A listed commitment loses the word; one beyond the list now says it often enough to be on page one.
        listed, beyond = Commitment.objects.get(pk=first[3]), Commitment.objects.get(pk=first[105])
        with self.captureOnCommitCallbacks(execute=True):
            listed.summary = "技能培训"
            listed.save()
            beyond.summary = "就业就业就业就业，稳就业"
            beyond.save()
            invalidation.commitments_changed([listed.pk, beyond.pk])
        self.assertNotIn(listed.pk, ranked("就业"))
        self.assertLess(ranked("就业").index(beyond.pk), 20)
        self.assert_stored_rows_are_the_search_s()

        # Enough of the listed ones lose the word that the row is ranked again from the index.
        gone = ranked("就业")[:30]
        with self.captureOnCommitCallbacks(execute=True):
            Commitment.objects.filter(pk__in=gone).update(summary="技能培训")
            invalidation.commitments_changed(gone)
        self.assert_stored_rows_are_the_search_s()

        # Deleted: its document goes with it, unread.
        deleted = ranked("就业")[0]
        with self.captureOnCommitCallbacks(execute=True):
            Commitment.objects.filter(pk=deleted).delete()
            invalidation.commitments_changed([deleted])
        self.assertNotIn(deleted, ranked("就业"))
        self.assert_stored_rows_are_the_search_s()
        self.assert_every_page_is_the_search_s()
        self.assertEqual(len(ranked("就业")), 112 - 1 - 30 - 1)
