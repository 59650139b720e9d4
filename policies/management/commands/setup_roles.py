from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from policies.models import Organization, Reporter
from policies.roles import REPORTER_GROUP, REVIEWER_GROUP, ensure_roles


class Command(BaseCommand):
    help = (
        "创建（或校正）两个角色组：督查员、填报员，并设置其权限。可重复执行。"
        "可选：--reviewer 用户名，把已有用户设为督查员；--reporter 用户名 --organization 单位名称，把已有用户设为该单位的填报员。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--reviewer", metavar="用户名", help="设为督查员的已有用户")
        parser.add_argument("--reporter", metavar="用户名", help="设为填报员的已有用户（须同时给出 --organization）")
        parser.add_argument("--organization", metavar="单位名称", help="填报员所属单位")

    @transaction.atomic
    def handle(self, *args, reviewer=None, reporter=None, organization=None, **options):
        groups = ensure_roles()
        self.stdout.write(f"角色组已就绪：{REVIEWER_GROUP}、{REPORTER_GROUP}。")
        User = get_user_model()
        if reviewer:
            user = self._user(User, reviewer)
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            user.groups.add(groups[REVIEWER_GROUP])
            Reporter.objects.filter(user=user).delete()
            self.stdout.write(f"{reviewer} 已设为督查员。")
        if reporter:
            if not organization:
                raise CommandError("设填报员时须用 --organization 指定单位。")
            try:
                org = Organization.objects.get(name=organization)
            except Organization.DoesNotExist:
                raise CommandError(f"没有名为“{organization}”的单位。") from None
            user = self._user(User, reporter)
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            user.groups.add(groups[REPORTER_GROUP])
            Reporter.objects.update_or_create(user=user, defaults={"organization": org})
            self.stdout.write(f"{reporter} 已设为{org.name}的填报员。")

    def _user(self, User, username):
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"没有用户名为“{username}”的用户，请先创建。") from None
