"""The interface in Chinese by default and in English on request (the header's switch or the browser's
Accept-Language); the data stays Chinese, the vocabulary (statuses, lights, kinds) is translated."""


from django.conf import settings
from django.test import SimpleTestCase, TestCase
from django.utils import translation

from policies.choices import Light, OrganizationKind, Status

from .factories import make_world



class InterfaceLanguageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_world()
        cls.commitment = cls.world.commitments[0]  # in progress, 40 %

    def test_chinese_by_default_with_a_switch_to_english(self):
        html = self.client.get("/commitments/").content.decode()
        self.assertIn('<html lang="zh-CN">', html)
        self.assertIn(">全部承诺</a>", html)
        self.assertIn('<button type="submit" name="language" value="en" lang="en">English</button>', html)
        self.assertIn('<span class="badge status-in_progress">推进中</span>', html)

    def test_accept_language_english_gets_the_english_interface_and_the_chinese_data(self):
        html = self.client.get("/commitments/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
        self.assertIn('<html lang="en">', html)
        self.assertIn(">All commitments</a>", html)
        self.assertIn('<span class="badge status-in_progress">In progress</span>', html)
        self.assertIn('<meta property="og:locale" content="en_US">', html)
        self.assertIn(self.commitment.summary, html)  # the data as quoted
        self.assertIn('value="zh-hans" lang="zh-CN">中文</button>', html)

    def test_pages_say_they_vary_by_the_language_cookie_and_header(self):
        # A cache between the site and the reader must not serve one reader's language to another.
        english = self.client.get("/commitments/", headers={"cookie": f"{settings.LANGUAGE_COOKIE_NAME}=en"})
        self.assertIn('<html lang="en">', english.content.decode())
        vary = {value.strip().lower() for value in english["Vary"].split(",")}
        self.assertLessEqual({"cookie", "accept-language"}, vary)

    def test_the_filters_follow_each_request_in_turn(self):
        # One form class serves every request (CommitmentFilter.get_form_class): its labels, menus and
        # errors are each request's own, in its language.
        english, chinese = {"accept-language": "en"}, {"accept-language": "zh-CN"}
        pages = [
            (english, {"status": "behind"}, ['<label for="id_status">Status</label>', '<option value="behind" selected>']),
            (chinese, {}, ['<label for="id_status">状态</label>', '<option value="" selected>全部</option>']),
            (english, {"due_year": "x"}, ["Year due: Enter a number.", 'class="field has-error"']),
            (chinese, {"status": "behind"}, ['<option value="behind" selected>进展滞后</option>']),
        ]
        for headers, params, expected in pages:
            with self.subTest(headers=headers, params=params):
                html = self.client.get("/commitments/", params, headers=headers).content.decode()
                for text in expected:
                    self.assertIn(text, html)
                self.assertEqual(html.count("has-error"), 1 if "due_year" in params else 0)

    def test_a_chinese_browser_gets_chinese(self):
        html = self.client.get("/commitments/", headers={"accept-language": "zh-CN,zh;q=0.9,en;q=0.5"}).content.decode()
        self.assertIn(">全部承诺</a>", html)

    def test_the_switch_keeps_the_choice_in_a_cookie_and_returns_to_the_page(self):
        page = f"{self.commitment.get_absolute_url()}"
        response = self.client.post("/i18n/setlang/", {"language": "en", "next": page})
        self.assertRedirects(response, page, fetch_redirect_response=False)
        self.assertEqual(response.cookies[settings.LANGUAGE_COOKIE_NAME].value, "en")
        html = self.client.get(page).content.decode()
        self.assertIn(">Overview</a>", html)
        self.client.post("/i18n/setlang/", {"language": "zh-hans", "next": page})
        self.assertIn(">概览</a>", self.client.get(page).content.decode())

    def test_the_switch_refuses_to_send_visitors_elsewhere(self):
        response = self.client.post("/i18n/setlang/", {"language": "en", "next": "https://example.com/"})
        self.assertEqual(response["Location"], "/")

    def test_the_page_cache_keeps_one_copy_per_language(self):
        english = {"accept-language": "en"}
        self.assertEqual(self.client.get("/", headers=english)["X-Page-Cache"], "miss")
        chinese = self.client.get("/")
        self.assertEqual(chinese["X-Page-Cache"], "miss")
        self.assertIn(">概览</a>", chinese.content.decode())
        cached = self.client.get("/", headers=english)
        self.assertEqual(cached["X-Page-Cache"], "hit")
        self.assertIn(">Overview</a>", cached.content.decode())

    def test_exports_keep_the_chinese_vocabulary_whatever_the_interface(self):
        # Statuses in the data files are data: a spreadsheet read back by the ledger must not depend on
        # the language of whoever downloaded it.
        response = self.client.get("/commitments/export/?format=csv", headers={"accept-language": "en"})
        text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
        self.assertIn("推进中", text)
        self.assertNotIn("In progress", text)


class VocabularyTests(SimpleTestCase):
    # The catalogue as a whole (translated, not fuzzy, compiled) is checked by tests/test_translations.py.
    def test_every_status_light_and_kind_has_an_english_label(self):
        with translation.override("en"):
            for choice in (*Status, *Light, *OrganizationKind):
                with self.subTest(choice=choice):
                    self.assertRegex(translation.gettext(choice.label), r"^[A-Z][a-z -]+$")
