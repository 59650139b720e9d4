"""Write the monthly report (月报) of a conference for a month as XLSX or PDF."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management.base import BaseCommand, CommandError

from policies import reports


class Command(BaseCommand):
    help = "生成某次会议某月的承诺落实情况月报（XLSX 或 PDF）。"

    def add_arguments(self, parser):
        parser.add_argument("--conference", required=True, help="会议 id、标识（slug）、来源标识或召开日期（YYYY-MM-DD）")
        parser.add_argument("--month", required=True, help="月份，YYYY-MM")
        parser.add_argument("--format", choices=sorted(reports.FORMATS), default="xlsx")
        parser.add_argument("--output", help="输出文件路径；默认在当前目录，按会议日期和月份命名")

    def handle(self, *args, conference, month, format, output, **options):
        try:
            report = reports.monthly_report(conference=reports.find_conference(conference),
                                            month=reports.parse_month(month))
            content = reports.render(report, format)
        except (ValidationError, ImproperlyConfigured) as error:
            raise CommandError("；".join(getattr(error, "messages", [str(error)]))) from None
        path = Path(output or reports.file_name(report, format))
        path.write_bytes(content)
        self.stdout.write(f"已写入 {path}（{len(report.rows)} 项承诺，{len(report.changes)} 项本月有变化，"
                          f"红灯 {len(report.red_list)} 项）。")
