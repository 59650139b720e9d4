"""Atom feeds of approved updates, and the pages that point to them."""

import datetime
import xml.etree.ElementTree as ET

from django.test import TestCase

from policies.models import Conference
from policies.services import refresh_progress

from .factories import make_commitment, make_organization, make_source, make_task, make_update

ATOM = "{http://www.w3.org/2005/Atom}"


class FeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.source = make_source()
        cls.task = make_task(code="T3", source=cls.source)
        cls.sub = make_task(code="T3.1", parent=cls.task, source=cls.source)
        cls.organization = make_organization(name="巴南区")
        cls.mine = make_commitment(organization=cls.organization, source=cls.source, summary="建成物流园", tasks=[cls.sub])
        cls.other = make_commitment(summary="别处的承诺")
        cls.approved = make_update(commitment=cls.mine, note="园区一期投用", percent=40, review_state="approved",
                                   reported_on=datetime.date(2021, 5, 1), evidence_url="https://example.org/a")
        cls.pending = make_update(commitment=cls.mine, note="待审核的进展", percent=60)
        cls.rejected = make_update(commitment=cls.mine, note="被退回的进展", review_state="rejected", review_reason="无佐证")
        cls.elsewhere = make_update(commitment=cls.other, note="别处的进展", review_state="approved")
        refresh_progress()

    def feed(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/atom+xml"))
        root = ET.fromstring(response.content)
        # RFC 4287: a feed has an id, a title and an updated date; so has every entry, plus a link.
        self.assertEqual(root.tag, f"{ATOM}feed")
        for name in ("id", "title", "updated"):
            self.assertTrue(root.findtext(f"{ATOM}{name}"), name)
        self.assertIsNotNone(root.find(f"{ATOM}link[@rel='alternate']"))
        entries = root.findall(f"{ATOM}entry")
        for entry in entries:
            for name in ("id", "title", "updated"):
                self.assertTrue(entry.findtext(f"{ATOM}{name}"), name)
            self.assertIsNotNone(entry.find(f"{ATOM}link"))
        return root, [entry.findtext(f"{ATOM}summary") for entry in entries]

    def notes(self, url):
        return [text.splitlines()[1] for text in self.feed(url)[1]]

    def test_all_updates_feed_holds_every_approved_update_only(self):
        self.assertEqual(sorted(self.notes("/feeds/updates/")), ["别处的进展", "园区一期投用"])

    def test_each_feed_holds_only_its_approved_updates(self):
        for url in (
            f"/feeds/organizations/{self.organization.pk}/",
            "/feeds/tasks/T3/",  # through its sub-item T3.1
            "/feeds/tasks/T3.1/",
            f"/feeds/conferences/{self.source.conference_id}/",
            f"/feeds/commitments/{self.mine.pk}/",
        ):
            with self.subTest(url):
                self.assertEqual(self.notes(url), ["园区一期投用"])

    def test_entry_links_to_the_update_on_its_commitment_page(self):
        root, (summary,) = self.feed(f"/feeds/commitments/{self.mine.pk}/")
        entry = root.find(f"{ATOM}entry")
        self.assertEqual(entry.findtext(f"{ATOM}title"), "建成物流园：推进中 40%")
        self.assertTrue(entry.find(f"{ATOM}link").get("href").endswith(f"/commitments/{self.mine.pk}/#update-{self.approved.pk}"))
        self.assertIn("佐证材料：https://example.org/a", summary)

    def test_unknown_objects_are_not_found(self):
        for url in ("/feeds/organizations/999999/", "/feeds/tasks/T99/", "/feeds/commitments/999999/"):
            self.assertEqual(self.client.get(url).status_code, 404)

    def test_pages_announce_their_feed(self):
        latest = Conference.objects.order_by("-held_on", "-pk").first()
        pages = {
            # / is the latest conference's dashboard: its conference's feed.
            "/": f"/feeds/conferences/{latest.pk}/",
            "/commitments/": "/feeds/updates/",
            f"/commitments/{self.mine.pk}/": f"/feeds/commitments/{self.mine.pk}/",
            f"/organizations/{self.organization.pk}/": f"/feeds/organizations/{self.organization.pk}/",
            # Codes repeat across conferences: the task page links its feed by id.
            self.task.get_absolute_url(): f"/feeds/tasks/{self.task.pk}/",
            self.source.get_absolute_url(): f"/feeds/conferences/{self.source.conference_id}/",
        }
        for page, feed in pages.items():
            with self.subTest(page):
                self.assertContains(self.client.get(page), '<link rel="alternate" type="application/atom+xml"', count=1)
                self.assertContains(self.client.get(page), f'href="{feed}"')

    def test_feed_is_read_in_a_fixed_number_of_queries(self):
        for n in range(5):
            make_update(commitment=self.mine, review_state="approved", note=f"进展{n}")
        # 1: the organization, 2: its approved updates with their commitments.
        with self.assertNumQueries(2):
            self.client.get(f"/feeds/organizations/{self.organization.pk}/")
