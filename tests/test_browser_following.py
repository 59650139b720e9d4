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

        update = make_update(commitment=self.commitment, note="核心区道路全线贯通", percent=60)
        approve_update(update=update, reviewer=make_reviewer())
        call_command("send_follow_digests", stdout=open("/dev/null", "w"))
        digest = mail.outbox[-1]
        self.assertIn("核心区道路全线贯通", digest.body)

        # The one link in every mail that deletes the address.
        forget_url = digest.extra_headers["List-Unsubscribe"][1:-1]
        page.goto(forget_url)
        page.get_by_role("button", name="删除").click()
        page.get_by_role("heading", name="已删除").wait_for()
        page.screenshot(path=ARTIFACTS / "follow-forgotten.png", full_page=True)
        self.assertFalse(Follow.objects.exists())
