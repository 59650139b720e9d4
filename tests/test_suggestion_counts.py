"""The suggestions' stored word counts equal a count from scratch after every write path, and the
model read from them suggests exactly what a model fitted from scratch suggests. So do the words a search
for one word reads (each word's count and first matches).

Each test writes through the path a user takes (the admin's pages, the services, the importer, the
commands), then counts every document and curated link again and compares.
"""

from collections import Counter
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from policies import importing, invalidation, search, services
from policies.choices import LinkOrigin
from policies.models import Commitment, KeyTask, SuggestionDocument, TaskLink
from policies.roles import ensure_roles

from .admin_posts import commitment_change_data
from .factories import load_conference, make_reviewer, make_user
from .test_importer_drafts import import_jiangzhou

COMMITMENTS = "/admin/policies/commitment/"


class CountsTestMixin:
    def assert_counts_from_scratch(self):
        stored, expected = search.stored_word_counts(), search.word_counts_from_scratch()
        self.assertEqual(stored.documents, expected.documents)
        self.assertEqual(stored.corpus, expected.corpus)
        self.assertEqual(stored.tasks, expected.tasks)
        # What each commitment is recorded as counted with adds up to the counts, and its tasks are
        # the curated links it has now: the next change to it counts out exactly what it counted in.
        curated = {}
        for commitment_id, task_id in TaskLink.objects.filter(origin=LinkOrigin.CURATED).order_by("task_id").values_list(
            "commitment_id", "task_id"
        ):
            curated.setdefault(commitment_id, []).append(task_id)
        corpus, tasks = Counter(), {}
        for commitment_id, words, task_ids in SuggestionDocument.objects.values_list("pk", "words", "tasks"):
            task_ids = [int(t) for t in task_ids.split()]
            self.assertEqual(task_ids, curated.get(commitment_id, []), commitment_id)
            corpus.update(words.split())
            for task_id in task_ids:
                tasks.setdefault(task_id, Counter()).update(words.split())
        self.assertEqual(dict(corpus), expected.corpus)
        self.assertEqual({task_id: dict(words) for task_id, words in tasks.items()}, expected.tasks)
        self.assertEqual(search.stored_search_words(), search.search_words_from_scratch())
        # The keywords, weighed from counts kept beside these, are what weighing every document gives.
        self.assertEqual(search.stored_keywords(), search.keywords_from_scratch())

    def shown(self, commitments):
        return {c.pk: [(s.task.code, s.score) for s in search.suggest_for_commitment(c, limit=5)] for c in commitments}

    def assert_suggestions_from_scratch(self, commitments):
        """What the admin page shows is what it shows once every count is made again from scratch."""
        kept = self.shown(commitments)
        call_command("rebuild_search_index", stdout=StringIO())
        self.assertEqual(self.shown(commitments), kept)


class ConferenceCountTests(CountsTestMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        load_conference()
        cls.reviewer = make_reviewer()
        cls.superuser = make_user(is_staff=True, is_superuser=True)

    def setUp(self):
        search.forget_fitted()

    def post_commitment(self, commitment, **fields):
        """The admin's commitment page saved with its links as they are, plus ``fields``."""
        data = commitment_change_data(commitment, **fields)
        self.client.force_login(self.reviewer)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"{COMMITMENTS}{commitment.pk}/change/", data)
        self.assertEqual(response.status_code, 302, getattr(response, "context", None) and response.context.get("errors"))

    def test_load_conference_counts_every_document_and_curated_link(self):
        self.assertEqual(search.stored_word_counts().documents, Commitment.objects.count())
        self.assert_counts_from_scratch()

    def test_the_admin_page_shows_what_counts_from_scratch_suggest(self):
        commitment = Commitment.objects.filter(links__origin=LinkOrigin.CURATED).order_by("pk").first()
        self.post_commitment(commitment, summary="建设国际消费中心城市，发展夜间经济")
        self.assert_suggestions_from_scratch(Commitment.objects.order_by("pk"))

    def test_a_summary_edited_in_the_admin(self):
        commitment = Commitment.objects.filter(links__origin=LinkOrigin.CURATED).order_by("pk").first()
        self.post_commitment(commitment, summary="建设国际消费中心城市，发展夜间经济")
        self.assert_counts_from_scratch()

    def test_a_curated_link_added_in_the_commitment_page(self):
        commitment = Commitment.objects.order_by("pk").first()
        task = KeyTask.objects.exclude(pk__in=commitment.links.values("task")).order_by("pk").first()
        self.post_commitment(commitment, **{
            "links-2-TOTAL_FORMS": 1, "links-2-0-task": task.pk, "links-2-0-origin": LinkOrigin.CURATED,
            "links-2-0-commitment": commitment.pk,
        })
        self.assertTrue(commitment.links.filter(task=task, origin=LinkOrigin.CURATED).exists())
        self.assert_counts_from_scratch()

    def test_a_curated_link_deleted_in_the_commitment_page(self):
        commitment = Commitment.objects.filter(links__origin=LinkOrigin.CURATED).order_by("pk").first()
        link = commitment.links.order_by("pk").first()
        self.post_commitment(commitment, **{"links-0-DELETE": "on"})
        self.assertFalse(TaskLink.objects.filter(pk=link.pk).exists())
        self.assert_counts_from_scratch()

    def test_a_link_moved_to_another_commitment_in_the_links_admin(self):
        # The links' admin does not say which commitment a link left: every commitment's links are compared.
        link = TaskLink.objects.filter(origin=LinkOrigin.CURATED).order_by("pk").first()
        other = Commitment.objects.exclude(links__task=link.task).order_by("pk").first()
        self.client.force_login(self.superuser)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"/admin/policies/tasklink/{link.pk}/change/", {
                "commitment": other.pk, "task": link.task_id, "origin": LinkOrigin.CURATED, "score": "", "_save": "保存",
            })
        self.assertEqual(response.status_code, 302)
        self.assertEqual(TaskLink.objects.get(pk=link.pk).commitment, other)
        self.assert_counts_from_scratch()

    def test_accepting_a_suggestion(self):
        commitment = Commitment.objects.order_by("pk")[3]
        before = search.stored_word_counts()
        suggestion = search.suggest_for_commitment(commitment, limit=1)[0]
        with self.captureOnCommitCallbacks(execute=True):
            services.accept_suggestion(commitment=commitment, task=suggestion.task)
        # Accepted suggestions never train the model: nothing counted changes.
        self.assertEqual(search.stored_word_counts(), before)
        self.assert_counts_from_scratch()

    def test_a_commitment_deleted_in_the_admin_and_restored(self):
        commitment = Commitment.objects.filter(links__origin=LinkOrigin.CURATED, updates__isnull=True).order_by("pk").first()
        self.client.force_login(self.superuser)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"{COMMITMENTS}{commitment.pk}/delete/", {"post": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Commitment.objects.filter(pk=commitment.pk).exists())
        self.assertFalse(SuggestionDocument.objects.filter(pk=commitment.pk).exists())
        self.assert_counts_from_scratch()
        with self.captureOnCommitCallbacks(execute=True):
            services.restore_commitment(commitment_id=commitment.pk, reviewer=self.reviewer)
        self.assertTrue(SuggestionDocument.objects.filter(pk=commitment.pk).exists())
        self.assert_counts_from_scratch()

    def test_a_task_s_links_deleted_in_the_links_admin(self):
        task = KeyTask.objects.get(code="T3.1")
        links = list(task.links.values_list("pk", flat=True))
        self.client.force_login(self.superuser)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post("/admin/policies/tasklink/", {
                "action": "delete_selected", "_selected_action": links, "post": "yes",
            })
        self.assertEqual(response.status_code, 302)
        self.assertFalse(task.links.exists())
        self.assertNotIn(task.pk, search.stored_word_counts().tasks)
        self.assert_counts_from_scratch()

    def test_rebuild_search_index_counts_again_what_a_shell_wrote_around(self):
        commitment = Commitment.objects.order_by("pk").first()
        Commitment.objects.filter(pk=commitment.pk).update(summary="发展低空经济")
        TaskLink.objects.filter(commitment=commitment).delete()
        call_command("rebuild_search_index", verbosity=0)
        self.assert_counts_from_scratch()

    def test_another_process_s_write_is_seen_at_the_next_suggestion(self):
        task = KeyTask.objects.get(code="T5")
        commitment = Commitment.objects.exclude(links__task=task).order_by("pk").first()
        text = commitment.summary
        before = {s.task.code: s.score for s in search.suggest_tasks(text, limit=31)}
        # Written as another process would: the rows and the stored counts change (that process's
        # write path runs there), this process's model in memory does not.
        with self.captureOnCommitCallbacks(execute=True):
            TaskLink.objects.create(commitment=commitment, task=task)
            invalidation.tasks_changed([commitment.pk])
        after = {s.task.code: s.score for s in search.suggest_tasks(text, limit=31)}
        self.assertGreater(after["T5"], before.get("T5", 0.0))


class ImporterCountTests(CountsTestMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.reviewer = make_reviewer()

    def test_accepting_an_imported_report(self):
        report = import_jiangzhou(self.reviewer).report
        with self.captureOnCommitCallbacks(execute=True):
            importing.accept_statements(drafts=list(report.statements.all()), reviewer=self.reviewer)
        self.assertTrue(TaskLink.objects.exists())
        self.assertEqual(search.stored_word_counts().documents, Commitment.objects.count())
        self.assert_counts_from_scratch()
