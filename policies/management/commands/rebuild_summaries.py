from django.core.management.base import BaseCommand

from policies import invalidation, summaries
from policies.models import OrganizationRollup, TaskMonth, TaskRollup


class Command(BaseCommand):
    help = (
        "从承诺、审核通过的进展和任务关联重新计算重点任务的汇总（首页的任务统计与进展走势）"
        "和各单位的状态与预警灯统计。"
        "这些汇总随每次审核、关联修改自动更新；只在绕过系统直接改动数据库之后才需要运行。"
    )

    def handle(self, *args, **options):
        summaries.rebuild()
        summaries.organizations_changed(None)
        invalidation.pages_changed()
        if options["verbosity"]:
            self.stdout.write(
                f"重点任务汇总已重新计算：{TaskRollup.objects.count()} 行状态统计，{TaskMonth.objects.count()} 行月度进展；"
                f"各单位统计 {OrganizationRollup.objects.count()} 行。"
            )
