"""Project-level guarantees: migrations are complete, settings fail clearly, constraints hold."""

import datetime
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import TestCase

from .factories import make_commitment, make_update

ROOT = Path(__file__).resolve().parent.parent


class MigrationTests(TestCase):
    def test_no_missing_migrations(self):
        out = StringIO()
        try:
            call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
        except SystemExit:
            self.fail(f"Model changes without a migration:\n{out.getvalue()}")


class SettingsTests(TestCase):
    def run_check(self, **env):
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        full_env.update(env)
        return subprocess.run(
            [sys.executable, "manage.py", "check"], cwd=ROOT, env=full_env, capture_output=True, text=True
        )

    def test_production_refuses_to_start_without_a_secret_key(self):
        result = self.run_check(DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="example.org")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DJANGO_SECRET_KEY must be set", result.stderr)

    def test_production_refuses_to_start_without_allowed_hosts(self):
        result = self.run_check(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DJANGO_ALLOWED_HOSTS must be set", result.stderr)

    def test_malformed_boolean_is_reported(self):
        result = self.run_check(DJANGO_DEBUG="maybe")
        self.assertIn("DJANGO_DEBUG must be one of", result.stderr)

    def test_time_zone_and_language(self):
        from django.conf import settings

        self.assertEqual((settings.TIME_ZONE, settings.LANGUAGE_CODE), ("Asia/Shanghai", "zh-hans"))


class ConstraintTests(TestCase):
    def assert_rejected(self, **fields):
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_update(**fields)

    def test_database_rejects_out_of_range_percent(self):
        self.assert_rejected(percent=101)

    def test_database_rejects_unknown_status(self):
        self.assert_rejected(status="done")

    def test_database_rejects_completed_below_100(self):
        self.assert_rejected(status="completed", percent=90)

    def test_database_rejects_rejection_without_reason(self):
        self.assert_rejected(review_state="rejected")

    def test_database_rejects_duplicate_commitment_number(self):
        commitment = make_commitment()
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_commitment(statement=commitment.statement, number=commitment.number)

    def test_future_report_date_fails_validation(self):
        from django.core.exceptions import ValidationError

        update = make_update()
        update.reported_on = datetime.date.today() + datetime.timedelta(days=2)
        with self.assertRaises(ValidationError) as caught:
            update.full_clean()
        self.assertIn("reported_on", caught.exception.message_dict)
