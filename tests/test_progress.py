"""A commitment's status and percent come from its latest approved update, and only from that."""

import datetime

from django.test import TestCase

from policies.services import refresh_progress

from .factories import make_commitment, make_update


class RefreshProgressTests(TestCase):
    def test_latest_approved_update_wins(self):
        commitment = make_commitment()
        make_update(commitment=commitment, reported_on=datetime.date(2021, 3, 1), percent=20, review_state="approved")
        make_update(commitment=commitment, reported_on=datetime.date(2021, 6, 1), percent=60, review_state="approved")
        make_update(commitment=commitment, reported_on=datetime.date(2021, 9, 1), percent=90)  # submitted
        make_update(
            commitment=commitment, reported_on=datetime.date(2021, 10, 1), percent=95,
            review_state="rejected", review_reason="无佐证",
        )
        refresh_progress()
        commitment.refresh_from_db()
        self.assertEqual((commitment.status, commitment.percent), ("in_progress", 60))
        self.assertEqual(commitment.last_update_on, datetime.date(2021, 6, 1))

    def test_no_approved_update_means_not_reported_rather_than_not_started(self):
        commitment = make_commitment(status="in_progress", percent=40)
        make_update(commitment=commitment, percent=80)
        refresh_progress()
        commitment.refresh_from_db()
        self.assertEqual((commitment.status, commitment.percent, commitment.last_update_on), ("not_reported", 0, None))

    def test_one_query_whatever_the_number_of_commitments(self):
        for _ in range(5):
            make_update(commitment=make_commitment(), review_state="approved")
        # savepoint, one UPDATE, then the key tasks' summaries from scratch (policies.summaries.rebuild):
        # savepoint, a DELETE and an INSERT … SELECT for each of its three tables, release; then the
        # organizations' (summaries.organizations_changed): savepoint, the organizations locked, DELETE, the
        # grouped count, one INSERT, release; release
        with self.assertNumQueries(17):
            self.assertEqual(refresh_progress(), 5)
