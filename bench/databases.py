"""The demo databases `make bench` serves: SQLite files under var/ and PostgreSQL databases beside the
serving one, built by generate_demo_data or reused when made with the same seed by the same generator."""

import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def log(message):
    print(message, file=sys.stderr, flush=True)


def generator_version():
    source = (ROOT / "policies" / "demo_data" / "__init__.py").read_text()
    return int(re.search(r"^GENERATOR_VERSION = (\d+)", source, re.M).group(1))


class Database:
    """One demo database: ``url`` for DATABASE_URL, ``query(sql)`` for the bench's own look-ups."""

    def __init__(self, kind, size, postgres_base):
        self.kind, self.size = kind, size
        if kind == "sqlite":
            self.path = ROOT / "var" / f"demo-{size}.sqlite3"
            self.url = f"sqlite:///{self.path}"
            self.label = str(self.path.relative_to(ROOT))
        else:
            self.url = f"{postgres_base.rstrip('/')}/tracker_demo_{size}"
            self.label = self.url.rsplit("@", 1)[-1]

    def query(self, sql):
        if self.kind == "sqlite":
            with sqlite3.connect(f"file:{self.path}?mode=ro", uri=True) as db:
                return db.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://", 1), connect_timeout=10) as db:
            return db.execute(sql).fetchall()

    def marker(self):
        if self.kind == "sqlite" and not self.path.exists():
            return None
        try:
            return tuple(self.query("SELECT commitments, seed, version FROM tracker_demo_data")[0])
        except Exception:  # no database, no marker table: build it
            return None

    def ensure(self, seed, deadline):
        """Reuse (migrated, so that indexes added since apply) or build this database."""
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL"}}
        if self.marker() == (self.size, seed, generator_version()):
            log(f"· reusing {self.label}")
            subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, check=True,
                           env={**env, "DATABASE_URL": self.url}, timeout=deadline.left())
            self.count_lights(env, deadline)
            return
        log(f"· generating {self.size} commitments into {self.label} (seed {seed})")
        started = time.monotonic()
        target = f"--database-path={self.path}" if self.kind == "sqlite" else f"--database-url={self.url}"
        command = [PYTHON, "manage.py", "generate_demo_data", f"--commitments={self.size}", f"--seed={seed}", target,
                   "--replace"]
        subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=deadline.left(), stdout=subprocess.DEVNULL)
        log(f"  generated in {time.monotonic() - started:.0f} s")
        self.count_lights(env, deadline)

    def count_lights(self, env, deadline):
        """The deployment's daily job (README, "Daily jobs"): the organizations' light counts of today, as a
        server has them after any midnight. Without it, a database made on an earlier day has the dashboard
        count every commitment until the first approval."""
        subprocess.run([PYTHON, "manage.py", "count_lights", "-v0"], cwd=ROOT, check=True,
                       env={**env, "DATABASE_URL": self.url}, timeout=deadline.left())

    def parameters(self):
        """The busiest demo district, its busiest official, the commitment with most approved updates."""
        (district,) = self.query(
            "SELECT o.id FROM policies_organization o JOIN policies_commitment c ON c.organization_id = o.id "
            "WHERE o.kind = 'district' AND o.name LIKE '%（演示）' GROUP BY o.id ORDER BY count(*) DESC, o.id LIMIT 1"
        )[0]
        (official,) = self.query(
            "SELECT s.official_id FROM policies_statement s JOIN policies_commitment c ON c.statement_id = s.id "
            f"JOIN policies_official f ON f.id = s.official_id WHERE f.organization_id = {int(district)} "
            "GROUP BY s.official_id ORDER BY count(*) DESC, s.official_id LIMIT 1"
        )[0]
        (commitment,) = self.query(
            "SELECT commitment_id FROM policies_progressupdate WHERE review_state = 'approved' "
            "GROUP BY commitment_id ORDER BY count(*) DESC, commitment_id LIMIT 1"
        )[0]
        (commitments,) = self.query("SELECT count(*) FROM policies_commitment")[0]
        (updates,) = self.query("SELECT count(*) FROM policies_progressupdate")[0]
        return {"district": district, "official": official, "commitment": commitment}, commitments, updates


APPROVE = """
from django.contrib.auth import get_user_model
from policies import services
from policies.choices import ReviewState
from policies.models import ProgressUpdate
from django.contrib.auth.models import Group
from policies.roles import REVIEWER_GROUP, ensure_roles
ensure_roles()
update = ProgressUpdate.objects.filter(review_state=ReviewState.SUBMITTED,
                                       commitment__organization_id={district}).order_by("pk").first()
reviewer, _ = get_user_model().objects.get_or_create(username="bench-reviewer", defaults={{"is_staff": True}})
reviewer.groups.add(Group.objects.get(name=REVIEWER_GROUP))
if update is None:  # earlier runs on this database approved every submitted update of the district
    import datetime
    from policies.choices import Status
    from policies.models import Commitment
    commitment = Commitment.objects.filter(organization_id={district}).order_by("pk").first()
    update = ProgressUpdate.objects.create(
        commitment=commitment, author=reviewer, reported_on=datetime.date.today(), status=Status.IN_PROGRESS,
        percent=min(100, commitment.percent + 1), note="基准测试提交的演示填报", review_state=ReviewState.SUBMITTED)
services.approve_update(update=update, reviewer=reviewer)
print(update.pk)
"""


def approve_one(env, district, timeout):
    """Approve one submitted update of ``district`` through the service, as a reviewer would, in
    another process (the admin's), against the served database and cache."""
    result = subprocess.run([PYTHON, "manage.py", "shell", "-c", APPROVE.format(district=int(district))], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode:
        raise RuntimeError(f"approving an update failed: {result.stderr[-2000:]}")
    return int(result.stdout.split()[-1])
