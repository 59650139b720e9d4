"""Two reviewers approving updates of the same commitment at the same moment.

The dangerous interleaving, made deterministic: reviewer A has approved the *later* update and
recomputed the commitment but not yet committed; reviewer B then approves the *earlier* update.
Without the commitment row lock B's recomputation runs on a snapshot taken before A commits, and
the commitment ends at the earlier update's numbers although its latest approved update is A's.
With the lock, B waits at the lock and reads A's approval once it is committed.

It runs on PostgreSQL only, with two threads on two connections, and watches pg_stat_activity to
release A only once B is really waiting. SQLite has no row locks and lets one writer at a time into
the database, so the two approvals could only run one after the other: no race, nothing to prove.
"""

import datetime
import threading
import time
from unittest import mock

from django.db import connection
from django.test import TransactionTestCase

from policies import services
from policies.models import Commitment, ProgressUpdate
from policies.roles import ensure_roles

from .factories import make_commitment, make_reviewer, make_update

SAFETY_TIMEOUT = 30  # seconds; only ever reached when something is already broken


class ConcurrentApprovalTests(TransactionTestCase):
    def setUp(self):
        if connection.vendor != "postgresql":
            # Run sequentially, this test would pass without the lock it is meant to prove.
            self.skipTest("the race needs PostgreSQL: SQLite serialises writers and has no row locks, "
                          "so two approvals can never overlap there")
        ensure_roles()
        self.first_reviewer = make_reviewer(username="reviewer_a")
        self.second_reviewer = make_reviewer(username="reviewer_b")
        self.commitment = make_commitment()
        self.earlier = make_update(commitment=self.commitment, reported_on=datetime.date(2021, 3, 31),
                                   status="in_progress", percent=20)
        self.later = make_update(commitment=self.commitment, reported_on=datetime.date(2021, 9, 30),
                                 status="completed", percent=100)

    def test_concurrent_approvals_leave_the_commitment_at_its_latest_approved_update(self):
        self.race(first=self.later, second=self.earlier)
        self.assert_consistent()

    def test_concurrent_approvals_in_the_other_order(self):
        self.race(first=self.earlier, second=self.later)
        self.assert_consistent()

    def assert_consistent(self):
        self.assertEqual(set(ProgressUpdate.objects.values_list("review_state", flat=True)), {"approved"})
        commitment = Commitment.objects.get(pk=self.commitment.pk)
        self.assertEqual(
            (commitment.status, commitment.percent, commitment.last_update_on),
            ("completed", 100, datetime.date(2021, 9, 30)),
        )

    def race(self, *, first, second):
        first_holds_lock, release_first, second_started = threading.Event(), threading.Event(), threading.Event()
        second_pid, errors = [], []
        real_refresh = services.refresh_progress

        def refresh_then_hold(**kwargs):
            result = real_refresh(**kwargs)
            if threading.current_thread().name == "first":
                # Recomputed, still inside the transaction: keep its locks until B is waiting.
                first_holds_lock.set()
                release_first.wait(SAFETY_TIMEOUT)
            return result

        def approve(update, reviewer, before=None):
            try:
                if before:
                    before()
                services.approve_update(update=update, reviewer=reviewer)
            except BaseException as error:  # reported by the main thread
                errors.append(error)
            finally:
                connection.close()

        def record_pid():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid.append(cursor.fetchone()[0])
            second_started.set()

        with mock.patch("policies.services.refresh_progress", refresh_then_hold):
            a = threading.Thread(target=approve, args=(first, self.first_reviewer), name="first")
            b = threading.Thread(target=approve, args=(second, self.second_reviewer, record_pid), name="second")
            a.start()
            try:
                self.assertTrue(first_holds_lock.wait(SAFETY_TIMEOUT), "first approval never reached its commit")
                b.start()
                self.assertTrue(second_started.wait(SAFETY_TIMEOUT), "second approval never started")
                self.wait_until_blocked(second_pid[0])
            finally:
                release_first.set()
                a.join(SAFETY_TIMEOUT)
                if b.is_alive() or b.ident:
                    b.join(SAFETY_TIMEOUT)
        self.assertEqual(errors, [])
        self.assertFalse(a.is_alive() or b.is_alive(), "an approval is still running")

    def wait_until_blocked(self, pid):
        """Poll pg_stat_activity until the second reviewer's connection waits on a lock."""
        deadline = time.monotonic() + SAFETY_TIMEOUT
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone()[0] == "Lock":
                    return
        self.fail("the second approval never waited for the first one's lock")
