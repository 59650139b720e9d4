from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from policies import invalidation
from policies.services import refresh_progress

DEFAULT_FIXTURES = ["fixtures/conference-2020.json"]


class Command(BaseCommand):
    help = "载入会议数据（重点任务、领导干部、表态与承诺）。可重复执行：按自然键更新，不会重复创建。"

    def add_arguments(self, parser):
        parser.add_argument("fixtures", nargs="*", default=DEFAULT_FIXTURES, help="fixture 文件，默认载入 2020 年会议。")

    @transaction.atomic
    def handle(self, *args, fixtures, **options):
        call_command("loaddata", *fixtures, verbosity=options["verbosity"])
        # loaddata writes every field of a commitment, the derived progress too: derive it again.
        refresh_progress()
        # loaddata saves raw rows and the project has no signal receivers: derive the search index,
        # the suggestions and the cached pages from what was loaded, once, after the commit.
        invalidation.everything_changed()
