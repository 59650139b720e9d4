from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from policies import backup


class Command(BaseCommand):
    help = (
        "备份全部数据（含修改历史、账号与权限）到一个 JSON 文件，时间精确到微秒；用 restore 恢复。"
        "不含登录会话和可重建的搜索索引。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="输出文件（.json 或 .json.gz），默认 var/backups/tracker-<时间>.json.gz"
        )

    def handle(self, *args, path, **options):
        if not path:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            path = Path(settings.DATA_DIR) / "backups" / f"tracker-{stamp}.json.gz"
        path = Path(path)
        if not path.name.endswith((".json", ".json.gz")):
            raise SystemExit(f"备份文件名须以 .json 或 .json.gz 结尾：{path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        backup.register()
        call_command("dumpdata", format=backup.FORMAT, exclude=backup.EXCLUDED, output=str(path), verbosity=0)
        self.stdout.write(f"已备份到 {path}")
