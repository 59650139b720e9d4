"""Reminders (催办): who gets which digest, nothing twice a day, nothing to deactivated users, and
a reviewer's chase on one commitment; every email recorded and shown on the commitment."""

import datetime

from django.core import mail
from django.core.management import call_command
from django.test import TestCase

from policies import services
from policies.models import Reminder
from policies.reminders import chase_commitment, send_digests
from policies.roles import ensure_roles

from .factories import make_commitment, make_organization, make_reporter, make_reviewer, make_update

TODAY = datetime.date(2021, 12, 1)


class DigestTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.org_a = make_organization(name="甲区")
        cls.org_b = make_organization(name="乙区")
        cls.org_quiet = make_organization(name="丙区")
        cls.reporter_a = make_reporter(organization=cls.org_a, username="a", email="a@example.org")
        cls.reporter_b = make_reporter(organization=cls.org_b, username="b", email="b@example.org")
        cls.reporter_quiet = make_reporter(organization=cls.org_quiet, username="quiet", email="q@example.org")
        cls.gone = make_reporter(organization=cls.org_a, username="gone", email="gone@example.org", is_active=False)
        cls.no_email = make_reporter(organization=cls.org_a, username="noemail")
        cls.reviewer = make_reviewer(username="rev", email="rev@example.org")
        cls.overdue = make_commitment(organization=cls.org_a, summary="甲区逾期事项", due_date=datetime.date(2021, 11, 1))
        cls.due_soon = make_commitment(organization=cls.org_b, summary="乙区即将到期", due_date=datetime.date(2021, 12, 10))
        cls.far = make_commitment(organization=cls.org_b, summary="乙区远期事项", due_date=datetime.date(2022, 12, 31))
        # 丙区: due far away and freshly updated, so nothing to remind.
        quiet = make_commitment(organization=cls.org_quiet, summary="丙区事项", due_date=datetime.date(2022, 12, 31))
        update = make_update(commitment=quiet, author=cls.reporter_quiet, reported_on=datetime.date(2021, 11, 25))
        services.approve_updates(updates=[update], reviewer=cls.reviewer)
        cls.pending = make_update(commitment=cls.far, author=cls.reporter_b, note="乙区新填报")

    def mails_to(self, address):
        return [m for m in mail.outbox if address in m.to]

    def test_who_gets_what(self):
        sent = send_digests(today=TODAY, due_days=14, silent_days=30)
        self.assertEqual({r.recipient.username for r in sent}, {"a", "b", "rev"})
        (to_a,) = self.mails_to("a@example.org")
        self.assertIn("甲区逾期事项", to_a.body)
        self.assertIn("已逾期 30 天", to_a.body)
        self.assertNotIn("乙区", to_a.body)
        (to_b,) = self.mails_to("b@example.org")
        self.assertIn("乙区即将到期", to_b.body)
        self.assertIn("乙区远期事项", to_b.body)  # silent: never an approved update
        (to_reviewer,) = self.mails_to("rev@example.org")
        self.assertIn("1 条进展填报等待审核", to_reviewer.subject)
        self.assertIn("乙区：乙区远期事项——推进中 50%", to_reviewer.body)
        self.assertEqual(self.mails_to("q@example.org"), [])

    def test_nothing_to_deactivated_users_or_users_without_an_address(self):
        send_digests(today=TODAY)
        self.assertEqual(self.mails_to("gone@example.org"), [])
        self.assertFalse(Reminder.objects.filter(recipient__username__in=["gone", "noemail"]).exists())

    def test_nothing_twice_a_day_but_again_the_next_day(self):
        call_command("send_reminders", "--date", TODAY.isoformat(), stdout=open("/dev/null", "w"))
        first = len(mail.outbox)
        call_command("send_reminders", "--date", TODAY.isoformat(), stdout=open("/dev/null", "w"))
        self.assertEqual(len(mail.outbox), first)
        self.assertEqual(Reminder.objects.filter(sent_on=TODAY).count(), first)
        send_digests(today=TODAY + datetime.timedelta(days=1))
        self.assertEqual(len(mail.outbox), 2 * first)

    def test_closed_commitments_are_not_chased(self):
        done = make_update(commitment=self.overdue, author=self.reporter_a, status="completed", percent=100)
        services.approve_updates(updates=[done], reviewer=self.reviewer)
        services.close_commitment(commitment=self.overdue, reviewer=self.reviewer, note="验收完成")
        send_digests(today=TODAY)
        self.assertEqual(self.mails_to("a@example.org"), [])


class ChaseTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.org = make_organization(name="甲区")
        cls.reporter = make_reporter(organization=cls.org, username="a", email="a@example.org")
        make_reporter(organization=cls.org, username="gone", email="gone@example.org", is_active=False)
        cls.reviewer = make_reviewer(username="rev", first_name="王督查", email="rev@example.org")
        cls.commitment = make_commitment(organization=cls.org, summary="建设物流园")

    def test_reviewer_chases_from_the_workbench_and_it_shows_on_the_commitment(self):
        self.client.force_login(self.reviewer)
        response = self.client.post(f"/workbench/commitments/{self.commitment.pk}/chase/", {"note": "请本周内填报"},
                                    follow=True)
        self.assertContains(response, "已向 a 发送催办：建设物流园")
        (message,) = mail.outbox
        self.assertEqual(message.to, ["a@example.org"])
        self.assertIn("督查员留言：请本周内填报", message.body)
        reminder = Reminder.objects.get()
        self.assertEqual((reminder.kind, reminder.sent_by, reminder.commitment), ("chase", self.reviewer, self.commitment))
        page = self.client.get(f"/admin/policies/commitment/{self.commitment.pk}/change/")
        self.assertContains(page, "催办记录")
        self.assertContains(page, "【承诺跟踪】催办：建设物流园")

    def test_a_reporter_cannot_chase_and_an_organization_without_reachable_reporters_is_explained(self):
        self.client.force_login(self.reporter)
        self.assertEqual(self.client.post(f"/workbench/commitments/{self.commitment.pk}/chase/").status_code, 403)
        lonely = make_commitment(organization=make_organization(name="无人区"))
        self.client.force_login(self.reviewer)
        response = self.client.post(f"/workbench/commitments/{lonely.pk}/chase/", follow=True)
        self.assertContains(response, "无人区没有可接收邮件的填报员")
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Reminder.objects.exists())

    def test_a_reviewer_using_the_english_interface_is_told_in_english_why_nobody_can_be_chased(self):
        lonely = make_commitment(organization=make_organization(name="无人区"))
        self.client.force_login(self.reviewer)
        response = self.client.post(f"/workbench/commitments/{lonely.pk}/chase/", follow=True,
                                    headers={"accept-language": "en"})
        self.assertContains(response, "无人区 has no reporter who can receive email")
        self.assertEqual(mail.outbox, [])

    def test_chase_service_refuses_reporters(self):
        from django.core.exceptions import PermissionDenied

        with self.assertRaises(PermissionDenied):
            chase_commitment(commitment=self.commitment, sender=self.reporter)
