"""Full-text search of commitments with jieba's words, on the database's own engine."""

import json
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from unittest import skipUnless

from django.db import connection
from django.test import TestCase

from policies import search
from policies.filters import CommitmentFilter
from policies.models import Commitment, Organization, SearchDocument

from .factories import load_conference, make_commitment, make_statement, make_user

CIRCLE = "成渝地区双城经济圈"


def found(query, queryset=None):
    return list(search.search_commitments(queryset if queryset is not None else Commitment.objects.all(), query))


def text_of(commitment):
    return f"{commitment.summary}{commitment.quote}"


class ConferenceSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_conference()

    def test_jiuye_finds_the_human_resources_bureau_commitments(self):
        bureau = Organization.objects.get(name="市人力社保局")
        naming = {c.pk for c in bureau.commitments.all() if "就业" in text_of(c)}
        self.assertGreaterEqual(len(naming), 4)
        results = found("就业")
        self.assertLessEqual(naming, {c.pk for c in results})
        # Nothing is found that does not say it.
        self.assertTrue(all("就业" in text_of(c) for c in results))

    def test_every_word_of_a_query_must_match(self):
        both = {c.pk for c in found("科技 平台")}
        self.assertTrue(both)
        for commitment in Commitment.objects.filter(pk__in=both):
            self.assertIn("科技", text_of(commitment))
            self.assertIn("平台", text_of(commitment))
        keji_only = {c.pk for c in found("科技")} - both
        self.assertTrue(keji_only, "some commitments name 科技 without 平台")
        self.assertTrue(all("平台" not in text_of(c) for c in Commitment.objects.filter(pk__in=keji_only)))

    def test_the_twin_city_circle_is_one_word_and_finds_every_commitment_naming_it(self):
        self.assertEqual(search.tokenize(CIRCLE), [CIRCLE])
        naming = {c.pk for c in Commitment.objects.all() if CIRCLE in text_of(c)}
        self.assertGreaterEqual(len(naming), 2)
        self.assertEqual({c.pk for c in found(CIRCLE)}, naming)

    def test_query_of_only_stop_words_or_punctuation_returns_nothing(self):
        for query in ["的", "的了和与", "，。！？", "“”《》（）", "   ", "", "\"'*()-"]:
            with self.subTest(query=query):
                self.assertEqual(found(query), [])
        response = self.client.get("/api/commitments/", {"q": "的，。"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["count"], 0)

    def test_fts_syntax_in_a_query_is_taken_as_words(self):
        jiuye = found("就业")
        self.assertTrue(jiuye)
        # Quotes, stars, minus signs and brackets are punctuation: the query is the word 就业.
        for query in ['"就业', "就业*", "-就业", "(就业)", "就业^"]:
            with self.subTest(query=query):
                self.assertEqual(found(query), jiuye)
        # Operators are words that must match too, not operators: no commitment says "or" or "near".
        for query in ["就业 OR 科技", "NEAR(就业)", "就业 AND NOT 科技"]:
            with self.subTest(query=query):
                self.assertEqual(found(query), [])
        both = found("就业:培训")
        self.assertTrue(both)
        self.assertTrue(all("就业" in text_of(c) and "培训" in text_of(c) for c in both))

    def test_ranked_matches_are_the_search_of_every_commitment_read_from_the_index_alone(self):
        queries = ["就业", "科技 平台", CIRCLE, "就业:培训", "就业 OR 科技", '"就业', "的", ""]
        for query in queries:
            with self.subTest(query=query):
                ranked = search.ranked_matches(query)
                self.assertEqual(list(ranked), [c.pk for c in found(query)])
                self.assertEqual(ranked.count(), len(found(query)))
                self.assertEqual(list(ranked[2:5]), [c.pk for c in found(query)][2:5])
        self.assertGreater(search.ranked_matches("就业").count(), 5)
        # 1 the count, 2 a page: neither joins the commitments
        with self.assertNumQueries(2):
            search.ranked_matches("就业").count()
            list(search.ranked_matches("就业")[:20])

    def test_results_are_ranked_best_first(self):
        results = found("就业")
        ranks = [c.search_rank for c in results]
        self.assertEqual(ranks, sorted(ranks, reverse=True))
        self.assertGreater(ranks[0], ranks[-1])

    def test_api_q_and_the_shared_filter_use_the_search(self):
        expected = [c.pk for c in found("科技 平台")]
        response = self.client.get("/api/commitments/", {"q": "科技 平台", "page_size": 100})
        self.assertEqual([row["id"] for row in response.json()["results"]], expected)
        filtered = CommitmentFilter({"q": "科技 平台"}, queryset=Commitment.objects.all()).qs
        self.assertEqual([c.pk for c in filtered], expected)

    def test_search_narrows_the_queryset_it_is_given(self):
        bureau = Organization.objects.get(name="市人力社保局")
        results = found("就业", Commitment.objects.filter(organization=bureau))
        self.assertTrue(results)
        self.assertEqual({c.organization_id for c in results}, {bureau.pk})

    def test_organization_and_official_names_are_searchable(self):
        self.assertEqual({c.organization.name for c in found("陈元春")}, {"市人力社保局"})
        self.assertIn("两江新区", {c.organization.name for c in found("两江新区")})

    def test_admin_search_returns_the_ranked_search_and_no_duplicates(self):
        queryset = Commitment.objects.all()
        results, may_have_duplicates = search.admin_search(queryset, "就业")
        self.assertFalse(may_have_duplicates)
        self.assertEqual(list(results), found("就业"))
        unchanged, _ = search.admin_search(queryset, "  ")
        self.assertEqual(unchanged.count(), Commitment.objects.count())

    def test_query_counts_are_fixed(self):
        # 1: commitments joined to the index, with their organization
        with self.assertNumQueries(1):
            rows = list(search.search_commitments(Commitment.objects.select_related("organization"), "就业"))
            [c.organization.name for c in rows]


class RankingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        filler = "，".join(["坚持稳中求进工作总基调", "统筹发展和安全", "扎实做好各项工作"] * 12)
        cls.in_quote = make_commitment(summary="做好年度各项工作", quote=f"{filler}，推进营商环境建设，{filler}")
        cls.in_summary = make_commitment(summary="打造一流营商环境", quote="打造一流营商环境")
        cls.unrelated = make_commitment(summary="推进乡村振兴", quote="全面推进乡村振兴")

    def test_a_commitment_naming_the_term_in_its_summary_ranks_above_a_long_quote_mentioning_it_once(self):
        self.assertEqual(found("营商环境"), [self.in_summary, self.in_quote])


def admin_form_data(response, **changes):
    """The POST a person makes by saving the change page of ``response`` unchanged, with ``changes``."""
    data = {}

    def add(form):
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            if isinstance(value, (list, tuple)):
                data[field.html_name] = [str(v) for v in value]
            else:
                data[field.html_name] = "on" if value is True else str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(formset.initial_form_count())  # no blank extra rows
        for form in formset.initial_forms:
            add(form)
    data["_save"] = "保存"
    data.update(changes)
    return data


class IndexInStepTests(TestCase):
    """The index follows every write path that changes a document: the admin and load_conference.

    Not a model save: nothing indexes (or runs jieba) behind a plain ``save()``.
    """

    @classmethod
    def setUpTestData(cls):
        cls.commitment = make_commitment(summary="建设国家畜牧科技城", quote="努力建设国家畜牧科技城")
        cls.admin = make_user(is_staff=True, is_superuser=True)

    def setUp(self):
        self.client.force_login(self.admin)

    def save_in_admin(self, obj, **changes):
        url = f"/admin/policies/{obj._meta.model_name}/{obj.pk}/change/"
        data = admin_form_data(self.client.get(url), **changes)
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            response = self.client.post(url, data)
        errors = response.context.get("errors") if response.status_code == 200 else None
        self.assertEqual(response.status_code, 302, errors)
        return callbacks

    def test_a_created_commitment_is_found(self):
        self.assertEqual(found("畜牧"), [self.commitment])

    def test_a_plain_model_save_does_not_touch_the_index(self):
        self.commitment.summary = "完善全域旅游集散中心体系"
        self.commitment.quote = "完善全域旅游集散中心体系"
        with self.captureOnCommitCallbacks() as callbacks:
            self.commitment.save()
        self.assertEqual(callbacks, [])
        self.assertEqual(found("全域旅游"), [])
        self.assertEqual(found("畜牧"), [self.commitment])

    def test_an_edit_in_the_admin_is_found_by_its_new_words_only(self):
        self.save_in_admin(self.commitment, summary="完善全域旅游集散中心体系")
        self.assertEqual(found("全域旅游"), [self.commitment])
        # The quote still names 畜牧, the summary no longer does: found, ranked on the quote only.
        self.assertEqual(found("畜牧"), [self.commitment])
        self.assertEqual(found("科技城 全域旅游"), [self.commitment])

    def test_deleting_in_the_admin_leaves_the_index(self):
        pk = self.commitment.pk
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"/admin/policies/commitment/{pk}/delete/", {"post": "yes"})
        self.assertFalse(Commitment.objects.filter(pk=pk).exists())
        self.assertEqual(found("畜牧"), [])
        self.assertFalse(SearchDocument.objects.filter(commitment_id=pk).exists())

    def test_renaming_the_organization_in_the_admin_reindexes_its_commitments(self):
        callbacks = self.save_in_admin(self.commitment.organization, name="荣昌区")
        self.assertEqual(found("荣昌区"), [self.commitment])
        indexing = [c for c in callbacks if c.__qualname__.startswith("commitments_changed.")]
        self.assertEqual(len(indexing), 1, "one save, one round of indexing")

    def test_renaming_the_official_in_the_admin_reindexes_the_commitments(self):
        self.save_in_admin(self.commitment.statement.official, name="欧阳畅")
        self.assertEqual(found("欧阳畅"), [self.commitment])

    def test_moving_a_statement_to_another_official_in_the_admin_reindexes_its_commitments(self):
        other = make_statement().official
        other.name = "司马青"
        other.save()
        self.assertEqual(found("司马青"), [])
        self.save_in_admin(self.commitment.statement, official=str(other.pk))
        self.assertEqual(found("司马青"), [self.commitment])

    def test_load_conference_indexes_the_loaded_commitments(self):
        statement = make_statement()
        fixture = [
            {
                "model": "policies.commitment",
                "pk": 990001,
                "fields": {
                    "statement": statement.pk,
                    "organization": statement.official.organization_id,
                    "number": 1,
                    "quote": "推进区域水公铁多式联运发展",
                    "summary": "推进区域“水公铁”多式联运发展",
                    "span_start": 0,
                    "span_end": 10,
                    "due_date": "2021-12-31",
                },
            }
        ]
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "one.json"
            path.write_text(json.dumps(fixture, ensure_ascii=False), encoding="utf-8")
            call_command("load_conference", str(path), verbosity=0)
        self.assertEqual([c.pk for c in found("多式联运")], [990001])

    def test_the_shipped_conference_is_indexed_when_loaded(self):
        load_conference()
        self.assertEqual(SearchDocument.objects.count(), Commitment.objects.count())


class RebuildCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.kept = make_commitment(summary="加大就业失业监测", quote="加大就业失业监测")
        cls.other = make_commitment(summary="推进乡村振兴", quote="全面推进乡村振兴")

    def test_rebuild_restores_a_damaged_index(self):
        # Writes that go around every write path (QuerySet.update, raw SQL) leave the index stale.
        SearchDocument.objects.filter(commitment=self.kept).delete()
        Commitment.objects.filter(pk=self.other.pk).update(summary="开展职业技能培训", quote="开展职业技能培训")
        self.assertEqual(found("监测"), [])
        out = StringIO()
        call_command("rebuild_search_index", stdout=out)
        self.assertIn("2 条", out.getvalue())
        self.assertEqual(found("监测"), [self.kept])
        self.assertEqual(found("乡村振兴"), [])
        self.assertEqual(found("技能"), [self.other])


class DumpDataTests(TestCase):
    def test_dumpdata_of_the_app_skips_the_engine_specific_index(self):
        make_commitment(summary="加大就业失业监测", quote="加大就业失业监测")
        out = StringIO()
        call_command("dumpdata", "policies", stdout=out)
        models = {row["model"] for row in json.loads(out.getvalue())}
        self.assertIn("policies.commitment", models)
        self.assertNotIn("policies.searchindexentry", models)


class HighlightTests(TestCase):
    def test_matched_words_are_marked_and_the_rest_escaped(self):
        html = search.highlight("<b>就业</b>&稳就业", search.query_terms("就业"))
        self.assertEqual(html, "&lt;b&gt;<mark>就业</mark>&lt;/b&gt;&amp;稳<mark>就业</mark>")

    def test_a_term_with_punctuation_in_the_text_is_marked_whole(self):
        html = search.highlight("助推西部（重庆）科学城建设", search.query_terms("西部（重庆）科学城"))
        self.assertEqual(html, "助推<mark>西部（重庆）科学城</mark>建设")

    def test_parts_for_templates(self):
        self.assertEqual(
            search.highlight_parts("打造一流营商环境", ["营商环境"]), [("打造一流", False), ("营商环境", True)]
        )
        self.assertEqual(search.highlight_parts("打造一流", []), [("打造一流", False)])

    def test_template_filter(self):
        from django.template import Context, Template

        rendered = Template("{% load search_tags %}{{ text|highlight:terms }}").render(
            Context({"text": "<i>稳定和扩大就业</i>", "terms": search.query_terms("就业")})
        )
        self.assertEqual(rendered, "&lt;i&gt;稳定和扩大<mark>就业</mark>&lt;/i&gt;")

    def test_query_terms_drop_stop_words_and_repeats(self):
        self.assertEqual(search.query_terms("科技的 平台 科技，"), ["科技", "平台"])


@skipUnless(connection.vendor == "postgresql", "the stored tsvector column exists on PostgreSQL only; SQLite ranks in FTS5")
class StoredVectorTests(TestCase):
    """PostgreSQL ranks with the stored column, so a common word no longer rebuilds every match's vector."""

    def test_search_ranks_with_the_stored_vector_and_an_edit_is_found_at_once(self):
        commitment = make_commitment(summary="新建冷链物流中心3个")
        search.index_commitments([commitment.pk])
        sql = str(search.search_commitments(Commitment.objects.all(), "冷链").query)
        self.assertIn('"vector"', sql)
        self.assertNotIn("to_tsvector", sql)  # nothing recomputed per row
        self.assertEqual(found("冷链"), [commitment])

        Commitment.objects.filter(pk=commitment.pk).update(summary="新建智慧港口2个")
        search.index_commitments([commitment.pk])  # PostgreSQL regenerates the stored vector with the row
        self.assertEqual(found("冷链"), [])
        self.assertEqual(found("港口"), [commitment])

    def test_the_stored_vector_has_its_index(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'policies_searchdocument_vector'")
            (definition,) = cursor.fetchone()
        self.assertIn("gin (vector)", definition)
