"""`make run` creates a local admin once, only in debug mode, and says how to log in."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase, override_settings


def run():
    out = StringIO()
    call_command("ensure_local_admin", stdout=out)
    return out.getvalue()


class LocalAdminTests(TestCase):
    @override_settings(DEBUG=True)
    def test_creates_one_admin_and_prints_credentials(self):
        output = run()
        self.assertIn("用户名 admin", output)
        self.assertTrue(self.client.login(username="admin", password="admin-local-only"))
        self.assertIn("已有管理员账号", run())
        self.assertEqual(get_user_model().objects.filter(is_superuser=True).count(), 1)

    @override_settings(DEBUG=False)
    def test_never_creates_an_account_when_debug_is_off(self):
        self.assertIn("调试模式已关闭", run())
        self.assertFalse(get_user_model().objects.exists())
