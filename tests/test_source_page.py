"""The source page shows the whole newspaper text with every tracked quote highlighted where it stands."""

import re
from types import SimpleNamespace

from django.test import TestCase, override_settings
from django.utils.html import escape

from policies.models import Commitment
from policies.selectors import source_paragraphs

from .bulk import grow
from .factories import make_commitment, make_source, make_statement, make_world


class SourcePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.source = make_world().source

    def test_every_commitment_is_marked_with_its_exact_quote_and_linked(self):
        html = self.client.get(self.source.get_absolute_url()).content.decode()
        for commitment in Commitment.objects.all():
            with self.subTest(commitment=commitment.summary):
                # the piece that carries the anchor starts the quote; a quote cut by a paragraph break continues
                match = re.search(rf'<a class="quote-link" href="{commitment.get_absolute_url()}"[^>]*><mark id="c{commitment.pk}">([^<]*)</mark>', html)
                self.assertIsNotNone(match)
                self.assertTrue(commitment.quote.startswith(match.group(1)))
                pieces = re.findall(rf'href="{commitment.get_absolute_url()}"[^>]*><mark[^>]*>([^<]*)</mark>', html)
                self.assertEqual("".join(pieces), escape(commitment.quote))

    def test_the_whole_text_is_there_in_paragraphs(self):
        html = self.client.get(self.source.get_absolute_url()).content.decode()
        article = html[html.index('<article class="source-text"'):html.index("</article>")]
        # The article's heading (for screen readers' navigation), then the text.
        self.assertIn('<h2 id="source-text-title" class="visually-hidden">报道全文</h2>', article)
        body = article[article.index("</h2>") + len("</h2>"):]
        text = re.sub(r"<[^>]+>", "", body).replace("\n", "")
        self.assertEqual(text, escape(self.source.flat_text))
        blocks = [p for p in self.source.text.split("\n\n") if p.strip()]
        self.assertLess(body.count("<p>"), len(blocks))
        # a column break inside a sentence is joined; the infographic's items stay apart
        self.assertIn('新开工重大项目30个</mark></a>，<a class="quote-link"', body)
        self.assertIn("</p>\n<p>（2）发展数字经济 详见会议部署", body)

    def test_blank_line_mid_sentence_is_joined_but_headings_stay_apart(self):
        text = "标题\n\n这是一段很长的正文，讲的是明年要做的事情，还没有\n\n讲完的后半句在这里，也足够长了，所以应当合并。\n\n短标题"
        paragraphs = [[piece for piece, _, _ in p] for p in source_paragraphs(text, [])]
        self.assertEqual(
            paragraphs,
            [["标题"], ["这是一段很长的正文，讲的是明年要做的事情，还没有讲完的后半句在这里，也足够长了，所以应当合并。"], ["短标题"]],
        )

    def test_quote_across_a_paragraph_break_is_marked_in_both_pieces(self):
        text = "第一段开头，将要\n做的事\n\n接着做完。\n第二段其余。"
        flat = text.replace("\n", "")
        start, end = flat.index("将要"), flat.index("做完") + 2
        mark = SimpleNamespace(pk=7, span_start=start, span_end=end)
        paragraphs = source_paragraphs(text, [mark])
        self.assertEqual(
            paragraphs,
            [[("第一段开头，", None, False), ("将要做的事", mark, True)],
             [("接着做完", mark, False), ("。第二段其余。", None, False)]],
        )

    def test_unknown_source_is_404(self):
        self.assertEqual(self.client.get("/sources/no-such-page/").status_code, 404)

    def test_script_in_the_text_is_escaped(self):
        source = make_source(text="前言<script>alert(1)</script>\n\n他表示，将建设新平台。")
        statement = make_statement(source=source)
        flat = source.flat_text
        make_commitment(statement=statement, span_start=flat.index("建设"), span_end=flat.index("平台") + 2)
        html = self.client.get(source.get_absolute_url()).content.decode()
        self.assertNotIn("<script>", html)
        self.assertIn("建设新平台</mark>", html)

    # The factories are not a write path and leave cached pages alone: measure the render itself.
    @override_settings(TRACKER_PAGE_CACHE=False)
    def test_query_count_does_not_grow_with_commitments(self):
        # 1 source, 2 its commitments' spans
        with self.assertNumQueries(2):
            self.client.get(self.source.get_absolute_url())
        grow(organizations=4, per_organization=5, source=self.source)
        with self.assertNumQueries(2):
            self.client.get(self.source.get_absolute_url())
