"""The public interface in English: every interface string of the public templates and Python modules is
translatable, every message has an English translation, and the public pages in English show no Chinese
but the data (names, quotes, summaries, task titles), which stays as quoted.

The lints read the source; the page tests render real pages and strip the data they made, so that any
Chinese left over is interface someone forgot to translate."""

import ast
import datetime
import re
from html.parser import HTMLParser

from django.conf import settings
from django.template.loader import render_to_string
from django.test import SimpleTestCase, TestCase
from django.utils import translation

from policies import opendata
from policies.filters import CommitmentFilter
from policies.models import Commitment, Conference, KeyTask, Milestone, Official, Organization, ProgressUpdate, Source
from policies.services import refresh_progress

from .factories import make_update, make_world

BASE = settings.BASE_DIR
PO = BASE / "locale" / "en" / "LC_MESSAGES" / "django.po"

# Han, CJK punctuation (、。「」【】) and full-width forms (，：；（）): what an English reader should not meet in
# the interface. U+3000, the ideographic space, is a space (the task menu indents sub-items with it).
CJK = re.compile(r"[\u3001-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")

# ---------------------------------------------------------------------------------------------- templates

# Chinese a template may show in every language, each with why.
TEMPLATE_ALLOWED = {
    # The language switch names the other language in that language.
    "base.html": ['lang="zh-CN">中文</button>'],
}

_TEMPLATE_SKIPS = [
    re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S),
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"\{%\s*(blocktranslate|blocktrans)\b.*?\{%\s*(endblocktranslate|endblocktrans)\s*%\}", re.S),
    re.compile(r"\{%\s*(translate|trans)\s.*?%\}", re.S),
    re.compile(r"""\b_\((?:"[^"]*"|'[^']*')\)"""),  # _("…") as a tag's argument
]


def untranslated_template_text(source, allowed=()):
    """The lines of a template's source that hold Chinese outside translate tags and comments."""
    for text in allowed:
        source = source.replace(text, "")
    for pattern in _TEMPLATE_SKIPS:
        # Keep the line breaks, so that what is left is found on its line.
        source = pattern.sub(lambda m: "\n" * m.group(0).count("\n"), source)
    return [line.strip() for line in source.splitlines() if CJK.search(line)]


def all_templates():
    """Every template: pages (.html) and mails (.txt), the public side's and the staff side's."""
    root = BASE / "templates"
    for path in sorted(p for p in root.rglob("*") if p.suffix in {".html", ".txt"}):
        yield str(path.relative_to(root)), path


class TemplateLintTests(SimpleTestCase):
    def test_no_chinese_outside_translate_tags_in_any_template(self):
        checked = 0
        for name, path in all_templates():
            checked += 1
            with self.subTest(template=name):
                left = untranslated_template_text(path.read_text("utf-8"), TEMPLATE_ALLOWED.get(name, ()))
                self.assertEqual(left, [], f"{name}: wrap in {{% translate %}} or {{% blocktranslate %}}")
        self.assertGreater(checked, 20)

    def test_the_lint_finds_chinese_left_outside_and_passes_what_is_wrapped(self):
        self.assertEqual(untranslated_template_text('<h2>{% translate "进展" %}</h2>\n<p>共 {{ n }} 项</p>'),
                         ["<p>共 {{ n }} 项</p>"])
        self.assertEqual(untranslated_template_text("<p>{{ a }}（{{ b }}）</p>"), ["<p>{{ a }}（{{ b }}）</p>"])
        wrapped = (
            '{# 注释 #}{% comment %}说明{% endcomment %}{% blocktranslate trimmed count n=k %}{{ n }} 项'
            '{% plural %}{{ n }} 项{% endblocktranslate %}{% include "x.html" with label=_("进度") %}'
        )
        self.assertEqual(untranslated_template_text(wrapped), [])


# ------------------------------------------------------------------------------------------ Python modules

# The public side's Python modules whose strings are interface; each must say its Chinese through gettext.
INTERFACE_MODULES = [
    "policies/filters.py",  # labels, help texts, menus, error messages of the list's filters
    "policies/views.py",  # "全部" in menus, 404 messages
    "policies/history.py",  # the charts' descriptions for screen readers
    "policies/feeds.py",  # feed titles and subtitles (entries quote the data)
    "policies/exports.py",  # error messages (COLUMNS are data, below)
    "policies/demo_banner.py",
    "policies/context_processors.py",
    "policies/openapi.py",
    "policies/api.py",
    "policies/templatetags/vocabulary.py",
    "policies/templatetags/search_tags.py",
    "policies/templatetags/rows.py",  # the labels of a commitment's row
]
# Calls whose Chinese arguments are data or documentation of data, per module. Not listed at all, as data
# rather than interface: policies/choices.py (labels kept Chinese because the ledger and exports read them
# back; marked with gettext_noop and translated where shown), policies/opendata.py (the open-data README
# documents the Chinese column headers), policies/selectors.py (punctuation rules for reading the source
# text), policies/importer/ and policies/demo_data/ (conference text and generated data).
DATA_CALLS = {
    "policies/exports.py": {"Column", "create_sheet"},  # the CSV/Excel column headers, the data's own names
}
# Literals allowed in a module, each with why.
ALLOWED_LITERALS = {
    "policies/openapi.py": {"："},  # joins label and help text in the Chinese half of "中文 / English"
}
GETTEXT_CALLS = {"gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy",
                 "gettext_noop", "_"}
# The API's schema descriptions are "中文 / English" by design (policies/openapi.py).
BILINGUAL = re.compile(r" / [A-Za-z\[]")


def _call_name(node):
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def untranslated_python_strings(source, data_calls=(), allowed=()):
    """(line, text) of the string literals holding Chinese outside gettext calls, docstrings and data calls."""
    tree = ast.parse(source)
    exempt = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) in GETTEXT_CALLS | set(data_calls):
            exempt.update(id(child) for child in ast.walk(node))
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                exempt.add(id(body[0].value))
    return [
        (node.lineno, node.value) for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in exempt
        and CJK.search(node.value) and not BILINGUAL.search(node.value) and node.value not in allowed
    ]


class PythonLintTests(SimpleTestCase):
    def test_interface_modules_say_their_chinese_through_gettext(self):
        for module in INTERFACE_MODULES:
            with self.subTest(module=module):
                source = (BASE / module).read_text("utf-8")
                left = untranslated_python_strings(source, DATA_CALLS.get(module, ()), ALLOWED_LITERALS.get(module, ()))
                self.assertEqual(left, [])

    def test_the_lint_finds_a_bare_string_and_an_f_string_and_passes_gettext(self):
        source = '''
"""模块说明。"""
from django.utils.translation import gettext as _, ngettext
LABEL = "会议"
def title(name):
    """说明。"""
    return f"{name}的进展"
OK = [_("会议"), ngettext("%(n)s 项", "%(n)s 项", 2), Column("id", "编号")]
DESCRIPTION = "[起始, 结束) / [start, end)"
'''
        self.assertEqual([line for line, _ in untranslated_python_strings(source)], [4, 7, 8])
        self.assertEqual([line for line, _ in untranslated_python_strings(source, {"Column"})], [4, 7])


# ----------------------------------------------------------------------------------------------- catalogue

def po_entries():
    """The .po's live entries: dicts with flags, msgctxt, msgid, msgid_plural and msgstr (a list)."""
    def text(lines):
        return "".join(
            ast.literal_eval(line[line.index('"'):]) for line in lines
        )

    for block in PO.read_text("utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid") for line in lines):
            continue
        entry = {"flags": set(), "msgctxt": None, "msgid_plural": None, "msgstr": []}
        key = None
        parts = {}
        for line in lines:
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                parts[key].append(line)
            else:
                key = line.split(" ", 1)[0]
                parts[key] = [line[len(key):].strip()]
        entry["msgid"] = text(parts["msgid"])
        if "msgctxt" in parts:
            entry["msgctxt"] = text(parts["msgctxt"])
        if "msgid_plural" in parts:
            entry["msgid_plural"] = text(parts["msgid_plural"])
            entry["msgstr"] = [text(parts[k]) for k in sorted(k for k in parts if k.startswith("msgstr["))]
        else:
            entry["msgstr"] = [text(parts["msgstr"])]
        if entry["msgid"]:
            yield entry


PLACEHOLDER = re.compile(r"%\((\w+)\)s")


class CatalogueTests(SimpleTestCase):
    def test_every_message_has_an_english_translation_that_is_not_fuzzy_and_keeps_its_placeholders(self):
        entries = list(po_entries())
        self.assertGreater(len(entries), 200)
        for entry in entries:
            with self.subTest(msgid=entry["msgid"]):
                self.assertNotIn("fuzzy", entry["flags"])
                self.assertTrue(all(entry["msgstr"]), entry["msgstr"])
                for msgstr in entry["msgstr"]:
                    self.assertIsNone(CJK.search(msgstr), msgstr)
                    self.assertEqual(set(PLACEHOLDER.findall(msgstr)), set(PLACEHOLDER.findall(entry["msgid"])))

    def test_the_compiled_catalogue_says_what_the_po_says(self):
        # After editing the .po: manage.py compilemessages -l en, and commit the .mo.
        with translation.override("en"):
            for entry in po_entries():
                msgid, context, plural = entry["msgid"], entry["msgctxt"], entry["msgid_plural"]
                with self.subTest(msgid=msgid):
                    if plural and context:
                        got = [translation.npgettext(context, msgid, plural, n) for n in (1, 2)]
                    elif plural:
                        got = [translation.ngettext(msgid, plural, n) for n in (1, 2)]
                    elif context:
                        got = [translation.pgettext(context, msgid)]
                    else:
                        got = [translation.gettext(msgid)]
                    self.assertEqual(got, entry["msgstr"])


# -------------------------------------------------------------------------------------------- pages in English

class _Texts(HTMLParser):
    """Each text node, and the attributes people read or hear (title, aria-label, alt, placeholder, meta content)."""

    ATTRIBUTES = {"title", "aria-label", "alt", "placeholder", "content"}

    def __init__(self):
        super().__init__()
        self.texts = []

    def handle_starttag(self, tag, attrs):
        self.texts += [value for name, value in attrs if name in self.ATTRIBUTES and value]

    def handle_data(self, data):
        if data.strip():
            self.texts.append(data.strip())


def data_strings(extra=()):
    """Every text the test data put in the database, as the pages may quote it, longest first."""
    strings = set(extra)
    for conference in Conference.objects.all():
        strings |= {conference.name, str(conference), conference.city}
    for source in Source.objects.all():
        strings |= {source.publisher, str(source), source.text, source.titles, *source.text.splitlines()}
    for task in KeyTask.objects.all():
        strings |= {task.title, task.passage(), task.description, str(task)}
    for organization in Organization.objects.all():
        strings.add(organization.name)
    for official in Official.objects.all():
        strings |= {official.name, official.title, str(official)}
    for commitment in Commitment.objects.all():
        strings |= {commitment.summary, commitment.quote, commitment.due_basis, commitment.close_note}
    strings |= set(Milestone.objects.values_list("title", flat=True))
    strings |= set(ProgressUpdate.objects.values_list("note", flat=True))
    for statement_text in Commitment.objects.values_list("statement__text", flat=True):
        strings.add(statement_text)
    return sorted((s for s in strings if s), key=len, reverse=True)


def chinese_interface_left(html, data):
    """The texts of a page that still hold Chinese once the data is taken out of them.

    A text that is a piece of the data as a whole (a keyword, a highlighted word, a stretch of the source
    between two marked quotes) is data too."""
    parser = _Texts()
    parser.feed(html)
    corpus = "\n".join(data)
    left = []
    for text in parser.texts:
        stripped = text
        for value in data:
            stripped = stripped.replace(value, "")
        if CJK.search(stripped) and text.strip("“”") not in corpus and text != "中文":
            left.append(text)
    return left


class EnglishPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_world()
        for commitment, status in zip(cls.world.commitments[1:4], ["completed", "behind", "not_kept"], strict=True):
            make_update(commitment=commitment, status=status, percent=100 if status == "completed" else 20,
                        review_state="approved", reported_on=datetime.date(2021, 9, 30),
                        evidence_url="https://example.com/evidence")
        cls.commitment = cls.world.commitments[0]
        Milestone.objects.create(commitment=cls.commitment, due_on=datetime.date(2021, 6, 30), title="开工",
                                 target_percent=30)
        Milestone.objects.create(commitment=cls.commitment, due_on=datetime.date(2021, 12, 31), title="建成",
                                 target_percent=100)
        closed = cls.world.commitments[3]
        Commitment.objects.filter(pk=closed.pk).update(closed_on=datetime.date(2021, 10, 8), close_note="经核实未能兑现",
                                                       due_basis="原文“年内”")
        refresh_progress()
        cls.data = data_strings(extra=["新开工"])  # and the search term the list is asked for

    # page → English a reader must see there
    def pages(self):
        conference = self.world.conference
        return {
            "/": ["Economic work commitments for 2021: how they are kept", "Key tasks over time",
                  "Dec. 29, 2020", "3 commitments", "1 commitment", "By warning light"],
            "/conferences/": ["All conferences", "Economic work for 2021", "By status (all conferences)"],
            conference.get_absolute_url(): ["Economic work commitments for 2021: how they are kept"],
            f"{conference.get_absolute_url()}commitments/": ["2021 commitments", "Clear filters"],
            f"{conference.get_absolute_url()}organizations/": ["Organizations in 2021", "Districts and counties (3)"],
            f"{conference.get_absolute_url()}organizations/?group=nowhere": ["No such kind of organization"],
            "/commitments/": ["Filter commitments", "Kind of organization", "Due date (soonest first)",
                              "<strong>13</strong> commitments", "Download these 13 commitments:"],
            "/commitments/?status=not_started&kind=district&task=T1": ["No commitment matches these filters."],
            "/commitments/?q=新开工": ["Search “新开工”", "<strong>1</strong> commitment"],  # the term is data
            "/commitments/?due_year=abc&status=planet&task=T①": [
                "The filters have errors; no results are shown:", "Give the key task by its code"],
            self.commitment.get_absolute_url(): ["Milestones", "(target 30%)", "Progress history",
                                                 "Percent complete (0–100%) over time", "Pledged by"],
            self.world.commitments[3].get_absolute_url(): ["Closed", "2021-10-08: 经核实未能兑现", "Evidence"],
            self.commitment.organization.get_absolute_url(): ["Officials who made statements", "Kind of organization"],
            self.world.tasks["T1"].get_absolute_url(): ["Progress summary", "Sub-items", "Key task T1"],
            self.world.tasks["T1.1"].get_absolute_url(): ["2021 overview"],
            self.world.officials[0].get_absolute_url(): ["Statement", "with a reviewed progress report"],
            self.world.source.get_absolute_url(): ["marked in yellow", "Dec. 30, 2020"],
        }

    def assert_english(self, path, expected, response):
        html = response.content.decode()
        self.assertIn('<html lang="en">', html)
        missing = [text for text in expected if text not in html]
        self.assertEqual(missing, [], path)
        self.assertEqual(chinese_interface_left(html, self.data), [], path)

    def test_public_pages_in_english_by_accept_language_show_only_the_data_in_chinese(self):
        for path, expected in self.pages().items():
            with self.subTest(path=path):
                response = self.client.get(path, headers={"accept-language": "en-GB,en;q=0.9"})
                self.assertIn(response.status_code, (200, 400), path)
                self.assert_english(path, expected, response)

    def test_public_pages_in_english_by_the_switchs_cookie(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        for path, expected in self.pages().items():
            with self.subTest(path=path):
                self.assert_english(path, expected, self.client.get(path))

    def test_the_data_stays_chinese_and_the_vocabulary_is_translated(self):
        html = self.client.get(self.commitment.get_absolute_url(), headers={"accept-language": "en"}).content.decode()
        self.assertIn(f"<h1>{self.commitment.summary}</h1>", html)
        self.assertIn(f"“{self.commitment.quote}”", html)
        self.assertIn('<span class="badge status-in_progress">In progress</span>', html)
        self.assertIn("江岸区</a> (District)", html)

    def test_dates_follow_the_language(self):
        english = self.client.get("/", headers={"accept-language": "en"}).content.decode()
        chinese = self.client.get("/").content.decode()
        self.assertIn("(Dec. 29, 2020)", english)
        self.assertNotIn("2020年", english)
        self.assertIn("（2020年12月29日）", chinese)

    def test_a_missing_page_says_so_in_the_visitors_language(self):
        english = self.client.get("/commitments/999999/", headers={"accept-language": "en"})
        self.assertEqual(english.status_code, 404)
        self.assert_english("404", ["Page not found", "The link may be wrong"], english)
        chinese = self.client.get("/commitments/999999/")
        self.assertContains(chinese, "<h1>没有这个页面</h1>", status_code=404)
        self.assertContains(chinese, '<html lang="zh-CN">', status_code=404)

    def test_feeds_title_themselves_in_the_readers_language_and_quote_the_data(self):
        english = self.client.get("/feeds/updates/", headers={"accept-language": "en"}).content.decode()
        self.assertIn("<title>Latest progress · Economic Work Commitment Tracker</title>", english)
        self.assertIn(f"<title>{self.commitment.summary}: In progress 40%</title>", english)
        self.assertIn('xml:lang="en"', english)
        chinese = self.client.get("/feeds/updates/").content.decode()
        self.assertIn("<title>最新进展 · 经济工作承诺跟踪</title>", chinese)
        self.assertIn(f"<title>{self.commitment.summary}：推进中 40%</title>", chinese)

    def test_the_api_schema_describes_the_filters_alike_whatever_the_readers_language(self):
        # Bilingual already ("中文 / English"): the FilterSet's labels, translated on the page, stay Chinese here.
        def filters(headers):
            schema = self.client.get("/api/schema/", {"format": "json"}, headers=headers).json()
            parameters = schema["paths"]["/api/commitments/"]["get"]["parameters"]
            return {p["name"]: p["description"] for p in parameters if p["name"] in CommitmentFilter.base_filters}

        chinese = filters({})
        self.assertEqual(filters({"accept-language": "en"}), chinese)
        self.assertTrue(chinese["sort"].startswith("排序 / Order;"), chinese["sort"])


class PagedListInEnglishTests(TestCase):
    def test_the_second_page_of_the_list_names_its_page_and_links_back(self):
        make_world()
        make_world(held_on=datetime.date(2021, 12, 29), slug="2021-12-29")  # 26 commitments: two pages of 20
        html = self.client.get("/commitments/?page=2", headers={"accept-language": "en"}).content.decode()
        self.assertIn("<title>All commitments (page 2) · Economic Work Commitment Tracker</title>", html)
        self.assertIn("<strong>26</strong> commitments, page 2 of 2", html)
        self.assertIn('aria-label="Pages"', html)
        self.assertIn('rel="prev">Previous</a>', html)
        self.assertIn('<option value="2021-12-29">2022 (held 2021-12-29)</option>', html)
        self.assertEqual(chinese_interface_left(html, data_strings()), [])


class ErrorPagesTests(TestCase):
    def test_a_refused_host_gets_a_400_page_in_the_visitors_language(self):
        english = self.client.get("/", headers={"host": "elsewhere.example", "accept-language": "en"})
        self.assertContains(english, "<h1>Bad request</h1>", status_code=400)
        self.assertEqual(chinese_interface_left(english.content.decode(), []), [])
        self.assertContains(self.client.get("/", headers={"host": "elsewhere.example"}), "<h1>请求有误</h1>",
                            status_code=400)

    def test_the_500_and_403_pages_in_both_languages(self):
        for template, english, chinese in (("500.html", "Server error", "服务器出错"), ("403.html", "Forbidden", "无权访问")):
            with self.subTest(template=template):
                with translation.override("en"):
                    html = render_to_string(template)
                self.assertIn(f"<h1>{english}</h1>", html)
                self.assertIn('<html lang="en">', html)
                self.assertEqual(chinese_interface_left(html, []), [])
                with translation.override("zh-hans"):
                    self.assertIn(f"<h1>{chinese}</h1>", render_to_string(template))


class NoConferenceTests(TestCase):
    def test_an_empty_site_says_so_in_english(self):
        html = self.client.get("/", headers={"accept-language": "en"}).content.decode()
        self.assertIn("No conference has been entered yet.", html)
        self.assertEqual(chinese_interface_left(html, []), [])


class OpenDataReadmeTests(SimpleTestCase):
    def test_the_readme_explains_the_download_in_english_too(self):
        readme = opendata._readme(datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC))
        self.assertIn("In English: generated 2026-01-02T", readme)
        self.assertIn("their English keys (those of the JSON export)", readme)
        self.assertIn("| 摘要 | summary |", readme)  # the key beside each Chinese column name
