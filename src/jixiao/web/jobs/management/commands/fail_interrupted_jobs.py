from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jixiao.web.jobs.tasks import fail_interrupted


class Command(BaseCommand):
    help = (
        "把后台进程已停止的“进行中”任务标记为失败并说明原因（make run 在启动 db_worker 前运行）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all",
            action="store_true",
            help="所有“进行中”的任务（尚无 db_worker 运行时使用），而不仅是长时间无进展的",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = fail_interrupted(everything=options["all"])
        if count:
            self.stdout.write(f"已将 {count} 个中断的任务标记为失败。")
