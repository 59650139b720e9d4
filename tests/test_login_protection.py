"""Login protection: lockout after repeated wrong passwords (per account and per address), a reviewer
lifts it, staff sessions end, weak passwords are refused."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory, TestCase, override_settings

from axes.models import AccessAttempt
from policies.management.commands.ensure_local_admin import PASSWORD as LOCAL_ADMIN_PASSWORD
from policies.management.commands.ensure_local_admin import USERNAME as LOCAL_ADMIN_USERNAME
from policies.roles import ensure_roles
from policies.security import client_ip

from .factories import make_organization, make_reporter, make_reviewer, make_user

PASSWORD = "一个足够长的密码-2026"


class LockoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.reviewer = make_reviewer(username="duchayuan", password=PASSWORD)
        cls.reporter = make_reporter(organization=make_organization(), username="tianbaoyuan", password=PASSWORD)

    def log_in(self, username, password, address="203.0.113.7"):
        return self.client.post(
            "/admin/login/?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=address
        )

    def fail(self, times, username="tianbaoyuan", address="203.0.113.7"):
        """Wrong passwords; the one that reaches the limit already gets the lockout page."""
        return [self.log_in(username, "wrong-password", address).status_code for _ in range(times)]

    def test_right_password_works_before_the_limit(self):
        self.assertEqual(set(self.fail(settings.AXES_FAILURE_LIMIT - 1)), {200})
        self.assertEqual(self.log_in("tianbaoyuan", PASSWORD).status_code, 302)

    def test_account_is_locked_after_the_limit_even_with_the_right_password(self):
        self.assertEqual(self.fail(settings.AXES_FAILURE_LIMIT)[-1], 429)
        response = self.log_in("tianbaoyuan", PASSWORD, address="198.51.100.9")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "密码错误次数过多", status_code=429)
        self.assertContains(response, f"{int(settings.AXES_COOLOFF_TIME.total_seconds()) // 60} 分钟", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_an_address_is_locked_whatever_account_it_tries_next(self):
        for n in range(settings.AXES_FAILURE_LIMIT):
            self.fail(1, username=f"guess{n}")
        self.assertEqual(self.log_in("duchayuan", PASSWORD).status_code, 429)
        self.assertEqual(self.log_in("duchayuan", PASSWORD, address="198.51.100.9").status_code, 302)

    def test_reviewer_sees_the_lockout_and_unlocks_the_account(self):
        self.fail(settings.AXES_FAILURE_LIMIT)
        attempt = AccessAttempt.objects.get(username="tianbaoyuan")
        self.client.force_login(self.reviewer)
        listing = self.client.get("/admin/axes/accessattempt/")
        self.assertContains(listing, "tianbaoyuan")
        self.assertContains(listing, "已锁定")
        self.assertContains(listing, "登录尝试")
        response = self.client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
        self.assertEqual(response.status_code, 302)
        self.client.logout()
        self.assertEqual(self.log_in("tianbaoyuan", PASSWORD, address="198.51.100.9").status_code, 302)

    def test_reporter_cannot_see_or_lift_lockouts(self):
        self.fail(settings.AXES_FAILURE_LIMIT, username="someone")
        attempt = AccessAttempt.objects.get(username="someone")
        self.client.force_login(self.reporter)
        self.assertEqual(self.client.get("/admin/axes/accessattempt/").status_code, 403)
        self.client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
        self.assertTrue(AccessAttempt.objects.filter(pk=attempt.pk).exists())


class ClientAddressTests(TestCase):
    def test_direct_connections_use_the_socket_address(self):
        request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="10.0.0.1")
        self.assertEqual(client_ip(request), "203.0.113.7")

    @override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
    def test_behind_the_proxy_the_address_it_appended_counts_not_what_the_client_sent(self):
        request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.7")
        self.assertEqual(client_ip(request), "203.0.113.7")


class SessionAndPasswordTests(TestCase):
    def test_staff_session_lasts_a_working_day_and_ends_with_the_browser(self):
        ensure_roles()
        make_reviewer(username="duchayuan", password=PASSWORD)
        response = self.client.post("/admin/login/?next=/admin/", {"username": "duchayuan", "password": PASSWORD})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response.cookies["sessionid"]["max-age"], "")
        self.assertTrue(self.client.session.get_expire_at_browser_close())
        self.assertEqual(self.client.session.get_expiry_age(), 8 * 3600)

    def test_short_common_and_numeric_passwords_are_refused(self):
        user = make_user(username="zhangsan")
        for weak in ("short-pw1", "password1234", "201820192020", "zhangsan2020"):
            with self.subTest(password=weak), self.assertRaises(ValidationError):
                validate_password(weak, user)
        validate_password(PASSWORD, user)

    def test_password_change_in_the_admin_enforces_the_rules(self):
        user = make_user(username="lisi", password=PASSWORD, is_staff=True)
        self.client.force_login(user)
        response = self.client.post(
            "/admin/password_change/",
            {"old_password": PASSWORD, "new_password1": "abc12345", "new_password2": "abc12345"},
        )
        self.assertContains(response, "密码长度太短")
        user.refresh_from_db()
        self.assertTrue(user.check_password(PASSWORD))

    @override_settings(DEBUG=True)
    def test_local_admin_password_meets_the_rules(self):
        from django.core.management import call_command

        call_command("ensure_local_admin", verbosity=0, stdout=open("/dev/null", "w"))
        admin = make_user.__globals__["get_user_model"]().objects.get(username=LOCAL_ADMIN_USERNAME)
        validate_password(LOCAL_ADMIN_PASSWORD, admin)
        response = self.client.post(
            "/admin/login/?next=/admin/", {"username": LOCAL_ADMIN_USERNAME, "password": LOCAL_ADMIN_PASSWORD}
        )
        self.assertEqual(response.status_code, 302)
