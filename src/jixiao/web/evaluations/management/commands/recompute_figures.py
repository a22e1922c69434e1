import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jixiao.core.rules import RuleSetError
from jixiao.io import rulesets
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.recompute import recompute_figures


class Command(BaseCommand):
    help = (
        "按当前规则集重新计算已保存评价表的总分、等级和问题数（规则集修改之后使用）；"
        "无法计算的评价表保留原数字并列出原因。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rules", help="只重新计算使用该规则集的评价表（规则集名称，如 zhejiang）"
        )
        parser.add_argument("--year", type=int, help="只重新计算该年度的评价表")

    def handle(self, *args: Any, **options: Any) -> None:
        evaluations = Evaluation.objects.all()
        name = options.get("rules")
        if name:
            try:
                label = rulesets.load(name).name
            except RuleSetError as error:
                raise CommandError(f"规则集错误：{error}") from None
            evaluations = evaluations.filter(rules__startswith=f"{label}@")
        if options.get("year"):
            evaluations = evaluations.filter(year=options["year"])
        verbose = options["verbosity"] > 0
        began = time.perf_counter()

        def progress(done: int, total: int) -> None:
            if verbose:
                self.stdout.write(f"  已处理 {done}/{total}")

        outcome = recompute_figures(evaluations, progress)
        seconds = time.perf_counter() - began
        for pk, reason in outcome.failed:
            self.stderr.write(f"评价 {pk} 无法计算：{reason}")
        if verbose:
            self.stdout.write(
                self.style.SUCCESS(
                    f"已重新计算 {outcome.updated} 张评价表（其中 {outcome.changed} 张数字有变化），"
                    f"{len(outcome.failed)} 张无法计算；用时 {seconds:.1f} 秒。"
                )
            )
