"""Suggested key-task links and keywords, by jieba TF-IDF."""

import re
from io import StringIO

from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import TestCase

from policies import invalidation, search, services
from policies.choices import LinkOrigin
from policies.models import Commitment, KeyTask, Organization, TaskLink

from .factories import load_conference, make_commitment, make_task


class ConferenceSuggestionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_conference()

    def setUp(self):
        search.forget_fitted()

    def test_employment_text_suggests_the_employment_sub_item_first(self):
        top = search.suggest_tasks("促进高校毕业生和农民工多渠道就业", limit=3)
        self.assertEqual(top[0].task.code, "T8.2")
        scores = [s.score for s in top]
        self.assertEqual(scores, sorted(scores, reverse=True))

    def test_text_without_meaningful_words_gets_no_suggestion(self):
        self.assertEqual(search.suggest_tasks("的了，。"), [])

    def test_suggestions_for_a_commitment_leave_out_its_linked_tasks(self):
        commitment = Commitment.objects.filter(links__task__code="T8.2").first()
        linked = set(commitment.links.values_list("task__code", flat=True))
        offered = {s.task.code for s in search.suggest_for_commitment(commitment, limit=5)}
        self.assertTrue(offered)
        self.assertFalse(offered & linked)

    def test_accepting_a_suggestion_makes_a_suggested_link_with_its_score(self):
        commitment = Commitment.objects.filter(links__task__code="T8.2").first()
        suggestion = search.suggest_for_commitment(commitment, limit=1)[0]
        link = services.accept_suggestion(commitment=commitment, task=suggestion.task)
        link.refresh_from_db()
        self.assertEqual(link.origin, LinkOrigin.SUGGESTED)
        self.assertAlmostEqual(link.score, suggestion.score, places=4)
        with self.assertRaises(ValidationError):
            services.accept_suggestion(commitment=commitment, task=suggestion.task)
        self.assertEqual(TaskLink.objects.filter(commitment=commitment, task=suggestion.task).count(), 1)

    def test_suggest_tasks_command_prints_tasks_with_scores(self):
        out = StringIO()
        call_command("suggest_tasks", "推进长江生态系统保护修复", "--limit", "3", stdout=out)
        lines = out.getvalue().splitlines()
        self.assertEqual(len(lines), 3)
        self.assertRegex(lines[0], r"^0\.\d{4}  T7")
        with self.assertRaises(CommandError):
            call_command("suggest_tasks", "的了", stdout=StringIO())

    def test_evaluation_beats_the_most_frequent_task_baseline(self):
        result = search.evaluate_leave_one_out()
        model, baseline = result["overall"]
        self.assertEqual(model.count, Commitment.objects.filter(links__origin="curated").distinct().count())
        for ours, theirs in zip(model.means(), baseline.means(), strict=True):
            self.assertGreater(ours, theirs)
        self.assertEqual(set(result["tasks"]), set(KeyTask.objects.top_level().values_list("code", flat=True)))

    def test_evaluate_command_prints_every_top_level_task_and_overall(self):
        out = StringIO()
        call_command("evaluate_suggestions", stdout=out)
        text = out.getvalue()
        for code in KeyTask.objects.top_level().values_list("code", flat=True):
            self.assertRegex(text, rf"(?m)^{re.escape(code)} ")
        self.assertRegex(text, r"(?m)^overall\s+\d+\s+0\.\d{3}")
        self.assertIn("margin over baseline", text)

    def test_readme_records_the_numbers_the_command_prints(self):
        from pathlib import Path

        out = StringIO()
        call_command("evaluate_suggestions", stdout=out)
        overall = next(line for line in out.getvalue().splitlines() if line.startswith("overall"))
        readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
        self.assertIn(overall, readme)

    def test_keywords_of_an_organization(self):
        bureau = Organization.objects.get(name="市人力社保局")
        # Weighted when the index was written: reading them is one query of at most n rows.
        with self.assertNumQueries(1):
            keywords = search.keywords_for_organization(bureau, n=5)
        self.assertEqual(keywords[0], ("就业", 1.0))
        self.assertEqual(len(keywords), 5)
        self.assertTrue(all(0 < weight <= 1 for _, weight in keywords))

    def test_a_new_task_is_suggested_at_once(self):
        search.suggest_tasks("发展低空经济和无人机产业")  # fits and caches the model
        conference = KeyTask.objects.first().conference
        task = make_task(conference=conference, code="T99", title="大力发展低空经济和无人机产业")
        self.assertEqual(search.suggest_tasks("发展低空经济和无人机产业", limit=1)[0].task, task)

    def test_a_new_curated_link_lends_its_words_to_the_task_at_once(self):
        t5 = KeyTask.objects.get(code="T5")
        before = dict((s.task.code, s.score) for s in search.suggest_tasks("跨境电商综合试验区", limit=31))
        make_commitment(tasks=[t5], summary="建设跨境电商综合试验区", quote="建设跨境电商综合试验区")
        after = dict((s.task.code, s.score) for s in search.suggest_tasks("跨境电商综合试验区", limit=31))
        self.assertGreater(after["T5"], before.get("T5", 0.0))

    def test_keywords_of_a_task_include_its_sub_items(self):
        words = [word for word, _ in search.keywords_for_task(KeyTask.objects.get(code="T8"), n=8)]
        self.assertIn("就业", words)
        self.assertNotIn("的", words)


class KeywordFilteringTests(TestCase):
    def setUp(self):
        search.forget_fitted()

    def test_filler_verbs_are_not_keywords(self):
        task = make_task(title="发展数字经济")
        make_commitment(tasks=[task], summary="加快推进数字经济发展", quote="加快推进数字经济发展")
        make_commitment(summary="推进乡村振兴", quote="加快推进乡村振兴")
        words = [word for word, _ in search.keywords_for_task(task)]
        self.assertEqual(words, ["数字经济"])

    def test_an_organization_without_commitments_has_no_keywords(self):
        commitment = make_commitment()
        organization = commitment.organization
        self.assertTrue(search.keywords_for_organization(organization))
        pk = commitment.pk
        commitment.delete()
        # What the admin's delete does after its commit (policies.invalidation.commitments_changed).
        search.index_commitments([pk])
        self.assertEqual(search.keywords_for_organization(organization), [])

    def test_keywords_follow_a_link_added_through_the_write_path(self):
        task = make_task(title="发展数字经济")
        commitment = make_commitment(summary="建设数字经济产业园", quote="建设数字经济产业园")
        self.assertEqual(search.keywords_for_task(task), [])
        with self.captureOnCommitCallbacks(execute=True):
            TaskLink.objects.create(commitment=commitment, task=task)
            invalidation.tasks_changed()  # what the admin's link save calls
        self.assertIn("数字经济", [word for word, _ in search.keywords_for_task(task)])



class LeaveOneOutTests(TestCase):
    """A saved commitment's own curated links must not vouch for it: its words come out of the
    profiles of its tasks, and every task scores as if those links were not there."""

    @classmethod
    def setUpTestData(cls):
        load_conference()

    def setUp(self):
        search.forget_fitted()

    def scores(self, text, **kwargs):
        return {s.task.code: s.score for s in search.suggest_tasks(text, limit=100, **kwargs)}

    def test_a_commitment_left_out_scores_as_without_its_links(self):
        commitment = Commitment.objects.filter(links__origin=LinkOrigin.CURATED).order_by("pk").first()
        text = f"{commitment.summary}\n{commitment.quote}"
        left_out = self.scores(text, exclude_commitment_id=commitment.pk)
        self.assertNotEqual(left_out, self.scores(text))
        with self.captureOnCommitCallbacks(execute=True):
            TaskLink.objects.filter(commitment=commitment, origin=LinkOrigin.CURATED).delete()
            invalidation.tasks_changed([commitment.pk])  # what the admin's links inline calls
        self.assertEqual(left_out, self.scores(text))
