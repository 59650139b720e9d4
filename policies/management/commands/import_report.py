import json as json_module
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from policies import importing
from policies.importer import ImportInputError


def _iso_date(value, option):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} 应为 YYYY-MM-DD 格式的日期，收到“{value}”。") from None


def _importing_user(username):
    """The reviewer the drafts are recorded as imported by: --user, or the only superuser."""
    users = get_user_model().objects.filter(is_active=True)
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户名为“{username}”的账户。")
        return user
    superusers = list(users.filter(is_superuser=True)[:2])
    if len(superusers) != 1:
        raise CommandError("请用 --user 指定导入人（一位督查员的用户名）。")
    return superusers[0]


class Command(BaseCommand):
    help = (
        "读取一篇会议报道（纯文本，UTF-8 或 GBK/GB18030）：找出官员的表态、其中的承诺与重点任务，"
        "存为草稿，待督查员在管理后台审核采纳后才会公开。--dry-run 只读取、不写入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="报道文本文件的路径")
        parser.add_argument("--conference-date", help="会议日期 YYYY-MM-DD")
        parser.add_argument("--conference-name", help="会议名称，如“全市经济工作会议”")
        parser.add_argument("--publisher", default="", help="刊发媒体，如“重庆日报”（也可在审核页填写）")
        parser.add_argument("--published-on", help="刊发日期 YYYY-MM-DD（也可在审核页填写）")
        parser.add_argument("--user", help="导入人的用户名（默认：唯一的超级用户）")
        parser.add_argument("--dry-run", action="store_true", help="只读取并输出结果，不写入数据库")
        parser.add_argument("--json", action="store_true", help="以一个 JSON 对象输出")

    def handle(self, *args, file, conference_date, conference_name, dry_run, json, **options):
        held_on = _iso_date(conference_date, "--conference-date") if conference_date else None
        published_on = _iso_date(options["published_on"], "--published-on") if options["published_on"] else None
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise CommandError(f"无法读取文件 {file}：{error.strerror}") from None
        try:
            if dry_run:
                report = importing.read_with_suggestions(
                    data, conference_name=conference_name, conference_date=held_on
                )
            else:
                result = importing.import_report(
                    data=data, conference_date=held_on, conference_name=conference_name,
                    user=_importing_user(options["user"]), publisher=options["publisher"], published_on=published_on,
                )
        except ImportInputError as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        if not dry_run:
            self._print_stored(result, json)
        elif json:
            self.stdout.write(report.to_json())
        else:
            self._print_report(report)

    def _print_stored(self, result, as_json):
        imported = result.report
        url = reverse("admin:policies_importedreport_change", args=[imported.pk])
        if as_json:
            self.stdout.write(json_module.dumps(
                {"report": imported.pk, "created": result.created, "message": result.message, "review_url": url},
                ensure_ascii=False,
            ))
            return
        self.stdout.write(result.message)
        for statement in imported.statements.prefetch_related("commitments"):
            self.stdout.write(
                f"{statement.official_title} {statement.official_name}（{statement.organization_name}）"
                f" 承诺 {len(statement.commitments.all())} 条"
            )
        self.stdout.write(f"重点任务 {imported.tasks.count()} 项")
        self.stdout.write(f"请督查员在管理后台审核：{url}")

    def _print_report(self, report):
        self.stdout.write(f"会议：{report.conference}")
        for statement in report.statements:
            official, organization = statement.official, statement.organization
            self.stdout.write(
                f"{official['title']} {official['name']}（{organization['name']}，{organization['kind']}）"
                f" 表态 {list(statement.span)}，承诺 {len(statement.commitments)} 条"
            )
            for commitment in statement.commitments:
                tasks = f"（建议任务 {'、'.join(commitment.tasks)}）" if commitment.tasks else ""
                self.stdout.write(f"  {list(commitment.span)} {commitment.quote}{tasks}")
        for task in report.tasks:
            self.stdout.write(f"{task.code} {task.title}")
            for child in task.children:
                self.stdout.write(f"  {child.code} {child.title}")
