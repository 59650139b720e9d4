"""README and docs name files and migrations that exist."""

import re
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# A path inside the repository, written in backticks: `policies/search/indexing.py`, `fixtures/`.
PATH = re.compile(r"`((?:policies|tracker|tests|bench|fixtures|templates|static|docs)/[\w./-]*)`")
MIGRATION = re.compile(r"\b(\d{4}_[a-z0-9_]+)\b")


class DocumentationTests(SimpleTestCase):
    def test_every_path_named_in_the_docs_exists(self):
        for document in DOCUMENTS:
            named = set(PATH.findall(document.read_text(encoding="utf-8")))
            with self.subTest(document=document.name):
                self.assertTrue(named)
                self.assertEqual({path for path in named if not (ROOT / path).exists()}, set())

    def test_every_migration_named_in_the_docs_exists(self):
        migrations = {path.stem for path in (ROOT / "policies" / "migrations").glob("0*.py")}
        for document in DOCUMENTS:
            named = set(MIGRATION.findall(document.read_text(encoding="utf-8")))
            with self.subTest(document=document.name):
                self.assertEqual(named - migrations, set())
