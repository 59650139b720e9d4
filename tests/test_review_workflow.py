"""The review workflow: submitted → approved or rejected; only approved updates are ever public."""

import csv
import datetime
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from policies import services
from policies.models import ProgressUpdate
from policies.roles import ensure_roles

from .factories import (
    make_commitment,
    make_organization,
    make_reporter,
    make_reviewer,
    make_task,
    make_update,
)


class ReviewServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.organization = make_organization()
        cls.reporter = make_reporter(organization=cls.organization)
        cls.reviewer = make_reviewer()

    def setUp(self):
        self.commitment = make_commitment(organization=self.organization)

    def submit(self, **kwargs):
        kwargs.setdefault("reported_on", datetime.date(2021, 6, 30))
        kwargs.setdefault("status", "in_progress")
        kwargs.setdefault("percent", 50)
        kwargs.setdefault("note", "进展")
        update = ProgressUpdate(commitment=self.commitment, **kwargs)
        return services.submit_update(update=update, author=self.reporter)

    def current(self):
        self.commitment.refresh_from_db()
        return self.commitment.status, self.commitment.percent

    def test_submitting_changes_nothing_public(self):
        update = self.submit(percent=70)
        self.assertEqual(update.review_state, "submitted")
        self.assertEqual(self.current(), ("not_reported", 0))

    def test_approval_recomputes_status_and_percent(self):
        update = self.submit(percent=70)
        services.approve_update(update=update, reviewer=self.reviewer)
        update.refresh_from_db()
        self.assertEqual((update.review_state, update.reviewed_by), ("approved", self.reviewer))
        self.assertIsNotNone(update.reviewed_at)
        self.assertEqual(self.current(), ("in_progress", 70))

    def test_approving_an_older_update_keeps_the_latest(self):
        newer = self.submit(reported_on=datetime.date(2021, 9, 30), status="completed", percent=100)
        older = self.submit(reported_on=datetime.date(2021, 3, 31), percent=20)
        services.approve_update(update=newer, reviewer=self.reviewer)
        services.approve_update(update=older, reviewer=self.reviewer)
        self.assertEqual(self.current(), ("completed", 100))

    def test_rejecting_an_approved_update_falls_back_to_the_one_before(self):
        first = self.submit(reported_on=datetime.date(2021, 3, 31), percent=20)
        second = self.submit(reported_on=datetime.date(2021, 6, 30), percent=60)
        services.approve_updates(updates=[first, second], reviewer=self.reviewer)
        self.assertEqual(self.current(), ("in_progress", 60))
        services.reject_update(update=second, reviewer=self.reviewer, reason="数字有误")
        self.assertEqual(self.current(), ("in_progress", 20))

    def test_rejection_needs_a_reason_and_changes_nothing_without_one(self):
        update = self.submit()
        with self.assertRaises(ValidationError):
            services.reject_update(update=update, reviewer=self.reviewer, reason="   ")
        update.refresh_from_db()
        self.assertEqual(update.review_state, "submitted")

    def test_reporters_cannot_approve_reject_or_delete(self):
        update = self.submit()
        for call in (
            lambda: services.approve_update(update=update, reviewer=self.reporter),
            lambda: services.reject_update(update=update, reviewer=self.reporter, reason="理由"),
            lambda: services.delete_updates(updates=[update], reviewer=self.reporter),
        ):
            with self.assertRaises(PermissionDenied):
                call()
        update.refresh_from_db()
        self.assertEqual(update.review_state, "submitted")

    def test_reporter_cannot_submit_for_another_organization(self):
        elsewhere = make_commitment()
        with self.assertRaises(PermissionDenied):
            services.submit_update(update=ProgressUpdate(
                commitment=elsewhere, reported_on=datetime.date(2021, 6, 30), status="in_progress", percent=10,
                note="越权填报"), author=self.reporter)
        self.assertFalse(ProgressUpdate.objects.exists())

    def test_reporter_revising_an_approved_update_is_refused(self):
        update = self.submit()
        services.approve_update(update=update, reviewer=self.reviewer)
        update.percent = 99
        with self.assertRaises(PermissionDenied):
            services.revise_update(update=update, editor=self.reporter)
        self.assertEqual(self.current(), ("in_progress", 50))

    def test_reviewer_revising_an_approved_update_moves_the_commitment(self):
        update = self.submit()
        services.approve_update(update=update, reviewer=self.reviewer)
        update.percent = 65
        services.revise_update(update=update, editor=self.reviewer)
        self.assertEqual(self.current(), ("in_progress", 65))

    def test_reviewers_delete_is_recoverable_from_history(self):
        update = self.submit(percent=40, note="将被删除的进展")
        services.approve_update(update=update, reviewer=self.reviewer)
        pk = update.pk
        services.delete_updates(updates=[update], reviewer=self.reviewer)
        self.assertFalse(ProgressUpdate.objects.filter(pk=pk).exists())
        self.assertEqual(self.current(), ("not_reported", 0))
        deleted = ProgressUpdate.history.filter(id=pk).latest()
        self.assertEqual((deleted.history_type, deleted.history_user), ("-", self.reviewer))

        restored = services.restore_update(update_id=pk, reviewer=self.reviewer)
        self.assertEqual((restored.pk, restored.note, restored.review_state), (pk, "将被删除的进展", "approved"))
        self.assertEqual(self.current(), ("in_progress", 40))
        with self.assertRaises(ValidationError):
            services.restore_update(update_id=pk, reviewer=self.reviewer)  # it is no longer deleted


class OnlyApprovedUpdatesArePublicTests(TestCase):
    """Submitted and rejected updates never reach a public page, the API or an export."""

    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.reviewer = make_reviewer()
        cls.commitment = make_commitment(tasks=[make_task(title="公开任务")], summary="公开的承诺")
        make_update(commitment=cls.commitment, reported_on=datetime.date(2021, 3, 31), percent=30,
                    note="已审核的进展", review_state="approved", reviewed_by=cls.reviewer)
        make_update(commitment=cls.commitment, reported_on=datetime.date(2021, 6, 30), percent=87,
                    note="待审核的秘密进展")
        make_update(commitment=cls.commitment, reported_on=datetime.date(2021, 9, 30), percent=93,
                    note="被退回的秘密进展", review_state="rejected", review_reason="无佐证", reviewed_by=cls.reviewer)
        services.refresh_progress()

    def assert_hidden(self, text):
        for secret in ("待审核的秘密进展", "被退回的秘密进展", "87%", "93%", "无佐证"):
            self.assertNotIn(secret, text)

    def test_pages(self):
        for url in ("/", self.commitment.get_absolute_url()):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "公开的承诺")
                self.assert_hidden(response.content.decode())
        self.assertContains(self.client.get(self.commitment.get_absolute_url()), "已审核的进展")

    def test_api(self):
        listing = self.client.get("/api/commitments/").json()["results"]
        detail = self.client.get(f"/api/commitments/{self.commitment.pk}/").json()
        for row in (listing[0], detail):
            self.assertEqual((row["status"], row["percent"], row["last_update_on"]), ("in_progress", 30, "2021-03-31"))
        self.assert_hidden(self.client.get("/api/commitments/").content.decode())

    def test_ledger_export(self):
        self.client.force_login(self.reviewer)
        response = self.client.get("/admin/policies/commitment/ledger/download/", {"format": "csv"})
        text = response.getvalue().decode("utf-8-sig")  # streamed
        self.assert_hidden(text)
        rows = list(csv.DictReader(io.StringIO(text)))
        self.assertEqual([(r["当前状态"], r["当前进度（%）"]) for r in rows], [("推进中", "30")])
