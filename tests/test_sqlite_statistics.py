"""SQLite's planner statistics for the commitments' indexes, which a migration that recreates an index
drops with it (0018_analyze_commitment_indexes writes them again)."""

import importlib
from types import SimpleNamespace
from unittest import skipUnless

from django.apps import apps
from django.db import connection
from django.test import TestCase

from .factories import load_conference

analyze = importlib.import_module("policies.migrations.0018_analyze_commitment_indexes").analyze


@skipUnless(connection.vendor == "sqlite", "SQLite keeps statistics per index; PostgreSQL per column")
class CommitmentIndexStatisticsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_conference()

    def statistics(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchone():
                return {}
            cursor.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'policies_commitment'")
            return dict(cursor.fetchall())

    def test_the_migration_gives_every_index_of_the_commitments_its_statistics(self):
        # What of a schema editor the migration uses (a real one refuses to open inside a TestCase on SQLite).
        editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name,
                                 execute=lambda sql: connection.cursor().execute(sql))
        analyze(apps, editor)
        statistics = self.statistics()
        for index in ("policies_commitment_status_due", "policies_commitment_org_due"):
            with self.subTest(index=index):
                # "rows, rows per status, ...": what lets the planner see that a status matches many rows.
                total, *per_prefix = statistics[index].split()
                self.assertEqual(int(total), connection.cursor().execute("SELECT COUNT(*) FROM policies_commitment").fetchone()[0])
                self.assertTrue(per_prefix)
