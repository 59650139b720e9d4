"""The gunicorn settings production and the bench use: the master loads what every worker needs, checks the
deployment, and freezes what it loaded out of the cycle collector's sight before the workers fork."""

import gc
import runpy
from pathlib import Path
from unittest import mock

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent


class MasterStartTests(SimpleTestCase):
    def start(self, path):
        settings = runpy.run_path(str(ROOT / path))
        gc.unfreeze()
        self.addCleanup(gc.unfreeze)
        before = gc.get_freeze_count()
        with mock.patch("django.core.management.call_command"):
            settings["on_starting"](server=None)
        return before, gc.get_freeze_count()

    def test_production_and_bench_freeze_what_the_master_loaded(self):
        for path in ("deploy/gunicorn.conf.py", "bench/gunicorn.conf.py"):
            with self.subTest(path=path):
                before, after = self.start(path)
                self.assertEqual(before, 0)
                # Django, the app and jieba's dictionary: every object the collector tracked, now frozen.
                self.assertGreater(after, 10_000)
                self.assertLess(len(gc.get_objects()), after)

    def test_a_failing_deployment_check_stops_the_master(self):
        from django.core.management.base import SystemCheckError

        settings = runpy.run_path(str(ROOT / "deploy/gunicorn.conf.py"))
        with mock.patch("django.core.management.call_command", side_effect=SystemCheckError("no static manifest")):
            with self.assertRaisesMessage(SystemExit, "no static manifest"):
                settings["on_starting"](server=None)
        self.assertEqual(gc.get_freeze_count(), 0)
