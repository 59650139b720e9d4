"""The commitments admin's search box: jieba words, every word must match, best match first, scoped."""

from django.test import TestCase

from policies.choices import OrganizationKind
from policies.roles import ensure_roles

from .factories import make_commitment, make_organization, make_reporter, make_reviewer

URL = "/admin/policies/commitment/"
FILLER = "，".join(["坚持稳中求进工作总基调", "统筹发展和安全", "扎实做好各项工作"] * 12)


class AdminSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.reviewer = make_reviewer()
        cls.district = make_organization(name="渝北区", kind=OrganizationKind.DISTRICT)
        other = make_organization(name="市商务委", kind=OrganizationKind.DEPARTMENT)
        cls.reporter = make_reporter(organization=cls.district)
        # Created first, so that only the rank can put the summary match above it.
        cls.in_quote = make_commitment(organization=cls.district, summary="做好年度各项工作",
                                       quote=f"{FILLER}，推进营商环境建设，{FILLER}")
        cls.in_summary = make_commitment(organization=cls.district, summary="打造一流营商环境",
                                         quote="打造一流营商环境")
        cls.elsewhere = make_commitment(organization=other, summary="优化口岸营商环境", quote="优化口岸营商环境")
        cls.both_words = make_commitment(organization=cls.district, summary="建设科技创新平台",
                                         quote="建设一批科技创新平台")
        cls.one_word = make_commitment(organization=cls.district, summary="推进科技成果转化",
                                       quote="推进科技成果转化")

    def shown(self, user, **params):
        self.client.force_login(user)
        response = self.client.get(URL, params)
        self.assertEqual(response.status_code, 200)
        return list(response.context["cl"].result_list)

    def test_best_match_first(self):
        self.assertEqual(self.shown(self.reviewer, q="营商环境")[:2], [self.in_summary, self.elsewhere])
        self.assertEqual(self.shown(self.reviewer, q="营商环境")[2], self.in_quote)

    def test_every_word_must_match(self):
        self.assertEqual(self.shown(self.reviewer, q="科技 平台"), [self.both_words])

    def test_a_reporter_finds_only_their_organization(self):
        self.assertEqual(self.shown(self.reporter, q="营商环境"), [self.in_summary, self.in_quote])

    def test_a_clicked_column_orders_the_results_instead_of_the_rank(self):
        # Column 0 of a reporter's list (no action checkbox: no actions) is the summary; ascending puts
        # 做好… (U+505A) before 打造… (U+6253), descending the other way round.
        self.assertEqual(self.shown(self.reporter, q="营商环境", o="0"), [self.in_quote, self.in_summary])
        self.assertEqual(self.shown(self.reporter, q="营商环境", o="-0"), [self.in_summary, self.in_quote])

    def test_stop_words_punctuation_and_blanks_never_break_the_page(self):
        for term in ("的了，。", "   ", "<script>alert(1)</script>", "AND OR NOT", '"'):
            with self.subTest(term=term):
                shown = self.shown(self.reviewer, q=term)
                if term.strip():
                    self.assertEqual(shown, [])
                else:
                    self.assertEqual(len(shown), 5)

    def test_the_update_forms_commitment_autocomplete_uses_the_search(self):
        self.client.force_login(self.reporter)
        response = self.client.get("/admin/autocomplete/", {
            "term": "营商环境", "app_label": "policies", "model_name": "progressupdate", "field_name": "commitment",
        })
        self.assertEqual(response.status_code, 200)
        self.assertEqual([r["id"] for r in response.json()["results"]],
                         [str(self.in_summary.pk), str(self.in_quote.pk)])
