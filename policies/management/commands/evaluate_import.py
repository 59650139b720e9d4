from django.core.management.base import BaseCommand

from policies.importer.evaluation import OVERLAP_RULE, evaluate


class Command(BaseCommand):
    help = (
        "在种子版面（fixtures/chongqing-daily-2020-12-30.txt）上运行报道读取器，对照人工核定的"
        "fixtures/conference-2020.json 打分：官员（姓名、职务、单位）与承诺（按原文位置重叠）。不需要数据库。"
    )

    def handle(self, *args, **options):
        result = evaluate()
        self.stdout.write(f"officials found with the right name, title and organization: "
                          f"{result.officials_right}/{result.officials_total}")
        for curated, found in result.official_misses:
            self.stdout.write(f"  missed {curated['name']}: curated {curated}, found {found}")
        self.stdout.write(f"key tasks and sub-items found with the right code, title and span: "
                          f"{result.tasks_right}/{result.tasks_total}")
        self.stdout.write(f"commitments: {result.found} found, {result.curated} curated, {result.matched} matched")
        self.stdout.write(f"overlap rule: {OVERLAP_RULE}")
        self.stdout.write(f"precision {result.precision:.3f}  recall {result.recall:.3f}")
        self.stdout.write(
            f"lenient (a span may match several): {result.lenient_found_matching}/{result.found} found spans "
            f"overlap a curated one, {result.lenient_curated_matched}/{result.curated} curated are covered"
        )
        self.stdout.write(f"{'official':<8}{'found':>6}{'curated':>8}{'matched':>8}")
        for name, found, curated, matched in result.per_official:
            self.stdout.write(f"{name:<8}{found:>6}{curated:>8}{matched:>8}")
