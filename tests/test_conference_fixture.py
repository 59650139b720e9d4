"""The shipped conference data is complete and every quote is faithful to the source."""

import json
import re
from pathlib import Path

from django.core import serializers
from django.test import TestCase

from policies.choices import TaskOrigin
from policies.models import (
    Commitment,
    Conference,
    KeyTask,
    Official,
    Organization,
    ProgressUpdate,
    Source,
    Statement,
    TaskLink,
)

from .factories import load_conference

ROOT = Path(__file__).resolve().parent.parent
SOURCE_FILE = ROOT / "fixtures" / "chongqing-daily-2020-12-30.txt"
FLAT = SOURCE_FILE.read_text(encoding="utf-8").replace("\n", "")

# The infographic "2021年经济工作重点任务" as printed: heading -> its sub-items, in order.
INFOGRAPHIC = {
    "切实加强党对经济工作的全面领导": ["一要提高抓经济工作的政治站位", "二要提高解决实际问题能力", "三要提高统筹经济社会发展水平"],
    "深入推进科技创新": ["建好创新平台", "发挥人才作用", "健全体制机制"],
    "接续推动产业链供应链优化升级": ["优化产业体系", "建强产业链供应链", "夯实产业基础"],
    "千方百计扩大内需": ["更好发挥消费基础性作用", "着力发挥投资关键作用", "坚决防止盲目投资和重复建设"],
    "全面推进改革开放": [],
    "扎实推动城乡融合发展": ["着力推进城市更新", "全面推进乡村振兴", "持续推进“一区两群”协调发展"],
    "持续筑牢长江上游重要生态屏障": ["推进生态系统保护修复", "强化污染治理", "推动绿色发展"],
    "全力保障和改善民生": ["下大力气解决住房领域突出问题", "强化就业优先政策", "推动社会事业发展"],
}


def officials_named_in_roundup():
    """Read the round-up independently of the fixture: every "<post><name> says" in it.

    The page introduces each speaker by post then name, followed by 表示/也表示/称, or once
    (市科技局) by 倍感振奋，他表示.
    """
    roundup = FLAT[: FLAT.index("迈好第一步 见到新气象")]
    pattern = re.compile(r"(?:书记|主任|局长|董事长|总经理)([\u4e00-\u9fff]{2,3}?)(?:也?表示|称|倍感振奋)")
    return set(pattern.findall(roundup))


class ConferenceFixtureTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_conference()

    def test_source_text_is_the_seed_page_verbatim(self):
        source = Source.objects.get()
        self.assertEqual(source.text, SOURCE_FILE.read_text(encoding="utf-8"))
        self.assertEqual((source.publisher, str(source.published_on)), ("重庆日报", "2020-12-30"))
        conference = Conference.objects.get()
        self.assertEqual((conference.city, str(conference.held_on)), ("重庆", "2020-12-29"))

    def test_every_commitment_quote_is_verbatim_at_its_span(self):
        commitments = list(Commitment.objects.select_related("statement__source"))
        self.assertGreater(len(commitments), 50)
        for c in commitments:
            with self.subTest(commitment=c.summary):
                self.assertEqual(FLAT[c.span_start : c.span_end], c.quote)
                self.assertEqual(c.passage(), c.quote)
                # a commitment lies inside the statement it comes from
                self.assertLessEqual(c.statement.span_start, c.span_start)
                self.assertLessEqual(c.span_end, c.statement.span_end)

    def test_every_statement_is_verbatim_at_its_span(self):
        for statement in Statement.objects.select_related("official"):
            with self.subTest(official=statement.official.name):
                self.assertEqual(FLAT[statement.span_start : statement.span_end], statement.text)
                # the official is named just before the words attributed to them
                self.assertIn(statement.official.name, FLAT[max(0, statement.span_start - 60) : statement.span_start])

    def test_every_key_task_passage_is_in_the_source(self):
        for task in KeyTask.objects.all():
            with self.subTest(task=task.code):
                passage = FLAT[task.span_start : task.span_end]
                self.assertIn(task.title, passage)
                if task.description:
                    self.assertIn(task.description, FLAT)

    def test_every_official_in_the_roundup_is_present(self):
        named = officials_named_in_roundup()
        self.assertEqual(len(named), 13)
        self.assertEqual(set(Official.objects.values_list("name", flat=True)), named)
        self.assertEqual(Statement.objects.count(), 13)
        # every official's statement yields at least one commitment
        self.assertFalse(Official.objects.exclude(statements__commitments__isnull=False).exists())

    def test_infographic_tasks_and_sub_items_as_printed(self):
        tops = KeyTask.objects.tree().filter(origin=TaskOrigin.INFOGRAPHIC)
        printed = {task.title: [child.title for child in task.children.all()] for task in tops}
        self.assertEqual(printed, INFOGRAPHIC)
        self.assertEqual([t.title for t in tops], list(INFOGRAPHIC))

    def test_quoted_conference_demands_are_categories_of_their_own(self):
        demands = KeyTask.objects.filter(origin=TaskOrigin.QUOTED_DEMAND, parent=None)
        titles = set(demands.values_list("title", flat=True))
        self.assertEqual(titles, {"全力推动成渝地区双城经济圈建设", "高质量编制‘十四五’规划纲要"})
        for task in demands:
            self.assertIn("全市经济工作会议提出", task.passage())

    def test_liangjiang_six_clauses_are_six_commitments(self):
        clauses = Commitment.objects.filter(organization__name="两江新区").order_by("number")
        self.assertEqual(clauses.count(), FLAT.count("聚力增强"))
        self.assertEqual(clauses.count(), 6)
        self.assertTrue(all(c.quote.startswith("聚力增强") and c.quote.endswith("有新作为") for c in clauses))

    def test_organizations_have_the_right_kind(self):
        kinds = dict(Organization.objects.values_list("name", "kind"))
        self.assertEqual(kinds["江北区"], "district")
        self.assertEqual(kinds["云阳县"], "county")
        self.assertEqual(kinds["市科技局"], "department")
        self.assertEqual(kinds["两江新区"], "zone")
        self.assertEqual(kinds["重庆机电集团"], "enterprise")

    def test_every_commitment_is_linked_to_a_curated_key_task(self):
        self.assertFalse(Commitment.objects.filter(links__isnull=True).exists())
        self.assertEqual(set(TaskLink.objects.values_list("origin", flat=True)), {"curated"})

    def test_due_dates_follow_the_text(self):
        plan = Commitment.objects.get(quote__startswith="高质量推进全市“十四五”规划编制和实施")
        self.assertEqual(str(plan.due_date), "2025-12-31")
        self.assertIn("十四五", plan.due_basis)
        others = Commitment.objects.exclude(pk=plan.pk)
        self.assertEqual({str(d) for d in others.values_list("due_date", flat=True)}, {"2021-12-31"})
        self.assertFalse(Commitment.objects.filter(due_basis="").exists())

    def test_shipped_data_has_no_progress(self):
        self.assertEqual(ProgressUpdate.objects.count(), 0)
        self.assertEqual(set(Commitment.objects.values_list("status", "percent")), {("not_reported", 0)})

    def test_loading_twice_changes_nothing(self):
        def snapshot():
            data = {}
            for model in (Conference, Source, KeyTask, Organization, Official, Statement, Commitment, TaskLink):
                data[model.__name__] = json.loads(serializers.serialize("json", model.objects.order_by("pk")))
            return data

        before = snapshot()
        load_conference()
        self.assertEqual(snapshot(), before)

    def test_natural_keys_round_trip(self):
        for model in (Conference, Source, KeyTask, Organization, Official, Statement, Commitment, TaskLink):
            obj = model.objects.order_by("pk").last()
            with self.subTest(model=model.__name__):
                self.assertEqual(model.objects.get_by_natural_key(*obj.natural_key()), obj)
