"""`manage.py backup` and `restore`: every row and every history record comes back exactly."""

import datetime
import json
import tempfile
from io import StringIO
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.test import TestCase

from axes.models import AccessAttempt
from policies import services
from policies.backup import EXCLUDED, ExactJSONEncoder
from policies.models import Commitment, ProgressUpdate, SearchDocument, TaskLink
from policies.roles import ensure_roles

from .factories import make_commitment, make_organization, make_reporter, make_reviewer, make_task, make_update


def backed_up_models():
    excluded = {label.lower() for label in EXCLUDED}
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in excluded
        and model._meta.label_lower not in excluded
        and model._meta.managed
        and not model._meta.proxy
    ]


def snapshot():
    """Every field of every row, by model, in primary-key order."""
    rows = {}
    for model in backed_up_models():
        fields = [field.attname for field in model._meta.concrete_fields]
        rows[model._meta.label] = list(model._default_manager.order_by("pk").values_list(*fields))
    return rows


class BackupRestoreTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        organization = make_organization(name="示范区")
        cls.reviewer = make_reviewer(username="duchayuan")
        reporter = make_reporter(organization=organization, username="tianbaoyuan")
        task = make_task()
        cls.commitments = [make_commitment(organization=organization, tasks=[task], summary=f"承诺{n}") for n in range(3)]
        updates = [make_update(commitment=c, author=reporter, percent=30 + n) for n, c in enumerate(cls.commitments)]
        services.approve_update(update=updates[0], reviewer=cls.reviewer)
        services.reject_update(update=updates[1], reviewer=cls.reviewer, reason="请补充证明材料")
        services.delete_updates(updates=[updates[2]], reviewer=cls.reviewer)
        TaskLink.objects.filter(commitment=cls.commitments[2]).delete()
        AccessAttempt.objects.create(
            username="someone", ip_address="203.0.113.7", user_agent="test", http_accept="*/*",
            path_info="/admin/login/", get_data="", post_data="", failures_since_start=2,
        )

    def backup(self, directory):
        path = Path(directory) / "tracker.json.gz"
        call_command("backup", str(path), stdout=StringIO())
        return path

    def test_backup_wipe_restore_gives_back_every_row_exactly(self):
        before = snapshot()
        # The data this test stands on: history of every kind, and timestamps finer than milliseconds.
        self.assertTrue(before["policies.HistoricalProgressUpdate"])
        self.assertIn("-", {row[-1] for row in ProgressUpdate.history.values_list("history_id", "history_type")})
        stamps = ProgressUpdate.history.values_list("history_date", flat=True)
        self.assertTrue(any(stamp.microsecond % 1000 for stamp in stamps))

        with tempfile.TemporaryDirectory() as directory:
            path = self.backup(directory)
            # Work done after the backup is undone by the restore.
            make_commitment(summary="备份之后新增的承诺")
            Commitment.objects.filter(pk=self.commitments[2].pk).delete()
            call_command("restore", str(path), "--replace", stdout=StringIO())

        after = snapshot()
        for label in before:
            with self.subTest(model=label):
                self.assertEqual(after[label], before[label])
        self.assertEqual(SearchDocument.objects.count(), Commitment.objects.count())
        # Work goes on after a restore: new rows get new ids (PostgreSQL's sequences were reset).
        self.assertGreater(make_commitment(summary="恢复之后新增的承诺").pk, max(c.pk for c in self.commitments))

    def test_restore_needs_confirmation_and_leaves_everything_when_the_file_is_bad(self):
        before = snapshot()
        with tempfile.TemporaryDirectory() as directory:
            path = self.backup(directory)
            with self.assertRaisesMessage(CommandError, "--replace"):
                call_command("restore", str(path))
            broken = Path(directory) / "broken.json"
            broken.write_text('[{"model": "policies.commitment", "pk": 1, "fields": {"summary": ')
            with self.assertRaisesMessage(CommandError, "数据库未改变"):
                call_command("restore", str(broken), "--replace")
        self.assertEqual(snapshot(), before)

    def test_plain_dumpdata_would_cut_microseconds(self):
        # Why backup has its own format: DjangoJSONEncoder writes milliseconds (ECMA-262).
        stamp = datetime.datetime(2021, 6, 30, 9, 15, 42, 123456, tzinfo=datetime.UTC)
        self.assertEqual(json.dumps(stamp, cls=DjangoJSONEncoder), '"2021-06-30T09:15:42.123Z"')
        self.assertEqual(json.dumps(stamp, cls=ExactJSONEncoder), '"2021-06-30T09:15:42.123456+00:00"')
