"""Public pages are cached per data version; any write to public data makes them stale."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command
from django.test import SimpleTestCase, TestCase, override_settings
from django.utils import timezone

from policies.choices import ReviewState
from policies.models import Commitment, KeyTask
from policies.services import refresh_progress

from .factories import load_conference, make_update, make_user

ROOT = Path(__file__).resolve().parent.parent


class PageCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_conference()
        cls.commitment = Commitment.objects.get(summary="加大就业失业监测")
        cls.reviewer = make_user(username="reviewer")
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

    def test_approving_an_update_shows_the_new_progress(self):
        url = self.commitment.get_absolute_url()
        update = make_update(commitment=self.commitment, percent=40, note="监测平台已上线试运行", status="in_progress")
        self.assertNotIn("监测平台已上线试运行", self.get(url).content.decode())
        self.assertEqual(self.get(url)["X-Page-Cache"], "hit")

        # What approval does: the update's review state changes, then the cached progress is derived again.
        update.review_state = ReviewState.APPROVED
        update.reviewed_by = self.reviewer
        update.reviewed_at = timezone.now()
        update.save()
        refresh_progress(commitments=Commitment.objects.filter(pk=self.commitment.pk))

        response = self.get(url)
        self.assertEqual(response["X-Page-Cache"], "miss")
        html = response.content.decode()
        self.assertIn("监测平台已上线试运行", html)
        self.assertIn("40%", html)

    def test_editing_a_commitment_shows_the_new_summary_on_every_page(self):
        self.get(self.list_url)
        self.get(self.commitment.get_absolute_url())
        self.commitment.summary = "加大就业失业动态监测（已修订）"
        self.commitment.save()
        self.assertIn("加大就业失业动态监测（已修订）", self.get(self.list_url).content.decode())
        self.assertIn("加大就业失业动态监测（已修订）", self.get(self.commitment.get_absolute_url()).content.decode())

    def test_linking_a_task_shows_on_the_commitment_page(self):
        url = self.commitment.get_absolute_url()
        self.get(url)
        task = KeyTask.objects.get(code="T1")
        self.commitment.tasks.add(task)
        self.assertIn(task.title, self.get(url).content.decode())

    def test_reloading_the_fixtures_replaces_hand_edited_data(self):
        Commitment.objects.filter(pk=self.commitment.pk).update(summary="被改动的摘要")
        self.get(self.list_url)
        response = self.get(self.list_url)
        self.assertEqual(response["X-Page-Cache"], "hit")
        self.assertIn("被改动的摘要", response.content.decode())
        # Reloading restores the fixture's summary and must make the cached page stale.
        call_command("load_conference", verbosity=0)
        html = self.get(self.list_url).content.decode()
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

        make_update(
            commitment=self.commitment, percent=70, status="in_progress", review_state="approved",
            reported_on=datetime.date(2021, 9, 30),
        )
        refresh_progress(commitments=Commitment.objects.filter(pk=self.commitment.pk))
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

    def test_a_write_in_another_process_makes_this_process_pages_stale(self):
        from policies.cache import data_version

        before = data_version()
        script = "import django; django.setup(); from policies.cache import bump_data_version; bump_data_version()"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.settings"}
        subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True)
        self.assertNotEqual(data_version(), before)
