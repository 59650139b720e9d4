"""Importing a report keeps drafts; accepting them creates the public rows, all or nothing."""

import datetime
import json
from io import StringIO
from pathlib import Path
from tempfile import TemporaryDirectory
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import TestCase

from policies import importing
from policies.choices import DraftState, LinkOrigin, OrganizationKind
from policies.models import (
    Commitment,
    Conference,
    DraftCommitment,
    DraftStatement,
    DraftTask,
    ImportedReport,
    KeyTask,
    Official,
    Organization,
    Source,
    Statement,
    TaskLink,
)
from policies.roles import ensure_roles

from .factories import make_official, make_organization, make_reporter, make_reviewer, make_world
from .reports import JIANGZHOU, JIANGZHOU_QUOTES

PUBLIC_MODELS = (Conference, Source, KeyTask, Organization, Official, Statement, Commitment, TaskLink)


def public_counts():
    return {model.__name__: model.objects.count() for model in PUBLIC_MODELS}


def import_jiangzhou(user, **kwargs):
    kwargs.setdefault("publisher", "江州日报")
    kwargs.setdefault("published_on", datetime.date(2021, 12, 29))
    return importing.import_report(data=JIANGZHOU.encode("gbk"), user=user, **kwargs)


class ImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.reviewer = make_reviewer()

    def test_import_stores_drafts_and_nothing_public(self):
        before = public_counts()
        result = import_jiangzhou(self.reviewer)
        self.assertTrue(result.created)
        self.assertEqual(public_counts(), before)
        report = result.report
        self.assertEqual(report.encoding, "gb18030")
        self.assertEqual((report.conference_city, report.conference_held_on), ("江州", datetime.date(2021, 12, 28)))
        self.assertEqual(report.conference_name, "全市经济工作会议")
        drafts = {d.official_name: d for d in report.statements.all()}
        self.assertEqual(set(drafts), {"李强", "王芳"})
        self.assertEqual(drafts["李强"].organization_kind, OrganizationKind.DISTRICT)
        flat = report.flat_text
        for name, quotes in JIANGZHOU_QUOTES.items():
            commitments = list(drafts[name].commitments.all())
            self.assertEqual([c.quote for c in commitments], quotes)
            for commitment in commitments:
                self.assertEqual(flat[commitment.span_start : commitment.span_end], commitment.quote)
        self.assertEqual(
            list(report.tasks.values_list("code", "title")),
            [("T1", "扩大有效投资"), ("T1.1", "推进重大项目建设"), ("T1.2", "加快新型基础设施建设"),
             ("T2", "促进消费升级"), ("T2.1", "培育国际消费中心城市")],
        )

    def test_due_dates_follow_the_plan_year_or_a_year_in_the_quote(self):
        report = import_jiangzhou(self.reviewer).report
        due = {c.quote: (c.due_date, c.due_basis) for c in DraftCommitment.objects.filter(statement__report=report)}
        self.assertEqual(due["新建5G基站2000个"][0], datetime.date(2022, 12, 31))
        self.assertIn("2022年经济工作", due["新建5G基站2000个"][1])
        self.assertEqual(due["到2025年建成国际消费中心核心区"][0], datetime.date(2025, 12, 31))
        self.assertIn("2025年", due["到2025年建成国际消费中心核心区"][1])

    def test_due_rule_for_a_five_year_plan(self):
        date, basis = importing.due_for("高质量编制“十四五”规划", 2021)
        self.assertEqual(date, datetime.date(2025, 12, 31))
        self.assertIn("十四五", basis)

    def test_commitments_get_suggested_codes_among_the_reports_own_key_tasks(self):
        report = import_jiangzhou(self.reviewer).report
        consumption = DraftCommitment.objects.get(statement__report=report, quote="举办国际消费节")
        self.assertEqual(consumption.task_codes, ["T2.1"])
        self.assertIn("T2.1", consumption.suggested)

    def test_importing_the_same_text_twice_creates_nothing_new(self):
        first = import_jiangzhou(self.reviewer)
        counts = (ImportedReport.objects.count(), DraftStatement.objects.count(), DraftCommitment.objects.count(),
                  DraftTask.objects.count())
        # The same words with other line breaks and in UTF-8: the same report.
        again = importing.import_report(data=JIANGZHOU.replace("国际消费\n中心", "国际消费中心"), user=self.reviewer)
        self.assertFalse(again.created)
        self.assertEqual(again.report, first.report)
        self.assertIn("导入过", again.message)
        self.assertEqual(counts, (ImportedReport.objects.count(), DraftStatement.objects.count(),
                                  DraftCommitment.objects.count(), DraftTask.objects.count()))

    def test_a_failure_while_storing_leaves_no_draft(self):
        with mock.patch.object(DraftCommitment.objects, "bulk_create", side_effect=RuntimeError("disk full")):
            with self.assertRaises(RuntimeError):
                import_jiangzhou(self.reviewer)
        self.assertFalse(ImportedReport.objects.exists())
        self.assertFalse(DraftStatement.objects.exists())
        self.assertFalse(DraftTask.objects.exists())

    def test_only_reviewers_import(self):
        reporter = make_reporter(organization=make_organization())
        with self.assertRaises(PermissionDenied):
            import_jiangzhou(reporter)
        self.assertFalse(ImportedReport.objects.exists())


class AcceptTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.reviewer = make_reviewer()

    def setUp(self):
        self.report = import_jiangzhou(self.reviewer).report

    def draft(self, name):
        return self.report.statements.get(official_name=name)

    def test_accepting_all_creates_the_conference_source_tasks_statements_commitments_and_links(self):
        statements, notes = importing.accept_statements(drafts=list(self.report.statements.all()),
                                                        reviewer=self.reviewer)
        self.assertEqual(notes, [])
        conference = Conference.objects.get(city="江州")
        self.assertEqual((conference.name, conference.held_on), ("全市经济工作会议", datetime.date(2021, 12, 28)))
        source = conference.sources.get()
        self.assertEqual((source.publisher, source.published_on), ("江州日报", datetime.date(2021, 12, 29)))
        self.assertEqual(source.text, JIANGZHOU)
        self.assertEqual(source.title_lines(), ["江州召开全市经济工作会议"])
        self.assertEqual(list(conference.tasks.values_list("code", flat=True)), ["T1", "T1.1", "T1.2", "T2", "T2.1"])
        self.assertEqual(conference.tasks.get(code="T2.1").parent.code, "T2")
        flat = source.flat_text
        for statement in statements:
            self.assertEqual(flat[statement.span_start : statement.span_end], statement.text)
            quotes = JIANGZHOU_QUOTES[statement.official.name]
            commitments = list(statement.commitments.order_by("number"))
            self.assertEqual([c.quote for c in commitments], quotes)
            self.assertEqual([c.number for c in commitments], list(range(1, len(quotes) + 1)))
            for commitment in commitments:
                self.assertEqual(flat[commitment.span_start : commitment.span_end], commitment.quote)
                self.assertEqual(commitment.organization, statement.official.organization)
        link = TaskLink.objects.get(commitment__quote="举办国际消费节")
        self.assertEqual((link.task.code, link.task.conference, link.origin), ("T2.1", conference, LinkOrigin.SUGGESTED))
        self.assertGreater(link.score, 0)
        self.assertEqual(set(self.report.statements.values_list("state", flat=True)), {DraftState.ACCEPTED})

    def test_accepting_one_statement_then_the_other_creates_the_conference_and_tasks_once(self):
        importing.accept_statements(drafts=[self.draft("李强")], reviewer=self.reviewer)
        self.assertFalse(Statement.objects.filter(official__name="王芳").exists())
        importing.accept_statements(drafts=[self.draft("王芳")], reviewer=self.reviewer)
        self.assertEqual(Conference.objects.filter(city="江州").count(), 1)
        self.assertEqual(Source.objects.count(), 1)
        self.assertEqual(KeyTask.objects.count(), 5)
        self.assertEqual(Statement.objects.count(), 2)

    def test_an_accepted_statement_cannot_be_accepted_again(self):
        importing.accept_statements(drafts=[self.draft("李强")], reviewer=self.reviewer)
        with self.assertRaisesMessage(ValidationError, "已采纳"):
            importing.accept_statements(drafts=[self.draft("李强")], reviewer=self.reviewer)
        self.assertEqual(Statement.objects.count(), 1)

    def test_a_failure_on_the_last_commitment_leaves_no_row(self):
        last = DraftCommitment.objects.filter(statement__report=self.report).order_by("statement__span_start",
                                                                                       "span_start").last()
        last.task_codes = ["T9"]  # not a task of this conference
        last.save()
        before = public_counts()
        with self.assertRaisesMessage(ValidationError, "T9"):
            importing.accept_statements(drafts=list(self.report.statements.all()), reviewer=self.reviewer)
        self.assertEqual(public_counts(), before)
        self.assertEqual(set(self.report.statements.values_list("state", flat=True)), {DraftState.DRAFT})
        self.assertFalse(DraftTask.objects.filter(task__isnull=False).exists())
        self.report.refresh_from_db()
        self.assertIsNone(self.report.source)

    def test_a_quote_that_is_not_the_slice_at_its_span_is_refused(self):
        commitment = self.draft("王芳").commitments.first()
        commitment.quote = "举办国际美食节"
        commitment.save()
        with self.assertRaisesMessage(ValidationError, "不一致"):
            importing.accept_statements(drafts=[self.draft("王芳")], reviewer=self.reviewer)
        self.assertFalse(Statement.objects.exists())

    def test_existing_organization_and_official_are_matched_by_name(self):
        organization = make_organization(name="江北区", kind=OrganizationKind.DISTRICT)
        official = make_official(organization=organization, name="李强", title="江北区区长")
        statements, notes = importing.accept_statements(drafts=[self.draft("李强")], reviewer=self.reviewer)
        self.assertEqual(statements[0].official, official)
        self.assertEqual(Organization.objects.filter(name="江北区").count(), 1)
        official.refresh_from_db()
        self.assertEqual(official.title, "江北区区长")  # kept; the reviewer is told
        self.assertEqual(len(notes), 1)
        self.assertIn("江北区委书记", notes[0])

    def test_an_existing_conference_of_that_city_and_date_is_reused_with_its_tasks(self):
        world = make_world(city="江州", held_on=datetime.date(2021, 12, 28), progress=False)
        statements, _ = importing.accept_statements(drafts=[self.draft("王芳")], reviewer=self.reviewer)
        self.assertEqual(statements[0].source.conference, world.conference)
        # The world's T1, T1.1, T1.2, T2, T2.1 … are kept; the report adds none of the same codes.
        self.assertEqual(world.conference.tasks.filter(code="T2.1").get().title, "稳定和扩大就业")
        self.assertEqual(KeyTask.objects.filter(conference=world.conference, code="T2.1").count(), 1)

    def test_missing_publisher_is_asked_for_before_anything_is_written(self):
        self.report.publisher = ""
        self.report.save()
        with self.assertRaisesMessage(ValidationError, "刊发媒体"):
            importing.accept_statements(drafts=[self.draft("王芳")], reviewer=self.reviewer)
        self.assertFalse(Conference.objects.exists())

    def test_discarded_statements_are_never_published(self):
        importing.discard_statements(drafts=[self.draft("王芳")], reviewer=self.reviewer)
        with self.assertRaisesMessage(ValidationError, "已放弃"):
            importing.accept_statements(drafts=[self.draft("王芳")], reviewer=self.reviewer)
        importing.accept_statements(drafts=[self.draft("李强")], reviewer=self.reviewer)
        self.assertFalse(Official.objects.filter(name="王芳").exists())


class LocateQuoteTests(TestCase):
    flat = "将建设高标准农田，建设高标准农田示范区，新建学校3所。"

    def test_a_unique_quote_is_found(self):
        self.assertEqual(importing.locate_quote(self.flat, "新建学校3所", within=(0, len(self.flat))), (20, 26))

    def test_a_quote_that_is_not_in_the_statement_is_refused(self):
        with self.assertRaisesMessage(ValidationError, "没有"):
            importing.locate_quote(self.flat, "新建学校5所", within=(0, len(self.flat)))

    def test_a_repeated_quote_needs_more_words_unless_its_old_place_tells(self):
        with self.assertRaisesMessage(ValidationError, "出现 2 次"):
            importing.locate_quote(self.flat, "建设高标准农田", within=(0, len(self.flat)))
        self.assertEqual(
            importing.locate_quote(self.flat, "建设高标准农田", within=(0, len(self.flat)), near=(9, 19)), (9, 16)
        )


class DraftsAreNotPublicTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.reviewer = make_reviewer()
        cls.world = make_world()

    def test_drafts_appear_on_public_pages_and_api_only_after_acceptance(self):
        report = import_jiangzhou(self.reviewer).report
        self.assertContains(self.client.get("/commitments/?q=中央商务区"), "没有符合条件的承诺")
        pages = ["/", "/commitments/", "/api/commitments/?page_size=100",
                 "/api/organizations/", "/api/officials/"]
        for url in pages:
            body = self.client.get(url).content.decode()
            self.assertNotIn("中央商务区", body, url)
            self.assertNotIn("李强", body, url)
        with self.captureOnCommitCallbacks(execute=True):  # the search index is written after the commit
            statements, _ = importing.accept_statements(drafts=list(report.statements.all()), reviewer=self.reviewer)
        commitment = statements[0].commitments.get(number=1)
        self.assertContains(self.client.get(commitment.get_absolute_url()), "加快建设中央商务区")
        self.assertContains(self.client.get("/commitments/?q=中央商务区"), commitment.get_absolute_url())
        api = self.client.get("/api/commitments/", {"page_size": 100}).json()
        self.assertIn("加快建设中央商务区", [row["quote"] for row in api["results"]])


class ImportReportCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.reviewer = make_reviewer(username="duchayuan")

    def run_command(self, *args):
        with TemporaryDirectory() as directory:
            path = Path(directory) / "report.txt"
            path.write_bytes(JIANGZHOU.encode("gbk"))
            out = StringIO()
            call_command("import_report", str(path), *args, stdout=out)
            return out.getvalue()

    def test_dry_run_json_fills_suggested_task_codes_and_writes_nothing(self):
        data = json.loads(self.run_command("--dry-run", "--json"))
        commitments = {c["quote"]: c for s in data["statements"] for c in s["commitments"]}
        self.assertEqual(commitments["举办国际消费节"]["tasks"], ["T2.1"])
        self.assertFalse(ImportedReport.objects.exists())

    def test_without_dry_run_drafts_are_stored_and_the_review_page_named(self):
        output = self.run_command("--user", "duchayuan", "--publisher", "江州日报", "--published-on", "2021-12-29")
        report = ImportedReport.objects.get()
        self.assertIn("已导入为草稿", output)
        self.assertIn(f"/admin/policies/importedreport/{report.pk}/change/", output)
        self.assertEqual(report.imported_by, self.reviewer)
        self.assertEqual(report.publisher, "江州日报")
        self.assertFalse(Statement.objects.exists())
        again = self.run_command("--user", "duchayuan", "--json")
        self.assertFalse(json.loads(again)["created"])
        self.assertEqual(ImportedReport.objects.count(), 1)
