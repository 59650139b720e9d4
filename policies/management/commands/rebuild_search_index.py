from django.core.management.base import BaseCommand

from policies.search import rebuild_index


class Command(BaseCommand):
    help = "从承诺事项重建全文检索索引（jieba 分词）。后台编辑与 load_conference 会自动更新索引；直接 loaddata、批量 update() 之后或索引受损时运行。"

    def handle(self, *args, **options):
        count = rebuild_index()
        self.stdout.write(f"已重建检索索引：{count} 条承诺事项。")
