from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import User
from apps.core.context import command_context
from apps.exports import selectors, services


class Command(BaseCommand):
    help = (
        "生成填报模板：为某一填报期，按建设单位各生成一份预填的月报填报模板（.xlsx）到指定文件夹，"
        "供邮件分发。以 --user 指定的用户（市发改委管理员或县区用户）的范围为准，每个文件写一条导出记录。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int, required=True)
        parser.add_argument("--out", required=True, help="输出文件夹（不存在则创建）")
        parser.add_argument("--user", required=True, help="以该用户的范围生成（用户名）")

    def handle(self, *args, year, month, out, user, **options):
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"用户“{user}”不存在或已停用。")
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        params = {"year": str(year), "month": str(month)}
        written = 0
        with command_context("export_templates"):
            try:
                units = selectors.template_owner_units(user=actor, year=year, month=month)
                for unit in units:
                    export = services.template_export(actor=actor, params=params, owner_unit=unit)
                    with export.file, open(folder / export.file_name, "wb") as target:
                        target.write(export.file.read())
                    written += 1
                    self.stdout.write(f"{export.file_name}（{export.record.row_count} 个项目）")
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            except PermissionDenied as error:
                raise CommandError(str(error)) from error
        self.stdout.write(f"{year}年{month}月：已生成 {written} 份填报模板，保存在 {folder}。")
