"""`make bench`: serve demo databases of several sizes on SQLite and PostgreSQL with gunicorn, load them with wrk.

For each database and size it builds (or reuses) a demo database with generate_demo_data (bench/databases.py),
starts gunicorn with production settings (debug off, 2 workers, app preloaded, collected static files), and
for each endpoint of ENDPOINTS runs wrk from this separate process over loopback, with the page cache off
and on (on: shared by the workers through Redis, CACHE_URL). It prints, per run, requests/s, p50/p95/p99
latency, response size, SQL queries per request (from the X-Query-Count header that bench/middleware.py
adds), each worker's peak RSS, and the targets of issue 11 as ratios to /healthz p50 in the same run
(bench/report.py). Then it approves one update through the service and times the next dashboard and
organization page on every worker (write then read).

An endpoint that answers 404 is reported as "missing" (pages still being built), never a crash.
Everything is bounded: wrk runs for --seconds per endpoint, requests time out, the whole run stops
after --max-minutes, and the server it started is stopped on every exit path.
"""

import argparse
import concurrent.futures
import contextlib
import datetime
import json
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

if __package__ in (None, ""):  # run as a script (`python bench/run.py`)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.databases import Database, approve_one, log
from bench.report import query_parity, table

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LUA = ROOT / "bench" / "report.lua"

# (name, path template). Placeholders come from Database.parameters().
ENDPOINTS = [
    ("healthz", "/healthz"),
    ("dashboard", "/"),
    ("conferences", "/conferences/"),
    ("organizations", "/conferences/2020-12-29/organizations/"),
    ("list by district", "/commitments/?district={district}"),
    ("list by task+status", "/commitments/?task=T3&status=in_progress"),
    ("search 就业", "/commitments/?q=%E5%B0%B1%E4%B8%9A"),
    ("commitment", "/commitments/{commitment}/"),
    # The conference-scoped URL: the old /tasks/T3/ is a redirect, which wrk does not follow.
    ("task", "/conferences/2020-12-29/tasks/T3/"),
    ("organization", "/organizations/{district}/"),
    ("official", "/officials/{official}/"),
    ("api list", "/api/commitments/"),
    ("api tasks", "/api/tasks/"),
]
# Read after an approval, on every worker.
WRITE_THEN_READ = [("dashboard", "/"), ("organization", "/organizations/{district}/")]


class Deadline(Exception):
    pass


def server_env(database_url, cached, data_dir, timeout=30, workers=2, cache_url=""):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TRACKER_")) and k not in {"DATABASE_URL", "CACHE_URL"}}
    if cached and cache_url:
        env["CACHE_URL"] = cache_url
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-secret-key-not-for-production-0123456789abcdef",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SSL_REDIRECT="0",  # loopback HTTP, no proxy in front
        DATABASE_URL=database_url,
        TRACKER_DATA_DIR=str(data_dir),
        TRACKER_DEMO_DATA="1",
        DJANGO_LOG_LEVEL="ERROR",
        TRACKER_QUERY_COUNT_HEADER="1",
        TRACKER_PAGE_CACHE="1" if cached else "0",
        # A worker stuck on a page slower than the bench waits for is recycled soon after.
        BENCH_WORKER_TIMEOUT=str(timeout + 5),
        BENCH_WORKERS=str(workers),
    )
    return env


class Server:
    def __init__(self, env, port):
        self.env, self.port, self.process, self.peaks, self.log = env, port, None, {}, None

    def __enter__(self):
        gunicorn = Path(PYTHON).with_name("gunicorn")
        self.log = open(ROOT / "var" / "bench" / "gunicorn.log", "a")
        self.process = subprocess.Popen(
            [str(gunicorn), "-c", "bench/gunicorn.conf.py", "--bind", f"127.0.0.1:{self.port}", "tracker.wsgi"],
            cwd=ROOT, env=self.env, start_new_session=True, stdout=self.log, stderr=self.log,
        )
        for _ in range(300):
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with code {self.process.returncode}; see var/bench/gunicorn.log")
            try:
                if fetch(self.url("/healthz"), timeout=2)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer /healthz within 30 s")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def workers(self):
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return sorted(pids)

    def worker_states(self):
        states = []
        for pid in self.workers():
            try:
                states.append(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0])
            except OSError:
                pass
        return states

    def sample_memory(self):
        """Record each worker's peak RSS so far (VmHWM); a worker killed for a timeout keeps its record."""
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    self.peaks[pid] = max(self.peaks.get(pid, 0), int(line.split()[1]) / 1024)

    def peak_rss_mb(self):
        self.sample_memory()
        return [self.peaks[pid] for pid in sorted(self.peaks)]

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.log:
            self.log.close()


def fetch(url, timeout, with_size=False):
    request = urllib.request.Request(url)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            size = len(response.read())
            return (response.status, response.headers, size) if with_size else (response.status, response.headers)
    except urllib.error.HTTPError as error:
        return (error.code, error.headers, 0) if with_size else (error.code, error.headers)


def _quiet_fetch(url, timeout):
    try:
        return fetch(url, timeout)
    except OSError:
        return None


def run_wrk(url, seconds, connections, timeout):
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", f"--timeout={timeout}s", "-s", str(LUA), url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + timeout + 30)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line[len("BENCH_JSON "):])
    raise RuntimeError(f"wrk gave no report: {result.stdout} {result.stderr}")


class Budget:
    def __init__(self, minutes):
        self.end = time.monotonic() + minutes * 60

    def left(self):
        left = self.end - time.monotonic()
        if left <= 0:
            raise Deadline()
        return left


def settle(server, timeout):
    """Wait until every worker is idle again: wrk leaves requests in flight, and a slow page's backlog
    must not be charged to the next endpoint. A sync worker waiting for a request sleeps (state S);
    a fast /healthz alone would not tell, since only an idle worker accepts it."""
    end = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < end and quiet < 3:
        states = server.worker_states()
        quiet = quiet + 1 if states and all(state == "S" for state in states) else 0
        time.sleep(0.05)
    try:
        fetch(server.url("/healthz"), timeout=timeout)
    except OSError:
        pass


def measure(server, params, args, budget, cached):
    """Probe every endpoint once (status, first-request time, SQL count), then load each that answers
    200 for --rounds rounds in turn and keep its best round, /healthz included: on a shared machine the
    best of interleaved rounds is the least disturbed measurement of each."""
    rows = []
    for name, template in ENDPOINTS:
        path = template.format(**params)
        row = {"endpoint": name, "path": path, "state": "skipped (time budget)"}
        rows.append(row)
        if budget.left() < args.seconds + 5:
            continue
        settle(server, args.timeout)
        started = time.monotonic()
        try:
            status, headers, row["bytes"] = fetch(server.url(path), timeout=args.timeout, with_size=True)
        except OSError as error:
            row["state"] = f"no answer in {args.timeout} s ({error.__class__.__name__})"
            continue
        finally:
            row["first_ms"] = (time.monotonic() - started) * 1000
            server.sample_memory()
        if status == 404:
            row["state"] = "missing"
        elif status != 200:
            row["state"] = f"HTTP {status}"
        else:
            row["state"] = "ready"
            row["queries_first"] = headers.get("X-Query-Count")
            row["demo_header"] = headers.get("X-Demo-Data")

    if cached:
        # Fill the cache from every worker (concurrent requests land on different sync workers), so
        # that the measured rounds see the steady state even with a per-worker cache.
        for row in rows:
            if row["state"] == "ready" and budget.left() > args.timeout:
                settle(server, args.timeout)
                with concurrent.futures.ThreadPoolExecutor(args.workers) as pool:
                    url = server.url(row["path"])
                    list(pool.map(lambda _, url=url: _quiet_fetch(url, args.timeout), range(args.workers)))

    for _ in range(args.rounds):
        for row in rows:
            if row["state"] not in ("ready", "ok") or budget.left() < args.seconds + 5:
                continue
            settle(server, args.timeout)
            stats = run_wrk(server.url(row["path"]), args.seconds, args.connections, args.timeout)
            stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
            if row["state"] == "ready" or stats["rps"] > row["rps"]:
                row.update(stats)
            row["state"] = "ok"
            server.sample_memory()

    for row in rows:
        if row["state"] == "ok":
            settle(server, args.timeout)
            # One request per worker and one more: with a per-worker cache each has its own copy.
            counts = []
            for _ in range(args.workers + 1):
                try:
                    counts.append(int(fetch(server.url(row["path"]), timeout=args.timeout)[1].get("X-Query-Count")))
                except (OSError, TypeError, ValueError):
                    pass
            row["queries_after"] = str(min(counts)) if counts else "?"
        elif row["state"] == "ready":
            row["state"] = "skipped (time budget)"
    return rows


def write_then_read(server, params, args, budget):
    """Approve one update of the district, then request each page of WRITE_THEN_READ from as many
    clients at once as there are workers: the time each of them waited (seconds)."""
    if budget.left() < 4 * args.timeout:
        return None
    settle(server, args.timeout)
    update = approve_one(server.env, params["district"], args.timeout * 2)
    pages = {}
    for name, template in WRITE_THEN_READ:
        url = server.url(template.format(**params))

        def timed(_, url=url):
            started = time.monotonic()
            _quiet_fetch(url, args.timeout)
            return time.monotonic() - started

        settle(server, args.timeout)
        with concurrent.futures.ThreadPoolExecutor(args.workers) as pool:
            pages[name] = sorted(pool.map(timed, range(args.workers)))
        server.sample_memory()
    return {"update": update, "clients": args.workers, "pages": {k: [t * 1000 for t in v] for k, v in pages.items()}}


def postgres_version():
    try:
        result = subprocess.run(["psql", "--version"], capture_output=True, text=True, timeout=10)
        return result.stdout.strip().replace("psql (PostgreSQL) ", "PostgreSQL ") or "PostgreSQL ?"
    except OSError:
        return "no psql"


def redis_flush(url):
    """Start each cached run with an empty shared cache."""
    import redis

    redis.Redis.from_url(url).flushdb()


class LocalRedis:
    """The Redis of --cache-url, started for this run (and stopped after it) when it is on this machine
    and nothing answers there yet, as .ci/run does; any other Redis must already be running."""

    def __init__(self, url):
        import redis

        self.url, self.process = url, None
        self.client = redis.Redis.from_url(url, socket_connect_timeout=2)

    def answers(self):
        import redis

        try:
            return self.client.ping()
        except redis.exceptions.ConnectionError:
            return False

    def __enter__(self):
        if self.answers():
            return self
        host, port = self.client.connection_pool.connection_kwargs["host"], self.client.connection_pool.connection_kwargs["port"]
        if host not in {"127.0.0.1", "localhost"} or not shutil.which("redis-server"):
            sys.exit(f"No Redis answers at {self.url}: start one, or pass --modes uncached.")
        log(f"· starting redis-server on port {port} for this run")
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        for _ in range(100):
            if self.answers():
                return self
            time.sleep(0.1)
        self.__exit__()
        sys.exit(f"redis-server did not answer at {self.url} within 10 s.")

    def __exit__(self, *exc):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    load = os.getloadavg()
    return (f"{os.cpu_count()} CPU ({cpu}), {int(mem) / 1024 / 1024:.0f} GiB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {postgres_version()}; load average at start "
            f"{load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated commitment counts")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--seconds", type=int, default=4, help="wrk duration per endpoint and round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over all endpoints; the best round counts")
    parser.add_argument("--connections", type=int, default=4, help="wrk concurrent connections")
    parser.add_argument("--timeout", type=int, default=30, help="per-request timeout, seconds")
    parser.add_argument("--modes", default="uncached,cached", help="page cache modes to run: cached, uncached or both")
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite and/or postgres")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", "postgres://tracker:tracker@127.0.0.1:5432"),
                        help="PostgreSQL server for the demo databases (tracker_demo_<size> on it)")
    parser.add_argument("--cache-url", default=os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/14"),
                        help="Redis database the workers share in cached mode (flushed at the start of each run)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--max-minutes", type=float, default=30, help="stop everything after this long")
    parser.add_argument("--json", help="also write the raw results to this file")
    args = parser.parse_args(argv)
    # A TERM (from a CI timeout, say) unwinds like Ctrl-C, so the server is stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk (.ci/run installs it).")
    sizes = [int(s) for s in args.sizes.split(",") if s]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    kinds = [d.strip() for d in args.databases.split(",") if d.strip()]
    if not sizes or not set(modes) <= {"cached", "uncached"} or not set(kinds) <= {"sqlite", "postgres"}:
        sys.exit("--sizes needs numbers; --modes takes cached and/or uncached; --databases sqlite and/or postgres.")
    budget = Budget(args.max_minutes)
    data_dir = ROOT / "var" / "bench"
    data_dir.mkdir(parents=True, exist_ok=True)

    started = datetime.datetime.now(datetime.UTC)
    header = [
        f"Run at {started:%Y-%m-%d %H:%M} UTC on {machine()}.",
        f"Command: make bench BENCH_ARGS='{' '.join(argv if argv is not None else sys.argv[1:])}'",
        f"gunicorn {args.workers} sync workers, preload, DEBUG off; wrk -t1 -c{args.connections} -d{args.seconds}s over loopback, "
        f"best of {args.rounds} interleaved rounds per endpoint; cached mode shares {args.cache_url} between workers.",
        "",
    ]
    print("\n".join(header), flush=True)
    log("· collectstatic")
    static_env = server_env(f"sqlite:///{ROOT / 'var' / 'unused.sqlite3'}", True, data_dir)
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=static_env, check=True, timeout=300)

    results = []
    stack = contextlib.ExitStack()
    if "cached" in modes:
        stack.enter_context(LocalRedis(args.cache_url))
    try:
        for kind in kinds:
            for size in sizes:
                database = Database(kind, size, args.postgres)
                database.ensure(args.seed, budget)
                params, commitments, updates = database.parameters()
                for mode in modes:
                    cached = mode == "cached"
                    if cached:
                        redis_flush(args.cache_url)
                    log(f"· serving {database.label}, page cache {'on' if cached else 'off'}")
                    env = server_env(database.url, cached, data_dir, args.timeout, args.workers, args.cache_url)
                    with Server(env, args.port) as server:
                        rows = measure(server, params, args, budget, cached)
                        try:
                            written = write_then_read(server, params, args, budget)
                        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
                            # Reported, not fatal: the tables already measured must still be printed.
                            log(f"  write then read failed: {error}")
                            written = None
                        result = {"database": kind, "size": size, "commitments": commitments, "updates": updates,
                                  "cached": cached, "rows": rows, "rss_mb": server.peak_rss_mb(),
                                  "write_then_read": written}
                    results.append(result)
                    print(table(result), flush=True)
    except Deadline:
        print(f"\nStopped: the run reached --max-minutes={args.max_minutes}.\n", flush=True)
    finally:
        stack.close()
    if results:
        print(query_parity(results, ENDPOINTS), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"header": header, "results": results}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
