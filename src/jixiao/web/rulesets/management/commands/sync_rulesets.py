from typing import Any

from django.core.management.base import BaseCommand

from jixiao.web.rulesets.signals import sync


class Command(BaseCommand):
    help = "把后台录入的规则集写入规则集目录（JIXIAO_RULESETS_DIR），使目录与数据库一致。"

    def handle(self, *args: Any, **options: Any) -> None:
        count = sync()
        if options["verbosity"] > 0:
            self.stdout.write(f"规则集目录已同步（{count} 个自定义规则集）。")
