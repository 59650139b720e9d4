"""Suggested key tasks on the commitment's admin page, and accepting one in a click."""

from django.contrib.admin.models import LogEntry
from django.test import TestCase

from policies import search
from policies.choices import LinkOrigin
from policies.models import Commitment, Organization, TaskLink
from policies.roles import ensure_roles

from .factories import load_conference, make_reporter, make_reviewer, make_user

SECTION = "系统建议的重点任务（按分词相似度）"


class AdminSuggestionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_conference()
        ensure_roles()
        cls.reviewer = make_reviewer()
        cls.superuser = make_user(is_staff=True, is_superuser=True)
        cls.commitment = Commitment.objects.filter(links__task__code="T8.2").order_by("pk").first()
        cls.reporter = make_reporter(organization=cls.commitment.organization)
        cls.other_reporter = make_reporter(organization=Organization.objects.exclude(
            pk=cls.commitment.organization_id).order_by("pk").first())
        cls.change_url = f"/admin/policies/commitment/{cls.commitment.pk}/change/"
        cls.accept_url = f"/admin/policies/commitment/{cls.commitment.pk}/suggestions/accept/"

    def setUp(self):
        search.forget_fitted()
        self.expected = search.suggest_for_commitment(self.commitment, limit=5)

    def page(self, user):
        self.client.force_login(user)
        response = self.client.get(self.change_url)
        self.assertEqual(response.status_code, 200)
        return response

    def accept(self, user, task_id, **kwargs):
        self.client.force_login(user)
        return self.client.post(self.accept_url, {"task": task_id}, **kwargs)

    def test_reviewer_sees_the_top_suggestions_with_scores_and_accept_buttons(self):
        self.assertTrue(self.expected)
        response = self.page(self.reviewer)
        self.assertContains(response, SECTION)
        self.assertEqual(response.context["suggestions"], self.expected)
        linked = set(self.commitment.links.values_list("task_id", flat=True))
        for suggestion in self.expected:
            self.assertNotIn(suggestion.task.pk, linked)
            self.assertContains(response, f"{suggestion.task.code} {suggestion.task.title}")
            self.assertContains(response, f"<td>{suggestion.score:.2f}</td>", html=True)
            self.assertContains(response, f'name="task" value="{suggestion.task.pk}"')
        self.assertContains(response, f'<form id="accept-suggestion" method="post" action="{self.accept_url}">')

    def test_reporter_sees_no_suggestions_they_could_not_act_on(self):
        response = self.page(self.reporter)
        self.assertNotContains(response, SECTION)
        self.assertNotContains(response, 'form="accept-suggestion"')
        self.assertNotContains(response, self.accept_url)

    def test_accepting_links_the_task_records_history_and_goes_back_with_a_message(self):
        task = self.expected[0].task
        response = self.accept(self.reviewer, task.pk, follow=True)
        self.assertRedirects(response, self.change_url)
        link = TaskLink.objects.get(commitment=self.commitment, task=task)
        self.assertEqual(link.origin, LinkOrigin.SUGGESTED)
        self.assertAlmostEqual(link.score, self.expected[0].score, places=4)
        self.assertEqual(link.history.get().history_user, self.reviewer)
        self.assertTrue(LogEntry.objects.filter(object_id=str(self.commitment.pk), user=self.reviewer).exists())
        self.assertContains(response, f"已采纳建议：关联重点任务 {task.code}")
        # The accepted task now shows among the links and is no longer suggested.
        self.assertNotIn(task, [s.task for s in response.context["suggestions"]])

    def test_superuser_may_accept(self):
        task = self.expected[0].task
        self.accept(self.superuser, task.pk)
        self.assertTrue(TaskLink.objects.filter(commitment=self.commitment, task=task).exists())

    def test_accepting_a_task_already_linked_says_so_and_changes_nothing(self):
        linked = self.commitment.links.get(task__code="T8.2")
        before = TaskLink.objects.count()
        response = self.accept(self.reviewer, linked.task_id, follow=True)
        self.assertRedirects(response, self.change_url)
        self.assertContains(response, "未采纳：该承诺事项已关联这项重点任务。")
        self.assertEqual(TaskLink.objects.count(), before)
        linked.refresh_from_db()
        self.assertEqual(linked.origin, LinkOrigin.CURATED)

    def test_an_unknown_or_malformed_task_gives_a_message_not_an_error(self):
        before = TaskLink.objects.count()
        for value in ("999999", "abc", "", "<script>"):
            with self.subTest(value=value):
                response = self.accept(self.reviewer, value, follow=True)
                self.assertRedirects(response, self.change_url)
                self.assertContains(response, "未采纳：")
        self.assertEqual(TaskLink.objects.count(), before)

    def test_reporters_cannot_accept_and_others_see_nothing(self):
        task = self.expected[0].task
        self.assertEqual(self.accept(self.reporter, task.pk).status_code, 403)
        self.assertEqual(self.accept(self.other_reporter, task.pk).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.post(self.accept_url, {"task": task.pk}).status_code, 302)  # to the login page
        self.assertFalse(TaskLink.objects.filter(commitment=self.commitment, task=task).exists())

    def test_accepting_needs_post_and_the_csrf_token(self):
        task = self.expected[0].task
        self.client.force_login(self.reviewer)
        self.assertEqual(self.client.get(self.accept_url, {"task": task.pk}).status_code, 405)
        self.client.handler.enforce_csrf_checks = True
        self.assertEqual(self.client.post(self.accept_url, {"task": task.pk}).status_code, 403)
        self.assertFalse(TaskLink.objects.filter(commitment=self.commitment, task=task).exists())

    def test_the_add_page_has_no_suggestions_before_the_commitment_is_saved(self):
        self.client.force_login(self.reviewer)
        response = self.client.get("/admin/policies/commitment/add/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, SECTION)
