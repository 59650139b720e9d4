"""The page cache shared by several processes through Redis (CACHE_URL), and what an approval makes stale.

With several workers or hosts each process would otherwise keep its own pages, so after an approval
every worker in turn paid the render. Here separate Python processes, each with its own Django,
share one Redis database and one SQLite file, as gunicorn workers share a server's.
"""

import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from django.test import SimpleTestCase, TestCase

from policies import services
from policies.models import Commitment, Organization
from policies.roles import ensure_roles

from .factories import load_conference, make_reviewer, make_update

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TRACKER_TEST_REDIS_URL", "")

SETUP = """
import django; django.setup()
from django.core.cache import caches
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("load_conference", verbosity=0)
caches["default"].clear()
from policies.models import Commitment
print(Commitment.objects.get(summary="加大就业失业监测", statement__source__publisher="重庆日报").pk)
"""

GET = """
import sys, django; django.setup()
from django.test import Client
response = Client(HTTP_HOST="localhost").get(sys.argv[1])
assert response.status_code == 200, response.status_code
print(response["X-Page-Cache"], "63%" in response.content.decode())
"""

APPROVE = """
import datetime, sys, django; django.setup()
from policies import services
from policies.models import Commitment
from policies.roles import ensure_roles
from tests.factories import make_reviewer, make_update
ensure_roles()
update = make_update(commitment=Commitment.objects.get(pk=int(sys.argv[1])), percent=63, reported_on=datetime.date(2021, 10, 1))
services.approve_update(update=update, reviewer=make_reviewer(username="redis-reviewer"))
"""


@unittest.skipUnless(REDIS_URL, "TRACKER_TEST_REDIS_URL is unset: no Redis server to share (.ci/run starts one and sets it)")
class SharedRedisCacheTests(SimpleTestCase):
    def run_in_process(self, script, *args):
        result = subprocess.run(
            [sys.executable, "-c", script, *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout.strip()

    def setUp(self):
        directory = Path(tempfile.mkdtemp(prefix="tracker-redis-"))
        self.addCleanup(shutil.rmtree, directory, ignore_errors=True)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
            "DATABASE_URL": f"sqlite:///{directory / 'db.sqlite3'}",
            "TRACKER_DATA_DIR": str(directory),
            "CACHE_URL": REDIS_URL,
        }

    def test_an_approval_in_one_process_makes_the_page_stale_in_another(self):
        pk = self.run_in_process(SETUP)
        url = f"/commitments/{pk}/"
        self.assertEqual(self.run_in_process(GET, url), "miss False")
        # A second process that never rendered the page is served the first one's copy.
        self.assertEqual(self.run_in_process(GET, url), "hit False")
        self.assertEqual(self.run_in_process(GET, "/"), "miss False")
        self.assertEqual(self.run_in_process(GET, "/"), "hit False")
        self.run_in_process(APPROVE, pk)
        self.assertEqual(self.run_in_process(GET, url), "miss True")
        self.assertEqual(self.run_in_process(GET, "/"), "miss True")  # among the latest updates


class ScopedInvalidationTests(TestCase):
    """An approval makes stale the pages that show its progress, and only those."""

    @classmethod
    def setUpTestData(cls):
        load_conference()
        ensure_roles()
        cls.commitment = Commitment.objects.get(summary="加大就业失业监测", statement__source__publisher="重庆日报")
        cls.other = Organization.objects.exclude(pk=cls.commitment.organization_id).filter(commitments__isnull=False).first()
        cls.reviewer = make_reviewer(username="reviewer")

    def state(self, url, **headers):
        # Unscoped lists and sources redirect to the conference's own URL: the page behind is the one cached.
        response = self.client.get(url, headers=headers, follow=True)
        self.assertEqual(response.status_code, 200)
        return response["X-Page-Cache"]

    def approve(self, percent):
        update = make_update(commitment=self.commitment, percent=percent, reported_on=datetime.date(2021, 10, 1))
        with self.captureOnCommitCallbacks(execute=True):
            services.approve_update(update=update, reviewer=self.reviewer)

    def test_an_approval_leaves_other_organizations_pages_cached(self):
        official = self.commitment.statement.official
        own = [self.commitment.get_absolute_url(), self.commitment.organization.get_absolute_url(),
               official.get_absolute_url(), "/", "/commitments/", "/api/commitments/"]
        others = [self.other.get_absolute_url(), self.other.commitments.first().get_absolute_url(),
                  "/sources/cqrb-2020-12-30-economic-work/"]
        for url in own + others:
            self.state(url)
        self.approve(63)
        for url in own:
            with self.subTest(url=url):
                self.assertEqual(self.state(url), "miss")
        for url in others:
            with self.subTest(url=url):
                self.assertEqual(self.state(url), "hit")
        self.assertContains(self.client.get(self.commitment.get_absolute_url()), "63%")

    def test_a_client_without_accept_is_served_the_page_a_browser_warmed(self):
        browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        self.assertEqual(self.state("/", accept=browser), "miss")
        self.assertEqual(self.state("/"), "hit")
        self.assertEqual(self.state("/", accept="*/*"), "hit")

    def test_the_api_is_cached_per_rendered_format_not_per_accept_header(self):
        self.assertEqual(self.state("/api/tasks/", accept="application/json"), "miss")
        self.assertEqual(self.state("/api/tasks/"), "hit")  # DRF renders JSON when no Accept is sent
        response = self.client.get("/api/tasks/", headers={"accept": "text/html"})
        self.assertEqual(response["X-Page-Cache"], "miss")
        self.assertIn("text/html", response["Content-Type"])
        self.assertIn("application/json", self.client.get("/api/tasks/")["Content-Type"])
