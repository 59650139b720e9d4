from django.core.management.base import BaseCommand

from policies import summaries
from policies.models import OrganizationRollup


class Command(BaseCommand):
    help = (
        "按当天日期重新计算各单位承诺的状态与预警灯统计（首页的总体情况和各单位进展）。"
        "预警灯随日期变化（时限一过即转红灯），请每天零点后运行一次；"
        "当天未运行时首页直接逐项计算，结果相同，只是较慢。"
    )

    def handle(self, *args, **options):
        summaries.organizations_changed(None)
        if options["verbosity"]:
            self.stdout.write(f"各单位预警灯统计已按今天重新计算：{OrganizationRollup.objects.count()} 行。")
