"""Shared links preview well: every public page has a title and a description of its own, the pages
people share carry Open Graph tags, and browsers find an icon at /favicon.ico."""

from html.parser import HTMLParser

from django.test import TestCase

from .factories import make_world


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta, self.links, self.title, self._in_title = {}, [], "", False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content", "")
        elif tag == "link":
            self.links.append(attrs)
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


class LinkPreviewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_world()
        cls.commitment = cls.world.commitments[0]  # 40 %, in progress (make_world's approved update)
        cls.organization = cls.commitment.organization
        cls.task = cls.world.tasks["T1"]

    def head(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        parser = _Head()
        parser.feed(response.content.decode())
        return parser

    def public_pages(self):
        official = self.world.officials[0]
        return {
            "dashboard": "/",
            "conferences": "/conferences/",
            "list": "/commitments/",
            "search": "/commitments/?q=数据中心",
            "commitment": self.commitment.get_absolute_url(),
            "organization": self.organization.get_absolute_url(),
            "task": self.task.get_absolute_url(),
            "official": official.get_absolute_url(),
            "source": self.world.source.get_absolute_url(),
            "follow": f"/follow/commitment/{self.commitment.pk}/",
        }

    def test_every_public_page_has_a_title_and_a_description_of_its_own(self):
        heads = {name: self.head(url) for name, url in self.public_pages().items()}
        titles = {name: head.title.strip() for name, head in heads.items()}
        descriptions = {name: head.meta["description"].strip() for name, head in heads.items()}
        for name in heads:
            with self.subTest(page=name):
                self.assertTrue(titles[name].endswith("经济工作承诺跟踪"), titles[name])
                self.assertTrue(descriptions[name])
        self.assertEqual(len(set(titles.values())), len(titles), titles)
        self.assertEqual(len(set(descriptions.values())), len(descriptions), descriptions)

    def test_a_searched_list_names_the_search_term_in_its_title_and_description(self):
        head = self.head("/commitments/?q=数据中心")
        self.assertTrue(head.title.startswith("搜索“数据中心”"), head.title)
        self.assertIn("数据中心", head.meta["description"])
        self.assertNotIn("数据中心", self.head("/commitments/").title)

    def test_a_commitment_page_previews_as_an_article_with_its_summary_and_status(self):
        head = self.head(self.commitment.get_absolute_url())
        self.assertEqual(head.meta["og:title"], self.commitment.summary)
        self.assertEqual(head.meta["og:type"], "article")
        self.assertEqual(head.meta["og:url"], f"http://testserver{self.commitment.get_absolute_url()}")
        self.assertEqual(head.meta["og:site_name"], "经济工作承诺跟踪")
        self.assertEqual(head.meta["og:locale"], "zh_CN")
        self.assertIn(self.organization.name, head.meta["og:description"])
        self.assertIn("推进中，完成进度 40%", head.meta["og:description"])

    def test_organization_task_and_dashboard_pages_preview_with_their_own_title_and_figures(self):
        cases = {
            self.organization.get_absolute_url(): f"{self.organization.name}的承诺",
            self.task.get_absolute_url(): f"T1 {self.task.title}",
            "/": "2021年经济工作承诺兑现情况",
        }
        for url, title in cases.items():
            with self.subTest(url=url):
                head = self.head(url)
                self.assertEqual(head.meta["og:title"], title)
                self.assertEqual(head.meta["og:url"], f"http://testserver{url}")
                self.assertIn("平均进度", head.meta["og:description"])

    def test_favicon_is_answered_at_the_root_and_linked_from_every_page(self):
        response = self.client.get("/favicon.ico")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/svg+xml")
        self.assertTrue(response.content.startswith(b"<svg"))
        icons = [link for link in self.head("/").links if link.get("rel") == "icon"]
        self.assertEqual([icon["type"] for icon in icons], ["image/svg+xml"])
        self.assertEqual(icons[0]["href"], "/static/favicon.svg")
