from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jixiao.io.cases import CaseError
from jixiao.web.indicators.builtin import DEFAULT_SEEDS, ensure_builtin_templates


class Command(BaseCommand):
    help = "载入（或更新）内置评价模板与指标库：标准自评表和种子案例中的各指标框架。可重复运行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seeds", default=str(DEFAULT_SEEDS), help="种子案例文件夹（默认 examples/seeds）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            templates = ensure_builtin_templates(Path(options["seeds"]))
        except (CaseError, OSError, ValidationError) as error:
            raise CommandError(f"无法载入内置模板：{error}") from None
        for template in templates:
            self.stdout.write(f"  {template.name}（{template.framework}）")
        self.stdout.write(self.style.SUCCESS(f"已载入 {len(templates)} 个内置模板。"))
