"""In-process time of the dashboard and its parts, uncached, on the database of DATABASE_URL.

    DATABASE_URL=sqlite:///$PWD/var/demo-100000.sqlite3 .venv/bin/python bench/dashboard_think.py [--approve]

Prints the median (and min, max) of --repeat runs of each part the dashboard (``/``) is made of, the
whole view through the test client (page cache off, debug off, so no query log), and its query count.
With --approve it then approves one submitted update through the service, times that, and times the
next dashboard (write then read). It writes to the database only with --approve.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ["TRACKER_PAGE_CACHE"] = "0"


def timed(label, function, repeat):
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    print(f"{label:<40} p50 {statistics.median(times):9.1f} ms   min {min(times):9.1f}   max {max(times):9.1f}")
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--approve", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from policies import history, selectors, services
    from policies.models import Commitment, Conference, KeyTask, Organization, ProgressUpdate, ReviewState

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    conference = Conference.objects.order_by("-held_on", "-pk").first()
    print(f"{connection.vendor}: {Commitment.objects.count()} commitments, {ProgressUpdate.objects.count()} updates")

    def tasks():
        return list(KeyTask.objects.in_conference(conference).top_level().with_rollup().order_by("order", "pk"))

    rows = timed("key-task roll-up (with_rollup)", tasks, args.repeat)
    timed("organization roll-up", lambda: list(
        Organization.objects.in_conference(conference).with_rollup(conference=conference)), args.repeat)
    timed("totals (stats)", lambda: Commitment.objects.in_conference(conference).stats(), args.repeat)
    timed("history.task_charts", lambda: history.task_charts(rows), args.repeat)
    timed("selectors.dashboard_stats", lambda: selectors.dashboard_stats(conference=conference), args.repeat)
    client = Client()

    def page():
        response = client.get("/")
        assert response.status_code == 200, response.status_code
        return response

    timed("GET / (test client)", page, args.repeat)
    with CaptureQueriesContext(connection) as queries:
        page()
    print(f"queries for GET /: {len(queries)}")

    if args.approve:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from policies.roles import REVIEWER_GROUP, ensure_roles

        ensure_roles()  # as bench/databases.py's APPROVE does
        reviewer, _ = get_user_model().objects.get_or_create(username="bench-reviewer", defaults={"is_staff": True})
        reviewer.groups.add(Group.objects.get(name=REVIEWER_GROUP))
        update = ProgressUpdate.objects.filter(review_state=ReviewState.SUBMITTED).order_by("pk").first()
        timed("services.approve_update (one)", lambda: services.approve_update(update=update, reviewer=reviewer), 1)
        timed("GET / after the approval", page, 1)


if __name__ == "__main__":
    main()
