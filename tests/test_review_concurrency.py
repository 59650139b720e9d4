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
from policies.models import Commitment, OrganizationRollup, ProgressUpdate
from policies.roles import ensure_roles

from .factories import make_commitment, make_organization, make_reviewer, make_update

SAFETY_TIMEOUT = 30  # seconds; only ever reached when something is already broken


class Race:
    """Two approvals, the second started once the first has recomputed progress and holds its locks."""

    def setUp(self):
        if connection.vendor != "postgresql":
            # Run sequentially, this test would pass without the lock it is meant to prove.
            self.skipTest("the race needs PostgreSQL: SQLite serialises writers and has no row locks, "
                          "so two approvals can never overlap there")
        ensure_roles()
        self.first_reviewer = make_reviewer(username="reviewer_a")
        self.second_reviewer = make_reviewer(username="reviewer_b")

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


class ConcurrentApprovalTests(Race, TransactionTestCase):
    def setUp(self):
        super().setUp()
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

class ConcurrentApprovalsInOneOrganizationTests(Race, TransactionTestCase):
    """Two commitments of one organization approved at once: each approval counts the organization's lights
    again (policies.summaries.organizations_changed). Without the organization's row lock the second would
    delete the rows the first replaced before they were committed and insert its own beside the first's new
    ones: the unique constraint refuses it, and the reviewer sees an error."""

    def setUp(self):
        super().setUp()
        organization = make_organization()
        self.commitments = [make_commitment(organization=organization, summary=f"承诺{i}") for i in range(2)]
        self.updates = [make_update(commitment=c, reported_on=datetime.date(2021, 3, 31), status="in_progress",
                                    percent=20 + 40 * i) for i, c in enumerate(self.commitments)]

    def test_both_approved_and_the_organizations_rows_count_both(self):
        self.race(first=self.updates[0], second=self.updates[1])
        self.assertEqual(set(ProgressUpdate.objects.values_list("review_state", flat=True)), {"approved"})
        conference = "statement__source__conference"
        counted = sorted((r[conference], r["organization"], r["status"], r["light"], r["n"], r["percent_total"])
                         for r in Commitment.objects.stat_groups(conference, "organization"))
        rows = sorted((r["conference"], r["organization"], r["status"], r["light"], r["n"], r["percent_total"])
                      for r in OrganizationRollup.objects.stat_rows())
        self.assertEqual(rows, counted)
        self.assertEqual(sum(r[4] for r in rows if r[2] == "in_progress"), 2)
