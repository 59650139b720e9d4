"""Random and hostile input at every public URL, every filter parameter, the admin's search and the ledger download.

Each target gets a fixed budget of examples, derandomized, so ``make test`` is deterministic. The URLs
come from the URLconf, so pages added later are covered without touching this file. Asserted for every
request: no 500, no unescaped echo of the value into HTML, and not one row written anywhere.
"""

import re
from urllib.parse import urlencode

from django.apps import apps
from django.contrib import admin
from django.test import TestCase
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.filters import CommitmentFilter
from policies.models import KeyTask, Source

from policies.roles import ensure_roles

from .factories import make_reviewer, make_user, make_world

HOSTILE = [
    "²", "①", "٣", "１２", "12²", "T2²", "\x00", "1\x00", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
    "' OR '1'='1", "1; DROP TABLE policies_commitment", "9" * 40, "-1", "0", "1e9", "NaN", "Infinity", "%00", "%",
    "../../etc/passwd", "{{ 7|add:7 }}", "{% debug %}", "\u202eevil", "\ufeff1", " 1 ", "T2.1", "T2,T3", "true",
    "[]", "{}", "null", "9223372036854775808", "-9223372036854775809", "1.5", "０", "\t", "\r\n", "a" * 500,
]
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40), st.integers().map(str))
QUERY_NAMES = [*CommitmentFilter.base_filters, "page", "page_size", "format", "o", "p", "e", "_changelist_filters",
               "organization__id__exact", "review_state__exact", "kind", "light", "task"]
BUDGET = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow])
# Characters that would open markup or an attribute if echoed raw.
MARKUP = re.compile(r"<[A-Za-z/!]|[\"'].*[<>=]")


def public_urls():
    """(name, parameter names) of every named URL outside the admin, from the URLconf."""
    seen = set()

    def walk(resolver, prefix):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                yield from walk(pattern, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
            elif pattern.name:
                params = tuple(sorted(pattern.pattern.regex.groupindex))
                if "format" not in params and (prefix + pattern.name, params) not in seen:
                    seen.add((prefix + pattern.name, params))
                    yield prefix + pattern.name, params

    return sorted(walk(get_resolver(), ""))


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


class InputFuzzTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_world()
        ensure_roles()
        cls.reviewer = make_reviewer(username="fuzz-reviewer")
        cls.superuser = make_user(username="fuzz-admin", is_staff=True, is_superuser=True)

    def setUp(self):
        self.before = row_counts()
        tasks = list(KeyTask.objects.values_list("pk", "code"))
        commitments = [c.pk for c in self.world.commitments]
        organizations = [o.pk for o in self.world.organizations.values()]
        self.samples = {
            "pk": [str(pk) for pk in [*commitments, *organizations, *(pk for pk, _ in tasks)]] or ["1"],
            "code": [code for _, code in tasks],
            "slug": list(Source.objects.values_list("slug", flat=True)),
        }

    def login(self, user):
        self.client.force_login(user)
        self.before = row_counts()  # a session and an access log entry: the login's, not a fuzzed request's

    def tearDown(self):
        self.assertEqual(row_counts(), self.before, "a GET wrote rows")

    def check(self, url, values):
        response = self.client.get(url)
        self.assertLess(response.status_code, 500, url)
        if "html" in response.get("Content-Type", ""):
            body = response.content.decode(errors="replace")
            for value in values:
                if MARKUP.search(value) and len(value) >= 4:
                    self.assertNotIn(value, body, f"{url} echoed its input unescaped")

    def fuzz(self, strategy, check, max_examples=40):
        """Run ``check`` on ``strategy``'s examples within the fixed budget."""
        def run(example):
            check(example)

        settings(BUDGET, max_examples=max_examples)(given(strategy)(run))()

    def path_value(self, name):
        return st.one_of(st.sampled_from(self.samples.get(name) or ["1"]), VALUES)

    def url_for(self, name, kwargs):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:  # the value does not fit the converter: the router would 404 before any view
            return reverse(name, kwargs={key: (self.samples.get(key) or ["1"])[0] for key in kwargs})

    def test_public_urls_with_hostile_path_and_query_values(self):
        urls = public_urls()
        self.assertIn("policies:commitments", [name for name, _ in urls])
        self.assertIn("commitment-list", [name for name, _ in urls])
        for name, params in urls:
            with self.subTest(url=name):
                strategy = st.tuples(
                    st.fixed_dictionaries({param: self.path_value(param) for param in params}),
                    st.dictionaries(st.sampled_from(QUERY_NAMES), VALUES, min_size=1, max_size=3),
                )

                self.fuzz(strategy, lambda example, name=name: self.check(
                    f"{self.url_for(name, example[0])}?{urlencode(example[1])}", [*example[0].values(), *example[1].values()]
                ))

    def test_every_filter_parameter_of_the_list_api_and_ledger_download(self):
        self.login(self.reviewer)
        targets = ["/commitments/", "/api/commitments/", "/admin/policies/commitment/ledger/download/"]
        for url in targets:
            for parameter in CommitmentFilter.base_filters:
                with self.subTest(url=url, parameter=parameter):

                    extra = {"format": "csv"} if "ledger" in url else {}
                    self.fuzz(VALUES, lambda value, url=url, parameter=parameter, extra=extra: self.check(
                        f"{url}?{urlencode({parameter: value, **extra})}", [value]
                    ), max_examples=15)

    def test_strict_ids_answer_400_where_a_bad_parameter_does(self):
        self.login(self.reviewer)
        for value in ("²", "①", "٣"):
            with self.subTest(value=value):
                self.assertEqual(self.client.get("/api/commitments/", {"task": value}).status_code, 400)
                self.assertEqual(self.client.get("/admin/policies/commitment/ledger/download/",
                                                 {"task": value, "format": "csv"}).status_code, 400)
                response = self.client.get("/commitments/", {"task": value})
                self.assertContains(response, "数字用半角 0–9")
                self.assertEqual(self.client.get("/admin/policies/commitment/", {"task": value}).status_code, 200)

    def test_admin_search_and_filters_of_every_changelist(self):
        self.login(self.superuser)
        for model in admin.site._registry:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            with self.subTest(url=url):

                queries = st.dictionaries(st.sampled_from(["q", *QUERY_NAMES]), VALUES, min_size=1, max_size=3)
                self.fuzz(queries, lambda query, url=url: self.check(f"{url}?{urlencode(query)}", list(query.values())))
