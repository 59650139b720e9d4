"""`make load`: a bounded loopback load run while a reviewer approves updates.

gunicorn serves a copy of the 1,000-commitment demo database with production settings
(deploy/gunicorn.conf.py, debug off, the static manifest collected); wrk loads public pages and the API
over 64 connections for 30 s; meanwhile a reviewer process approves submitted progress updates one by
one through services.approve_update. Afterwards it asserts: no connection, read or timeout error and no
non-2xx answer; every approval stored; every touched commitment's progress equal to its latest approved
update, in the database and in the public API (no lost update, no stale cached page).
Prints one summary and exits 1 when an assertion fails. Bounded: wrk's duration, request timeouts, and
the server is stopped on every exit path.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import PYTHON, ROOT, Budget, demo_database, fetch, pick_parameters  # noqa: E402

LUA = ROOT / "bench" / "load.lua"
PORT = 8766
PATHS = [
    "/",
    "/commitments/?district={district}",
    "/commitments/?task=T3&status=in_progress",
    "/commitments/?q=%E5%B0%B1%E4%B8%9A",
    "/commitments/{commitment}/",
    "/organizations/{district}/",
    "/api/commitments/",
    "/api/commitments/{commitment}/",
]


def log(message):
    print(message, file=sys.stderr, flush=True)


def environment(database, data_dir, static_root):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TRACKER_")) and k not in {"DATABASE_URL", "CACHE_URL"}}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="load-run-only-secret-key-not-for-production-0123456789abcdefghij",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SSL_REDIRECT="0",  # loopback HTTP, no proxy in front
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_LOG_LEVEL="ERROR",
        DATABASE_URL=f"sqlite:///{database}",
        TRACKER_DATA_DIR=str(data_dir),
        TRACKER_DEMO_DATA="1",
        GUNICORN_BIND=f"127.0.0.1:{PORT}",
    )
    return env


# The reviewer: runs in its own process (python bench/load.py --reviewer N SECONDS) with the server's env.
def reviewer(count, seconds):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    django.setup()
    from policies import services
    from policies.models import ProgressUpdate, ReviewState

    end = time.monotonic() + seconds
    pending = list(ProgressUpdate.objects.filter(review_state=ReviewState.SUBMITTED, note="压测填报").order_by("pk")[:count])
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="load-reviewer")
    approved = []
    for update in pending:
        if time.monotonic() > end:
            break
        services.approve_update(update=update, reviewer=user)
        approved.append(update.pk)
        time.sleep(0.05)
    print(json.dumps({"approved": approved}))


def prepare(env, updates):
    """A reviewer account and ``updates`` submitted updates (the reviewer's own: who wrote them does not
    matter to the approval), on commitments spread over the database."""
    script = f"""
import datetime, random
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from policies import services
from policies.models import Commitment, ProgressUpdate
from policies.roles import REVIEWER_GROUP, ensure_roles
ensure_roles()
user, _ = get_user_model().objects.get_or_create(username="load-reviewer", defaults={{"is_staff": True}})
user.groups.add(Group.objects.get(name=REVIEWER_GROUP))
ProgressUpdate.objects.filter(note="压测填报").delete()
rng = random.Random(7)
commitments = list(Commitment.objects.order_by("pk"))
for n, commitment in enumerate(rng.sample(commitments, {updates})):
    update = ProgressUpdate(commitment=commitment, reported_on=datetime.date(2026, 11, 1) + datetime.timedelta(days=n % 20),
                            status="in_progress", percent=rng.randint(1, 99), note="压测填报")
    services.submit_update(update=update, author=user)
"""
    subprocess.run([PYTHON, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True, timeout=300,
                   stdout=subprocess.DEVNULL)


def verify(env, approved):
    """Every approved update stored as approved; every touched commitment shows its latest approved update."""
    script = f"""
import json
from policies.models import Commitment, ProgressUpdate
ids = {approved!r}
stored = ProgressUpdate.objects.filter(pk__in=ids, review_state="approved").count()
wrong = []
for commitment in Commitment.objects.filter(updates__pk__in=ids).distinct():
    latest = commitment.updates.approved().latest_first().first()
    if (commitment.percent, commitment.status) != (latest.percent, latest.status):
        wrong.append(commitment.pk)
print(json.dumps({{"stored": stored, "wrong": wrong,
    "expected": {{c.pk: c.percent for c in Commitment.objects.filter(updates__pk__in=ids).distinct()}}}}))
"""
    out = subprocess.run([PYTHON, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True, timeout=300).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--reviewer", nargs=2, type=int, metavar=("COUNT", "SECONDS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.reviewer:
        return reviewer(*args.reviewer)

    budget = Budget(20)
    work = ROOT / "var" / "load"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    database = work / "demo.sqlite3"
    shutil.copy(demo_database(args.size, 2021, budget), database)  # the seed `make bench` uses
    env = environment(database, work / "data", work / "static")
    log("· collectstatic, reviewer and submitted updates")
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    prepare(env, args.updates)
    params, commitments, _ = pick_parameters(database)
    paths = [path.format(**params) for path in PATHS]

    log_file = open(work / "gunicorn.log", "w")
    server = subprocess.Popen([str(Path(PYTHON).with_name("gunicorn")), "-c", "deploy/gunicorn.conf.py", "tracker.wsgi"],
                              cwd=ROOT, env=env, start_new_session=True, stdout=log_file, stderr=log_file)
    try:
        for _ in range(300):
            if server.poll() is not None:
                raise SystemExit(f"gunicorn exited with code {server.returncode}; see {work / 'gunicorn.log'}")
            try:
                if fetch(f"http://127.0.0.1:{PORT}/readyz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        log(f"· wrk: {args.connections} connections, {args.seconds} s, {len(paths)} paths; a reviewer approves meanwhile")
        review = subprocess.Popen([PYTHON, "bench/load.py", "--reviewer", str(args.updates), str(args.seconds)],
                                  cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        wrk = subprocess.run(
            ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout=30s", "-s", str(LUA),
             f"http://127.0.0.1:{PORT}", "--", *paths],
            capture_output=True, text=True, timeout=args.seconds + 90,
        )
        approved = json.loads(review.communicate(timeout=120)[0].strip().splitlines()[-1])["approved"]
        report = next(json.loads(line[10:]) for line in wrk.stdout.splitlines() if line.startswith("LOAD_JSON "))
        checked = verify(env, approved)
        stale = []
        for pk, percent in checked["expected"].items():
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/commitments/{pk}/", timeout=10) as response:
                if json.load(response)["percent"] != percent:
                    stale.append(int(pk))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log_file.close()

    errors = sum(report[key] for key in ("connect_errors", "read_errors", "write_errors", "non2xx", "timeouts"))
    seconds = report["duration_us"] / 1e6
    summary = {
        "commitments": commitments, "connections": args.connections, "seconds": round(seconds, 1),
        "requests": report["requests"], "requests_per_s": round(report["requests"] / seconds),
        "p50_ms": report["p50_us"] / 1000, "p95_ms": report["p95_us"] / 1000, "p99_ms": report["p99_us"] / 1000,
        "max_ms": report["max_us"] / 1000, "errors": errors,
        **{key: report[key] for key in ("connect_errors", "read_errors", "write_errors", "non2xx", "timeouts")},
        "approved": len(approved),
        "approvals_stored": checked["stored"], "commitments_wrong": checked["wrong"], "api_stale": stale,
    }
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    failed = errors or checked["stored"] != len(approved) or checked["wrong"] or stale or not approved
    if failed:
        log("FAILED: errors, a lost approval, or a stale page (see above)")
        return 1
    log("· zero errors, no lost update")
    return 0


if __name__ == "__main__":
    sys.exit(main())
