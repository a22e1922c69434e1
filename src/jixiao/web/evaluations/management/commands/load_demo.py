from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jixiao.io.cases import CaseError
from jixiao.web.evaluations import demo


class Command(BaseCommand):
    help = "载入演示数据：种子评价表、地区与单位、每个角色一个演示用户（只载入一次）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seeds", default="examples/seeds", help="种子案例文件夹")

    def handle(self, *args: Any, **options: Any) -> None:
        if demo.is_loaded():
            self.stdout.write("演示数据已存在，跳过。")
        else:
            try:
                demo.load(Path(options["seeds"]))
            except (CaseError, OSError) as error:
                raise CommandError(f"无法载入演示数据：{error}") from None
            self.stdout.write(self.style.SUCCESS("已载入演示数据。"))
        self.stdout.write(f"演示账号（密码均为 {demo.DEMO_PASSWORD}）：")
        for user in demo.all_users():
            self.stdout.write(f"  {user.username:<16} {user.name}")
