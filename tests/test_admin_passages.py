"""Entering a report without counting characters: staff paste words, the server finds the span,
and a row whose text is not the slice at its span is refused wherever it is saved."""

import datetime

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, TestCase

from policies import passages
from policies.models import Commitment, Conference, KeyTask, Source, Statement
from policies.roles import ensure_roles

from .factories import (
    make_conference,
    make_official,
    make_organization,
    make_reporter,
    make_reviewer,
    make_source,
    make_task,
)

# As a newspaper column is typed: hard line breaks inside sentences, a space left at a line end.
PAGE = (
    "测试市召开经济工作会议\n\n"
    "测试区委书记李某表示，测试区将建设智慧园区，建设智慧园区二期，打造\n"
    "物流枢纽 \n"
    "，推进城市更新。\n\n"
    "一、推进城市更新 加快老旧小区改造\n"
)
INLINES = {f"{prefix}-{key}": 0 for prefix in ("links", "links-2", "milestones", "updates", "reminders")
           for key in ("TOTAL_FORMS", "INITIAL_FORMS")}


class PassageAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.reviewer = make_reviewer()
        cls.source = make_source(text=PAGE)
        cls.flat = cls.source.flat_text
        cls.official = make_official(organization=make_organization(name="测试区"), name="李某")
        text = "测试区将建设智慧园区，建设智慧园区二期，打造物流枢纽 ，推进城市更新。"
        start = cls.flat.index(text)
        cls.statement = Statement.objects.create(source=cls.source, official=cls.official, text=text,
                                                 span_start=start, span_end=start + len(text))

    def setUp(self):
        self.client.force_login(self.reviewer)

    def add_commitment(self, quote, **extra):
        data = {"statement": self.statement.pk, "quote": quote, "summary": "测试摘要", "due_date": "2021-12-31",
                "due_basis": "", "_save": "保存", **INLINES, **extra}
        return self.client.post("/admin/policies/commitment/add/", data)

    def test_add_pages_ask_for_words_and_show_the_span_read_only(self):
        for model, words in (("statement", "text"), ("commitment", "quote"), ("keytask", "passage")):
            with self.subTest(model=model):
                response = self.client.get(f"/admin/policies/{model}/add/")
                self.assertContains(response, f'name="{words}"')
                self.assertNotContains(response, 'name="span_start"')
                self.assertContains(response, "起始位置")

    def test_a_reporter_sees_statement_and_key_task_pages_read_only(self):
        task = make_task(source=self.source, title="推进城市更新 加快老旧小区改造")
        self.client.force_login(make_reporter(organization=self.official.organization))
        for url in (f"/admin/policies/statement/{self.statement.pk}/change/",
                    f"/admin/policies/keytask/{task.pk}/change/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, 'name="occurrence"')
                self.assertContains(response, "起始位置")

    def test_statement_pasted_with_line_breaks_is_found_and_stored_as_the_flat_slice(self):
        Statement.objects.all().delete()
        pasted = "测试区将建设智慧园区，建设智慧园区二期，打造\r\n物流枢纽\r\n，推进城市更新。"
        response = self.client.post("/admin/policies/statement/add/", {
            "source": self.source.pk, "official": self.official.pk, "text": pasted, "_save": "保存"})
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        statement = Statement.objects.get()
        self.assertEqual(statement.text, self.flat[statement.span_start : statement.span_end])
        self.assertEqual(statement.text, "测试区将建设智慧园区，建设智慧园区二期，打造物流枢纽 ，推进城市更新。")

    def test_commitment_quote_is_located_inside_its_statement(self):
        response = self.add_commitment("打造\n物流枢纽")
        self.assertEqual(response.status_code, 302)
        commitment = Commitment.objects.get()
        self.assertEqual((commitment.quote, commitment.span_start), ("打造物流枢纽", self.flat.index("打造物流枢纽")))
        # organization and number left empty: the statement's organization, the first number
        self.assertEqual((commitment.organization, commitment.number), (self.official.organization, 1))

    def test_quote_occurring_twice_asks_which_and_saves_the_chosen_one(self):
        first = self.flat.index("建设智慧园区")
        second = self.flat.index("建设智慧园区", first + 1)
        response = self.add_commitment("建设智慧园区")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "这段文字在原文中出现了 2 次，请选择要保存的是哪一处。")
        self.assertContains(response, f'type="radio" name="occurrence" value="{second}"')
        self.assertContains(response, "将【建设智慧园区】，建设智慧园区二期")  # context around the first
        self.assertFalse(Commitment.objects.exists())

        response = self.add_commitment("建设智慧园区", occurrence=str(second))
        self.assertEqual(response.status_code, 302)
        commitment = Commitment.objects.get()
        self.assertEqual((commitment.span_start, commitment.span_end), (second, second + len("建设智慧园区")))

    def test_quote_not_found_says_so_and_saves_nothing(self):
        response = self.add_commitment("建设国际机场")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "在原文中找不到“建设国际机场”")
        self.assertFalse(Commitment.objects.exists())

    def test_quote_elsewhere_in_the_source_but_outside_the_statement_is_not_found(self):
        response = self.add_commitment("测试市召开经济工作会议")
        self.assertContains(response, "在原文中找不到")
        self.assertFalse(Commitment.objects.exists())

    def test_key_task_located_from_its_title_or_its_printed_passage(self):
        base = {"conference": self.source.conference_id, "source": self.source.pk, "code": "T1", "order": 1,
                "title": "推进城市更新", "description": "", "origin": "infographic", "_save": "保存"}
        # "推进城市更新" is also in the statement: the title alone is ambiguous, the printed item is not
        response = self.client.post("/admin/policies/keytask/add/", base)
        self.assertContains(response, "出现了 2 次")
        response = self.client.post("/admin/policies/keytask/add/", {**base, "passage": "推进城市更新 加快老旧\n小区改造"})
        self.assertEqual(response.status_code, 302)
        task = KeyTask.objects.get()
        self.assertEqual(task.passage(), "推进城市更新 加快老旧小区改造")

    def test_key_task_passage_that_does_not_start_with_its_title_is_refused(self):
        response = self.client.post("/admin/policies/keytask/add/", {
            "conference": self.source.conference_id, "source": self.source.pk, "code": "T1", "order": 1,
            "title": "推进城市更新", "passage": "加快老旧小区改造", "origin": "infographic", "_save": "保存"})
        self.assertContains(response, "标题“推进城市更新”不是来源原文第")
        self.assertFalse(KeyTask.objects.exists())

    def test_existing_commitment_resaved_keeps_its_occurrence(self):
        second = self.flat.index("建设智慧园区", self.flat.index("建设智慧园区") + 1)
        self.add_commitment("建设智慧园区", occurrence=str(second))
        statement_url = f"/admin/policies/statement/{self.statement.pk}/change/"
        response = self.client.get(statement_url)
        self.assertContains(response, f'name="occurrence" value="{self.statement.span_start}"')
        response = self.client.post(statement_url, {"source": self.source.pk, "official": self.official.pk,
                                                    "text": self.statement.text,
                                                    "occurrence": self.statement.span_start, "_save": "保存"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Commitment.objects.get().span_start, second)

    def test_source_titles_are_edited_as_lines_of_text(self):
        url = f"/admin/policies/source/{self.source.pk}/change/"
        response = self.client.post(url, {
            "conference": self.source.conference_id, "slug": self.source.slug, "publisher": "测试日报",
            "published_on": "2020-12-30", "titles": "第一篇标题\r\n\r\n第二篇 标题\r\n", "_save": "保存"})
        self.assertEqual(response.status_code, 302)
        self.source.refresh_from_db()
        self.assertEqual(self.source.title_lines(), ["第一篇标题", "第二篇 标题"])
        self.assertEqual(self.source.text, PAGE)  # the text stays read-only

    def test_admin_finds_conferences_by_year_and_statements_by_official(self):
        make_conference(name="另一次会议", held_on=datetime.date(2021, 12, 28))
        response = self.client.get("/admin/policies/conference/", {"q": "2021"})
        self.assertEqual([c.name for c in response.context["cl"].result_list], ["另一次会议"])
        response = self.client.get("/admin/policies/conference/", {"q": "2020"})
        self.assertEqual(list(response.context["cl"].result_list), [self.source.conference])
        self.assertEqual(Conference.objects.count(), 2)
        response = self.client.get("/admin/policies/statement/", {"q": "李某"})
        self.assertEqual(list(response.context["cl"].result_list), [self.statement])


class SliceRuleTests(TestCase):
    """The rule is the models' own: the importer's acceptance and services get it from full_clean()."""

    @classmethod
    def setUpTestData(cls):
        cls.source = make_source(text=PAGE)
        flat = cls.source.flat_text
        text = "测试区将建设智慧园区，建设智慧园区二期，打造物流枢纽 ，推进城市更新。"
        start = flat.index(text)
        official = make_official(name="李某")
        cls.statement = Statement.objects.create(source=cls.source, official=official, text=text,
                                                 span_start=start, span_end=start + len(text))
        at = flat.index("打造物流枢纽")
        cls.commitment = Commitment(statement=cls.statement, organization=official.organization, number=1,
                                    quote="打造物流枢纽", summary="打造物流枢纽", span_start=at,
                                    span_end=at + 6, due_date=datetime.date(2021, 12, 31))
        at = flat.index("一、推进城市更新") + 2
        cls.task = KeyTask(conference=cls.source.conference, source=cls.source, code="T1", order=1,
                           title="推进城市更新", span_start=at, span_end=at + 15)

    def test_correct_rows_pass(self):
        for row in (self.statement, self.commitment, self.task):
            row.full_clean()

    def test_a_span_off_by_three_is_refused_with_the_text_found_there(self):
        self.commitment.span_start += 3
        self.commitment.span_end += 3
        with self.assertRaises(ValidationError) as raised:
            self.commitment.full_clean()
        message = raised.exception.message_dict["quote"][0]
        shown = self.source.flat_text[self.commitment.span_start : self.commitment.span_end]
        self.assertEqual(message, f"原文引述与来源原文第 {self.commitment.span_start}–{self.commitment.span_end} 字"
                                  f"不一致：该位置的原文是“{shown}”。请粘贴原文，由系统查找位置。")

    def test_statement_and_key_task_off_by_three_are_refused(self):
        self.statement.span_start += 3
        self.statement.span_end += 3
        with self.assertRaisesMessage(ValidationError, "表态原文与来源原文第"):
            self.statement.full_clean()
        self.task.span_start += 3
        with self.assertRaisesMessage(ValidationError, "不是来源原文第"):
            self.task.full_clean()

    def test_a_commitment_outside_its_statement_is_refused(self):
        flat = self.source.flat_text
        at = flat.index("测试市")
        self.commitment.quote, self.commitment.span_start, self.commitment.span_end = "测试市", at, at + 3
        with self.assertRaisesMessage(ValidationError, "必须在所属表态的原文"):
            self.commitment.full_clean()

    def test_a_span_past_the_end_of_the_text_is_refused(self):
        self.commitment.span_start, self.commitment.span_end = 10_000, 10_006
        with self.assertRaisesMessage(ValidationError, "超出了来源原文的长度"):
            self.commitment.full_clean()

    def test_source_titles_come_from_the_lines(self):
        source = Source(titles="  甲 \n\n乙\r\n")
        self.assertEqual(source.title_lines(), ["甲", "乙"])


class FindPassageTests(SimpleTestCase):
    FLAT = "甲乙丙，建设 园区。丁戊，建设园区。"

    def test_unique_match_gives_its_span_and_the_exact_slice(self):
        [found] = passages.find_passage(self.FLAT, "丁戊")
        self.assertEqual((found.start, found.end, found.text), (10, 12, "丁戊"))

    def test_whitespace_in_the_paste_or_the_text_is_skipped_but_the_slice_is_kept(self):
        found = passages.find_passage(self.FLAT, "建设\n园区")
        self.assertEqual([(o.start, o.text) for o in found], [(4, "建设 园区"), (13, "建设园区")])
        self.assertIn("甲乙丙，【建设 园区】。丁戊", found[0].label)

    def test_search_can_be_limited_to_a_statement(self):
        [found] = passages.find_passage(self.FLAT, "建设园区", start=10, end=len(self.FLAT))
        self.assertEqual(found.start, 13)

    def test_a_key_task_passage_may_start_with_its_heading_number(self):
        for passage in ("扩大有效投资", "一、扩大有效投资", "（二）扩大有效投资 说明", "3. 扩大有效投资"):
            with self.subTest(passage=passage):
                self.assertTrue(passages.begins_with_title(passage, "扩大有效投资"))
        for passage in ("效投资", "以及扩大有效投资", "一扩大有效投资"):
            with self.subTest(passage=passage):
                self.assertFalse(passages.begins_with_title(passage, "扩大有效投资"))

    def test_empty_or_missing_paste_is_a_clear_error(self):
        for pasted in ("", " \n\u3000", None):
            with self.assertRaisesMessage(passages.PassageNotFound, "请粘贴或输入原文中的文字。"):
                passages.find_passage(self.FLAT, pasted)
        with self.assertRaisesMessage(passages.PassageNotFound, "在原文中找不到“己庚”"):
            passages.find_passage(self.FLAT, "己庚")
