"""Build a separate SQLite file, or fill a named PostgreSQL database, with demonstration data at realistic
scale, for the benchmark
(see policies/demo_data/ for what it holds and how it is written)."""

import time

from django.core.management.base import BaseCommand, CommandError

from policies.demo_data import DemoDataError, build_database
from policies.demo_data.postgres import build_postgres_database


class Command(BaseCommand):
    help = "生成演示数据库（独立的 SQLite 文件或指名的 PostgreSQL 数据库，绝不写入默认数据库），供性能基准测试使用。"

    def add_arguments(self, parser):
        parser.add_argument("--commitments", type=int, default=100_000, help="生成的演示承诺数，默认 100000。")
        parser.add_argument("--seed", type=int, default=2021, help="随机种子：相同种子生成相同数据。")
        parser.add_argument("--database-path", help="演示数据库文件路径，默认 var/demo-<N>.sqlite3。")
        parser.add_argument("--database-url", help="改为写入这个 PostgreSQL 数据库（须写明库名，不能是默认数据库）。")
        parser.add_argument("--replace", action="store_true", help="目标文件已是演示数据库时，重新生成并替换它。")

    def handle(self, *args, commitments, seed, database_path, database_url, replace, **options):
        started = time.monotonic()
        if database_path and database_url:
            raise CommandError("--database-path 与 --database-url 只能选一个。")
        try:
            if database_url:
                path, counts = build_postgres_database(url=database_url, commitments=commitments, seed=seed,
                                                       replace=replace)
            else:
                path, counts = build_database(path=database_path, commitments=commitments, seed=seed, replace=replace)
        except DemoDataError as error:
            raise CommandError(str(error)) from None
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"演示数据库已生成：{path}（{elapsed:.0f} 秒）\n"
            + "，".join(f"{name} {value}" for name, value in counts.items())
            + f"\n以演示模式访问：TRACKER_DEMO_DATA=1 DATABASE_URL={database_url or f'sqlite:///{path}'}"
            " python manage.py runserver"
        )
