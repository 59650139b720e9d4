"""The benchmark's query counter (bench/) is loaded only when the benchmark asks for it."""

import os
import subprocess
import sys
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import sys
from django.core.wsgi import get_wsgi_application
from django.conf import settings
get_wsgi_application()
print(sorted(m for m in sys.modules if m.split(".")[0] == "bench"), [m for m in settings.MIDDLEWARE if "bench" in m])
"""


class BenchmarkMiddlewareTests(SimpleTestCase):
    def serve(self, **env):
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TRACKER_"))}
        clean.update(DJANGO_SETTINGS_MODULE="tracker.settings", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50,
                     DJANGO_ALLOWED_HOSTS="example.org", **env)
        result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout.strip()

    def test_production_imports_nothing_from_bench(self):
        self.assertEqual(self.serve(), "[] []")

    def test_the_benchmark_flag_adds_the_query_counter(self):
        self.assertEqual(
            self.serve(TRACKER_QUERY_COUNT_HEADER="1"),
            "['bench', 'bench.middleware'] ['bench.middleware.QueryCountMiddleware']",
        )
