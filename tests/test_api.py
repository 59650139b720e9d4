"""The read-only JSON API: fields, filters, the task tree and bad input."""

from django.test import TestCase

from policies.models import Commitment, KeyTask, Organization, Official

from .factories import load_conference, make_update


class CommitmentApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_conference()

    def get(self, url, **params):
        return self.client.get(url, params)

    def test_returns_every_commitment_with_its_provenance(self):
        rows, url = [], "/api/commitments/"
        while url:
            body = self.client.get(url).json()
            rows += body["results"]
            url = body["next"]
        self.assertEqual(len(rows), Commitment.objects.count())
        row = next(r for r in rows if r["organization"]["name"] == "两江新区")
        commitment = Commitment.objects.get(pk=row["id"])
        self.assertEqual(row["quote"], commitment.quote)
        self.assertEqual(row["span"], [commitment.span_start, commitment.span_end])
        self.assertEqual(row["official"], {"id": commitment.statement.official_id, "name": "王志杰", "title": "两江新区党工委副书记、管委会常务副主任"})
        self.assertEqual(row["organization"]["kind"], "zone")
        self.assertEqual(row["status"], "not_started")
        self.assertEqual(row["status_display"], "未启动")
        self.assertEqual(row["percent"], 0)
        self.assertEqual(row["due_date"], "2021-12-31")
        self.assertEqual(row["source"], "cqrb-2020-12-30-economic-work")
        task = row["tasks"][0]
        self.assertEqual(set(task), {"id", "code", "title", "parent"})
        self.assertEqual(task["parent"]["code"], task["code"].split(".")[0])

    def test_filter_by_kind_returns_only_that_kind(self):
        body = self.get("/api/commitments/", kind="district", page_size=100).json()
        self.assertEqual(body["count"], Commitment.objects.filter(organization__kind="district").count())
        self.assertEqual({r["organization"]["kind"] for r in body["results"]}, {"district"})

    def test_filter_by_organization_id(self):
        jiangbei = Organization.objects.get(name="江北区")
        body = self.get("/api/commitments/", organization=jiangbei.pk).json()
        self.assertEqual(body["count"], 6)
        self.assertEqual({r["organization"]["name"] for r in body["results"]}, {"江北区"})

    def test_filter_by_official(self):
        official = Official.objects.get(name="陈元春")
        body = self.get("/api/commitments/", official=official.pk).json()
        self.assertEqual(body["count"], 6)

    def test_filter_by_task_code_or_id_includes_sub_items(self):
        t8 = KeyTask.objects.get(code="T8")
        expected = Commitment.objects.filter(tasks__code__startswith="T8").distinct().count()
        by_code = self.get("/api/commitments/", task="T8", page_size=100).json()
        by_id = self.get("/api/commitments/", task=t8.pk, page_size=100).json()
        self.assertEqual(by_code["count"], expected)
        self.assertEqual(by_id["count"], expected)
        # T8 itself is linked once; the rest come through its sub-items, each listed once
        self.assertGreater(expected, Commitment.objects.filter(tasks=t8).count())
        self.assertEqual(len({r["id"] for r in by_code["results"]}), expected)

    def test_filter_by_status_sees_approved_progress_only(self):
        commitment = Commitment.objects.get(summary="加大就业失业监测")
        make_update(commitment=commitment, status="completed", percent=100, review_state="approved")
        make_update(commitment=Commitment.objects.get(summary="加快科技成果转化应用"), status="completed", percent=100)
        from policies.services import refresh_progress

        refresh_progress()
        body = self.get("/api/commitments/", status="completed").json()
        self.assertEqual([r["id"] for r in body["results"]], [commitment.pk])
        self.assertEqual(body["results"][0]["percent"], 100)

    def test_filters_combine(self):
        body = self.get("/api/commitments/", kind="department", task="T8.2").json()
        self.assertEqual({r["organization"]["name"] for r in body["results"]}, {"市人力社保局"})

    def test_page_size_is_capped(self):
        body = self.get("/api/commitments/", page_size=10000).json()
        self.assertEqual(body["count"], Commitment.objects.count())
        self.assertEqual(len(body["results"]), min(body["count"], 100))

    def test_bad_input_gives_clear_4xx_not_500(self):
        cases = [
            ({"kind": "planet"}, "kind"),
            ({"status": "done"}, "status"),
            ({"organization": "abc"}, "organization"),
            ({"organization": "999999"}, "organization"),
            ({"official": "x"}, "official"),
        ]
        for params, field in cases:
            with self.subTest(params=params):
                response = self.get("/api/commitments/", **params)
                self.assertEqual(response.status_code, 400)
                self.assertIn(field, response.json())
        self.assertEqual(self.get("/api/commitments/", page=999).status_code, 404)
        self.assertEqual(self.get("/api/commitments/", page="abc").status_code, 404)
        self.assertEqual(self.get("/api/commitments/", task="T99").json()["count"], 0)
        self.assertEqual(self.get("/api/commitments/", task="<script>").json()["count"], 0)
        self.assertEqual(self.client.get("/api/commitments/abc/").status_code, 404)

    def test_list_query_count_does_not_grow_with_rows(self):
        # 1: count, 2: page of commitments with organization/official/source, 3: linked tasks with parents
        with self.assertNumQueries(3):
            self.client.get("/api/commitments/", {"page_size": 100})
        with self.assertNumQueries(3):
            self.client.get("/api/commitments/", {"page_size": 5})


class TreeAndDirectoryApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_conference()

    def test_tasks_returns_the_full_tree(self):
        with self.assertNumQueries(2):
            tree = self.client.get("/api/tasks/").json()
        self.assertEqual([t["code"] for t in tree], ["T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "X1", "X2"])
        self.assertEqual(sum(len(t["children"]) for t in tree), KeyTask.objects.filter(parent__isnull=False).count())
        t2 = tree[1]
        self.assertEqual([c["title"] for c in t2["children"]], ["建好创新平台", "发挥人才作用", "健全体制机制"])

    def test_organizations_and_officials(self):
        orgs = self.client.get("/api/organizations/", {"page_size": 100}).json()["results"]
        self.assertEqual(len(orgs), 13)
        self.assertEqual(set(orgs[0]), {"id", "name", "kind"})
        officials = self.client.get("/api/officials/", {"page_size": 100}).json()["results"]
        self.assertEqual(len(officials), 13)
        names = {o["name"]: o for o in officials}
        self.assertEqual(names["刘旗"]["organization"]["name"], "市文化和旅游发展委员会")

    def test_healthz_does_not_touch_the_database(self):
        with self.assertNumQueries(0):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"ok")
