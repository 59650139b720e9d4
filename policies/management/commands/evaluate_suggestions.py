from django.core.management.base import BaseCommand

from policies.search import evaluate_leave_one_out


class Command(BaseCommand):
    help = (
        "以人工核定的任务关联评估任务建议（留一法：评估某条承诺时，模型不使用它本身的文本与关联），"
        "按一级任务和总体输出 precision@1、precision@3、recall@3，并与“最常见任务”基线对比。"
    )

    def handle(self, *args, **options):
        result = evaluate_leave_one_out()
        overall_model, overall_base = result["overall"]
        if not overall_model.count:
            self.stdout.write("没有人工核定的任务关联可供评估。先载入会议数据：manage.py load_conference")
            return
        header = f"{'task':<6}{'n':>4}  {'P@1':>6}{'P@3':>7}{'R@3':>7}   baseline {'P@1':>6}{'P@3':>7}{'R@3':>7}"
        self.stdout.write(header)
        rows = [*result["tasks"].items(), ("overall", result["overall"])]
        for code, (model, base) in rows:
            m, b = model.means(), base.means()
            self.stdout.write(
                f"{code:<6}{model.count:>4}  {m[0]:>6.3f}{m[1]:>7.3f}{m[2]:>7.3f}   baseline {b[0]:>6.3f}{b[1]:>7.3f}{b[2]:>7.3f}"
            )
        m, b = overall_model.means(), overall_base.means()
        self.stdout.write(
            f"margin over baseline (overall): P@1 {m[0] - b[0]:+.3f}, P@3 {m[1] - b[1]:+.3f}, R@3 {m[2] - b[2]:+.3f}"
        )
        i = result["in_sample_baseline"].means()
        self.stdout.write(
            f"for reference, the baseline allowed to see the scored commitment's own links: "
            f"P@1 {i[0]:.3f}, P@3 {i[1]:.3f}, R@3 {i[2]:.3f}"
        )
