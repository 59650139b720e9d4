"""No admin page costs more queries when it lists more rows.

Each page is fetched at two sizes of data and must cost exactly the pinned number of queries
both times. Pages are seen by the user they are for: lists of commitments and updates by a
reviewer and by a reporter (whose pages add the organization scope), reference data by a reviewer.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.test import TestCase

from policies.roles import ensure_roles

from .factories import (
    make_commitment,
    make_organization,
    make_reporter,
    make_reviewer,
    make_task,
    make_update,
    make_user,
)


class AdminQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.organization = make_organization(name="计数区")
        cls.reviewer = make_reviewer()
        cls.reporter = make_reporter(organization=cls.organization)
        cls.parent_task = make_task()
        cls.commitment = make_commitment(organization=cls.organization)
        cls.update = make_update(commitment=cls.commitment, author=cls.reporter)

    def grow(self, n):
        """Add ``n`` commitments of the organization, each with two links, two updates and a reporter."""
        for i in range(n):
            task = make_task(parent=self.parent_task, conference=self.parent_task.conference,
                             source=self.parent_task.source)
            commitment = make_commitment(organization=self.organization, tasks=[task, self.parent_task])
            make_update(commitment=commitment, author=self.reporter, review_state="approved", reviewed_by=self.reviewer)
            make_update(commitment=commitment, author=self.reporter, reported_on=datetime.date(2021, 7, 1))
            make_update(commitment=self.commitment, author=self.reporter, reported_on=datetime.date(2021, 1, 1 + i))
            make_reporter(organization=make_organization())
            for obj in (self.commitment, self.update, self.parent_task):  # a history entry each, by a known user
                obj._history_user = self.reviewer
                obj.save()
        make_user()

    def assert_fixed(self, user, url, queries):
        self.client.force_login(user)
        for size in (2, 8):
            self.grow(size)
            ContentType.objects.clear_cache()  # or the count would depend on which test ran first
            with self.subTest(url=url, size=size), self.assertNumQueries(queries):
                response = self.client.get(url)
                response.getvalue()  # a streamed download reads its rows as it is sent
            self.assertEqual(response.status_code, 200, url)

    # Each count: session, user, the user's permissions (two), the reporter membership when the
    # user is a reporter, then the page's own queries. The commitment list's own: the conferences for
    # their filter, the organizations for theirs, the key tasks for theirs (one query,
    # selectors.task_choices), the count, the page. No second count of every row beside a filtered
    # count (show_full_result_count off on the big lists).

    def test_commitment_list(self):
        self.assert_fixed(self.reviewer, "/admin/policies/commitment/", 9)

    def test_commitment_list_for_a_reporter(self):
        self.assert_fixed(self.reporter, "/admin/policies/commitment/", 10)

    def test_commitment_list_filtered_by_light_kind_and_task(self):
        url = f"/admin/policies/commitment/?light=yellow&kind=district&task={self.parent_task.pk}"
        self.assert_fixed(self.reviewer, url, 10)

    def test_commitment_list_searched(self):
        # The search joins the full-text index into the same list and count queries.
        self.assert_fixed(self.reviewer, "/admin/policies/commitment/?q=测试承诺", 9)

    # The commitment page's own queries: 1 commitment, 2 its updates, 3 its links, then the suggested
    # tasks (7 more): 4 the task ids already linked, 5-6 whether this process's model is current (the
    # key tasks' texts, which it is fitted on too, and the stored counts' version), 7-8 reading it again,
    # because grow() wrote (how many documents, the stored word counts: a row per word and task, never
    # the documents), 9 the words and curated links the commitment is counted with (they leave the
    # profiles of its tasks), 10 the suggested tasks with their parents; then 11 the content type for
    # the history link and 12-16 the provenance shown read-only (statement, official, organization,
    # source, and its conference, which its URL names).
    def test_commitment_page_with_its_updates_and_links(self):
        # +2 since the milestone and reminder inlines: their rows.
        self.assert_fixed(self.reviewer, f"/admin/policies/commitment/{self.commitment.pk}/change/", 22)

    def test_commitment_page_again_reads_no_counts(self):
        # Nothing written since the last fetch: the model in memory is current, and 7-8 above are skipped.
        url = f"/admin/policies/commitment/{self.commitment.pk}/change/"
        self.grow(2)
        self.client.force_login(self.reviewer)
        self.client.get(url)
        ContentType.objects.clear_cache()
        with self.assertNumQueries(20):
            self.assertEqual(self.client.get(url).status_code, 200)

    def test_commitment_page_for_a_reporter(self):
        # A reporter is shown no suggestions (they can act on none), so the suggestion queries go.
        # The milestone and reminder inlines add their rows (2).
        self.assert_fixed(self.reporter, f"/admin/policies/commitment/{self.commitment.pk}/change/", 16)

    def test_commitment_history(self):
        self.assert_fixed(self.reviewer, f"/admin/policies/commitment/{self.commitment.pk}/history/", 8)

    # The update list's own: the organizations for their filter, the count, the page. No date
    # hierarchy (a DISTINCT over every update's month) and no DISTINCT for the organization filter.
    def test_update_list(self):
        self.assert_fixed(self.reviewer, "/admin/policies/progressupdate/?review_state__exact=submitted&kind=district", 7)

    def test_update_list_for_a_reporter(self):
        self.assert_fixed(self.reporter, "/admin/policies/progressupdate/", 8)

    def test_update_page(self):
        # +2: the update's commitment (to offer only its milestones), the milestone choices;
        # +1: its evidence files (listed read-only).
        self.assert_fixed(self.reporter, f"/admin/policies/progressupdate/{self.update.pk}/change/", 12)

    def test_update_history(self):
        self.assert_fixed(self.reviewer, f"/admin/policies/progressupdate/{self.update.pk}/history/", 9)

    def test_review_page(self):
        self.assert_fixed(self.reviewer, f"/admin/policies/progressupdate/{self.update.pk}/review/", 8)

    def test_add_update_page(self):
        # +1: the commitment's milestones to choose from.
        self.assert_fixed(self.reporter, f"/admin/policies/progressupdate/add/?commitment={self.commitment.pk}", 8)

    def test_commitment_autocomplete(self):
        url = "/admin/autocomplete/?app_label=policies&model_name=progressupdate&field_name=commitment"
        self.assert_fixed(self.reporter, url, 7)

    def test_reference_lists(self):
        for url, queries in {
            "/admin/policies/keytask/": 9,
            "/admin/policies/tasklink/": 7,
            "/admin/policies/organization/": 7,
            "/admin/policies/official/": 7,
            "/admin/policies/statement/": 6,
            "/admin/policies/source/": 8,
            "/admin/policies/conference/": 7,
            "/admin/policies/reporter/": 7,
        }.items():
            self.assert_fixed(self.reviewer, url, queries)

    def test_key_task_page_and_history(self):
        # 9: one more than the history page for the source, whose flat text shows the task's passage
        self.assert_fixed(self.reviewer, f"/admin/policies/keytask/{self.parent_task.pk}/change/", 9)
        self.assert_fixed(self.reviewer, f"/admin/policies/keytask/{self.parent_task.pk}/history/", 8)

    def test_ledger_download(self):
        self.assert_fixed(self.reviewer, "/admin/policies/commitment/ledger/download/?format=xlsx", 5)
        self.assert_fixed(self.reporter, "/admin/policies/commitment/ledger/download/?format=csv", 6)
