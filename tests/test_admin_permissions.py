"""Who may list, view, add, change, delete and approve commitments and progress updates in the admin.

Five kinds of visitor: anonymous, the reporter of organization A, the reporter of B, a reviewer
and a superuser. Every cell of the matrix goes through the real admin URL, including direct URLs
to another organization's objects, which must answer 403 or 404 and never show the object.
"""

import datetime

from django.test import TestCase

from policies.models import Commitment, ProgressUpdate
from policies.roles import ensure_roles

from .factories import make_commitment, make_organization, make_reporter, make_reviewer, make_update, make_user

ANON, REPORTER_A, REPORTER_B, REVIEWER, SUPERUSER = "anonymous", "reporter A", "reporter B", "reviewer", "superuser"
VISITORS = (ANON, REPORTER_A, REPORTER_B, REVIEWER, SUPERUSER)
LOGIN, OK, DENIED = "login", "ok", "denied"


class AdminMatrixTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.org_a = make_organization(name="甲区")
        cls.org_b = make_organization(name="乙区")
        cls.users = {
            ANON: None,
            REPORTER_A: make_reporter(organization=cls.org_a, username="reporter_a"),
            REPORTER_B: make_reporter(organization=cls.org_b, username="reporter_b"),
            REVIEWER: make_reviewer(username="reviewer"),
            SUPERUSER: make_user(username="root", is_staff=True, is_superuser=True),
        }
        cls.commitment_a = make_commitment(organization=cls.org_a, summary="甲区的承诺事项")
        cls.commitment_b = make_commitment(organization=cls.org_b, summary="乙区的承诺事项")
        cls.update_a = make_update(commitment=cls.commitment_a, author=cls.users[REPORTER_A], note="甲区填报的进展")
        cls.update_b = make_update(commitment=cls.commitment_b, author=cls.users[REPORTER_B], note="乙区填报的进展")

    def login(self, visitor):
        self.client.logout()
        if self.users[visitor]:
            self.client.force_login(self.users[visitor])

    def outcome(self, response):
        if response.status_code == 302 and response["Location"].startswith("/admin/login/"):
            return LOGIN
        if response.status_code in (403, 404):
            return DENIED
        return OK

    def assert_matrix(self, expected, request):
        for visitor in VISITORS:
            with self.subTest(visitor=visitor):
                self.login(visitor)
                response = request(visitor)
                self.assertEqual(self.outcome(response), expected[visitor], response.content.decode()[:500])

    def fresh_commitment(self):
        return make_commitment(organization=self.org_a, summary="新承诺")

    def fresh_update(self, **kwargs):
        kwargs.setdefault("commitment", self.commitment_a)
        kwargs.setdefault("author", self.users[REPORTER_A])
        return make_update(**kwargs)


class CommitmentMatrixTests(AdminMatrixTestCase):
    url = "/admin/policies/commitment/"

    def test_list_shows_only_what_each_visitor_may_see(self):
        sees = {REPORTER_A: {"甲区的承诺事项"}, REPORTER_B: {"乙区的承诺事项"},
                REVIEWER: {"甲区的承诺事项", "乙区的承诺事项"}, SUPERUSER: {"甲区的承诺事项", "乙区的承诺事项"}}
        self.assert_matrix({ANON: LOGIN, REPORTER_A: OK, REPORTER_B: OK, REVIEWER: OK, SUPERUSER: OK},
                           lambda v: self.client.get(self.url))
        for visitor, visible in sees.items():
            with self.subTest(visitor=visitor):
                self.login(visitor)
                html = self.client.get(self.url).content.decode()
                for summary in ("甲区的承诺事项", "乙区的承诺事项"):
                    self.assertEqual(summary in html, summary in visible, summary)

    def test_view_by_direct_url(self):
        url = f"{self.url}{self.commitment_a.pk}/change/"
        self.assert_matrix({ANON: LOGIN, REPORTER_A: OK, REPORTER_B: DENIED, REVIEWER: OK, SUPERUSER: OK},
                           lambda v: self.client.get(url))
        self.login(REPORTER_B)
        self.assertNotContains(self.client.get(url), "甲区的承诺事项", status_code=404)

    def test_reporters_see_commitments_read_only(self):
        self.login(REPORTER_A)
        response = self.client.get(f"{self.url}{self.commitment_a.pk}/change/")
        self.assertContains(response, self.commitment_a.quote)
        self.assertNotContains(response, 'name="_save"')
        self.assertContains(response, f"/admin/policies/progressupdate/add/?commitment={self.commitment_a.pk}")

    def test_history_of_another_organizations_commitment_is_hidden(self):
        url = f"{self.url}{self.commitment_a.pk}/history/"
        self.assert_matrix({ANON: LOGIN, REPORTER_A: OK, REPORTER_B: DENIED, REVIEWER: OK, SUPERUSER: OK},
                           lambda v: self.client.get(url))

    def test_add(self):
        self.assert_matrix({ANON: LOGIN, REPORTER_A: DENIED, REPORTER_B: DENIED, REVIEWER: OK, SUPERUSER: OK},
                           lambda v: self.client.get(f"{self.url}add/"))

    def test_change(self):
        for visitor, changes in {ANON: False, REPORTER_A: False, REPORTER_B: False, REVIEWER: True,
                                 SUPERUSER: True}.items():
            with self.subTest(visitor=visitor):
                commitment = self.fresh_commitment()
                self.login(visitor)
                response = self.client.post(f"{self.url}{commitment.pk}/change/", {
                    "summary": "改过的摘要", "due_date": "2021-12-31", "due_basis": "",
                    "links-TOTAL_FORMS": 0, "links-INITIAL_FORMS": 0,
                    "links-2-TOTAL_FORMS": 0, "links-2-INITIAL_FORMS": 0,
                    "updates-TOTAL_FORMS": 0, "updates-INITIAL_FORMS": 0,
            "milestones-TOTAL_FORMS": 0, "milestones-INITIAL_FORMS": 0,
            "reminders-TOTAL_FORMS": 0, "reminders-INITIAL_FORMS": 0, "_save": "保存",
                })
                commitment.refresh_from_db()
                self.assertEqual(commitment.summary == "改过的摘要", changes, response.status_code)
                expected = {ANON: LOGIN, REPORTER_B: DENIED, REPORTER_A: DENIED}.get(visitor, OK)
                self.assertEqual(self.outcome(response), expected)

    def test_change_of_another_organizations_commitment_is_404(self):
        self.login(REPORTER_B)
        response = self.client.post(f"{self.url}{self.commitment_a.pk}/change/", {"summary": "x"})
        self.assertEqual(response.status_code, 404)

    def test_delete(self):
        for visitor, deletes in {ANON: False, REPORTER_A: False, REPORTER_B: False, REVIEWER: True,
                                 SUPERUSER: True}.items():
            with self.subTest(visitor=visitor):
                commitment = self.fresh_commitment()
                self.login(visitor)
                response = self.client.post(f"{self.url}{commitment.pk}/delete/", {"post": "yes"})
                self.assertEqual(not Commitment.objects.filter(pk=commitment.pk).exists(), deletes)
                expected = {ANON: LOGIN, REPORTER_A: DENIED, REPORTER_B: DENIED}.get(visitor, OK)
                self.assertEqual(self.outcome(response), expected)

    def test_reporter_cannot_reach_commitments_of_other_organizations_through_autocomplete(self):
        self.login(REPORTER_A)
        response = self.client.get("/admin/autocomplete/", {
            "app_label": "policies", "model_name": "progressupdate", "field_name": "commitment", "term": "",
        })
        ids = {int(row["id"]) for row in response.json()["results"]}
        self.assertEqual(ids, {self.commitment_a.pk})


class UpdateMatrixTests(AdminMatrixTestCase):
    url = "/admin/policies/progressupdate/"

    def form(self, commitment, **overrides):
        data = {"commitment": commitment.pk, "reported_on": "2021-05-31", "status": "in_progress",
                "percent": 40, "note": "已完成前期工作", "evidence_url": "", "_save": "保存"}
        data.update(overrides)
        return data

    def test_list_shows_only_what_each_visitor_may_see(self):
        self.assert_matrix({ANON: LOGIN, REPORTER_A: OK, REPORTER_B: OK, REVIEWER: OK, SUPERUSER: OK},
                           lambda v: self.client.get(self.url))
        self.login(REPORTER_A)
        html = self.client.get(self.url).content.decode()
        self.assertIn("甲区的承诺事项", html)
        self.assertNotIn("乙区的承诺事项", html)

    def test_view_by_direct_url(self):
        url = f"{self.url}{self.update_a.pk}/change/"
        self.assert_matrix({ANON: LOGIN, REPORTER_A: OK, REPORTER_B: DENIED, REVIEWER: OK, SUPERUSER: OK},
                           lambda v: self.client.get(url))
        self.login(REPORTER_B)
        response = self.client.get(url)
        self.assertNotContains(response, "甲区填报的进展", status_code=404)
        self.assertNotContains(self.client.get(f"{url.replace('change/', 'history/')}"), "甲区", status_code=403)

    def test_add(self):
        for visitor, creates in {ANON: False, REPORTER_A: True, REPORTER_B: False, REVIEWER: True,
                                 SUPERUSER: True}.items():
            with self.subTest(visitor=visitor):
                self.login(visitor)
                note = f"{visitor} 的填报"
                response = self.client.post(f"{self.url}add/", self.form(self.commitment_a, note=note))
                created = ProgressUpdate.objects.filter(note=note).first()
                self.assertEqual(created is not None, creates, response.status_code)
                if created:
                    self.assertEqual((created.review_state, created.author), ("submitted", self.users[visitor]))
                if visitor == REPORTER_B:
                    # Another organization's commitment is simply not a valid choice.
                    self.assertContains(response, "选择一个有效的选项")

    def test_reporter_cannot_submit_a_future_date_or_a_completed_below_100(self):
        self.login(REPORTER_A)
        tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
        response = self.client.post(f"{self.url}add/", self.form(self.commitment_a, reported_on=tomorrow))
        self.assertContains(response, "进展日期不能晚于今天")
        response = self.client.post(f"{self.url}add/", self.form(self.commitment_a, status="completed", percent=90))
        self.assertContains(response, "完成进度必须是 100%")
        self.assertEqual(ProgressUpdate.objects.filter(note="已完成前期工作").count(), 0)

    def test_change_own_update_while_not_approved(self):
        expected = {ANON: LOGIN, REPORTER_A: OK, REPORTER_B: DENIED, REVIEWER: OK, SUPERUSER: OK}
        for visitor in VISITORS:
            with self.subTest(visitor=visitor):
                update = self.fresh_update()
                self.login(visitor)
                response = self.client.post(f"{self.url}{update.pk}/change/", self.form(self.commitment_a, percent=77))
                update.refresh_from_db()
                self.assertEqual(self.outcome(response), expected[visitor])
                self.assertEqual(update.percent == 77, expected[visitor] == OK)

    def test_reporter_cannot_change_an_approved_update_or_a_colleagues(self):
        colleague = make_reporter(organization=self.org_a, username="colleague")
        approved = self.fresh_update(review_state="approved", reviewed_by=self.users[REVIEWER])
        for visitor, update in ((REPORTER_A, approved), (REPORTER_A, self.fresh_update(author=colleague))):
            with self.subTest(update=update.review_state):
                self.login(visitor)
                response = self.client.post(f"{self.url}{update.pk}/change/", self.form(self.commitment_a, percent=99))
                self.assertEqual(response.status_code, 403)
                update.refresh_from_db()
                self.assertNotEqual(update.percent, 99)
                # ...and may still read it.
                self.assertEqual(self.client.get(f"{self.url}{update.pk}/change/").status_code, 200)

    def test_reporter_cannot_revert_to_an_old_version(self):
        update = self.fresh_update()
        update.percent = 60
        update.save()
        first = update.history.earliest()
        self.login(REPORTER_A)
        url = f"{self.url}{update.pk}/history/{first.history_id}/"
        response = self.client.post(url, self.form(self.commitment_a, percent=10))
        self.assertEqual(response.status_code, 403)
        update.refresh_from_db()
        self.assertEqual(update.percent, 60)

    def test_editing_a_rejected_update_submits_it_again(self):
        update = self.fresh_update(review_state="rejected", review_reason="缺少佐证", reviewed_by=self.users[REVIEWER])
        self.login(REPORTER_A)
        page = self.client.get(f"{self.url}{update.pk}/change/")
        self.assertContains(page, "这条填报已被退回，理由：缺少佐证")
        self.client.post(f"{self.url}{update.pk}/change/", self.form(self.commitment_a, evidence_url="https://example.org/a"))
        update.refresh_from_db()
        self.assertEqual((update.review_state, update.review_reason, update.reviewed_by), ("submitted", "", None))

    def test_delete(self):
        expected = {ANON: LOGIN, REPORTER_A: DENIED, REPORTER_B: DENIED, REVIEWER: OK, SUPERUSER: OK}
        for visitor in VISITORS:
            with self.subTest(visitor=visitor):
                update = self.fresh_update()
                self.login(visitor)
                response = self.client.post(f"{self.url}{update.pk}/delete/", {"post": "yes"})
                self.assertEqual(self.outcome(response), expected[visitor])
                self.assertEqual(ProgressUpdate.objects.filter(pk=update.pk).exists(), expected[visitor] != OK)

    def test_bulk_delete_is_not_offered_to_reporters(self):
        update = self.fresh_update()
        self.login(REPORTER_A)
        response = self.client.post(self.url, {"action": "delete_selected", "_selected_action": [update.pk],
                                               "post": "yes"})
        self.assertTrue(ProgressUpdate.objects.filter(pk=update.pk).exists())
        self.assertNotContains(self.client.get(self.url), "delete_selected")
        self.assertIn(response.status_code, (200, 302))

    def test_approve_on_the_review_page(self):
        expected = {ANON: LOGIN, REPORTER_A: DENIED, REPORTER_B: DENIED, REVIEWER: OK, SUPERUSER: OK}
        for visitor in VISITORS:
            with self.subTest(visitor=visitor):
                update = self.fresh_update()
                self.login(visitor)
                response = self.client.post(f"{self.url}{update.pk}/review/", {"decision": "approve"})
                update.refresh_from_db()
                self.assertEqual(self.outcome(response), expected[visitor])
                self.assertEqual(update.review_state == "approved", expected[visitor] == OK)

    def test_approve_by_bulk_action(self):
        for visitor, approves in {ANON: False, REPORTER_A: False, REPORTER_B: False, REVIEWER: True,
                                  SUPERUSER: True}.items():
            with self.subTest(visitor=visitor):
                update = self.fresh_update()
                self.login(visitor)
                self.client.post(self.url, {"action": "approve_selected", "_selected_action": [update.pk], "index": 0})
                update.refresh_from_db()
                self.assertEqual(update.review_state == "approved", approves)

    def test_reviewer_rejects_in_bulk_with_a_reason(self):
        first, second = self.fresh_update(), self.fresh_update()
        self.login(REVIEWER)
        ids = [first.pk, second.pk]
        page = self.client.post(self.url, {"action": "reject_selected", "_selected_action": ids, "index": 0})
        self.assertContains(page, "退回理由")
        empty = self.client.post(self.url, {"action": "reject_selected", "_selected_action": ids, "reason": " "})
        self.assertContains(empty, "该字段是必填项")
        self.client.post(self.url, {"action": "reject_selected", "_selected_action": ids, "reason": "数据与台账不符"})
        self.assertEqual(
            set(ProgressUpdate.objects.filter(pk__in=ids).values_list("review_state", "review_reason")),
            {("rejected", "数据与台账不符")},
        )

    def test_rejection_needs_a_reason_on_the_review_page(self):
        update = self.fresh_update()
        self.login(REVIEWER)
        response = self.client.post(f"{self.url}{update.pk}/review/", {"decision": "reject", "reason": ""})
        self.assertContains(response, "该字段是必填项")
        update.refresh_from_db()
        self.assertEqual(update.review_state, "submitted")

    def test_rejected_update_shows_its_reason_to_its_author(self):
        update = self.fresh_update()
        self.login(REVIEWER)
        self.client.post(f"{self.url}{update.pk}/review/", {"decision": "reject", "reason": "请补充佐证材料"})
        self.login(REPORTER_A)
        self.assertContains(self.client.get(self.url), "请补充佐证材料")
        self.assertContains(self.client.get(f"{self.url}{update.pk}/change/"), "这条填报已被退回，理由：请补充佐证材料")


class HistoryTests(AdminMatrixTestCase):
    def test_reporter_cannot_edit_a_commitment_through_its_old_version_form(self):
        commitment = self.fresh_commitment()
        version = commitment.history.earliest()
        self.login(REPORTER_A)
        url = f"/admin/policies/commitment/{commitment.pk}/history/{version.history_id}/"
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(url, {"summary": "篡改", "due_date": "2021-12-31"})
        self.assertEqual(response.status_code, 403)
        commitment.refresh_from_db()
        self.assertEqual(commitment.summary, "新承诺")

    def test_history_records_who_changed_what(self):
        update = self.fresh_update()
        self.login(REPORTER_A)
        self.client.post(f"/admin/policies/progressupdate/{update.pk}/change/", {
            "reported_on": "2021-05-31", "status": "in_progress", "percent": 65, "note": "进度更新", "_save": "保存",
        })
        latest = update.history.latest()
        self.assertEqual((latest.history_user, latest.percent, latest.history_type), (self.users[REPORTER_A], 65, "~"))
        self.login(REVIEWER)
        page = self.client.get(f"/admin/policies/progressupdate/{update.pk}/history/")
        self.assertContains(page, "reporter_a")

    def test_reviewer_restores_a_deleted_update_from_its_history_page(self):
        update = self.fresh_update(note="被误删的进展", review_state="approved", reviewed_by=self.users[REVIEWER])
        pk = update.pk
        self.login(REVIEWER)
        self.client.post(f"/admin/policies/progressupdate/{pk}/delete/", {"post": "yes"})
        self.assertFalse(ProgressUpdate.objects.filter(pk=pk).exists())
        history = self.client.get(f"/admin/policies/progressupdate/{pk}/history/")
        self.assertContains(history, "删除")
        version = ProgressUpdate.history.filter(id=pk, history_type="+").get()
        response = self.client.post(f"/admin/policies/progressupdate/{pk}/history/{version.history_id}/", {
            "reported_on": "2021-06-30", "status": "in_progress", "percent": 50, "note": "被误删的进展",
            "evidence_url": "", "_save": "保存",
        })
        self.assertEqual(response.status_code, 302)
        restored = ProgressUpdate.objects.get(pk=pk)
        self.assertEqual((restored.note, restored.review_state), ("被误删的进展", "approved"))
        self.commitment_a.refresh_from_db()
        self.assertEqual(self.commitment_a.percent, 50)
