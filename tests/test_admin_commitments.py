"""The commitments admin: filters, search, the update inline and the provenance that stays fixed."""

import datetime

from django.test import TestCase
from django.utils import timezone

from policies.choices import OrganizationKind
from policies.roles import ensure_roles

from .factories import (
    make_commitment,
    make_official,
    make_organization,
    make_reviewer,
    make_statement,
    make_task,
    make_update,
)

URL = "/admin/policies/commitment/"
OVERDUE, DONE, FRESH = "逾期未完成的承诺", "已经完成的承诺", "刚启动的承诺"


class CommitmentAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.reviewer = make_reviewer()
        today = timezone.localdate()
        later = today + datetime.timedelta(days=200)
        cls.parent = make_task(code="T2")
        cls.child = make_task(code="T2.1", parent=cls.parent, conference=cls.parent.conference,
                              source=cls.parent.source)
        cls.other_task = make_task(code="T3", conference=cls.parent.conference, source=cls.parent.source)
        cls.district = make_organization(name="渝中区", kind=OrganizationKind.DISTRICT)
        company = make_organization(name="重庆某集团", kind=OrganizationKind.ENTERPRISE)
        cls.overdue = make_commitment(organization=cls.district, summary=OVERDUE, tasks=[cls.child],
                                      due_date=today - datetime.timedelta(days=1), status="in_progress", percent=40)
        cls.done = make_commitment(organization=company, summary=DONE, tasks=[cls.parent], due_date=later,
                                   status="completed", percent=100, last_update_on=today)
        statement = make_statement(official=make_official(organization=company, name="王某某"), text="打造独一无二的示范园区")
        cls.fresh = make_commitment(statement=statement, summary=FRESH, tasks=[cls.other_task], due_date=later,
                                    status="not_started", last_update_on=today, quote="打造独一无二的示范园区")

    def setUp(self):
        self.client.force_login(self.reviewer)

    def listed(self, **params):
        response = self.client.get(URL, params)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        return {s for s in (OVERDUE, DONE, FRESH) if f">{s}</a>" in html}

    def test_filters(self):
        cases = {
            "kind": ({"kind": "district"}, {OVERDUE}),
            "organization": ({"organization__id__exact": self.district.pk}, {OVERDUE}),
            "task with its sub-items": ({"task": self.parent.pk}, {OVERDUE, DONE}),
            "sub-item only": ({"task": self.child.pk}, {OVERDUE}),
            "status": ({"status__exact": "completed"}, {DONE}),
            "light red": ({"light": "red"}, {OVERDUE}),
            "light grey": ({"light": "grey"}, {DONE}),
            "light green": ({"light": "green"}, {FRESH}),
        }
        for name, (params, expected) in cases.items():
            with self.subTest(name):
                self.assertEqual(self.listed(**params), expected)

    def test_task_filter_offers_sub_items_under_their_task(self):
        html = self.client.get(URL).content.decode()
        self.assertLess(html.index(f"{self.parent.code} {self.parent.title}"), html.index(f"└ {self.child.code}"))

    def test_search_on_quote_summary_official_and_organization(self):
        for term, expected in {"独一无二": {FRESH}, "逾期": {OVERDUE}, "王某某": {FRESH}, "渝中": {OVERDUE}}.items():
            with self.subTest(term=term):
                self.assertEqual(self.listed(q=term), expected)

    def test_updates_are_inline_newest_first_with_their_review_state(self):
        for month, note in ((1, "一月的进展"), (3, "三月的进展"), (2, "二月的进展")):
            make_update(commitment=self.overdue, reported_on=datetime.date(2021, month, 20), note=note)
        make_update(commitment=self.overdue, reported_on=datetime.date(2021, 3, 25), note="被退回的进展",
                    review_state="rejected", review_reason="数字不实", reviewed_by=self.reviewer)
        html = self.client.get(f"{URL}{self.overdue.pk}/change/").content.decode()
        positions = [html.index(note) for note in ("被退回的进展", "三月的进展", "二月的进展", "一月的进展")]
        self.assertEqual(positions, sorted(positions))
        self.assertIn("数字不实", html)

    def test_provenance_and_derived_progress_cannot_be_changed_through_the_form(self):
        url = f"{URL}{self.fresh.pk}/change/"
        span_start = self.fresh.span_start
        self.client.post(url, {
            "quote": "改写过的原文", "span_start": 1, "span_end": 2, "status": "completed", "percent": 100,
            "summary": "新摘要", "due_date": "2021-12-31", "due_basis": "",
            "links-TOTAL_FORMS": 1, "links-INITIAL_FORMS": 1,
            "links-0-id": self.fresh.links.get().pk, "links-0-commitment": self.fresh.pk,
            "links-2-TOTAL_FORMS": 0, "links-2-INITIAL_FORMS": 0,
            "updates-TOTAL_FORMS": 0, "updates-INITIAL_FORMS": 0,
            "milestones-TOTAL_FORMS": 0, "milestones-INITIAL_FORMS": 0,
            "reminders-TOTAL_FORMS": 0, "reminders-INITIAL_FORMS": 0, "_save": "保存",
        })
        self.fresh.refresh_from_db()
        self.assertEqual(self.fresh.summary, "新摘要")
        self.assertEqual((self.fresh.quote, self.fresh.span_start, self.fresh.status, self.fresh.percent),
                         ("打造独一无二的示范园区", span_start, "not_started", 0))

    def test_reviewer_links_a_key_task_from_the_commitment_page(self):
        url = f"{URL}{self.fresh.pk}/change/"
        self.client.post(url, {
            "summary": FRESH, "due_date": "2021-12-31", "due_basis": "",
            "links-TOTAL_FORMS": 1, "links-INITIAL_FORMS": 1,
            "links-0-id": self.fresh.links.get().pk, "links-0-commitment": self.fresh.pk,
            "links-2-TOTAL_FORMS": 1, "links-2-INITIAL_FORMS": 0,
            "links-2-0-task": self.child.pk, "links-2-0-origin": "curated", "links-2-0-commitment": self.fresh.pk,
            "updates-TOTAL_FORMS": 0, "updates-INITIAL_FORMS": 0,
            "milestones-TOTAL_FORMS": 0, "milestones-INITIAL_FORMS": 0,
            "reminders-TOTAL_FORMS": 0, "reminders-INITIAL_FORMS": 0, "_save": "保存",
        })
        self.assertEqual(set(self.fresh.tasks.values_list("code", flat=True)), {"T3", "T2.1"})
        link = self.fresh.links.get(task=self.child)
        self.assertEqual(link.history.get().history_user, self.reviewer)
