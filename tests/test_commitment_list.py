"""The commitment list: the API's FilterSet on a page, shareable URLs, sorting, paging and bad input."""

import datetime
import re

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from policies import invalidation
from policies.models import Commitment, KeyTask, Official, Organization, OrganizationRollup
from policies.services import refresh_progress

from .bulk import grow
from .factories import load_conference, make_commitment, make_organization, make_update


def shown_ids(response):
    return [c.pk for c in response.context["commitments"]]


class CommitmentListFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_conference()
        cls.jiangbei = Organization.objects.get(name="江北区")
        cls.yunyang = Organization.objects.get(name="云阳县")
        cls.keji = Organization.objects.get(name="市科技局")
        cls.done = Commitment.objects.filter(organization=cls.keji).order_by("pk")[1]
        make_update(commitment=cls.done, status="completed", percent=100, review_state="approved",
                    reported_on=datetime.date(2021, 9, 1))
        make_update(commitment=Commitment.objects.filter(organization=cls.jiangbei).first(), percent=40,
                    review_state="approved", reported_on=datetime.date(2021, 5, 1))
        refresh_progress()

    def get(self, **params):
        response = self.client.get("/commitments/", params)
        self.assertEqual(response.status_code, 200)
        return response

    def test_district_shows_only_its_commitments(self):
        response = self.get(district=self.jiangbei.pk)
        expected = set(Commitment.objects.filter(organization=self.jiangbei).values_list("pk", flat=True))
        self.assertEqual(set(shown_ids(response)), expected)
        self.assertGreater(len(expected), 1)
        self.assertEqual(response.context["paginator"].count, len(expected))
        self.assertContains(response, f"共 <strong>{len(expected)}</strong> 项")

    def test_district_covers_counties_and_refuses_departments(self):
        self.assertEqual(self.get(district=self.yunyang.pk).context["paginator"].count, 3)
        response = self.get(district=self.keji.pk)
        self.assertEqual(shown_ids(response), [])
        self.assertContains(response, "筛选条件有误")

    def test_department_shows_only_its_commitments(self):
        response = self.get(department=self.keji.pk)
        expected = set(Commitment.objects.filter(organization=self.keji).values_list("pk", flat=True))
        self.assertEqual(set(shown_ids(response)), expected)
        self.assertEqual(len(expected), 7)
        self.assertEqual(shown_ids(self.get(department=self.jiangbei.pk)), [])

    def test_filters_combine(self):
        response = self.get(department=self.keji.pk, status="completed")
        self.assertEqual(shown_ids(response), [self.done.pk])
        self.assertEqual(shown_ids(self.get(district=self.jiangbei.pk, status="completed")), [])
        t2 = set(Commitment.objects.under_task(KeyTask.objects.get(code="T2")).values_list("pk", flat=True))
        both = set(shown_ids(self.get(task="T2", department=self.keji.pk)))
        self.assertEqual(both, t2 & set(Commitment.objects.filter(organization=self.keji).values_list("pk", flat=True)))
        self.assertTrue(both)

    def test_every_documented_filter_narrows_the_list(self):
        official = Official.objects.get(name="陈元春")
        cases = [
            ({"organization": self.jiangbei.pk}, Commitment.objects.filter(organization=self.jiangbei)),
            ({"kind": "county"}, Commitment.objects.filter(organization__kind="county")),
            ({"task": "T2.1"}, Commitment.objects.under_task(KeyTask.objects.get(code="T2.1"))),
            ({"official": official.pk}, Commitment.objects.filter(statement__official=official)),
            ({"light": "grey"}, Commitment.objects.filter(pk=self.done.pk)),
            ({"due_year": 2025}, Commitment.objects.filter(due_date__year=2025)),
            ({"q": "就业"}, Commitment.objects.filter(summary__contains="就业") | Commitment.objects.filter(quote__contains="就业")),
        ]
        for params, queryset in cases:
            with self.subTest(params=params):
                expected = set(queryset.values_list("pk", flat=True))
                response = self.get(page_size=100, **params)
                self.assertTrue(expected)
                self.assertEqual(response.context["paginator"].count, len(expected))

    def test_sorting_by_progress_due_date_and_latest_update(self):
        by_progress = shown_ids(self.get(sort="-progress"))
        self.assertEqual(by_progress[0], self.done.pk)
        by_update = shown_ids(self.get(sort="-updated"))
        self.assertEqual(by_update[:2], [self.done.pk, Commitment.objects.filter(organization=self.jiangbei).first().pk])
        oldest_first = shown_ids(self.get(sort="updated"))
        self.assertEqual(oldest_first[0], Commitment.objects.filter(organization=self.jiangbei).first().pk)
        due_last = self.get(sort="-due").context["commitments"][0]
        self.assertEqual(due_last.due_date, datetime.date(2025, 12, 31))

    def test_pages_keep_the_filters_and_out_of_range_pages_show_the_last(self):
        first = self.get(kind="district")
        self.assertEqual(first.context["paginator"].count, 24)
        self.assertContains(first, 'href="?kind=district&amp;page=2"')
        last = self.get(kind="district", page=999)
        self.assertEqual(last.context["page_obj"].number, 2)
        for page in ("abc", "-1", "0", "9" * 40):
            with self.subTest(page=page):
                self.assertEqual(self.client.get("/commitments/", {"page": page}).status_code, 200)

    def test_bad_values_give_a_form_error_or_nothing_never_a_500(self):
        bad = [
            {"district": "abc"}, {"department": "99999"}, {"organization": "1.5"}, {"kind": "planet"},
            {"status": "done"}, {"light": "blue"}, {"official": "-1"}, {"due_year": "1e99"},
            {"due_year": "99999999999999"}, {"due_year": "-3"}, {"due_year": "2021.5"}, {"sort": "pk"},
            {"q": "长" * 101},
        ]
        for params in bad:
            with self.subTest(params=params):
                response = self.get(**params)
                self.assertEqual(shown_ids(response), [])
                self.assertContains(response, "筛选条件有误")
        for params in ({"task": "T99"}, {"task": "<script>alert(1)</script>"}, {"q": "不存在的词语"}):
            with self.subTest(params=params):
                self.assertEqual(shown_ids(self.get(**params)), [])

    def test_script_in_input_is_escaped(self):
        response = self.get(q="<script>alert(1)</script>", task="<script>x</script>")
        html = response.content.decode()
        self.assertNotIn("<script>", html)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", html)

    def test_script_in_data_is_escaped(self):
        Commitment.objects.filter(pk=self.done.pk).update(summary="<script>alert('x')</script>")
        html = self.get(department=self.keji.pk).content.decode()
        self.assertNotIn("<script>", html)
        self.assertIn("&lt;script&gt;", html)

    def test_form_is_labelled_and_shows_the_current_state(self):
        response = self.get(district=self.jiangbei.pk, sort="-progress")
        html = response.content.decode()
        for name in ("district", "department", "organization", "kind", "task", "status", "light", "official",
                     "due_year", "q", "sort"):
            self.assertIn(f'<label for="id_{name}">', html)
        self.assertIn(f'<option value="{self.jiangbei.pk}" selected>江北区</option>', html)
        self.assertIn('<option value="T2.1">', html)


class NewFiltersOnTheApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_conference()

    def test_district_department_and_sort_work_on_the_api(self):
        jiangbei = Organization.objects.get(name="江北区")
        keji = Organization.objects.get(name="市科技局")
        body = self.client.get("/api/commitments/", {"district": jiangbei.pk}).json()
        self.assertEqual({r["organization"]["name"] for r in body["results"]}, {"江北区"})
        body = self.client.get("/api/commitments/", {"department": keji.pk, "sort": "-due"}).json()
        self.assertEqual(body["count"], 7)
        self.assertEqual({r["organization"]["name"] for r in body["results"]}, {"市科技局"})
        for params in ({"district": keji.pk}, {"department": "x"}, {"sort": "nope"}, {"due_year": "99999999999"}):
            with self.subTest(params=params):
                response = self.client.get("/api/commitments/", params)
                self.assertEqual(response.status_code, 400)
                self.assertIn(next(iter(params)), response.json())


class CommitmentListQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_conference()

    # The factories are not a write path and leave cached pages alone: measure the render itself.
    @override_settings(TRACKER_PAGE_CACHE=False)
    def test_query_count_does_not_grow_with_data(self):
        # 1 count (the organizations' summary rows), 2 the page's ids, 3 those rows with their joins and
        # lights; once per data version (grow
        # bumps it, as a write does) the menus: 4 conferences, 5-8 organizations, districts, departments and
        # officials, 9 key tasks
        with self.assertNumQueries(9):
            self.client.get("/commitments/", {"sort": "-updated", "kind": "district"})
        grow(organizations=10, per_organization=6)
        with self.assertNumQueries(9):
            response = self.client.get("/commitments/", {"sort": "-updated", "kind": "district"})
        self.assertEqual(len(response.context["commitments"]), 20)
        # the menus read above; a chosen organization costs one look-up to validate it
        district = Organization.objects.filter(kind="district").first()
        with self.assertNumQueries(4):
            self.client.get("/commitments/", {"district": district.pk})


@override_settings(TRACKER_PAGE_CACHE=False)
class SummedCountTests(TestCase):
    """Filtered by conference, organization, kind, status or light, the list and the API read how many
    commitments match from the organizations' summary rows of today, and show what counting them shows."""

    @classmethod
    def setUpTestData(cls):
        load_conference()
        grow(organizations=6, per_organization=4)
        cls.district = Organization.objects.filter(kind="district", commitments__status="in_progress").first()
        cls.conference = Commitment.objects.select_related("statement__source__conference").first().statement.source.conference

    def expected(self, params):
        rows = Commitment.objects.with_light()
        lookups = {"conference": "statement__source__conference__slug", "district": "organization",
                   "organization": "organization", "kind": "organization__kind", "status": "status", "light": "light"}
        return rows.filter(**{lookups[name]: value for name, value in params.items() if name != "sort"}).count()

    def cases(self):
        return [{}, {"sort": "-progress"}, {"conference": self.conference.slug}, {"district": self.district.pk},
                {"organization": self.district.pk, "status": "in_progress"}, {"kind": "county"}, {"status": "in_progress"},
                {"light": "red"}, {"light": "none", "kind": "department"}, {"status": "not_reported", "light": "red"}]

    def test_the_list_and_the_api_show_what_counting_shows(self):
        for params in self.cases():
            with self.subTest(params=params):
                expected = self.expected(params)
                page = self.client.get("/commitments/", params)
                self.assertEqual(page.context["paginator"].count, expected)
                self.assertContains(page, f"共 <strong>{expected}</strong> 项")
                self.assertEqual(len(page.context["commitments"]), min(expected, 20))
                api = self.client.get("/api/commitments/", params, headers={"accept": "application/json"}).json()
                self.assertEqual((api["count"], len(api["results"])), (expected, min(expected, 20)))

    def test_without_rows_of_today_the_commitments_are_counted(self):
        # Counted yesterday, and nothing written since midnight: today's lights are not known yet.
        OrganizationRollup.objects.update(counted_on=timezone.localdate() - datetime.timedelta(days=1))
        for params in ({}, {"light": "red"}):
            with self.subTest(params=params):
                self.client.get("/commitments/")  # the menus, read once per data version
                with self.assertNumQueries(4):  # the rows of today (none), the count, the ids, the rows
                    page = self.client.get("/commitments/", {**params, "sort": "-due"})
                self.assertEqual(page.context["paginator"].count, self.expected(params))

    def test_a_count_from_the_rows_costs_no_more_queries(self):
        self.client.get("/commitments/")  # the menus, read once per data version
        for params in ({}, {"sort": "-due"}, {"light": "red"}, {"kind": "district", "status": "in_progress"}):
            with self.subTest(params=params), CaptureQueriesContext(connection) as queries:
                self.client.get("/commitments/", params)
                # the rows' sum, the ids, the rows: the commitments are not counted
                self.assertEqual(len(queries), 3)
                self.assertIn('SUM("policies_organizationrollup"."commitments")', queries[0]["sql"])
                self.assertFalse([q for q in queries if 'COUNT(*) AS "__count" FROM "policies_commitment"' in q["sql"]])


@override_settings(TRACKER_PAGE_CACHE=False)
class MenusPerDataVersionTests(TestCase):
    """The list's menus are read once per data version and language, whether or not pages are cached:
    an approval leaves them be, any other write shows in them at once."""

    @classmethod
    def setUpTestData(cls):
        load_conference()

    def menu(self, response, name):
        return re.search(rf'<select name="{name}".*?</select>', response.content.decode(), re.S).group(0)

    def test_a_write_shows_in_the_menus_and_an_approval_reads_none_of_them_again(self):
        first = self.client.get("/commitments/")
        # 1 count, 2 the page's ids, 3 those rows: the menus as the first request read them
        with self.assertNumQueries(3):
            second = self.client.get("/commitments/")
        for name in ("conference", "task", "organization", "district", "department", "official"):
            self.assertEqual(self.menu(second, name), self.menu(first, name))
        # An approval: the list shows the new progress, the menus stay read.
        commitment = Commitment.objects.order_by("pk").first()
        with self.captureOnCommitCallbacks(execute=True):
            make_update(commitment=commitment, percent=30, review_state="approved", reported_on=datetime.date(2021, 5, 1))
            refresh_progress(commitments=Commitment.objects.filter(pk=commitment.pk))
        with self.assertNumQueries(3):
            self.assertContains(self.client.get("/commitments/"), "30%")
        # Any other write (here a new district, as the admin's save does) bumps the data version.
        with self.captureOnCommitCallbacks(execute=True):
            district = make_organization(name="新设区", kind="district")
            invalidation.pages_changed()
        third = self.client.get("/commitments/")
        self.assertIn(f'<option value="{district.pk}">新设区</option>', self.menu(third, "district"))

    def test_each_language_has_its_own(self):
        chinese = self.menu(self.client.get("/commitments/"), "conference")
        english = self.menu(self.client.get("/commitments/", headers={"accept-language": "en"}), "conference")
        self.assertIn("年（", chinese)
        self.assertNotIn("年（", english)
        self.assertIn(">All</option>", english)


class FilterMenuMarkupTests(TestCase):
    """The list's menus are written by policies.widgets.QuickSelect: the markup Django's own Select
    writes, option for option, with the chosen one selected and names escaped."""

    @classmethod
    def setUpTestData(cls):
        load_conference()
        cls.district = make_organization(name="<b>演示</b>区", kind="district")

    def options(self, html):
        return re.findall(r"<option[^>]*>[^<]*</option>", html)

    def test_menus_match_djangos_select_and_show_the_choice(self):
        from django import forms

        from policies.widgets import QuickSelect

        response = self.client.get("/commitments/", {"district": self.district.pk, "status": "behind"})
        form = response.context["filter"].form
        for name in ("district", "status", "task", "official", "conference"):
            with self.subTest(name=name):
                field = form[name]
                self.assertIsInstance(field.field.widget, QuickSelect)
                plain = forms.Select(choices=field.field.widget.choices)
                self.assertEqual(self.options(str(field)), self.options(plain.render(name, field.value())))
        # The organization and official menus are read as tuples: the same options as Django's own
        # ModelChoiceField, labels (姓名（职务）) and order included.
        for name in ("organization", "district", "department", "official"):
            with self.subTest(name=name):
                field = form[name]
                django_field = forms.ModelChoiceField(queryset=field.field.queryset, empty_label=field.field.empty_label)
                plain = forms.Select(choices=django_field.choices)
                self.assertEqual(self.options(str(field)), self.options(plain.render(name, field.value())))
                self.assertGreater(len(self.options(str(field))), 1)
        self.assertContains(response, f'<option value="{self.district.pk}" selected>&lt;b&gt;演示&lt;/b&gt;区</option>', html=True)
        self.assertContains(response, '<option value="behind" selected>', html=False)
        self.assertNotContains(response, "<b>演示</b>")


class CommitmentRowTests(TestCase):
    """What a row of the list says about a commitment, in Chinese and in English."""

    @classmethod
    def setUpTestData(cls):
        cls.reported = make_commitment(summary="<建成>数字产业园", due_date=datetime.date(2022, 6, 30))
        make_update(commitment=cls.reported, status="completed", percent=100, review_state="approved",
                    reported_on=datetime.date(2021, 9, 1))
        cls.halfway = make_commitment(summary="新增就业岗位", due_date=datetime.date(2021, 12, 31))
        make_update(commitment=cls.halfway, percent=37, review_state="approved", reported_on=datetime.date(2021, 5, 6))
        cls.silent = make_commitment(summary="未报告的承诺", due_date=datetime.date(2023, 1, 31))
        refresh_progress()

    def row(self, html, commitment):
        return re.search(rf'<li class="commitment light-\w+">\s*<a class="commitment-summary" '
                         rf'href="/commitments/{commitment.pk}/">.*?</li>', html, re.S).group(0)

    def test_each_row_links_the_commitment_its_organization_and_official_and_shows_its_progress(self):
        html = self.client.get("/commitments/").content.decode()
        row = self.row(html, self.reported)
        official = self.reported.statement.official
        self.assertIn("&lt;建成&gt;数字产业园</a>", row)
        self.assertIn(f'<a href="/organizations/{self.reported.organization_id}/">{self.reported.organization.name}</a>', row)
        self.assertIn(f'<a href="/officials/{official.pk}/">{official.name}</a>', row)
        self.assertIn('<span class="badge status-completed">已完成</span>', row)
        self.assertIn('<span class="light light-grey"><span class="dot" aria-hidden="true"></span>灰灯</span>', row)
        self.assertIn('<span class="bar-fill full" style="width: 100.0%">', row)
        self.assertIn('<span class="bar-value"><span class="visually-hidden">进度</span>100%</span>', row)
        self.assertIn('时限 <time datetime="2022-06-30">2022-06-30</time> · 最近进展 <time datetime="2021-09-01">2021-09-01</time>', row)
        self.assertNotIn("quote-excerpt", row)
        self.assertIn('<span class="bar-fill" style="width: 37.0%">', self.row(html, self.halfway))
        silent = self.row(html, self.silent)
        self.assertIn('<span class="light light-none"><span class="dot" aria-hidden="true"></span>无报告</span>', silent)
        self.assertIn('时限 <time datetime="2023-01-31">2023-01-31</time></span>', silent)
        self.assertNotIn("最近进展", silent)

    def test_rows_in_english(self):
        html = self.client.get("/commitments/", headers={"accept-language": "en"}).content.decode()
        row = self.row(html, self.reported)
        self.assertIn('<span class="badge status-completed">Completed</span>', row)
        self.assertIn('<span class="visually-hidden">Progress</span>100%', row)
        self.assertIn('Due <time datetime="2022-06-30">2022-06-30</time> · Last update <time', row)
        searched = self.client.get("/commitments/", {"q": "就业"}, headers={"accept-language": "en"}).content.decode()
        self.assertIn('<p class="quote-excerpt"><span class="visually-hidden">Original text: </span>“', self.row(searched, self.halfway))
