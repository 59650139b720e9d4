"""The keywords an organization's or a key task's page shows, after each write, are exactly what weighing every
owner again from every document gives; and a save weighs again only the owners it moved, in as many queries
however much else there is.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import TestCase

from policies import invalidation, search
from policies.choices import LinkOrigin
from policies.models import Commitment, KeyTask, Keyword, SuggestionDocument, SuggestionState

from .admin_posts import commitment_change_data
from .factories import make_commitment, make_organization, make_task, make_user

COMMITMENTS = "/admin/policies/commitment/"
# Twelve words only B's commitment has, and one (仓储) that A's has too: of B's thirteen, 仓储 is the one
# contained in two documents, so the weakest, and not among the twelve kept.
PORTS = "港口，码头，机场，铁路，公路，水运，航空，电商，快递，口岸，海关，枢纽，仓储"


def words(owner):
    return [word for word, _ in Keyword.objects.filter(**owner).order_by("rank").values_list("word", "weight")]


class KeywordWriteTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = make_user(is_staff=True, is_superuser=True)
        cls.parent = make_task(title="建设现代物流体系")
        cls.child = make_task(title="发展现代物流", parent=cls.parent, conference=cls.parent.conference)
        cls.a, cls.b, cls.c = make_organization(), make_organization(), make_organization()
        cls.storage = make_commitment(organization=cls.a, tasks=[cls.child], summary="建设仓储设施，发展物流")
        make_commitment(organization=cls.a, summary="培育物流企业")
        cls.ports = make_commitment(organization=cls.b, tasks=[cls.parent], summary=PORTS)
        make_commitment(organization=cls.c, summary="培育数据要素市场，发展数字经济")

    def assert_as_a_full_refresh(self):
        self.assertEqual(search.stored_keywords(), search.keywords_from_scratch())
        self.assertEqual(SuggestionState.objects.get().documents, SuggestionDocument.objects.count())

    def post_commitment(self, commitment, **fields):
        """The admin's change page of ``commitment`` saved with its links as they are, plus ``fields``."""
        data = commitment_change_data(commitment, **fields)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"{COMMITMENTS}{commitment.pk}/change/", data)
        self.assertEqual(response.status_code, 302, getattr(response, "context", None) and response.context.get("errors"))

    def setUp(self):
        self.client.force_login(self.superuser)

    def test_the_factories_leave_the_keywords_as_a_full_refresh(self):
        self.assert_as_a_full_refresh()
        self.assertNotIn("仓储", words({"organization": self.b}))
        self.assertIn("数字经济", words({"organization": self.c}))

    def test_an_edited_summary_reweighs_its_organization_and_tasks_and_leaves_the_others(self):
        untouched = list(Keyword.objects.filter(organization=self.c).values_list("pk", "word", "weight"))
        self.post_commitment(self.storage, summary="建设冷藏设施，发展物流")
        self.assertIn("冷藏", words({"organization": self.a}))
        self.assertNotIn("仓储", words({"organization": self.a}))
        self.assertIn("冷藏", words({"task": self.child}))
        # The parent's keywords count its sub-item's commitments.
        self.assertIn("冷藏", words({"task": self.parent}))
        self.assertEqual(list(Keyword.objects.filter(organization=self.c).values_list("pk", "word", "weight")), untouched)
        self.assert_as_a_full_refresh()

    def test_a_word_that_leaves_one_organization_enters_another_s_keywords(self):
        # 仓储 now only in B's commitment: as rare as B's other words, and first of them by its name.
        self.post_commitment(self.storage, summary="建设冷藏设施，发展物流")
        self.assertEqual(words({"organization": self.b})[0], "仓储")
        self.assert_as_a_full_refresh()

    def test_a_word_that_another_organization_lists_weighs_less_there(self):
        before = Keyword.objects.get(organization=self.b, word="港口").weight
        self.post_commitment(self.storage, summary="建设仓储设施，发展物流，扩建港口")
        self.assertNotIn("港口", words({"organization": self.b})[:11])
        self.assertLess(Keyword.objects.filter(organization=self.b, word="港口").values_list("weight", flat=True).first() or 0, before)
        self.assert_as_a_full_refresh()

    def test_a_link_added_in_the_commitment_page(self):
        other = make_task(title="发展数字经济")
        commitment = Commitment.objects.get(organization=self.c)
        self.post_commitment(commitment, **{
            "links-2-TOTAL_FORMS": 1, "links-2-0-task": other.pk, "links-2-0-commitment": commitment.pk,
            "links-2-0-origin": LinkOrigin.CURATED,
        })
        self.assertIn("数字经济", words({"task": other}))
        self.assert_as_a_full_refresh()

    def test_a_sub_item_moved_under_another_task_takes_its_words_along(self):
        other = make_task(title="建设冷链物流体系", conference=self.parent.conference)
        with self.captureOnCommitCallbacks(execute=True):
            KeyTask.objects.filter(pk=self.child.pk).update(parent=other)
            invalidation.tasks_changed()  # what the key tasks' admin calls after a save
        self.assertIn("仓储", words({"task": other}))
        self.assertNotIn("仓储", words({"task": self.parent}))
        self.assert_as_a_full_refresh()

    def test_a_commitment_deleted_in_the_admin_moves_every_idf(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"{COMMITMENTS}{self.storage.pk}/delete/", {"post": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(words({"task": self.child}), [])
        self.assert_as_a_full_refresh()

    def test_rebuild_search_index_gives_the_same_keywords(self):
        self.post_commitment(self.storage, summary="建设冷藏设施，发展物流，扩建港口")
        stored = search.stored_keywords()
        search.rebuild_index()
        self.assertEqual(search.stored_keywords(), stored)


class KeywordQueryCountTests(TestCase):
    """An admin save of one commitment's text costs the same queries with one organization or with many."""

    @classmethod
    def setUpTestData(cls):
        cls.superuser = make_user(is_staff=True, is_superuser=True)
        cls.task = make_task(title="建设现代物流体系")
        cls.commitment = make_commitment(tasks=[cls.task], summary="建设仓储设施，发展物流")
        # Both words of the edits in another organization's commitment too: each save moves their counts
        # without creating or emptying a row, with few commitments or many.
        make_commitment(tasks=[cls.task], summary="建设冷藏设施，扩建仓储设施")

    def save(self, summary, queries):
        data = {
            "summary": summary, "due_date": self.commitment.due_date.isoformat(), "due_basis": self.commitment.due_basis,
            "links-TOTAL_FORMS": 1, "links-INITIAL_FORMS": 1,
            "links-0-id": self.commitment.links.get().pk, "links-0-commitment": self.commitment.pk,
            "links-2-TOTAL_FORMS": 0, "links-2-INITIAL_FORMS": 0,
            "updates-TOTAL_FORMS": 0, "updates-INITIAL_FORMS": 0,
            "milestones-TOTAL_FORMS": 0, "milestones-INITIAL_FORMS": 0,
            "reminders-TOTAL_FORMS": 0, "reminders-INITIAL_FORMS": 0, "_save": "保存",
        }
        self.client.force_login(self.superuser)
        with self.assertNumQueries(queries), self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"{COMMITMENTS}{self.commitment.pk}/change/", data)
        self.assertEqual(response.status_code, 302)

    def test_a_save_costs_as_many_queries_with_more_organizations_and_commitments(self):
        ContentType.objects.get_for_model(Commitment)  # the admin log's, cached for the process
        # Counted, not designed. Before the commit: the session and user, the commitment and its form's rows,
        # its row, history, links and admin log (14). After it: its search document and the stored searches
        # of its words (10); its counts, the suggestions' and the keywords' (17); the keywords of the owners
        # it moved (10: who lists a word whose IDF it moved, where a word it took out could now rank, then
        # those owners' counts, their words' document counts and their stored keywords, rewritten); the
        # lights (4); the links counted again, nothing moved (8); savepoints.
        # The stored searches of one word (word_matches) take one query fewer on PostgreSQL.
        queries = 75 if connection.vendor == "sqlite" else 74
        for _ in range(2):
            self.save("建设冷藏设施，发展物流", queries)
            self.save("建设仓储设施，发展物流", queries)
            for n in range(12):
                make_commitment(tasks=[self.task] if n % 2 else [], summary=f"建设冷藏设施，扩建{n}号仓储设施")
        self.assertEqual(search.stored_keywords(), search.keywords_from_scratch())
