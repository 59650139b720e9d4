from django.conf import settings
from django.core.management.base import BaseCommand

from policies.choices import STYLESHEET, stylesheet


class Command(BaseCommand):
    help = "根据 policies/choices.py 重新生成状态与预警灯的样式表 static/css/vocabulary.css。"

    def handle(self, *args, **options):
        path = settings.BASE_DIR / STYLESHEET
        path.write_text(stylesheet(), encoding="utf-8")
        self.stdout.write(f"已写入 {path}")
