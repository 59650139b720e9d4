"""Follow by email: double opt-in, one digest a day, one-click unsubscribe, deletion, rate limits."""

import datetime
import re
from unittest import mock

from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from policies.following import ratelimit, tokens
from policies.following.models import Follow, Follower
from policies.services import approve_update
from policies.roles import ensure_roles

from .factories import make_commitment, make_organization, make_reviewer, make_task, make_update


def links(message):
    return re.findall(r"http://testserver(/\S+)", message.body)


class FollowingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.reviewer = make_reviewer()
        cls.organization = make_organization(name="沙坪坝区")
        cls.task = make_task(code="T4")
        cls.commitment = make_commitment(organization=cls.organization, summary="建成科学城", tasks=[cls.task])
        cls.other = make_commitment(summary="别的承诺")

    def setUp(self):
        patcher = mock.patch("django.conf.settings.TRACKER_SITE_URL", "http://testserver")
        patcher.start()
        self.addCleanup(patcher.stop)

    def sign_up(self, email="reader@example.org", kind="commitment", pk=None, **extra):
        pk = pk or self.commitment.pk
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(f"/follow/{kind}/{pk}/", {"email": email}, **extra)

    def confirm_from_mail(self, message):
        (url,) = [link for link in links(message) if link.startswith("/follow/confirm/")]
        self.assertContains(self.client.get(url), "确认关注")  # opening the link alone confirms nothing
        self.assertContains(self.client.post(url), "已确认关注")

    def approve(self, commitment, **kwargs):
        update = make_update(commitment=commitment, **kwargs)
        return approve_update(update=update, reviewer=self.reviewer)

    def digests(self):
        mail.outbox.clear()
        call_command("send_follow_digests", stdout=open("/dev/null", "w"))
        return list(mail.outbox)

    def test_sign_up_mails_a_confirmation_and_sends_nothing_before_it_is_confirmed(self):
        response = self.sign_up(email=" Reader@Example.org ")
        self.assertContains(response, "请查收确认邮件")
        (message,) = mail.outbox
        self.assertEqual(message.to, ["reader@example.org"])
        self.assertIn("建成科学城", message.subject)
        self.approve(self.commitment, note="第一条进展")
        self.assertEqual(self.digests(), [])

    def test_a_follower_gets_one_mail_for_two_approvals_on_the_same_day(self):
        self.sign_up()
        self.confirm_from_mail(mail.outbox[0])
        self.approve(self.commitment, note="一期开工", percent=20, reported_on=datetime.date(2021, 3, 1))
        self.approve(self.commitment, note="二期开工", percent=40, reported_on=datetime.date(2021, 4, 1))
        self.approve(self.other, note="别处的进展")
        (digest,) = self.digests()
        self.assertIn("一期开工", digest.body)
        self.assertIn("二期开工", digest.body)
        self.assertNotIn("别处的进展", digest.body)
        # Run again the same day, with news: still no second mail; the news waits for tomorrow.
        self.approve(self.commitment, note="三期开工", percent=60)
        self.assertEqual(self.digests(), [])
        tomorrow = timezone.now() + datetime.timedelta(days=1)
        with mock.patch("django.utils.timezone.now", return_value=tomorrow):
            (digest,) = self.digests()
        self.assertIn("三期开工", digest.body)
        self.assertNotIn("一期开工", digest.body)

    def test_unapproved_updates_are_not_mailed(self):
        self.sign_up()
        self.confirm_from_mail(mail.outbox[0])
        make_update(commitment=self.commitment, note="待审核")
        self.assertEqual(self.digests(), [])

    def test_organization_and_task_follows_cover_their_commitments(self):
        for kind, pk in (("organization", self.organization.pk), ("task", self.task.pk)):
            mail.outbox.clear()
            self.sign_up(email=f"{kind}@example.org", kind=kind, pk=pk)
            self.confirm_from_mail(mail.outbox[0])
        self.approve(self.commitment, note="科学城进展")
        sent = self.digests()
        self.assertEqual(sorted(m.to[0] for m in sent), ["organization@example.org", "task@example.org"])

    def test_every_mail_has_one_click_unsubscribe_headers_and_a_delete_link(self):
        self.sign_up()
        self.confirm_from_mail(mail.outbox[0])
        self.approve(self.commitment)
        for message in [mail.outbox[0], *self.digests()]:
            header = message.extra_headers["List-Unsubscribe"]
            self.assertRegex(header, r"^<http://testserver/follow/forget/\S+/>$")
            self.assertEqual(message.extra_headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
            self.assertIn(header[1:-1], message.body)

    def test_none_after_unsubscribing_and_the_address_is_gone(self):
        self.sign_up()
        self.confirm_from_mail(mail.outbox[0])
        self.approve(self.commitment)
        (digest,) = self.digests()
        (unfollow,) = [link for link in links(digest) if link.startswith("/follow/unfollow/")]
        self.assertContains(self.client.get(unfollow), "退订")
        self.assertTrue(Follow.objects.exists())
        self.assertContains(self.client.post(unfollow), "已退订")
        self.assertFalse(Follower.objects.exists())  # following nothing, the address is not kept
        with mock.patch("django.utils.timezone.now", return_value=timezone.now() + datetime.timedelta(days=1)):
            self.approve(self.commitment)
            self.assertEqual(self.digests(), [])

    def test_one_click_post_from_a_mail_program_deletes_the_address(self):
        self.sign_up()
        self.sign_up(kind="organization", pk=self.organization.pk)
        self.confirm_from_mail(mail.outbox[0])
        url = mail.outbox[0].extra_headers["List-Unsubscribe"][1:-1].removeprefix("http://testserver")
        client = self.client_class(enforce_csrf_checks=True)  # a mail program sends no cookie and no token
        response = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Follower.objects.exists())
        self.assertFalse(Follow.objects.exists())

    def test_forged_or_expired_links_do_nothing(self):
        self.sign_up()
        follow = Follow.objects.get()
        self.assertEqual(self.client.post("/follow/forget/nonsense/").status_code, 404)
        self.assertEqual(self.client.post(f"/follow/confirm/{tokens.make('unfollow', follow.pk)}/").status_code, 404)
        token = tokens.make("confirm", follow.pk)
        later = timezone.now() + datetime.timedelta(days=tokens.CONFIRM_DAYS + 1)
        with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
            self.assertEqual(self.client.post(f"/follow/confirm/{token}/").status_code, 404)
        self.assertIsNone(Follow.objects.get().confirmed_at)

    def test_unconfirmed_sign_ups_are_deleted_after_the_link_expires(self):
        self.sign_up()
        with mock.patch("django.utils.timezone.now",
                        return_value=timezone.now() + datetime.timedelta(days=tokens.CONFIRM_DAYS + 1)):
            self.digests()
        self.assertFalse(Follower.objects.exists())

    def test_bad_addresses_get_a_message(self):
        response = self.client.post(f"/follow/commitment/{self.commitment.pk}/", {"email": "not-an-address"})
        self.assertContains(response, "请输入有效的邮箱地址", status_code=400)
        self.assertFalse(Follower.objects.exists())
        self.assertEqual(self.client.get("/follow/official/1/").status_code, 404)

    def test_sign_ups_are_rate_limited_per_address_and_per_ip(self):
        limit = ratelimit.LIMITS["email"][0]
        for _ in range(limit):
            self.assertEqual(self.sign_up().status_code, 200)
        response = self.sign_up()
        self.assertContains(response, "登记过于频繁", status_code=429)
        self.assertEqual(len(mail.outbox), limit)
        limit = ratelimit.LIMITS["ip"][0]
        statuses = [self.sign_up(email=f"r{n}@example.org", REMOTE_ADDR="10.0.0.9").status_code for n in range(limit + 1)]
        self.assertEqual(statuses, [200] * limit + [429])

    def test_pages_link_to_the_sign_up(self):
        pages = {
            f"/commitments/{self.commitment.pk}/": f"/follow/commitment/{self.commitment.pk}/",
            f"/organizations/{self.organization.pk}/": f"/follow/organization/{self.organization.pk}/",
            self.task.get_absolute_url(): f"/follow/task/{self.task.pk}/",
        }
        for page, url in pages.items():
            self.assertContains(self.client.get(page), f'href="{url}"')


class MailServerDownTests(TestCase):
    def test_sign_up_still_answers_when_the_confirmation_cannot_be_sent(self):
        commitment = make_commitment()
        with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("connection refused")), \
                self.assertLogs("policies.following.services", "ERROR"), \
                self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"/follow/commitment/{commitment.pk}/", {"email": "a@example.org"})
        self.assertContains(response, "请查收确认邮件")
        self.assertIsNone(Follow.objects.get().confirmed_at)
