"""Public pages are cached per data version; every write path to public data makes them stale.

The write paths say so themselves (policies.invalidation), after their transaction commits: these
tests run the commit callbacks with captureOnCommitCallbacks(execute=True), as a real request would.
"""

import datetime
import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command
from django.db import transaction
from django.test import SimpleTestCase, TestCase, override_settings

from policies import services
from policies.models import Commitment, KeyTask, ProgressUpdate
from policies.roles import ensure_roles

from .factories import load_conference, make_reviewer, make_update, make_user

ROOT = Path(__file__).resolve().parent.parent


class PageCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_conference()
        ensure_roles()
        cls.commitment = Commitment.objects.get(summary="加大就业失业监测")
        cls.reviewer = make_reviewer(username="reviewer")
        cls.admin = make_user(username="admin", is_staff=True, is_superuser=True)
        # A public page that lists the commitment's summary (the dashboard shows only a few).
        cls.list_url = f"/commitments/?department={cls.commitment.organization_id}"

    def get(self, url, **headers):
        response = self.client.get(url, headers=headers)
        self.assertEqual(response.status_code, 200)
        return response

    def test_second_request_is_served_from_the_cache_without_queries(self):
        self.assertEqual(self.get(self.list_url)["X-Page-Cache"], "miss")
        with self.assertNumQueries(0):
            response = self.get(self.list_url)
        self.assertEqual(response["X-Page-Cache"], "hit")
        self.assertIn(self.commitment.summary, response.content.decode())

    def cached_then_changed(self, url, write):
        """``url`` served from the cache, then ``write()`` with its commit callbacks run; the page after."""
        self.get(url)
        self.assertEqual(self.get(url)["X-Page-Cache"], "hit")
        with self.captureOnCommitCallbacks(execute=True):
            write()
        response = self.get(url)
        self.assertEqual(response["X-Page-Cache"], "miss")
        return response.content.decode()

    def admin_post(self, url, data):
        # Signed in only for the write: signed-in visitors bypass the page cache.
        self.client.force_login(self.admin)
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        self.client.logout()

    def test_approving_an_update_through_the_service_shows_the_new_progress(self):
        url = self.commitment.get_absolute_url()
        update = make_update(commitment=self.commitment, percent=40, note="监测平台已上线试运行")
        self.assertNotIn("监测平台已上线试运行", self.get(url).content.decode())
        html = self.cached_then_changed(url, lambda: services.approve_update(update=update, reviewer=self.reviewer))
        self.assertIn("监测平台已上线试运行", html)
        self.assertIn("40%", html)

    def test_approving_an_update_in_the_admin_shows_the_new_progress(self):
        url = self.commitment.get_absolute_url()
        update = make_update(commitment=self.commitment, percent=40, note="监测平台已上线试运行")
        review = f"/admin/policies/progressupdate/{update.pk}/review/"
        html = self.cached_then_changed(url, lambda: self.admin_post(review, {"decision": "approve"}))
        self.assertIn("监测平台已上线试运行", html)
        self.assertIn("40%", html)

    def test_an_approval_that_rolls_back_keeps_the_cached_pages(self):
        url = self.commitment.get_absolute_url()
        update = make_update(commitment=self.commitment, percent=40, status="in_progress")
        self.get(url)
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            with self.assertRaises(RuntimeError), transaction.atomic():
                services.approve_update(update=update, reviewer=self.reviewer)
                raise RuntimeError("the request failed after the approval")
        self.assertEqual(callbacks, [])
        self.assertEqual(self.get(url)["X-Page-Cache"], "hit")

    def test_submitting_an_update_changes_nothing_public(self):
        url = self.commitment.get_absolute_url()
        self.get(url)
        with self.captureOnCommitCallbacks(execute=True):
            draft = ProgressUpdate(commitment=self.commitment, reported_on=datetime.date(2021, 6, 30),
                                   status="in_progress", percent=10, note="草稿")
            services.submit_update(update=draft, author=self.reviewer)
        self.assertEqual(self.get(url)["X-Page-Cache"], "hit")

    def test_a_plain_model_save_is_not_a_write_path(self):
        self.get(self.list_url)
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            self.commitment.save()
        self.assertEqual(callbacks, [])
        self.assertEqual(self.get(self.list_url)["X-Page-Cache"], "hit")

    def test_editing_a_commitment_in_the_admin_shows_the_new_summary_on_every_page(self):
        detail = self.commitment.get_absolute_url()
        self.get(detail)
        change = f"/admin/policies/commitment/{self.commitment.pk}/change/"
        html = self.cached_then_changed(self.list_url, lambda: self.admin_post(change, {
            "summary": "加大就业失业动态监测（已修订）", "due_date": "2021-12-31", "due_basis": "",
            "links-TOTAL_FORMS": 0, "links-INITIAL_FORMS": 0,
            "links-2-TOTAL_FORMS": 0, "links-2-INITIAL_FORMS": 0,
            "updates-TOTAL_FORMS": 0, "updates-INITIAL_FORMS": 0,
            "milestones-TOTAL_FORMS": 0, "milestones-INITIAL_FORMS": 0,
            "reminders-TOTAL_FORMS": 0, "reminders-INITIAL_FORMS": 0, "_save": "保存",
        }))
        self.assertIn("加大就业失业动态监测（已修订）", html)
        self.assertIn("加大就业失业动态监测（已修订）", self.get(detail).content.decode())

    def test_linking_a_task_in_the_admin_shows_on_the_commitment_page(self):
        task = KeyTask.objects.exclude(links__commitment=self.commitment).filter(parent=None).first()
        add_link = "/admin/policies/tasklink/add/"
        html = self.cached_then_changed(self.commitment.get_absolute_url(), lambda: self.admin_post(add_link, {
            "commitment": self.commitment.pk, "task": task.pk, "origin": "curated", "_save": "保存",
        }))
        self.assertIn(task.title, html)

    def test_linking_a_task_on_the_commitments_admin_page_shows_on_the_task_page(self):
        task = KeyTask.objects.exclude(links__commitment=self.commitment).filter(parent=None).first()
        change = f"/admin/policies/commitment/{self.commitment.pk}/change/"
        html = self.cached_then_changed(task.get_absolute_url(), lambda: self.admin_post(change, {
            "summary": self.commitment.summary, "due_date": "2021-12-31", "due_basis": "",
            "links-TOTAL_FORMS": 0, "links-INITIAL_FORMS": 0,
            "links-2-TOTAL_FORMS": 1, "links-2-INITIAL_FORMS": 0,
            "links-2-0-task": task.pk, "links-2-0-origin": "curated", "links-2-0-commitment": self.commitment.pk,
            "updates-TOTAL_FORMS": 0, "updates-INITIAL_FORMS": 0,
            "milestones-TOTAL_FORMS": 0, "milestones-INITIAL_FORMS": 0,
            "reminders-TOTAL_FORMS": 0, "reminders-INITIAL_FORMS": 0, "_save": "保存",
        }))
        self.assertIn(self.commitment.summary, html)

    def test_reloading_the_fixtures_replaces_hand_edited_data(self):
        Commitment.objects.filter(pk=self.commitment.pk).update(summary="被改动的摘要")
        self.assertIn("被改动的摘要", self.get(self.list_url).content.decode())
        # Reloading restores the fixture's summary and must make the cached page stale.
        html = self.cached_then_changed(self.list_url, lambda: call_command("load_conference", verbosity=0))
        self.assertNotIn("被改动的摘要", html)
        self.assertIn("加大就业失业监测", html)

    def test_api_list_is_cached_per_format_and_invalidated(self):
        url = f"/api/commitments/?organization={self.commitment.organization_id}"
        self.get(url, accept="application/json")
        browsable = self.get(url, accept="text/html")
        self.assertEqual(browsable["X-Page-Cache"], "miss")
        self.assertIn("text/html", browsable["Content-Type"])
        hit = self.get(url, accept="application/json")
        self.assertEqual(hit["X-Page-Cache"], "hit")
        self.assertIn("application/json", hit["Content-Type"])
        self.assertIn("Accept", hit["Vary"])

        update = make_update(commitment=self.commitment, percent=70, status="in_progress",
                             reported_on=datetime.date(2021, 9, 30))
        with self.captureOnCommitCallbacks(execute=True):
            services.approve_update(update=update, reviewer=self.reviewer)
        rows = self.get(url, accept="application/json").json()["results"]
        self.assertEqual({row["id"]: row["percent"] for row in rows}[self.commitment.pk], 70)

    def test_unknown_page_is_not_cached(self):
        self.assertEqual(self.client.get("/commitments/999999/").status_code, 404)
        response = self.client.get("/commitments/999999/")
        self.assertEqual(response.status_code, 404)
        self.assertFalse(response.has_header("X-Page-Cache"))

    def test_signed_in_visitors_bypass_the_cache(self):
        self.get("/")
        self.client.force_login(self.reviewer)
        response = self.get("/")
        self.assertFalse(response.has_header("X-Page-Cache"))

    @override_settings(TRACKER_PAGE_CACHE=False)
    def test_cache_can_be_switched_off(self):
        self.get("/")
        self.assertFalse(self.get("/").has_header("X-Page-Cache"))


class CacheSettingsTests(SimpleTestCase):
    def check_with(self, **env):
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "CACHE_URL"}
        full_env.update(env)
        return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=full_env, capture_output=True, text=True)

    def test_cache_url_must_be_redis(self):
        result = self.check_with(CACHE_URL="memcached://127.0.0.1:11211")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("CACHE_URL must be a Redis URL", result.stderr)

    def test_default_is_local_memory_with_a_shared_data_version(self):
        from django.conf import settings

        self.assertEqual(settings.CACHES["default"]["BACKEND"], "django.core.cache.backends.locmem.LocMemCache")
        self.assertEqual(settings.CACHES["data_version"]["BACKEND"], "django.core.cache.backends.filebased.FileBasedCache")
        # Under the data directory, which tests/conftest.py makes a temporary one: never the checkout's var/.
        location = Path(settings.CACHES["data_version"]["LOCATION"])
        self.assertTrue(location.is_relative_to(settings.DATA_DIR))
        self.assertFalse(location.is_relative_to(ROOT))

    def test_a_write_in_another_process_makes_this_process_pages_stale(self):
        from policies.cache import data_version

        before = data_version()
        script = "import django; django.setup(); from policies.cache import bump_data_version; bump_data_version()"
        # What the two processes share is the version store, not a database: the other process needs
        # none (on PostgreSQL the configured one is not the test database and may not even exist).
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
        subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True)
        self.assertNotEqual(data_version(), before)
