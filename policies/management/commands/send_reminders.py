from django.core.management.base import BaseCommand
from django.utils.dateparse import parse_date

from policies.reminders import send_digests


class Command(BaseCommand):
    help = ("发送每日催办摘要邮件：填报员收到本单位已逾期、即将到期或长期未更新的承诺，督查员收到待审核的填报。"
            "每人每天至多一封，不发给已停用的账户。供 cron 或 systemd 定时器每天运行一次。")

    def add_arguments(self, parser):
        parser.add_argument("--due-days", type=int, default=None, help="提醒多少天内到期的承诺（默认 TRACKER_REMINDER_DUE_DAYS）。")
        parser.add_argument("--silent-days", type=int, default=None, help="多少天没有审核通过的进展算长期未更新（默认 TRACKER_SILENT_DAYS）。")
        parser.add_argument("--date", default=None, help="按这一天计算（YYYY-MM-DD），默认今天。")

    def handle(self, *args, due_days, silent_days, date, **options):
        today = None
        if date:
            today = parse_date(date)
            if today is None:
                from django.core.management.base import CommandError

                raise CommandError(f"日期须为 YYYY-MM-DD：{date!r}")
        sent = send_digests(today=today, due_days=due_days, silent_days=silent_days)
        self.stdout.write(f"已发送 {len(sent)} 封催办摘要邮件。")
