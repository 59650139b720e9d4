"""Following a commitment by email in a real browser, through the confirmation mail (locmem backend)."""

import re
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command

from policies.following.models import Follow
from policies.roles import ensure_roles
from policies.services import approve_update

from .browser import ARTIFACTS, BrowserTestCase
from .factories import make_commitment, make_reviewer, make_update


@pytest.mark.browser
class FollowInTheBrowserTests(BrowserTestCase):
    def setUp(self):
        ensure_roles()
        self.commitment = make_commitment(summary="建成西部科学城核心区")
        super().setUp()
        patcher = mock.patch("django.conf.settings.TRACKER_SITE_URL", self.live_server_url)
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_follow_a_commitment_through_the_confirmation_mail(self):
        page = self.page
        page.goto(f"{self.live_server_url}/commitments/{self.commitment.pk}/")
        page.get_by_role("link", name="邮件关注这项承诺").click()
        page.get_by_label("邮箱地址").fill("reader@example.org")
        page.screenshot(path=ARTIFACTS / "follow-form.png", full_page=True)
        page.get_by_role("button", name="发送确认邮件").click()
        page.get_by_role("heading", name="请查收确认邮件").wait_for()
        page.screenshot(path=ARTIFACTS / "follow-sent.png", full_page=True)

        (message,) = mail.outbox
        self.assertEqual(message.to, ["reader@example.org"])
        confirm_url = re.search(r"(http://\S+/follow/confirm/\S+/)", message.body).group(1)
        page.goto(confirm_url)
        self.assertIsNone(Follow.objects.get().confirmed_at)  # opening the link confirms nothing yet
        page.get_by_role("button", name="确认关注").click()
        page.get_by_role("heading", name="已确认关注").wait_for()
        page.screenshot(path=ARTIFACTS / "follow-confirmed.png", full_page=True)
        self.assertIsNotNone(Follow.objects.get().confirmed_at)

        digest = self.digest_after_an_approval()
        self.assertIn("核心区道路全线贯通", digest.body)

        # The digest's link that stops this one follow.
        page.goto(re.search(r"不再关注此项：(http://\S+/follow/unfollow/\S+/)", digest.body).group(1))
        page.get_by_role("button", name="退订").click()
        page.get_by_role("heading", name="已退订").wait_for()
        page.screenshot(path=ARTIFACTS / "follow-unfollowed.png", full_page=True)
        self.assertFalse(Follow.objects.exists())

    def test_the_one_link_in_every_mail_that_deletes_the_address(self):
        page = self.page
        self.follow_and_confirm(page, "reader@example.org")
        forget_url = self.digest_after_an_approval().extra_headers["List-Unsubscribe"][1:-1]
        page.goto(forget_url)
        page.get_by_role("button", name="删除").click()
        page.get_by_role("heading", name="已删除").wait_for()
        page.screenshot(path=ARTIFACTS / "follow-forgotten.png", full_page=True)
        self.assertFalse(Follow.objects.exists())

    def test_a_reader_of_the_english_interface_follows_in_english(self):
        context = self.browser.new_context(locale="en-US", extra_http_headers={"Accept-Language": "en-US,en;q=0.9"})
        self.addCleanup(context.close)
        page = context.new_page()
        page.goto(f"{self.live_server_url}/commitments/{self.commitment.pk}/")
        page.locator(f"a[href='/follow/commitment/{self.commitment.pk}/']").click()
        page.get_by_label("Email address").fill("reader@example.org")
        page.get_by_role("button", name="Send the confirmation email").click()
        page.get_by_role("heading", name="Please check your email").wait_for()

        (message,) = mail.outbox
        self.assertTrue(message.subject.startswith("Please confirm: follow the commitment"))
        page.goto(re.search(r"(http://\S+/follow/confirm/\S+/)", message.body).group(1))
        page.get_by_role("button", name="Confirm").click()
        page.get_by_role("heading", name="Follow confirmed").wait_for()
        page.screenshot(path=ARTIFACTS / "follow-confirmed-en.png", full_page=True)

        digest = self.digest_after_an_approval()
        self.assertIn("There are newly approved updates on what you follow:", digest.body)
        page.goto(re.search(r"Stop following this: (http://\S+/follow/unfollow/\S+/)", digest.body).group(1))
        page.get_by_role("button", name="Unsubscribe").click()
        page.get_by_role("heading", name="Unsubscribed").wait_for()
        self.assertFalse(Follow.objects.exists())

    def follow_and_confirm(self, page, email):
        page.goto(f"{self.live_server_url}/follow/commitment/{self.commitment.pk}/")
        page.get_by_label("邮箱地址").fill(email)
        page.get_by_role("button", name="发送确认邮件").click()
        page.get_by_role("heading", name="请查收确认邮件").wait_for()
        page.goto(re.search(r"(http://\S+/follow/confirm/\S+/)", mail.outbox[-1].body).group(1))
        page.get_by_role("button", name="确认关注").click()
        page.get_by_role("heading", name="已确认关注").wait_for()

    def digest_after_an_approval(self):
        update = make_update(commitment=self.commitment, note="核心区道路全线贯通", percent=60)
        approve_update(update=update, reviewer=make_reviewer())
        call_command("send_follow_digests", stdout=open("/dev/null", "w"))
        return mail.outbox[-1]
