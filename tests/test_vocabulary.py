"""One vocabulary: a choice looks the same on the public pages, in the admin and in the CSS, and the
admin's list filters select the same commitments as the public list's."""

import datetime
import re

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from django.utils import timezone, translation

from policies.choices import LIGHT_COLOURS, STATUS_COLOURS, STYLESHEET, Light, OrganizationKind, Status, stylesheet
from policies.roles import ensure_roles

from .factories import make_commitment, make_organization, make_reviewer, make_task

ADMIN_URL = "/admin/policies/commitment/"


def _luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a, b):
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


class ColourTests(SimpleTestCase):
    def test_every_colour_is_readable_as_text_on_the_row_background_and_on_white(self):
        # Badges print the status in its colour on the rows' #f6f8fa; WCAG AA asks 4.5:1 for text.
        for name, colour in {**STATUS_COLOURS, **LIGHT_COLOURS}.items():
            for background in ("#f6f8fa", "#ffffff"):
                with self.subTest(choice=name, background=background):
                    self.assertGreaterEqual(_contrast(colour, background), 4.5)

    def test_every_choice_has_a_colour(self):
        self.assertEqual(set(STATUS_COLOURS), set(Status))
        self.assertEqual(set(LIGHT_COLOURS), set(Light))

    def test_the_stylesheet_spells_no_colour_of_a_status_or_light(self):
        # Their colours come from policies/choices.py as --tone; one spelled here would drift from it.
        css = open(finders.find("css/site.css"), encoding="utf-8").read()
        rules = re.findall(r"([^{}]*)\{([^}]*)\}", css)
        for selector, body in rules:
            if re.search(r"\.(status|light)-", selector):
                with self.subTest(selector=selector.strip()):
                    self.assertNotRegex(body, r"#[0-9a-fA-F]{3,6}\b")
        self.assertRegex(css, r"\.light \.dot \{[^}]*background: var\(--tone")
        self.assertRegex(css, r"\.badge\[class\*=\"status-\"\] \{ color: var\(--tone\)")


class _Lights(TestCase):
    """One commitment in each light, in organizations of several kinds, under a task and its sub-item."""

    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.reviewer = make_reviewer()
        today = timezone.localdate()
        days = datetime.timedelta
        cls.parent = make_task(code="T1")
        cls.child = make_task(code="T1.1", parent=cls.parent, conference=cls.parent.conference,
                              source=cls.parent.source)
        cls.other = make_task(code="T2", conference=cls.parent.conference, source=cls.parent.source)
        district = make_organization(name="甲区", kind=OrganizationKind.DISTRICT)
        county = make_organization(name="乙县", kind=OrganizationKind.COUNTY)
        company = make_organization(name="丙集团", kind=OrganizationKind.ENTERPRISE)
        cls.by_light = {
            Light.RED: make_commitment(organization=district, summary="逾期的承诺", tasks=[cls.child],
                                       due_date=today - days(1), status=Status.IN_PROGRESS, percent=40),
            Light.YELLOW: make_commitment(organization=county, summary="临近时限的承诺", tasks=[cls.parent],
                                          due_date=today + days(10), status=Status.IN_PROGRESS, percent=10,
                                          last_update_on=today),
            Light.GREEN: make_commitment(organization=company, summary="进展正常的承诺", tasks=[cls.other],
                                         due_date=today + days(300), status=Status.IN_PROGRESS, percent=30,
                                         last_update_on=today),
            Light.GREY: make_commitment(organization=district, summary="已完成的承诺", due_date=today + days(300),
                                        status=Status.COMPLETED, percent=100, last_update_on=today),
            # Past due but never reported on: no verdict, not red.
            Light.NONE: make_commitment(organization=company, summary="尚无报告的承诺", due_date=today - days(30)),
        }
        cls.summaries = [c.summary for c in cls.by_light.values()]

    def public_html(self, **params):
        response = self.client.get(reverse("policies:commitments"), params)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def admin_html(self, **params):
        self.client.force_login(self.reviewer)
        response = self.client.get(ADMIN_URL, params)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()


class LightLooksTheSameEverywhereTests(_Lights):
    def test_label_and_colour_agree_on_the_public_list_in_the_admin_and_in_the_page_styles(self):
        public, admin = self.public_html(), self.admin_html()
        for light in self.by_light:
            colour = LIGHT_COLOURS[light]
            with self.subTest(light=light):
                # The public row: the label in the class that the page's styles colour.
                dot = '<span class="dot" aria-hidden="true"></span>'
                self.assertIn(f'<span class="light light-{light}">{dot}{light.label}</span>', public)
                self.assertIn(f".light-{light}{{--tone:{colour}}}", stylesheet())
                # The admin's list column: the same label after a dot of the same colour.
                self.assertIn(f'<span style="color:{colour}">●</span> {light.label}', admin)

    def test_a_status_badge_shows_the_status_label_in_its_coloured_class(self):
        public = self.public_html()
        self.assertIn(f'<span class="badge status-completed">{Status.COMPLETED.label}</span>', public)
        self.assertIn(f".status-completed{{--tone:{STATUS_COLOURS[Status.COMPLETED]}}}", stylesheet())

    def test_pages_link_the_generated_stylesheet_and_it_is_current(self):
        self.assertIn('<link rel="stylesheet" href="/static/css/vocabulary.css">', self.public_html())
        current = (settings.BASE_DIR / STYLESHEET).read_text(encoding="utf-8")
        self.assertEqual(current, stylesheet(), "run `manage.py write_vocabulary_css` after changing a colour")


class AdminFiltersAreThePublicFiltersTests(_Lights):
    def listed(self, html):
        return {s for s in self.summaries if f">{s}</a>" in html}

    def test_task_light_and_kind_select_the_same_commitments_in_the_admin_and_on_the_public_list(self):
        cases = [("light", light.value) for light in Light]
        cases += [("kind", kind.value) for kind in OrganizationKind]
        cases += [("task", task.code) for task in (self.parent, self.child, self.other)]
        cases += [("task", str(self.parent.pk)), ("light", "purple"), ("task", "T9"), ("kind", "planet")]
        for name, value in cases:
            with self.subTest(**{name: value}):
                public = self.listed(self.public_html(**{name: value}))
                self.assertEqual(self.listed(self.admin_html(**{name: value})), public)
        # Not vacuous: the cases above select different, non-empty sets.
        self.assertEqual(self.listed(self.public_html(task="T1")), {"逾期的承诺", "临近时限的承诺"})
        self.assertEqual(self.listed(self.public_html(kind="district")), {"逾期的承诺", "已完成的承诺"})
        self.assertEqual(self.listed(self.public_html(light="purple")), set())

    def test_admin_task_filter_offers_the_public_task_menu(self):
        admin = self.admin_html()
        public = self.public_html()
        for label in ("T1 测试任务", "　└ T1.1 ", "T2 测试任务"):
            with self.subTest(label=label):
                self.assertIn(label, admin)
                self.assertIn(label, public)


class OrganizationLinksTests(_Lights):
    def test_an_organization_links_to_the_list_with_the_menu_its_kind_belongs_to(self):
        cases = {
            "甲区": "district",
            "乙县": "district",
            "丙集团": "organization",
        }
        for name, parameter in cases.items():
            commitment = next(c for c in self.by_light.values() if c.organization.name == name)
            organization = commitment.organization
            with self.subTest(organization=name):
                html = self.client.get(organization.get_absolute_url()).content.decode()
                self.assertIn(f'href="/commitments/?{parameter}={organization.pk}"', html)
                # The link selects that organization's commitments.
                html = self.public_html(**{parameter: organization.pk})
                listed = {s for s in self.summaries if f">{s}</a>" in html}
                self.assertEqual(listed, {c.summary for c in self.by_light.values() if c.organization == organization})


class WrittenFastTests(SimpleTestCase):
    """The badges and bars written without templates or floatformat read exactly as before."""

    def test_a_percent_reads_as_floatformat_writes_it(self):
        import random

        from django.template.defaultfilters import floatformat

        from policies.templatetags.vocabulary import one_decimal

        rng = random.Random(7)
        values = [0, 1, 40, 100, 37.25, 37.95, 12.05, 99.95, 0.05, 2 / 3 * 100, 100 / 7]
        values += [i / 1000 for i in range(0, 100001, 7)] + [rng.uniform(0, 100) for _ in range(2000)]
        for language in ("zh-hans", "en"):
            with translation.override(language):
                for value in values:
                    self.assertEqual(one_decimal(value), floatformat(value, -1), value)
        self.assertEqual(one_decimal(37.95), "38.0")
        self.assertEqual(one_decimal(40.0), "40")

    def test_badges_in_each_language(self):
        from policies.templatetags.vocabulary import light_badge, progress_bar, status_badge

        with translation.override("zh-hans"):
            self.assertEqual(status_badge(Status.BEHIND), '<span class="badge status-behind">进展滞后</span>')
            self.assertEqual(light_badge(Light.RED),
                             '<span class="light light-red"><span class="dot" aria-hidden="true"></span>红灯</span>')
        with translation.override("en"):
            self.assertEqual(status_badge(Status.BEHIND), '<span class="badge status-behind">Behind</span>')
            self.assertIn(">Red", light_badge(Light.RED))
            self.assertEqual(
                progress_bar(37.95, "<平均进度>"),
                '<span class="bar-row"><span class="bar" aria-hidden="true"><span class="bar-fill" style="width: 38.0%">'
                '</span></span><span class="bar-value"><span class="visually-hidden">&lt;平均进度&gt;</span>38.0%</span></span>',
            )
            self.assertIn('class="bar-fill full" style="width: 100.0%"', progress_bar(100))
