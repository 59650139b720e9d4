"""`make bench`: serve demo databases of several sizes with gunicorn and load them with wrk.

For each size it builds (or reuses) var/demo-<size>.sqlite3 with generate_demo_data, starts gunicorn
with production settings (debug off, 2 workers, app preloaded, collected static files), and for each
endpoint of ENDPOINTS runs wrk from this separate process over loopback. It prints, per size and
per page-cache mode, requests/s, p50/p95/p99 latency, SQL queries per request (from the
X-Query-Count header that bench/middleware.py adds, read on a first request and again after the
load), the ratio of requests/s to /healthz in the same server run, and each worker's peak RSS.

An endpoint that answers 404 is reported as "missing" (pages still being built), never a crash.
Everything is bounded: wrk runs for --seconds per endpoint, requests time out, the whole run stops
after --max-minutes, and the server it started is stopped on every exit path.
"""

import argparse
import concurrent.futures
import datetime
import json
import os
import platform
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LUA = ROOT / "bench" / "report.lua"

# (name, path template, target ratio to /healthz). Placeholders come from pick_parameters().
ENDPOINTS = [
    ("healthz", "/healthz", None),
    ("dashboard", "/", 0.5),
    ("list by district", "/commitments/?district={district}", 0.25),
    ("list by task+status", "/commitments/?task=T3&status=in_progress", 0.25),
    ("search 就业", "/commitments/?q=%E5%B0%B1%E4%B8%9A", 0.1),
    ("commitment", "/commitments/{commitment}/", 0.25),
    ("organization", "/organizations/{district}/", 0.25),
    ("api list", "/api/commitments/", 0.25),
    ("feed", "/feed/", None),
]
P99_OVER_P50_MAX = 10
RSS_MAX_MB = 250


class Deadline(Exception):
    pass


def log(message):
    print(message, file=sys.stderr, flush=True)


def demo_database(size, seed, deadline):
    """var/demo-<size>.sqlite3, reused when it was made with this seed by this version of the generator,
    and migrated, so that indexes added since it was made are there."""
    command_source = (ROOT / "policies" / "demo_data.py").read_text()
    generator_version = int(re.search(r"^GENERATOR_VERSION = (\d+)", command_source, re.M).group(1))
    path = ROOT / "var" / f"demo-{size}.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    marker = None
    if path.exists():
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                marker = db.execute("SELECT commitments, seed, version FROM tracker_demo_data").fetchone()
        except sqlite3.DatabaseError:
            pass
    if marker == (size, seed, generator_version):
        log(f"· reusing {path.relative_to(ROOT)}")
        subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, check=True,
                       env={**env, "DATABASE_URL": f"sqlite:///{path}"}, timeout=deadline.left())
        return path
    log(f"· generating {size} commitments into {path.relative_to(ROOT)} (seed {seed})")
    started = time.monotonic()
    command = [PYTHON, "manage.py", "generate_demo_data", f"--commitments={size}", f"--seed={seed}",
               f"--database-path={path}", "--replace"]
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=deadline.left(), stdout=subprocess.DEVNULL)
    log(f"  generated in {time.monotonic() - started:.0f} s")
    return path


def pick_parameters(path):
    """A demo district with the most commitments and a demo commitment with the most approved updates."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        (district,) = db.execute(
            "SELECT o.id FROM policies_organization o JOIN policies_commitment c ON c.organization_id = o.id "
            "WHERE o.kind = 'district' AND o.name LIKE '%（演示）' GROUP BY o.id ORDER BY count(*) DESC, o.id LIMIT 1"
        ).fetchone()
        (commitment,) = db.execute(
            "SELECT commitment_id FROM policies_progressupdate WHERE review_state = 'approved' "
            "GROUP BY commitment_id ORDER BY count(*) DESC, commitment_id LIMIT 1"
        ).fetchone()
        (commitments,) = db.execute("SELECT count(*) FROM policies_commitment").fetchone()
        (updates,) = db.execute("SELECT count(*) FROM policies_progressupdate").fetchone()
    return {"district": district, "commitment": commitment}, commitments, updates


def server_env(path, cached, data_dir, timeout=30, workers=2):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TRACKER_")) and k not in {"DATABASE_URL", "CACHE_URL"}}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-secret-key-not-for-production-0123456789abcdef",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SSL_REDIRECT="0",  # loopback HTTP, no proxy in front
        DATABASE_URL=f"sqlite:///{path}",
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


def fetch(url, timeout):
    request = urllib.request.Request(url)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


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
    for name, template, target in ENDPOINTS:
        path = template.format(**params)
        row = {"endpoint": name, "path": path, "target": target, "state": "skipped (time budget)"}
        rows.append(row)
        if budget.left() < args.seconds + 5:
            continue
        settle(server, args.timeout)
        started = time.monotonic()
        try:
            status, headers = fetch(server.url(path), timeout=args.timeout)
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
        # Every worker has its own page cache: fill each one (concurrent requests land on different
        # sync workers) so the measured rounds see the steady state, not one worker's first miss.
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
            # One request per worker and one more: each worker has its own page cache.
            counts = []
            for _ in range(args.workers + 1):
                try:
                    counts.append(int(fetch(server.url(row["path"]), timeout=args.timeout)[1].get("X-Query-Count")))
                except (OSError, TypeError, ValueError):
                    pass
            row["queries_after"] = str(min(counts)) if counts else "?"
        elif row["state"] == "ready":
            row["state"] = "skipped (time budget)"
    healthz = next((r for r in rows if r["endpoint"] == "healthz" and r["state"] == "ok"), None)
    for row in rows:
        if row["state"] == "ok" and healthz:
            row["ratio"] = row["rps"] / healthz["rps"]
    return rows


def verdict(row):
    notes = []
    if row.get("target") is not None and "ratio" in row:
        notes.append(("✓" if row["ratio"] >= row["target"] else "✗") + f" ≥{row['target']}")
    if row["p50_us"]:
        spread = row["p99_us"] / row["p50_us"]
        if spread > P99_OVER_P50_MAX:
            notes.append(f"✗ p99 {spread:.0f}×p50")
    errors = row["connect_errors"] + row["read_errors"] + row["write_errors"] + row["non2xx"] + row["timeouts"]
    if errors:
        notes.append(f"{errors} errors ({row['timeouts']} timeouts)")
    return " ".join(notes)


def table(result):
    mode = "page cache on" if result["cached"] else "page cache off"
    lines = [
        f"### {result['size']:,} commitments ({result['commitments']:,} in all, {result['updates']:,} updates) · {mode}",
        "",
        "| endpoint | requests/s | p50 ms | p95 ms | p99 ms | first ms | SQL/request | ratio to /healthz | target |",
        "|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for row in result["rows"]:
        if row["state"] != "ok":
            first = f"{row['first_ms']:.0f}" if "first_ms" in row else ""
            lines.append(f"| {row['endpoint']} `{row['path']}` | {row['state']} | | | | {first} | | | |")
            continue
        queries = row["queries_first"] if row["queries_first"] == row["queries_after"] else f"{row['queries_first']} → {row['queries_after']}"
        lines.append(
            f"| {row['endpoint']} `{row['path']}` | {row['rps']:.0f} | {row['p50_us'] / 1000:.1f} | {row['p95_us'] / 1000:.1f} | "
            f"{row['p99_us'] / 1000:.1f} | {row['first_ms']:.0f} | {queries} | {row.get('ratio', 0):.2f} | {verdict(row)} |"
        )
    peaks = ", ".join(f"{mb:.0f} MB" for mb in result["rss_mb"])
    if len(result["rss_mb"]) > 2:
        peaks += " (more than two: a worker was replaced after a timeout)"
    flag = "✓" if result["rss_mb"] and max(result["rss_mb"]) < RSS_MAX_MB else "✗"
    lines += ["", f"Peak RSS per worker: {peaks} ({flag} < {RSS_MAX_MB} MB)", ""]
    return "\n".join(lines)


def query_parity(results):
    """Uncached SQL per request for each endpoint at each size: it should not change with size."""
    uncached = [r for r in results if not r["cached"]] or results
    sizes = [r["size"] for r in uncached]
    lines = ["### SQL queries per request by size (first request, uncached)", "",
             "| endpoint | " + " | ".join(f"{s:,}" for s in sizes) + " | same |", "|---|" + "--:|" * len(sizes) + "---|"]
    for i, (name, _, _) in enumerate(ENDPOINTS):
        counts = [r["rows"][i].get("queries_first") or r["rows"][i]["state"] for r in uncached]
        numeric = [c for c in counts if str(c).isdigit()]
        same = "✓" if numeric and len(set(numeric)) == 1 and len(numeric) == len(counts) else ("—" if not numeric else "✗")
        lines.append(f"| {name} | " + " | ".join(str(c) for c in counts) + f" | {same} |")
    return "\n".join(lines) + "\n"


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    load = os.getloadavg()
    return (f"{os.cpu_count()} CPU ({cpu}), {int(mem) / 1024 / 1024:.0f} GiB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; load average at start "
            f"{load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated commitment counts")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--seconds", type=int, default=4, help="wrk duration per endpoint and round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over all endpoints; the best round counts")
    parser.add_argument("--connections", type=int, default=4, help="wrk concurrent connections")
    parser.add_argument("--timeout", type=int, default=30, help="per-request timeout, seconds")
    parser.add_argument("--modes", default="cached,uncached", help="page cache modes to run: cached, uncached or both")
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
    if not sizes or not set(modes) <= {"cached", "uncached"}:
        sys.exit("--sizes needs numbers; --modes takes cached and/or uncached.")
    budget = Budget(args.max_minutes)
    data_dir = ROOT / "var" / "bench"
    data_dir.mkdir(parents=True, exist_ok=True)

    started = datetime.datetime.now(datetime.UTC)
    header = [
        f"Run at {started:%Y-%m-%d %H:%M} UTC on {machine()}.",
        f"Command: make bench BENCH_ARGS='{' '.join(argv if argv is not None else sys.argv[1:])}'",
        f"gunicorn {args.workers} sync workers, preload, DEBUG off; wrk -t1 -c{args.connections} -d{args.seconds}s over loopback, "
        f"best of {args.rounds} interleaved rounds per endpoint.",
        "",
    ]
    print("\n".join(header), flush=True)
    log("· collectstatic")
    static_env = server_env(ROOT / "var" / "unused.sqlite3", True, data_dir)
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=static_env, check=True, timeout=300)

    results = []
    try:
        for size in sizes:
            path = demo_database(size, args.seed, budget)
            params, commitments, updates = pick_parameters(path)
            for mode in modes:
                cached = mode == "cached"
                log(f"· serving {path.name}, page cache {'on' if cached else 'off'}")
                with Server(server_env(path, cached, data_dir, args.timeout, args.workers), args.port) as server:
                    rows = measure(server, params, args, budget, cached)
                    result = {"size": size, "commitments": commitments, "updates": updates, "cached": cached,
                              "rows": rows, "rss_mb": server.peak_rss_mb()}
                results.append(result)
                print(table(result), flush=True)
    except Deadline:
        print(f"\nStopped: the run reached --max-minutes={args.max_minutes}.\n", flush=True)
    if results:
        print(query_parity(results), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"header": header, "results": results}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
