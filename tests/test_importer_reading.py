"""The importer's reader on short reports written for these tests (other cities, a ministry briefing)."""

import json
from io import StringIO
from pathlib import Path
from tempfile import TemporaryDirectory

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, TestCase

from policies.importer import MAX_BYTES, ImportInputError, read_report
from policies.importer.text import flat_text

CHENGDU = """成都召开全市经济工作会议

12月27日，成都召开全市经济工作会议，部署明年经济工作。

武侯区委书记赵明远表示，武侯区将加快建设西部
文创中心，推进老旧小区改造，为全市高质量发展贡献力量。

刘春燕，锦江区区长，表示，锦江区将打造国际消费
中心核心承载区，实施春熙路商圈提档升级工程。
"""

WUHAN = """市经信局局长周海涛在接受采访时介绍了今年的工作。他表示，明年将实施新一轮技术改造，
新建5G基站8000个。

同时，市经信局还将培育一批专精特新企业，完善中小企业公共服务体系。

市商务局局长吴敏说，将举办国际消费季活动，扩大新能源汽车消费；东湖高新区管委会主任
孙立群表示，将推进光谷科创大走廊建设，布局建设一批中试平台。
"""

BRIEFING = """国新办举行新闻发布会

国家发展改革委主任何立峰表示，明年将扩大有效投资，加快推进“十四五”规划
重大工程项目建设，实施城市更新行动。

财政部部长刘昆指出，要坚定信心，勇于担当，以优异成绩庆祝建党100周年。
"""


def statements_by_name(report):
    return {s.official["name"]: s for s in report.statements}


class OfficialsTests(SimpleTestCase):
    def test_title_before_the_name_gives_organization_kind_and_title(self):
        statement = statements_by_name(read_report(CHENGDU))["赵明远"]
        self.assertEqual(statement.official, {"name": "赵明远", "title": "武侯区委书记"})
        self.assertEqual(statement.organization, {"name": "武侯区", "kind": "district"})

    def test_title_after_the_name(self):
        statement = statements_by_name(read_report(CHENGDU))["刘春燕"]
        self.assertEqual(statement.official["title"], "锦江区区长")
        self.assertEqual(statement.organization, {"name": "锦江区", "kind": "district"})
        self.assertTrue(statement.text.startswith("锦江区将打造国际消费中心核心承载区"))

    def test_he_said_refers_to_the_official_named_before(self):
        statement = statements_by_name(read_report(WUHAN))["周海涛"]
        self.assertEqual(statement.organization, {"name": "市经信局", "kind": "department"})
        self.assertTrue(statement.text.startswith("明年将实施新一轮技术改造"))

    def test_a_statement_continues_into_the_next_paragraph(self):
        statement = statements_by_name(read_report(WUHAN))["周海涛"]
        self.assertTrue(statement.text.endswith("完善中小企业公共服务体系。"))
        quotes = [c.quote for c in statement.commitments]
        self.assertIn("培育一批专精特新企业", quotes)

    def test_two_officials_in_one_paragraph_get_one_statement_each(self):
        by_name = statements_by_name(read_report(WUHAN))
        self.assertEqual(by_name["吴敏"].text, "将举办国际消费季活动，扩大新能源汽车消费")
        self.assertEqual(by_name["孙立群"].organization, {"name": "东湖高新区", "kind": "zone"})
        self.assertTrue(by_name["孙立群"].text.startswith("将推进光谷科创大走廊建设"))

    def test_a_central_ministry_head_is_a_department_official(self):
        statement = statements_by_name(read_report(BRIEFING))["何立峰"]
        self.assertEqual(statement.official["title"], "国家发展改革委主任")
        self.assertEqual(statement.organization, {"name": "国家发展改革委", "kind": "department"})
        self.assertEqual(
            [c.quote for c in statement.commitments],
            ["扩大有效投资", "加快推进“十四五”规划重大工程项目建设", "实施城市更新行动"],
        )

    def test_a_statement_without_an_action_is_kept_with_no_commitment(self):
        statement = statements_by_name(read_report(BRIEFING))["刘昆"]
        self.assertEqual(statement.organization, {"name": "财政部", "kind": "department"})
        self.assertEqual(statement.commitments, [])

    def test_slogans_of_purpose_are_not_commitments(self):
        quotes = [c.quote for c in statements_by_name(read_report(CHENGDU))["赵明远"].commitments]
        self.assertEqual(quotes, ["加快建设西部文创中心", "推进老旧小区改造"])

    def test_every_span_is_the_exact_slice_of_the_flat_text(self):
        for text in (CHENGDU, WUHAN, BRIEFING):
            report = read_report(text)
            flat = flat_text(text)
            self.assertTrue(report.statements)
            for statement in report.statements:
                self.assertEqual(flat[slice(*statement.span)], statement.text)
                for commitment in statement.commitments:
                    self.assertEqual(flat[slice(*commitment.span)], commitment.quote)
                    self.assertGreaterEqual(commitment.span[0], statement.span[0])
                    self.assertLessEqual(commitment.span[1], statement.span[1])

    def test_numbered_key_task_headings_and_sub_items(self):
        text = "一、加快建设现代产业体系\n（一）做强先进制造业\n（二）发展数字经济\n二、全面扩大内需\n（一）促进消费\n"
        tasks = read_report(text).tasks
        self.assertEqual([(t.code, t.title) for t in tasks], [("T1", "加快建设现代产业体系"), ("T2", "全面扩大内需")])
        self.assertEqual([(c.code, c.title) for c in tasks[0].children], [("T1.1", "做强先进制造业"), ("T1.2", "发展数字经济")])


class InputTests(SimpleTestCase):
    def test_gbk_and_utf8_with_bom_read_the_same(self):
        from_gbk = read_report(CHENGDU.encode("gbk"))
        from_bom = read_report(b"\xef\xbb\xbf" + CHENGDU.encode("utf-8"))
        self.assertEqual(from_gbk.encoding, "gb18030")
        self.assertEqual(from_gbk.to_json(), from_bom.to_json())
        self.assertEqual(from_gbk.text, CHENGDU)

    def test_empty_input_is_refused_with_a_clear_message(self):
        for data in (b"", b"  \n\n "):
            with self.assertRaisesMessage(ImportInputError, "内容为空"):
                read_report(data)

    def test_binary_input_is_refused(self):
        with self.assertRaisesMessage(ImportInputError, "不是文本文件"):
            read_report(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))

    def test_input_over_five_megabytes_is_refused(self):
        data = ("重庆" * (3 * 1024 * 1024 // 3 + 1)).encode("utf-8")  # 6 MB
        self.assertGreater(len(data), MAX_BYTES)
        with self.assertRaises(ImportInputError) as caught:
            read_report(data)
        self.assertIn("5 MB", str(caught.exception))
        self.assertIn("limit", str(caught.exception))


class ImportReportCommandTests(TestCase):
    """``--dry-run`` reads the database (the suggestions' corpus, an existing conference) but writes nothing;
    storing drafts is tested in test_importer_drafts.py."""

    def run_command(self, content, *args):
        with TemporaryDirectory() as directory:
            path = Path(directory) / "report.txt"
            path.write_bytes(content)
            out = StringIO()
            call_command("import_report", str(path), *args, stdout=out)
            return out.getvalue()

    def test_dry_run_json_prints_exactly_one_json_object(self):
        output = self.run_command(
            CHENGDU.encode("gbk"), "--dry-run", "--json", "--conference-date", "2021-12-27",
        )
        data = json.loads(output)  # fails on anything but one JSON document
        self.assertEqual(set(data), {"conference", "statements", "tasks"})
        self.assertEqual(data["conference"]["held_on"], "2021-12-27")
        self.assertEqual(data["conference"]["name"], "全市经济工作会议")
        statement = data["statements"][0]
        self.assertEqual(set(statement), {"official", "organization", "text", "span", "commitments"})
        self.assertEqual(set(statement["official"]), {"name", "title"})
        self.assertEqual(set(statement["organization"]), {"name", "kind"})
        self.assertEqual(set(statement["commitments"][0]), {"quote", "span", "tasks"})
        self.assertEqual(flat_text(CHENGDU)[slice(*statement["span"])], statement["text"])

    def test_unreadable_input_is_a_command_error_not_a_traceback(self):
        with self.assertRaisesMessage(CommandError, "内容为空"):
            self.run_command(b"", "--dry-run", "--json")

    def test_a_malformed_conference_date_is_refused(self):
        with self.assertRaisesMessage(CommandError, "YYYY-MM-DD"):
            self.run_command(CHENGDU.encode("utf-8"), "--dry-run", "--conference-date", "2021-13-40")
