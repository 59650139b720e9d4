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

    def test_every_row_passes_the_models_own_span_rule(self):
        # The rule the admin, the importer's acceptance and any service go through (Model.clean).
        rows = [*Statement.objects.select_related("source"), *KeyTask.objects.select_related("source", "parent"),
                *Commitment.objects.select_related("statement__source", "statement__official")]
        for row in rows:
            with self.subTest(row=str(row)):
                row.full_clean()

    def test_source_titles_are_lines_of_text(self):
        source = Source.objects.get()
        self.assertEqual(source.title_lines(), [
            "明年重庆经济工作这样干",
            "迈好第一步 见到新气象——全市经济工作会议精神引发热烈反响",
            "齐心协力 开拓进取 扎实迈好开局第一步",
        ])

    def test_every_key_task_passage_is_in_the_source(self):
        for task in KeyTask.objects.all():
            with self.subTest(task=task.code):
                passage = FLAT[task.span_start : task.span_end]
                self.assertTrue(passage.startswith(task.title))
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
            # the span is the title itself, inside the sentence that says the conference demanded it
            self.assertEqual(task.passage(), task.title)
            self.assertIn("全市经济工作会议提出，要“", FLAT[task.span_start - 40 : task.span_start])

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


def quotes(official):
    return list(Commitment.objects.filter(statement__official__name=official).order_by("number")
                .values_list("quote", flat=True))


def links(quote):
    return set(TaskLink.objects.filter(commitment__quote=quote).values_list("task__code", flat=True))


class JudgementCallTests(TestCase):
    """The README's "Judgement calls": each decision about the page, as the data now holds it."""

    @classmethod
    def setUpTestData(cls):
        load_conference()

    def test_counts_after_the_judgement_calls(self):
        self.assertEqual(Commitment.objects.count(), 66)
        self.assertEqual(TaskLink.objects.count(), 74)

    def test_slogans_of_purpose_are_not_commitments(self):
        slogans = {
            "商奎": ["聚焦科学主题“铸魂”", "打造“科学家的家、创业者的城”"],
            "曹清尧": ["着力打造科技创新新平台、产业经济新高地"],
            "李维超": ["把发展经济着力点放在实体经济上", "紧紧围绕主城都市区功能定位"],
            "刘旗": ["抓大文旅促品质化"],
        }
        for official, phrases in slogans.items():
            statement = Statement.objects.get(official__name=official)
            for phrase in phrases:
                with self.subTest(official=official, phrase=phrase):
                    self.assertIn(phrase, statement.text)  # kept in the statement
                    self.assertFalse(any(phrase in quote for quote in quotes(official)))

    def test_named_zones_are_commitments(self):
        self.assertEqual(quotes("杨晓云")[0], "建设生态优先绿色发展先行示范区")
        self.assertEqual(links("建设生态优先绿色发展先行示范区"), {"T7.3"})
        self.assertEqual(quotes("曹清尧"), ["努力建设国家畜牧科技城", "国家城乡融合发展西部示范区", "川南渝西融合发展先行区"])

    def test_merged_clauses_are_split_into_one_action_each(self):
        self.assertIn("积极承接东部沿海城市、成都以及重庆主城都市区产业转移", quotes("杨晓云"))
        self.assertIn("吸纳生态功能区的人口转移", quotes("杨晓云"))
        self.assertEqual(quotes("刘旗"), [
            "加快打造巴蜀文化旅游走廊",
            "加快推动文旅产业转型升级，大力发展数字文化产业",
            "推动文化产业集聚发展",
            "完善文化公共服务体系和旅游配套设施",
            "打造快旅慢游服务体系",
            "构建大循环，畅通微循环，完善全域旅游集散中心体系",
            "建设“全域智慧文旅云”平台",
        ])

    def test_implementing_the_named_plan_is_a_commitment_for_both_officials(self):
        for official in ("董建国", "程志毅"):
            with self.subTest(official=official):
                [quote] = [q for q in quotes(official) if "《成渝地区双城经济圈建设规划纲要》" in q]
                self.assertEqual(links(quote), {"X1"})

    def test_corrected_links(self):
        self.assertEqual(links("激发创新人才活力"), {"T2.2", "T2.3"})
        self.assertEqual(links("推动生态优先绿色发展，建设山清水秀美丽之地"), {"T7.3"})
        self.assertEqual(links("保障和改善民生，稳定和扩大就业，不断增强人民群众获得感幸福感安全感"), {"T8.2"})
        self.assertEqual(links("完善文化公共服务体系和旅游配套设施"), {"T4.1"})
        self.assertEqual(links("协同建设承接产业转移创新发展示范区"), {"X1", "T6.3"})

    def test_numbers_follow_the_order_of_the_text(self):
        for statement in Statement.objects.all():
            rows = list(statement.commitments.order_by("number").values_list("number", "span_start"))
            with self.subTest(official=str(statement)):
                self.assertEqual([n for n, _ in rows], list(range(1, len(rows) + 1)))
                self.assertEqual([s for _, s in rows], sorted(s for _, s in rows))
