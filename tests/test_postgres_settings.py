"""The PostgreSQL session settings the pages are measured with (tracker/settings.py): no JIT, no parallel
workers, random reads priced as on an SSD."""

from unittest import skipUnless

from django.db import connection
from django.test import TestCase


@skipUnless(connection.vendor == "postgresql", "PostgreSQL's session settings: run with DATABASE_URL=postgres://…")
class PostgresSessionSettingsTests(TestCase):
    def show(self, name):
        with connection.cursor() as cursor:
            cursor.execute(f"SHOW {name}")
            return cursor.fetchone()[0]

    def test_queries_are_neither_compiled_nor_parallel(self):
        self.assertEqual(self.show("jit"), "off")
        self.assertEqual(self.show("max_parallel_workers_per_gather"), "0")

    def test_random_reads_are_priced_as_on_an_ssd(self):
        self.assertEqual(self.show("random_page_cost"), "1.1")


@skipUnless(connection.vendor == "postgresql", "PostgreSQL's vacuum statistics: run with DATABASE_URL=postgres://…")
class RewrittenTablesVacuumedTests(TestCase):
    def test_the_search_documents_were_vacuumed_and_analyzed_by_their_migration(self):
        # 0015 rewrote the table (ALTER TABLE … ADD COLUMN … STORED); 0019 vacuums it, as autovacuum would not.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = %s",
                ["policies_searchdocument"],
            )
            self.assertEqual(cursor.fetchone(), (True, True))
