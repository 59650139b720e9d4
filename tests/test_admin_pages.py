"""Every admin page a reviewer can reach answers, in Chinese, with a world of data to show."""

from django.contrib import admin
from django.test import TestCase
from django.urls import reverse

from policies.models import Commitment, ProgressUpdate
from policies.roles import ensure_roles

from .factories import make_reporter, make_reviewer, make_update, make_world


class AdminPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_world(progress=False)
        ensure_roles()
        cls.reviewer = make_reviewer()
        commitment = Commitment.objects.first()
        make_update(commitment=commitment, author=make_reporter(organization=commitment.organization))

    def test_every_list_search_add_and_change_page(self):
        self.client.force_login(self.reviewer)
        models = [m for m in admin.site._registry if m._meta.app_label == "policies"]
        self.assertGreaterEqual(len(models), 10)
        for model in models:
            app, name = model._meta.app_label, model._meta.model_name
            urls = [reverse(f"admin:{app}_{name}_changelist"), reverse(f"admin:{app}_{name}_changelist") + "?q=江岸"]
            if self.reviewer.has_perm(f"{app}.add_{name}"):
                urls.append(reverse(f"admin:{app}_{name}_add"))
            obj = model.objects.first()
            if obj is not None:
                urls.append(reverse(f"admin:{app}_{name}_change", args=[obj.pk]))
            for url in urls:
                with self.subTest(url=url):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 200)
                    self.assertContains(response, 'lang="zh-hans"')

    def test_admin_speaks_chinese(self):
        self.client.force_login(self.reviewer)
        html = self.client.get("/admin/policies/progressupdate/").content.decode()
        for text in ("审核通过所选进展填报", "退回所选进展填报（需填写理由）", "审核状态", "待审核", "责任单位"):
            self.assertIn(text, html)
        update = ProgressUpdate.objects.get()
        html = self.client.get(f"/admin/policies/progressupdate/{update.pk}/change/").content.decode()
        self.assertIn("这条填报正在等待督查员审核，通过后才会公开。", html)
        self.assertIn(">审核</a>", html)


class RowCheckboxTests(TestCase):
    """The large changelists write their rows' checkboxes themselves (QuickActionCheckboxMixin): the markup
    Django's widget writes, in either language, and the page's actions still find the rows they select."""

    @classmethod
    def setUpTestData(cls):
        make_world(progress=False)
        ensure_roles()
        cls.reviewer = make_reviewer()
        commitment = Commitment.objects.order_by("pk").first()
        make_update(commitment=commitment, author=make_reporter(organization=commitment.organization))

    def test_the_checkbox_is_djangos(self):
        from django.contrib.admin import ModelAdmin
        from django.utils import translation

        from policies.models import Statement

        for model in (Commitment, ProgressUpdate, Statement):
            model_admin, row = admin.site._registry[model], model.objects.order_by("pk").first()
            for language in ("zh-hans", "en"):
                with self.subTest(model=model.__name__, language=language), translation.override(language):
                    self.assertEqual(model_admin.action_checkbox(row), ModelAdmin.action_checkbox(model_admin, row))

    def test_the_changelist_shows_one_checkbox_a_row(self):
        self.client.force_login(self.reviewer)
        response = self.client.get(reverse("admin:policies_progressupdate_changelist"))
        self.assertContains(response, 'class="action-select"', count=ProgressUpdate.objects.count())
        update = ProgressUpdate.objects.get()
        self.assertContains(response, f'name="_selected_action" value="{update.pk}"')
