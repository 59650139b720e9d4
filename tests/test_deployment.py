"""Production settings: `check --deploy` clean, HTTPS behind a proxy, security headers, HEAD, health probes,
and a clear refusal to serve without the static files manifest."""

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import DatabaseError
from django.test import Client, TestCase, override_settings

from policies.roles import ensure_roles
from policies.security import check_static_manifest

from .factories import make_commitment, make_official, make_organization, make_reviewer, make_source, make_task

ROOT = Path(__file__).resolve().parent.parent
HOST = "tracker.example.cn"
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-for-this-test-only-7f3a9c1e5b2d8f4a6c0e",
    "DJANGO_ALLOWED_HOSTS": HOST,
    "DJANGO_BEHIND_PROXY": "1",
    "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
}
MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def manage(*args, env, tmp):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TRACKER_"))}
    environment.update(env, TRACKER_DATA_DIR=str(tmp / "var"), DJANGO_STATIC_ROOT=str(tmp / "static"))
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


class DeployCheckTests(TestCase):
    def test_check_deploy_is_clean_under_production_settings(self):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            (tmp / "static").mkdir()
            (tmp / "static" / "staticfiles.json").write_text(json.dumps({"paths": {}, "version": "1.1"}))
            result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV, tmp=tmp)
        self.assertEqual(result.returncode, 0, result.stderr + result.stdout)
        self.assertIn("no issues", result.stdout)

    def test_serving_without_the_manifest_is_refused_with_what_to_run(self):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            result = manage("check", "--deploy", env=PRODUCTION_ENV, tmp=Path(tmp))
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("policies.E001", result.stderr)
        self.assertIn("make collectstatic", result.stderr)

    def test_manifest_check_passes_once_collected(self):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp, override_settings(STORAGES=MANIFEST_STORAGE, STATIC_ROOT=tmp):
            self.assertEqual([error.id for error in check_static_manifest(None)], ["policies.E001"])
            Path(tmp, staticfiles_storage.manifest_name).write_text("{}")
            self.assertEqual(check_static_manifest(None), [])


# What DJANGO_DEBUG=0 DJANGO_BEHIND_PROXY=1 sets (tracker/settings.py).
BEHIND_PROXY = {
    "ALLOWED_HOSTS": [HOST],
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SECURE_SSL_REDIRECT": True,
    "SECURE_REDIRECT_EXEMPT": [r"^healthz$", r"^readyz$"],
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


class ProxyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.reviewer = make_reviewer(username="duchayuan", password="督查员的长密码-2026")

    def log_in_through_proxy(self, **proxy_headers):
        client = Client(enforce_csrf_checks=True, HTTP_HOST=HOST, **proxy_headers)
        page = client.get("/admin/login/", secure=False)
        token = page.cookies["csrftoken"].value
        return client.post(
            "/admin/login/?next=/admin/",
            {"username": "duchayuan", "password": "督查员的长密码-2026", "csrfmiddlewaretoken": token},
            HTTP_ORIGIN=f"https://{HOST}",
            HTTP_REFERER=f"https://{HOST}/admin/login/",
        )

    @override_settings(**BEHIND_PROXY)
    def test_admin_login_post_through_the_https_proxy_is_accepted(self):
        response = self.log_in_through_proxy(HTTP_X_FORWARDED_PROTO="https")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], "/admin/")
        self.assertTrue(response.cookies["sessionid"]["secure"])

    @override_settings(**{**BEHIND_PROXY, "SECURE_PROXY_SSL_HEADER": None, "SECURE_SSL_REDIRECT": False})
    def test_without_the_proxy_setting_the_origin_check_fails(self):
        # The fault the proxy settings fix: Django sees http, the browser sent an https Origin.
        response = self.log_in_through_proxy(HTTP_X_FORWARDED_PROTO="https")
        self.assertEqual(response.status_code, 403)

    @override_settings(**BEHIND_PROXY)
    def test_plain_http_is_redirected_but_probes_are_not(self):
        client = Client(HTTP_HOST=HOST)
        response = client.get("/")
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], f"https://{HOST}/")
        self.assertEqual(client.get("/healthz").status_code, 200)
        self.assertEqual(client.get("/readyz").status_code, 200)


class PublicPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        organization = make_organization(name="示范区")
        official = make_official(organization=organization)
        cls.source = make_source()
        cls.task = make_task(source=cls.source)
        cls.commitment = make_commitment(organization=organization, tasks=[cls.task], source=cls.source)
        cls.urls = [
            "/",
            "/commitments/",
            "/commitments/?q=园区",
            cls.commitment.get_absolute_url(),
            "/conferences/",
            cls.source.conference.get_absolute_url(),
            f"/conferences/{cls.source.conference.slug}/commitments/",
            cls.source.get_absolute_url(),
            cls.task.get_absolute_url(),
            f"/organizations/{organization.pk}/",
            f"/officials/{official.pk}/",
            "/api/",
            "/api/commitments/",
            "/healthz",
            "/readyz",
        ]

    def test_head_answers_every_page_that_get_answers(self):
        for url in self.urls:
            with self.subTest(url=url):
                page = self.client.get(url)
                self.assertEqual(page.status_code, 200)
                response = self.client.head(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.content, b"")
                self.assertEqual(response["Content-Type"], page["Content-Type"])
                self.assertEqual(int(response["Content-Length"]), len(page.content))

    def test_security_headers_on_public_pages(self):
        for url in ("/", self.commitment.get_absolute_url(), self.task.get_absolute_url()):
            with self.subTest(url=url):
                response = self.client.get(url)
                policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
                self.assertEqual(policy["script-src"], "'self'")
                self.assertEqual(policy["style-src"], "'self'")
                self.assertEqual(policy["frame-ancestors"], "'none'")
                self.assertNotIn("style-src-elem", policy)
                self.assertIn("camera=()", response["Permissions-Policy"])
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                self.assertEqual(response["X-Frame-Options"], "DENY")

    def test_public_pages_carry_no_inline_script_or_style_element(self):
        from html.parser import HTMLParser

        class Inline(HTMLParser):
            found = []

            def handle_starttag(self, tag, attrs):
                attrs = dict(attrs)
                if tag == "style" or (tag == "script" and "src" not in attrs and attrs.get("type") != "application/json"):
                    self.found.append(tag)
                self.found += [name for name in attrs if name.startswith("on")]

        for url in self.urls[:8]:
            with self.subTest(url=url):
                parser = Inline()
                parser.found = []
                parser.feed(self.client.get(url).content.decode())
                self.assertEqual(parser.found, [])

    def test_healthz_touches_no_database_and_readyz_asks_it_once(self):
        with self.assertNumQueries(0):
            self.assertEqual(self.client.get("/healthz").status_code, 200)
        # 1: SELECT 1
        with self.assertNumQueries(1):
            self.assertEqual(self.client.get("/readyz").content, b"ok")

    def test_readyz_says_so_when_the_database_is_down(self):
        with mock.patch("policies.views.connection.cursor", side_effect=DatabaseError("connection refused")):
            response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(self.client.get("/healthz").status_code, 200)


class AdminPolicyTests(TestCase):
    def test_admin_and_browsable_api_may_use_inline_style_elements_but_never_inline_script(self):
        for url in ("/admin/login/", "/api/"):
            with self.subTest(url=url):
                response = self.client.get(url, HTTP_ACCEPT="text/html")
                policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
                self.assertEqual(policy["script-src"], "'self'")
                self.assertEqual(policy["style-src-elem"], "'self' 'unsafe-inline'")
                self.assertIn("camera=()", response["Permissions-Policy"])
