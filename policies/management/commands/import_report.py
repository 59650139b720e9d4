from datetime import date

from django.core.management.base import BaseCommand, CommandError

from policies.importer import ImportInputError, read_report


def _iso_date(value):
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise CommandError(f"--conference-date 应为 YYYY-MM-DD 格式的日期，收到“{value}”。") from None


class Command(BaseCommand):
    help = (
        "读取一篇会议报道（纯文本，UTF-8 或 GBK/GB18030）：找出官员的表态、其中的承诺与重点任务。"
        "目前只提供 --dry-run：只读取、不写入数据库。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="报道文本文件的路径")
        parser.add_argument("--conference-date", help="会议日期 YYYY-MM-DD")
        parser.add_argument("--conference-name", help="会议名称，如“全市经济工作会议”")
        parser.add_argument("--dry-run", action="store_true", help="只读取并输出结果，不写入数据库")
        parser.add_argument("--json", action="store_true", help="以一个 JSON 对象输出")

    def handle(self, *args, file, conference_date, conference_name, dry_run, json, **options):
        if not dry_run:
            raise CommandError(
                "目前只支持 --dry-run（只读取、不写入）；写入草稿的导入尚未提供。"
                " / Only --dry-run is available for now; importing drafts is not implemented yet."
            )
        held_on = _iso_date(conference_date) if conference_date else None
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise CommandError(f"无法读取文件 {file}：{error.strerror}") from None
        try:
            report = read_report(data, conference_name=conference_name, conference_date=held_on)
        except ImportInputError as error:
            raise CommandError(str(error)) from None
        if json:
            self.stdout.write(report.to_json())
            return
        self.stdout.write(f"会议：{report.conference}")
        for statement in report.statements:
            official, organization = statement.official, statement.organization
            self.stdout.write(
                f"{official['title']} {official['name']}（{organization['name']}，{organization['kind']}）"
                f" 表态 {list(statement.span)}，承诺 {len(statement.commitments)} 条"
            )
            for commitment in statement.commitments:
                self.stdout.write(f"  {list(commitment.span)} {commitment.quote}")
        for task in report.tasks:
            self.stdout.write(f"{task.code} {task.title}")
            for child in task.children:
                self.stdout.write(f"  {child.code} {child.title}")
