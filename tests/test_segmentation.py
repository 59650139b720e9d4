"""jieba is owned by one module, loads once and lazily, and keeps this domain's terms whole."""

import os
import re
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

from policies import search

ROOT = Path(__file__).resolve().parent.parent
SOURCE_TEXT = (ROOT / "fixtures" / "chongqing-daily-2020-12-30.txt").read_text(encoding="utf-8").replace("\n", "")

SEED_TERMS = [
    "成渝地区双城经济圈",
    "一区两群",
    "西部（重庆）科学城",
    "两江协同创新区",
    "营商环境",
    "十四五",
    "芯屏器核网",
    "云联数算用",
    "住业游乐购",
    "双城经济圈",
    "产业链供应链",
    "乡村振兴",
]


def run_python(code):
    """Run ``code`` in a fresh interpreter with Django set up on a throw-away SQLite database."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    with tempfile.TemporaryDirectory() as data_dir:
        env.update(TRACKER_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="tracker.settings")
        prelude = "import sys, django; django.setup()\nfrom django.core.management import call_command\n"
        return subprocess.run(
            [sys.executable, "-c", prelude + textwrap.dedent(code)], cwd=ROOT, env=env, capture_output=True, text=True
        )


class LazyLoadingTests(SimpleTestCase):
    def test_check_and_migrate_do_not_load_jieba(self):
        result = run_python(
            """
            call_command("check", verbosity=0)
            call_command("migrate", verbosity=0)
            import policies.admin
            from policies import invalidation, search, services, views
            print("jieba" in sys.modules, search.is_loaded())
            """
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split()[-2:], ["False", "False"])

    def test_warm_up_loads_once_even_when_threads_race(self):
        result = run_python(
            """
            import threading
            import jieba
            from policies import search
            made = []
            original = jieba.Tokenizer.__init__
            def counting(self, *args, **kwargs):
                made.append(1)
                original(self, *args, **kwargs)
            jieba.Tokenizer.__init__ = counting
            threads = [threading.Thread(target=search.tokenize, args=("营商环境",)) for _ in range(8)]
            [t.start() for t in threads]
            [t.join() for t in threads]
            search.warm_up()
            print(len(made), search.is_loaded(), jieba.dt.initialized)
            """
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        # One Tokenizer of our own; jieba's global one is never initialised.
        self.assertEqual(result.stdout.split(), ["1", "True", "False"])

    def test_the_dictionary_cache_is_written_under_the_data_directory(self):
        search.warm_up()
        # tests/conftest.py points DATA_DIR at a temporary directory.
        self.assertTrue(any((Path(settings.DATA_DIR) / "cache").glob("jieba*.cache")))
        self.assertFalse(Path(settings.DATA_DIR).is_relative_to(ROOT))


class DictionaryTests(SimpleTestCase):
    def test_domain_terms_are_single_words(self):
        for term in SEED_TERMS:
            with self.subTest(term=term):
                self.assertEqual(search.tokenize(term), [search.normalize(term)])

    def test_domain_terms_stay_whole_inside_sentences(self):
        sentence = "高标准助推西部（重庆）科学城、两江协同创新区建设，巩固提升“芯屏器核网”全产业链"
        tokens = search.tokenize(sentence)
        for term in ["西部重庆科学城", "两江协同创新区", "芯屏器核网"]:
            self.assertIn(term, tokens)

    def test_every_quoted_term_of_the_source_is_in_the_user_dictionary(self):
        # The rule README describes: quoted terms of 2-6 Chinese characters, and book titles.
        quoted = set(re.findall(r"[“‘]([\u4e00-\u9fff]{2,6})[”’]", SOURCE_TEXT))
        quoted |= set(re.findall(r"《([^》]+)》", SOURCE_TEXT))
        self.assertGreater(len(quoted), 20)
        self.assertEqual(quoted - set(search.user_terms()), set())

    def test_index_tokens_add_the_words_inside_a_long_term(self):
        tokens = search.index_tokens("成渝地区双城经济圈")
        self.assertEqual(tokens[0], "成渝地区双城经济圈")
        self.assertTrue({"双城经济圈", "成渝地区", "经济圈"} <= set(tokens))


class StopWordTests(SimpleTestCase):
    def test_stop_words_and_punctuation_are_dropped(self):
        self.assertEqual(search.tokenize("的，了。和、与！？"), [])
        self.assertEqual(search.tokenize("稳定和扩大就业"), ["稳定", "扩大", "就业"])

    def test_latin_letters_are_lower_cased(self):
        self.assertEqual(search.tokenize("发展 5G 和 AI"), ["发展", "5g", "ai"])

    def test_empty_text(self):
        self.assertEqual(search.tokenize(""), [])
        self.assertEqual(search.tokenize(None), [])


class TaggingTests(SimpleTestCase):
    def test_officials_names_are_tagged_as_person_names(self):
        tagged = search.tag("两江新区党工委书记段成刚说，要推动成渝地区双城经济圈建设")
        self.assertIn(("段成刚", "nr"), tagged)
        self.assertEqual([flag for word, flag in tagged if word == "书记"], ["n"])

    def test_domain_terms_stay_whole_and_the_text_is_kept_as_written(self):
        text = "助推西部（重庆）科学城建设，发展5G"
        tagged = search.tag(text)
        self.assertIn(("西部（重庆）科学城", "x"), tagged)
        self.assertEqual("".join(word for word, _ in tagged), text)

    def test_empty_text(self):
        self.assertEqual(search.tag(""), [])
        self.assertEqual(search.tag(None), [])


class OwnershipTests(SimpleTestCase):
    def test_only_the_segmentation_module_imports_jieba(self):
        importers = {
            str(path.relative_to(ROOT))
            for path in ROOT.glob("policies/**/*.py")
            if re.search(r"^\s*(import jieba|from jieba)", path.read_text(encoding="utf-8"), re.MULTILINE)
        }
        self.assertEqual(importers, {"policies/search/segmentation.py"})

    def test_nothing_outside_the_search_wing_imports_its_submodules(self):
        pattern = re.compile(r"^\s*(from policies\.search\.|import policies\.search\.|from \.+search\.)", re.MULTILINE)
        offenders = {
            str(path.relative_to(ROOT))
            for folder in ("policies", "tracker", "bench", "tests")
            for path in ROOT.glob(f"{folder}/**/*.py")
            if not path.is_relative_to(ROOT / "policies" / "search")
            and pattern.search(path.read_text(encoding="utf-8"))
        }
        self.assertEqual(offenders, set())
