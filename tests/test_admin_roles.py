"""The roles are created by `manage.py setup_roles`, not by hand, and running it again changes nothing."""

from io import StringIO

from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import TestCase

from policies.models import Reporter
from policies.roles import REPORTER_GROUP, REVIEWER_GROUP, is_reviewer, reporter_organization_id

from .factories import make_organization, make_user


def codenames(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("codename", flat=True))


class SetupRolesCommandTests(TestCase):
    def run_command(self, *args):
        out = StringIO()
        call_command("setup_roles", *args, stdout=out)
        return out.getvalue()

    def test_creates_both_groups_idempotently(self):
        self.run_command()
        first = (codenames(REVIEWER_GROUP), codenames(REPORTER_GROUP))
        Group.objects.get(name=REPORTER_GROUP).permissions.clear()  # someone fiddled with it by hand
        self.run_command()
        self.assertEqual((codenames(REVIEWER_GROUP), codenames(REPORTER_GROUP)), first)
        self.assertEqual(Group.objects.filter(name__in=[REVIEWER_GROUP, REPORTER_GROUP]).count(), 2)

    def test_reviewers_review_and_manage_tasks_and_links_reporters_never_delete_or_review(self):
        self.run_command()
        reviewer, reporter = codenames(REVIEWER_GROUP), codenames(REPORTER_GROUP)
        self.assertTrue({"review_progressupdate", "change_keytask", "add_tasklink", "delete_tasklink",
                         "delete_progressupdate", "change_commitment"} <= reviewer)
        self.assertEqual({c for c in reporter if not c.startswith("view_")}, {"add_progressupdate",
                                                                               "change_progressupdate"})

    def test_assigns_a_reviewer_and_a_reporter(self):
        organization = make_organization(name="江北区")
        make_user(username="zhang")
        make_user(username="li")
        output = self.run_command("--reviewer", "zhang", "--reporter", "li", "--organization", "江北区")
        self.assertIn("li 已设为江北区的填报员", output)
        zhang, li = (Reporter._meta.get_field("user").related_model.objects.get(username=n) for n in ("zhang", "li"))
        self.assertTrue(zhang.is_staff and li.is_staff)
        self.assertTrue(is_reviewer(zhang))
        self.assertFalse(is_reviewer(li))
        self.assertEqual(reporter_organization_id(li), organization.pk)

    def test_unknown_names_are_clear_errors(self):
        make_user(username="li")
        with self.assertRaisesMessage(CommandError, "没有名为“火星区”的单位"):
            self.run_command("--reporter", "li", "--organization", "火星区")
        with self.assertRaisesMessage(CommandError, "没有用户名为“nobody”的用户"):
            self.run_command("--reviewer", "nobody")
        with self.assertRaisesMessage(CommandError, "须用 --organization"):
            self.run_command("--reporter", "li")
        self.assertFalse(Reporter.objects.exists())
