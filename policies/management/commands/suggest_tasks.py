from django.core.management.base import BaseCommand, CommandError

from policies.search import suggest_tasks


class Command(BaseCommand):
    help = "按 jieba TF-IDF 相似度，列出与一段文字最相近的重点任务及子项（附得分）。"

    def add_arguments(self, parser):
        parser.add_argument("text", help="承诺原文或任意文字")
        parser.add_argument("--limit", type=int, default=5, help="列出几条，默认 5")

    def handle(self, *args, text, limit, **options):
        if limit < 1:
            raise CommandError("--limit 必须是正整数。")
        suggestions = suggest_tasks(text, limit=limit)
        if not suggestions:
            raise CommandError("这段文字没有可用于比较的词语（只有虚词、标点，或与任何重点任务都不相近）。")
        for suggestion in suggestions:
            task = suggestion.task
            self.stdout.write(f"{suggestion.score:.4f}  {task.code:<6} {task.title}")
