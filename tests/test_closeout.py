"""Close-out (销号): a reviewer closes a completed commitment with a note; it stays public."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from policies import services
from policies.roles import ensure_roles

from .factories import make_commitment, make_organization, make_reporter, make_reviewer, make_update


class CloseOutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.org = make_organization(name="甲区")
        cls.reporter = make_reporter(organization=cls.org, username="reporter")
        cls.reviewer = make_reviewer(username="reviewer")

    def completed(self, **kwargs):
        commitment = make_commitment(organization=self.org, summary="建成物流园", **kwargs)
        update = make_update(commitment=commitment, author=self.reporter, status="completed", percent=100)
        services.approve_updates(updates=[update], reviewer=self.reviewer)
        return commitment

    def test_reviewer_closes_a_completed_commitment_and_the_public_page_says_so(self):
        commitment = self.completed()
        services.close_commitment(commitment=commitment, reviewer=self.reviewer, note="已通过竣工验收",
                                  today=datetime.date(2021, 12, 20))
        commitment.refresh_from_db()
        self.assertEqual((commitment.closed_on, commitment.closed_by, commitment.close_note),
                         (datetime.date(2021, 12, 20), self.reviewer, "已通过竣工验收"))
        page = self.client.get(commitment.get_absolute_url())
        self.assertContains(page, "已销号")
        self.assertContains(page, "2021-12-20")
        self.assertContains(page, "已通过竣工验收")
        self.assertContains(page, "建成物流园")

    def test_only_completed_commitments_with_a_note_by_a_reviewer(self):
        open_one = make_commitment(organization=self.org)
        with self.assertRaisesMessage(ValidationError, "只有状态为“已完成”的承诺事项才能销号"):
            services.close_commitment(commitment=open_one, reviewer=self.reviewer, note="说明")
        done = self.completed()
        with self.assertRaisesMessage(ValidationError, "请填写销号说明"):
            services.close_commitment(commitment=done, reviewer=self.reviewer, note="  ")
        with self.assertRaises(PermissionDenied):
            services.close_commitment(commitment=done, reviewer=self.reporter, note="说明")
        done.refresh_from_db()
        self.assertIsNone(done.closed_on)

    def test_closing_twice_is_refused(self):
        done = self.completed()
        services.close_commitment(commitment=done, reviewer=self.reviewer, note="验收完成")
        with self.assertRaisesMessage(ValidationError, "已于"):
            services.close_commitment(commitment=done, reviewer=self.reviewer, note="再次")
