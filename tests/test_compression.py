"""Pages travel gzipped, except pages that carry a CSRF token (BREACH, see
policies.security.CompressPagesWithoutSecretsMiddleware)."""

import gzip

from django.test import TestCase

from .factories import make_world


class CompressionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_world()

    def get(self, url):
        return self.client.get(url, headers={"accept-encoding": "gzip"})

    def test_public_pages_are_gzipped_whether_rendered_or_served_from_the_page_cache(self):
        for attempt in ("miss", "hit"):
            with self.subTest(cache=attempt):
                response = self.get("/commitments/")
                self.assertEqual(response["X-Page-Cache"], attempt)
                self.assertEqual(response["Content-Encoding"], "gzip")
                self.assertIn("Accept-Encoding", response["Vary"])
                self.assertIn("全部承诺", gzip.decompress(response.content).decode())

    def test_a_page_with_a_csrf_token_is_sent_uncompressed(self):
        for url in (f"/follow/commitment/{self.world.commitments[0].pk}/", "/admin/login/"):
            with self.subTest(url=url):
                response = self.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertFalse(response.has_header("Content-Encoding"))
                self.assertIn(b"csrfmiddlewaretoken", response.content)

    def test_a_client_that_does_not_accept_gzip_gets_the_page_as_it_is(self):
        response = self.client.get("/commitments/")
        self.assertFalse(response.has_header("Content-Encoding"))
