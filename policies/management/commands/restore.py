from io import StringIO
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import connection, transaction

from policies import summaries
from policies.models import Commitment


class Command(BaseCommand):
    help = "从 backup 生成的文件恢复全部数据。会先清空数据库：需要 --replace 确认。整个恢复在一个事务中，失败则什么都不改变。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="backup 生成的 .json 或 .json.gz 文件")
        parser.add_argument("--replace", action="store_true", help="确认清空当前数据库中的全部数据后再恢复")

    def handle(self, *args, path, replace, **options):
        path = Path(path)
        if not path.is_file():
            raise CommandError(f"找不到备份文件：{path}")
        if not path.name.endswith((".json", ".json.gz")):
            raise CommandError(f"不是 backup 生成的文件（.json 或 .json.gz）：{path}")
        if not replace:
            raise CommandError("恢复会清空当前数据库中的全部数据；确认后加 --replace 再运行。")
        try:
            with transaction.atomic():
                # Run the deferred foreign key checks of rows written earlier in this transaction (when
                # called from a script or a test): PostgreSQL refuses to TRUNCATE under pending ones.
                connection.check_constraints()
                # Every table emptied, content types and permissions too: the backup brings its own,
                # with the ids that its permissions, history and admin log refer to.
                call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
                ContentType.objects.clear_cache()
                call_command("loaddata", str(path), verbosity=0)
                call_command("rebuild_search_index", stdout=StringIO())
                summaries.rebuild()
                summaries.organizations_changed(None)
        except DeserializationError as error:
            raise CommandError(f"备份文件无法读取，数据库未改变：{error}") from None
        finally:
            ContentType.objects.clear_cache()
        self.stdout.write(f"已从 {path} 恢复：{Commitment.objects.count()} 条承诺。")
