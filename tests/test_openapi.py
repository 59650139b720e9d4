"""The OpenAPI description of /api/, its docs page, read-only CORS, and a schema-driven fuzz run."""

import json

from django.contrib.staticfiles import finders
from django.core.wsgi import get_wsgi_application
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import TestCase

from policies.filters import CommitmentFilter
from policies.openapi import ENGLISH
from policies.services import refresh_progress

from .factories import make_commitment, make_task, make_update


def get_schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200, response
    return json.loads(response.content)


class SchemaTests(TestCase):
    def test_schema_lists_every_filter_of_the_commitment_list_in_chinese_and_english(self):
        operation = get_schema(self.client)["paths"]["/api/commitments/"]["get"]
        parameters = {p["name"]: p for p in operation["parameters"]}
        for name, filter_ in CommitmentFilter.base_filters.items():
            with self.subTest(name):
                self.assertIn(name, parameters)
                description = parameters[name]["description"]
                self.assertTrue(description.startswith(str(filter_.label)), description)
                self.assertIn(ENGLISH[name], description)

    def test_choices_are_listed_as_allowed_values(self):
        operation = get_schema(self.client)["paths"]["/api/commitments/"]["get"]
        status = next(p for p in operation["parameters"] if p["name"] == "status")
        self.assertEqual(set(status["schema"]["enum"]),
                         {"not_reported", "not_started", "in_progress", "behind", "completed", "not_kept"})
        self.assertIn("`behind` - 进展滞后", status["description"])

    def test_docs_page_loads_its_assets_from_this_site(self):
        response = self.client.get("/api/docs/")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js", html)
        self.assertNotRegex(html, r'(src|href)="(https?:)?//')
        # The Content-Security-Policy refuses inline scripts: Swagger UI's start-up script is a file of its own.
        self.assertNotRegex(html, r"<script>")
        script = self.client.get("/api/docs/", {"script": ""})
        self.assertEqual(script["Content-Type"], "application/javascript")
        self.assertIn("/api/schema/", script.content.decode())
        self.assertTrue(finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"))

    def test_nav_link_opens_the_docs(self):
        self.assertContains(self.client.get("/commitments/"), '<a href="/api/docs/">数据接口</a>', html=True)


class CorsTests(TestCase):
    def test_any_site_may_read_the_api(self):
        response = self.client.get("/api/commitments/", HTTP_ORIGIN="https://example.org")
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")

    def test_preflight_allows_reads_only(self):
        read = self.client.options("/api/commitments/", HTTP_ORIGIN="https://example.org",
                                   HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
        self.assertEqual(read.status_code, 204)
        self.assertEqual(read["Access-Control-Allow-Methods"], "GET, HEAD")
        write = self.client.options("/api/commitments/", HTTP_ORIGIN="https://example.org",
                                    HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
        self.assertNotIn("Access-Control-Allow-Origin", write)

    def test_pages_outside_the_api_are_not_shared(self):
        self.assertNotIn("Access-Control-Allow-Origin", self.client.get("/commitments/"))


class FuzzTests(TestCase):
    """Schemathesis generates requests from /api/schema/ for every operation; none may get a 5xx."""

    @classmethod
    def setUpTestData(cls):
        task = make_task(code="T1")
        commitment = make_commitment(tasks=[task])
        make_commitment()
        make_update(commitment=commitment, review_state="approved")
        refresh_progress()

    def test_no_operation_answers_with_a_server_error(self):
        import schemathesis
        from hypothesis import HealthCheck, given, settings

        # As Django's test client does: a request's end must not close the connection that holds the
        # test's transaction (PostgreSQL would then answer every later request with a 500).
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
        operations = [result.ok() for result in schema.get_all_operations()]
        self.assertGreaterEqual(len(operations), 8)
        for operation in operations:

            # Deterministic, bounded and offline: 30 examples per operation, no example database.
            @settings(max_examples=30, derandomize=True, database=None, deadline=None,
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy())
            def check(case):
                # Each request in its own savepoint: on PostgreSQL one failed query would otherwise abort
                # the test's transaction and turn every later request into a 500, hiding the real case.
                savepoint = transaction.savepoint()
                try:
                    response = case.call()
                finally:
                    transaction.savepoint_rollback(savepoint)
                assert response.status_code < 500, f"{case.method} {case.formatted_path} {case.query}: {response.status_code}"

            with self.subTest(operation.label):
                check()
