"""Profile the public pages, the API, the export, the feed and the admin in-process, uncached.

    .venv/bin/python bench/pages.py --database-url sqlite:///$PWD/var/demo-100000.sqlite3
    .venv/bin/python bench/pages.py --database-url postgres://... --only "list by district" --sql
    .venv/bin/python bench/pages.py --database-url ... --only task --profile 25

Each endpoint is requested once (first), then --repeat times; it prints the median and the slowest of the
repeats, the SQL count, the response size and the process's peak RSS after it. --sql lists each query of
the last request with its time; --profile prints cProfile's top functions (cumulative) of one request.
DEBUG off, the page cache off, static files unhashed (no collectstatic needed); nothing is served over
HTTP, so the times are the application's own, without gunicorn or wrk. The database is read, except that
a superuser "bench-admin" is created for the admin pages when missing: use a copy, never a shared database.
"""

import argparse
import cProfile
import gc
import os
import pstats
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ENDPOINTS = [
    ("healthz", "/healthz"),
    ("dashboard", "/"),
    ("conferences", "/conferences/"),
    ("organizations", "/conferences/2020-12-29/organizations/"),
    ("list", "/commitments/"),
    ("list by district", "/commitments/?district={district}"),
    ("list by task+status", "/commitments/?task=T3&status=in_progress"),
    ("list page 50", "/commitments/?district={district}&page=50"),
    ("list sorted by progress", "/commitments/?sort=-progress"),
    ("search 就业", "/commitments/?q=%E5%B0%B1%E4%B8%9A"),
    ("search rare", "/commitments/?q=%E5%86%B7%E9%93%BE"),  # 冷链
    ("conference list", "/conferences/2020-12-29/commitments/?district={district}"),
    ("commitment", "/commitments/{commitment}/"),
    ("task", "/conferences/2020-12-29/tasks/T3/"),
    ("organization", "/organizations/{district}/"),
    ("official", "/officials/{official}/"),
    ("api list", "/api/commitments/?district={district}&status=in_progress"),
    ("api list all", "/api/commitments/"),
    ("api tasks", "/api/tasks/"),
    ("export csv", "/commitments/export/?format=csv&district={district}"),
    ("feed", "/feeds/updates/"),
    ("admin commitments", "/admin/policies/commitment/"),
    ("admin commitments searched", "/admin/policies/commitment/?q=%E5%B0%B1%E4%B8%9A"),
    ("admin updates", "/admin/policies/progressupdate/"),
    ("admin statements", "/admin/policies/statement/"),
    ("admin commitment", "/admin/policies/commitment/{commitment}/change/"),
    ("admin update", "/admin/policies/progressupdate/{update}/change/"),
    ("admin statement", "/admin/policies/statement/{statement}/change/"),
]


def setup(database_url):
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-secret-key-not-for-production-0123456789abcdef",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_LOG_LEVEL="ERROR",
        TRACKER_DEMO_DATA="1",
        TRACKER_PAGE_CACHE="0",
        DJANGO_SETTINGS_MODULE="tracker.settings",
    )
    import django
    from django.conf import settings

    django.setup()
    # Unhashed static names: the manifest exists only after collectstatic, which a profile does not need.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


def parameters():
    from django.db.models import Count

    from policies.models import Organization, ProgressUpdate, Statement

    district = (
        Organization.objects.filter(kind="district", name__endswith="（演示）")
        .annotate(n=Count("commitments")).order_by("-n", "pk").first()
    )
    statement = Statement.objects.filter(official__organization=district).annotate(n=Count("commitments")).order_by("-n", "pk").first()
    commitment = (
        ProgressUpdate.objects.filter(review_state="approved").values("commitment")
        .annotate(n=Count("pk")).order_by("-n", "commitment").first()["commitment"]
    )
    return {
        "district": district.pk, "official": statement.official_id, "statement": statement.pk, "commitment": commitment,
        "update": ProgressUpdate.objects.filter(commitment=commitment).order_by("-pk").values_list("pk", flat=True).first(),
    }


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def request(client, url):
    """(status, seconds, CPU seconds, bytes, [(sql, seconds)]) of one GET, a streamed body read to its end.

    CPU seconds are this process's (on SQLite, the query's too): less disturbed by a loaded machine."""
    queries = []
    started, cpu = time.perf_counter(), time.process_time()
    with timed_queries(queries):
        response = client.get(url, headers={"accept": "application/json"} if url.startswith("/api/") else {})
        size = sum(len(chunk) for chunk in response.streaming_content) if response.streaming else len(response.content)
    return response.status_code, time.perf_counter() - started, time.process_time() - cpu, size, queries


def timed_queries(queries):
    """A context in which each query of the default database is appended to ``queries`` as (sql, seconds)."""
    from django.db import connection

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((sql, time.perf_counter() - started))

    return connection.execute_wrapper(timed)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", action="append", help="endpoint name (repeatable); default all")
    parser.add_argument("--skip", action="append", default=[], help="endpoint name not to request (repeatable)")
    parser.add_argument("--sql", action="store_true", help="print each query of the last request with its time")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print cProfile's top N functions")
    args = parser.parse_args()
    setup(args.database_url)

    from django.contrib.auth import get_user_model
    from django.test import Client

    from policies.models import Commitment

    values = parameters()
    # As gunicorn's master does (bench/gunicorn.conf.py): jieba loaded, then what is loaded frozen.
    from policies import search

    search.warm_up()
    gc.freeze()
    admin, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    anonymous, staff = Client(), Client()
    staff.force_login(admin)
    print(f"{Commitment.objects.count()} commitments; parameters {values}", flush=True)
    print(f"{'endpoint':28} {'status':>6} {'first ms':>9} {'p50 ms':>8} {'max ms':>8} {'CPU ms':>8} {'kB':>7} {'SQL':>4} {'RSS MB':>7}")
    for name, pattern in ENDPOINTS:
        if (args.only and name not in args.only) or name in args.skip:
            continue
        url = pattern.format(**values)
        client = staff if url.startswith("/admin/") else anonymous
        status, first, _, size, queries = request(client, url)
        times, cpus = [first], [0.0]
        for _ in range(args.repeat):
            status, seconds, cpu, size, queries = request(client, url)
            times.append(seconds)
            cpus.append(cpu)
        if args.repeat:
            times, cpus = times[1:], cpus[1:]
        print(f"{name:28} {status:>6} {first * 1000:>9.1f} {statistics.median(times) * 1000:>8.1f} "
              f"{max(times) * 1000:>8.1f} {statistics.median(cpus) * 1000:>8.1f} "
              f"{size / 1024:>7.1f} {len(queries):>4} {peak_rss_mb():>7.0f}  {url}", flush=True)
        if args.sql:
            for sql, seconds in queries:
                print(f"    {seconds * 1000:8.1f} ms  {sql[:600]}")
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(request, client, url)
            pstats.Stats(profile).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(args.profile)


if __name__ == "__main__":
    main()
