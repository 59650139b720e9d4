"""Demo data (policies/demo_data/, run by generate_demo_data): a separate, deterministic, clearly labelled
database of realistic shape."""

import os
import sqlite3
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from unittest import skipUnless

from django.core.management import call_command
from django.db import connection
from django.core.management.base import CommandError
from django.test import SimpleTestCase, TestCase, TransactionTestCase, override_settings

from policies.choices import OrganizationKind, ReviewState
from policies.demo_data import DemoDataError, build_database
from policies.demo_data.postgres import build_postgres_database
from policies.models import Commitment

from .factories import load_conference, shipped_commitment_count

ROOT = Path(__file__).resolve().parent.parent


def generate(path, commitments=200, seed=7, replace=False):
    """Run the command as a user would, in its own process whose default database would be
    ``<data dir>/db.sqlite3`` under the output's folder, so a test can see that it was never created."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL"} and not k.startswith("DJANGO_")}
    env["TRACKER_DATA_DIR"] = str(Path(path).parent / "data")
    command = [sys.executable, "manage.py", "generate_demo_data", f"--commitments={commitments}", f"--seed={seed}",
               f"--database-path={path}"] + (["--replace"] if replace else [])
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        raise CommandError(result.stderr.strip().splitlines()[-1])
    return result


def dump(path):
    """Every row of every table, except the migration log's timestamps and the suggestions' version (a
    random value by design: it only tells processes that the counts changed)."""
    with sqlite3.connect(path) as db:
        tables = [
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if name not in ("django_migrations", "policies_suggestionstate")
        ]
        return {table: db.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall() for table in tables}


class GeneratedDatabaseTests(SimpleTestCase):
    """SimpleTestCase: any query on the default database would fail these tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.TemporaryDirectory()
        cls.path = Path(cls.tmp.name) / "demo.sqlite3"
        generate(cls.path)
        cls.db = sqlite3.connect(cls.path)

    @classmethod
    def tearDownClass(cls):
        cls.db.close()
        cls.tmp.cleanup()
        super().tearDownClass()

    def rows(self, sql, *params):
        return self.db.execute(sql, params).fetchall()

    def test_never_opens_the_default_database(self):
        # Connecting to SQLite creates the file: its absence proves the default database was never opened.
        self.assertTrue((Path(self.tmp.name) / "data").is_dir())
        self.assertFalse((Path(self.tmp.name) / "data" / "db.sqlite3").exists())

    def test_same_seed_gives_the_same_data_and_another_seed_does_not(self):
        again = Path(self.tmp.name) / "again.sqlite3"
        other = Path(self.tmp.name) / "other.sqlite3"
        generate(again)
        generate(other, seed=8)
        self.assertEqual(dump(self.path), dump(again))
        self.assertNotEqual(dump(self.path)["policies_commitment"], dump(other)["policies_commitment"])

    def test_has_the_requested_commitments_on_top_of_the_real_conference(self):
        (real,) = self.rows(
            "SELECT count(*) FROM policies_commitment c JOIN policies_statement s ON s.id = c.statement_id "
            "JOIN policies_source src ON src.id = s.source_id WHERE src.publisher = '重庆日报'"
        )[0]
        (total,) = self.rows("SELECT count(*) FROM policies_commitment")[0]
        self.assertEqual((real, total - real), (shipped_commitment_count(), 200))

    def test_fictional_organizations_are_marked_and_shaped_like_a_province(self):
        kinds = dict(
            self.rows("SELECT kind, count(*) FROM policies_organization WHERE name LIKE '%（演示）' GROUP BY kind")
        )
        self.assertEqual(kinds[OrganizationKind.DISTRICT] + kinds[OrganizationKind.COUNTY], 40)
        self.assertEqual(
            (kinds[OrganizationKind.DEPARTMENT], kinds[OrganizationKind.ZONE], kinds[OrganizationKind.ENTERPRISE]),
            (60, 10, 100),
        )
        # Every generated commitment belongs to a marked organization and a marked source.
        unmarked = self.rows(
            "SELECT count(*) FROM policies_commitment c JOIN policies_organization o ON o.id = c.organization_id "
            "JOIN policies_statement s ON s.id = c.statement_id JOIN policies_source src ON src.id = s.source_id "
            "WHERE src.publisher != '重庆日报' AND (o.name NOT LIKE '%（演示）' OR src.publisher NOT LIKE '演示%')"
        )
        self.assertEqual(unmarked, [(0,)])

    def test_quotes_are_found_at_their_spans_and_recombine_real_phrases(self):
        sources = {sid: text.replace("\r", "").replace("\n", "") for sid, text in self.rows("SELECT id, text FROM policies_source")}
        real_quotes = "".join(q for (q,) in self.rows(f"SELECT quote FROM policies_commitment WHERE id <= {shipped_commitment_count()}"))
        generated = self.rows(
            "SELECT c.quote, c.span_start, c.span_end, s.source_id FROM policies_commitment c "
            f"JOIN policies_statement s ON s.id = c.statement_id WHERE c.id > {shipped_commitment_count()}"
        )
        for quote, start, end, source_id in generated:
            self.assertEqual(sources[source_id][start:end], quote)
            for phrase in quote.split("，"):
                self.assertIn(phrase, real_quotes)
        for text, start, end, source_id in self.rows("SELECT text, span_start, span_end, source_id FROM policies_statement"):
            self.assertEqual(sources[source_id][start:end], text)

    def test_links_go_to_the_real_key_tasks(self):
        orphans = self.rows(
            "SELECT count(*) FROM policies_tasklink l LEFT JOIN policies_keytask t ON t.id = l.task_id WHERE t.id IS NULL"
        )
        self.assertEqual(orphans, [(0,)])
        (unlinked,) = self.rows(
            "SELECT count(*) FROM policies_commitment c WHERE NOT EXISTS "
            "(SELECT 1 FROM policies_tasklink l WHERE l.commitment_id = c.id)"
        )[0]
        self.assertEqual(unlinked, 0)

    def test_about_ten_updates_each_over_five_years_in_every_review_state(self):
        (count,) = self.rows("SELECT count(*) FROM policies_progressupdate")[0]
        self.assertGreater(count, 200 * 8)
        self.assertLess(count, 200 * 12)
        years = {y for (y,) in self.rows("SELECT DISTINCT substr(reported_on, 1, 4) FROM policies_progressupdate")}
        self.assertEqual(years, {"2021", "2022", "2023", "2024", "2025"})
        states = dict(self.rows("SELECT review_state, count(*) FROM policies_progressupdate GROUP BY review_state"))
        self.assertEqual(set(states), set(ReviewState.values))
        self.assertEqual(self.rows("SELECT count(*) FROM policies_progressupdate WHERE review_state = 'rejected' AND review_reason = ''"), [(0,)])
        statuses = {s for (s,) in self.rows("SELECT DISTINCT status FROM policies_commitment")}
        # every status but 未启动, which the generator never reports
        self.assertEqual(statuses, {"not_reported", "in_progress", "behind", "completed", "not_kept"})

    def test_cached_progress_matches_the_latest_approved_update(self):
        latest = {}
        for commitment, reported_on, _pk, status, percent in self.rows(
            "SELECT commitment_id, reported_on, id, status, percent FROM policies_progressupdate "
            "WHERE review_state = 'approved' ORDER BY commitment_id, reported_on, id"
        ):
            latest[commitment] = (status, percent, reported_on)
        for pk, status, percent, last_update_on in self.rows("SELECT id, status, percent, last_update_on FROM policies_commitment"):
            self.assertEqual((status, percent, last_update_on), latest.get(pk, ("not_reported", 0, None)), pk)

    def test_every_commitment_is_searchable_in_the_demo_database(self):
        (commitments,), = self.rows("SELECT count(*) FROM policies_commitment")
        (documents,), = self.rows("SELECT count(*) FROM policies_searchdocument")
        self.assertEqual(documents, commitments)
        matches = self.rows(
            "SELECT count(*) FROM policies_searchindexentry WHERE policies_searchindexentry MATCH ?", '"就业"'
        )
        expected = self.rows("SELECT count(*) FROM policies_commitment WHERE summary LIKE '%就业%' OR quote LIKE '%就业%'")
        self.assertGreater(expected[0][0], 0)
        self.assertGreaterEqual(matches[0][0], expected[0][0])

    def test_suggestions_are_counted_from_its_documents_and_curated_links(self):
        documents = dict(self.rows("SELECT commitment_id, words FROM policies_searchdocument"))
        curated = {}
        for commitment_id, task_id in self.rows(
            "SELECT commitment_id, task_id FROM policies_tasklink WHERE origin = 'curated' ORDER BY task_id"
        ):
            curated.setdefault(commitment_id, []).append(task_id)
        counted = {pk: (words.split(), [int(t) for t in tasks.split()])
                   for pk, words, tasks in self.rows("SELECT commitment_id, words, tasks FROM policies_suggestiondocument")}
        self.assertEqual(set(counted), set(documents))
        expected = {}
        for pk, (words, tasks) in counted.items():
            self.assertEqual(tasks, curated.get(pk, []), pk)
            self.assertLessEqual(set(documents[pk].split()), set(words), pk)  # its words, and the words inside them
            for word in words:
                for owner in (None, *tasks):
                    expected[owner, word] = expected.get((owner, word), 0) + 1
        stored = {(task, word): n for task, word, n in self.rows("SELECT task_id, word, documents FROM policies_suggestionword")}
        self.assertEqual(stored, expected)

    def test_is_marked_as_a_demo_database_and_can_be_replaced(self):
        self.assertEqual(self.rows("SELECT commitments, seed FROM tracker_demo_data"), [(200, 7)])
        with self.assertRaisesMessage(CommandError, "--replace"):
            generate(self.path)
        replaced = Path(self.tmp.name) / "replaced.sqlite3"
        generate(replaced, commitments=5)
        generate(replaced, commitments=6, replace=True)
        with sqlite3.connect(replaced) as db:
            self.assertEqual(db.execute("SELECT commitments FROM tracker_demo_data").fetchall(), [(6,)])


def build(path, commitments=200, **options):
    build_database(path=path, commitments=commitments, seed=7, **options)


class RefusalTests(SimpleTestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.dir = Path(tmp.name)

    def test_refuses_the_default_database_file(self):
        with override_settings(DATA_DIR=self.dir):
            with self.assertRaisesMessage(DemoDataError, "拒绝写入默认数据库"):
                build(self.dir / "db.sqlite3")
        self.assertEqual(list(self.dir.iterdir()), [])

    def test_refuses_to_overwrite_a_database_it_did_not_make(self):
        precious = self.dir / "precious.sqlite3"
        with sqlite3.connect(precious) as db:
            db.execute("CREATE TABLE t (x)")
        with self.assertRaisesMessage(DemoDataError, "不是本命令生成的演示数据库"):
            build(precious, replace=True)
        with sqlite3.connect(precious) as db:
            self.assertEqual(db.execute("SELECT name FROM sqlite_master").fetchall(), [("t",)])

    def test_rejects_a_size_out_of_range_and_writes_nothing(self):
        for size in (0, -5, 10_000_000):
            with self.subTest(size=size), self.assertRaisesMessage(DemoDataError, "--commitments"):
                build(self.dir / "x.sqlite3", commitments=size)
        self.assertEqual(list(self.dir.iterdir()), [])

    def test_the_command_reports_a_refusal_as_a_command_error(self):
        with self.assertRaisesMessage(CommandError, "--commitments 必须在 1 到"):
            call_command("generate_demo_data", commitments=0, database_path=str(self.dir / "x.sqlite3"), verbosity=0)


class DemoLabelTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_conference()
        cls.commitment = Commitment.objects.first()

    def pages(self):
        return ["/", self.commitment.get_absolute_url(), "/conferences/2020-12-29/sources/cqrb-2020-12-30-economic-work/"]

    @override_settings(TRACKER_DEMO_DATA=True)
    def test_every_page_shows_the_demo_banner(self):
        for url in self.pages():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, "本站当前数据为程序生成的演示数据，并非真实承诺与进展")
                self.assertEqual(response["X-Demo-Data"], "1")

    @override_settings(TRACKER_DEMO_DATA=True)
    def test_api_responses_say_demo_data(self):
        response = self.client.get("/api/commitments/", headers={"accept": "application/json"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["X-Demo-Data"], "1")

    def test_real_data_has_no_banner_and_no_header(self):
        for url in [*self.pages(), "/api/commitments/"]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertNotContains(response, "演示数据")
                self.assertFalse(response.has_header("X-Demo-Data"))


class PostgresTargetTests(SimpleTestCase):
    """generate_demo_data --database-url: a PostgreSQL database named in full, never the serving one."""

    def test_refuses_a_url_that_is_not_postgres(self):
        with self.assertRaisesMessage(DemoDataError, "--database-url 只接受 PostgreSQL 地址"):
            build_postgres_database(url="sqlite:///tmp/x.sqlite3", commitments=5, seed=7)

    def test_refuses_the_serving_database_whatever_the_host_is_called(self):
        serving = {"ENGINE": "django.db.backends.postgresql", "NAME": "tracker", "HOST": "127.0.0.1", "PORT": "5432"}
        # Only read by the refusal, which stops before any connection is made.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Overriding setting DATABASES", UserWarning)
            with override_settings(DATABASES={"default": serving}):
                for url in ("postgres://u:p@127.0.0.1:5432/tracker", "postgres://u:p@localhost/tracker"):
                    with self.subTest(url=url), self.assertRaisesMessage(DemoDataError, "拒绝写入默认数据库"):
                        build_postgres_database(url=url, commitments=5, seed=7)

    def test_the_command_takes_one_target_only(self):
        with self.assertRaisesMessage(CommandError, "只能选一个"):
            call_command("generate_demo_data", commitments=5, database_path="/tmp/x.sqlite3",
                         database_url="postgres://u:p@127.0.0.1/x", verbosity=0)


@skipUnless(connection.vendor == "postgresql", "fills a PostgreSQL database beside the test one: run with DATABASE_URL=postgres://…")
class PostgresDemoDatabaseTests(TransactionTestCase):
    """The command run as a user would, in its own process, into a database named after the test one.
    TransactionTestCase: autocommit, which DROP DATABASE needs for the clean-up."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        config = connection.settings_dict
        cls.name = f"{config['NAME']}_demo"
        cls.url = (f"postgres://{config['USER']}:{config['PASSWORD']}@{config['HOST'] or '127.0.0.1'}:"
                   f"{config['PORT'] or 5432}/{cls.name}")

    def tearDown(self):
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}"')

    def build(self, commitments, replace=False):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL"} and not k.startswith("DJANGO_")}
        env["TRACKER_DATA_DIR"] = tmp.name
        command = [sys.executable, "manage.py", "generate_demo_data", f"--commitments={commitments}", "--seed=7",
                   f"--database-url={self.url}"] + (["--replace"] if replace else [])
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        if result.returncode:
            raise CommandError(result.stderr.strip().splitlines()[-1])

    def query(self, sql):
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://", 1)) as db:
            return db.execute(sql).fetchall() if sql.startswith("SELECT") else db.execute(sql)

    def test_fills_a_named_database_and_replaces_only_its_own(self):
        self.build(40)
        self.assertEqual(self.query("SELECT commitments, seed FROM tracker_demo_data"), [(40, 7)])
        self.assertEqual(self.query("SELECT count(*) FROM policies_commitment")[0][0], 40 + shipped_commitment_count())
        self.assertEqual(self.query("SELECT count(*) FROM policies_searchdocument")[0][0], 40 + shipped_commitment_count())
        with self.assertRaisesMessage(CommandError, "--replace"):
            self.build(5)
        self.build(5, replace=True)
        self.assertEqual(self.query("SELECT commitments FROM tracker_demo_data"), [(5,)])
        self.query("DELETE FROM tracker_demo_data")  # what a build killed half-way leaves: an empty marker
        self.build(6, replace=True)
        self.assertEqual(self.query("SELECT commitments FROM tracker_demo_data"), [(6,)])
        self.query("DROP TABLE tracker_demo_data")
        with self.assertRaisesMessage(CommandError, "不是本命令生成的演示数据库"):
            self.build(5, replace=True)
