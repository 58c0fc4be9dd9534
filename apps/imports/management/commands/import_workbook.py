"""Import a plan list or monthly progress sheet from the command line:

manage.py import_workbook plan.xlsx --kind plan --user admin            # preview only
manage.py import_workbook plan.xlsx --kind plan --user admin --commit   # write
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import User
from apps.core.context import command_context
from apps.imports import selectors, services
from apps.imports.models import BatchStatus, ImportKind


class Command(BaseCommand):
    help = "导入项目计划表或月度进展表（先预览；加 --commit 写入）"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--kind", choices=ImportKind.values, required=True)
        parser.add_argument("--user", required=True, help="以该用户的身份和权限导入")
        parser.add_argument("--year", type=int)
        parser.add_argument("--month", type=int)
        parser.add_argument("--level")
        parser.add_argument("--investor-type")
        parser.add_argument("--submit", action="store_true", help="月度进展：导入后直接报送")
        parser.add_argument("--commit", action="store_true", help="预览无误后写入")
        parser.add_argument("--show", type=int, default=20, help="显示的错误/变化行数")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        actor = User.objects.filter(username=options["user"], is_active=True).first()
        if actor is None:
            raise CommandError(f"没有用户 {options['user']}")
        if options["kind"] not in selectors.import_kinds_for(user=actor):
            raise CommandError("该用户的角色不能导入此类数据")
        parameters = {
            "year": options["year"],
            "month": options["month"],
            "level": options["level"],
            "investor_type": options["investor_type"],
            "submit": options["submit"],
        }
        with command_context("import_workbook"):
            batch = services.import_batch_create(
                actor=actor, kind=options["kind"], file_name=path.name, content=path.read_bytes(), parameters=parameters
            )
            batch = services.import_batch_preview(batch_id=batch.pk)
            self._summary(batch, options["show"])
            if batch.status != BatchStatus.PREVIEWED:
                raise CommandError(batch.message or "文件有错误，未导入")
            if not options["commit"]:
                self.stdout.write(f"仅预览，未写入。确认无误后加 --commit 导入（批次 {batch.pk}）。")
                return
            try:
                batch = services.import_batch_commit(actor=actor, batch_id=batch.pk)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            self.stdout.write(
                self.style.SUCCESS(f"已导入批次 {batch.pk}：新增 {batch.rows_new}，修改 {batch.rows_changed}")
            )

    def _summary(self, batch, show: int):
        self.stdout.write(
            f"{batch.file_name}（{batch.file_format}{'，' + batch.encoding if batch.encoding else ''}）："
            f"共 {batch.rows_total} 行，新增 {batch.rows_new}，修改 {batch.rows_changed}，"
            f"无变化 {batch.rows_unchanged}，错误 {batch.rows_error}"
        )
        for warning in batch.warnings:
            self.stdout.write(self.style.WARNING(f"提示：{warning}"))
        for row in batch.preview[:show]:
            for error in row["errors"]:
                self.stdout.write(
                    self.style.ERROR(
                        f"{row['sheet']} 第 {row['row']} 行 {error['column']} 列 {error['field']}：{error['message']}"
                    )
                )
            for name, (before, after) in row["changes"].items():
                self.stdout.write(f"{row['sheet']} 第 {row['row']} 行 {row['label']} {name}：{before} → {after}")
