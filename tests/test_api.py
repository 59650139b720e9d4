"""The read-only JSON API: fields, filters, the task tree and bad input."""

from django.test import TestCase

from policies.models import Commitment

from .factories import WORLD_STATEMENTS, make_update, make_world


class CommitmentApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_world()

    def get(self, url, **params):
        return self.client.get(url, params)

    def test_returns_every_commitment_with_its_provenance(self):
        rows, url = [], "/api/commitments/"
        while url:
            body = self.client.get(url).json()
            rows += body["results"]
            url = body["next"]
        self.assertEqual(len(rows), Commitment.objects.count())
        commitment = self.world.commitments[11]  # 吴强's second, with no progress yet
        row = next(r for r in rows if r["id"] == commitment.pk)
        self.assertEqual(row["quote"], commitment.quote)
        self.assertEqual(row["span"], [commitment.span_start, commitment.span_end])
        self.assertEqual(row["official"], {"id": commitment.statement.official_id, "name": "吴强", "title": "党工委书记"})
        self.assertEqual(row["organization"]["kind"], "zone")
        self.assertEqual(row["status"], "not_reported")
        self.assertEqual(row["status_display"], "尚无报告")
        self.assertEqual(row["percent"], 0)
        self.assertEqual(row["due_date"], "2022-12-31")
        self.assertEqual(row["source"], self.world.source.slug)
        self.assertEqual(row["conference"], self.world.conference.slug)
        self.assertIs(row["has_approved_report"], False)
        self.assertEqual(row["light"], "none")
        task = row["tasks"][0]
        self.assertEqual(set(task), {"id", "code", "title", "parent"})
        self.assertEqual(task["parent"]["code"], task["code"].split(".")[0])

    def test_filter_by_kind_returns_only_that_kind(self):
        body = self.get("/api/commitments/", kind="district", page_size=100).json()
        self.assertEqual(body["count"], Commitment.objects.filter(organization__kind="district").count())
        self.assertEqual({r["organization"]["kind"] for r in body["results"]}, {"district"})

    def test_filter_by_organization_id(self):
        district = self.world.organizations["江岸区"]
        body = self.get("/api/commitments/", organization=district.pk).json()
        self.assertEqual(body["count"], 3)
        self.assertEqual({r["organization"]["name"] for r in body["results"]}, {"江岸区"})

    def test_filter_by_official(self):
        body = self.get("/api/commitments/", official=self.world.officials[0].pk).json()
        self.assertEqual(body["count"], 3)

    def test_filter_by_task_code_or_id_includes_sub_items(self):
        t1 = self.world.tasks["T1"]
        # T1 has no commitment of its own: all seven come through its two sub-items, each listed once
        expected = 7
        by_code = self.get("/api/commitments/", task="T1", page_size=100).json()
        by_id = self.get("/api/commitments/", task=t1.pk, page_size=100).json()
        self.assertEqual(by_code["count"], expected)
        self.assertEqual(by_id["count"], expected)
        self.assertEqual(len({r["id"] for r in by_code["results"]}), expected)

    def test_filter_by_status_sees_approved_progress_only(self):
        commitment = self.world.commitments[2]
        make_update(commitment=commitment, status="completed", percent=100, review_state="approved")
        make_update(commitment=self.world.commitments[1], status="completed", percent=100)  # awaiting review
        from policies.services import refresh_progress

        refresh_progress()
        body = self.get("/api/commitments/", status="completed").json()
        self.assertEqual([r["id"] for r in body["results"]], [commitment.pk])
        self.assertEqual(body["results"][0]["percent"], 100)

    def test_filters_combine(self):
        body = self.get("/api/commitments/", kind="department", task="T2.1").json()
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
        # 1: count, 2: the page's ids, 3: those commitments with organization/official/source and light,
        # 4: linked tasks with parents
        with self.assertNumQueries(4):
            first = self.client.get("/api/commitments/", {"page_size": 100})
        with self.assertNumQueries(4):
            self.client.get("/api/commitments/", {"page_size": 5})
        # The rows in the list's order (the source's), each with its light
        ids = [row["id"] for row in first.json()["results"]]
        expected = Commitment.objects.order_by("statement__span_start", "number", "id").values_list("pk", flat=True)
        self.assertEqual(ids, list(expected[:100]))
        self.assertTrue(all(row["light"] for row in first.json()["results"]))


class TreeAndDirectoryApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_world()

    def test_tasks_returns_the_full_tree(self):
        with self.assertNumQueries(2):
            tree = self.client.get("/api/tasks/").json()
        self.assertEqual([t["code"] for t in tree], ["T1", "T2"])
        self.assertEqual(sum(len(t["children"]) for t in tree), 5)
        t2 = tree[1]
        self.assertEqual([c["title"] for c in t2["children"]], ["稳定和扩大就业", "办好人民满意的教育", "提高医疗服务水平"])

    def test_organizations_and_officials(self):
        orgs = self.client.get("/api/organizations/", {"page_size": 100}).json()["results"]
        self.assertEqual(len(orgs), len(WORLD_STATEMENTS))
        self.assertEqual(set(orgs[0]), {"id", "name", "kind"})
        officials = self.client.get("/api/officials/", {"page_size": 100}).json()["results"]
        self.assertEqual(len(officials), len(WORLD_STATEMENTS))
        names = {o["name"]: o for o in officials}
        self.assertEqual(names["郑涛"]["organization"]["name"], "城投集团")

    def test_healthz_does_not_touch_the_database(self):
        with self.assertNumQueries(0):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"ok")
