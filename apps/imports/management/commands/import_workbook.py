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
from apps.imports.preparation import BLANK_CHOICES, HIDDEN_ROW_CHOICES, UNIT_CHOICES, parse_column_choices


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
        parser.add_argument("--unit", choices=UNIT_CHOICES, help="金额单位（不填则按表格识别）")
        parser.add_argument(
            "--column", action="append", default=[], help="列选择，可重复：--column 总投资=J --column 2026年计划投资=M"
        )
        parser.add_argument(
            "--hidden-rows", choices=HIDDEN_ROW_CHOICES, default="skip", help="隐藏行：skip（默认）/ include"
        )
        parser.add_argument("--blanks", choices=BLANK_CHOICES, default="keep", help="空白单元格：keep（默认）/ clear")
        parser.add_argument("--confirm", action="store_true", help="确认预览中需要核对的数值")
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
            "unit": options["unit"],
            "hidden_rows": options["hidden_rows"],
            "blanks": options["blanks"],
        }
        try:
            parameters["columns"] = parse_column_choices("；".join(options["column"]))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        with command_context("import_workbook"):
            batch = services.import_batch_create(
                actor=actor, kind=options["kind"], file_name=path.name, content=path.read_bytes(), parameters=parameters
            )
            batch = services.import_batch_preview(batch_id=batch.pk)
            self._summary(batch, options["show"])
            if batch.status == BatchStatus.NO_CHANGE:
                self.stdout.write(batch.message)
                return
            if batch.status != BatchStatus.PREVIEWED:
                raise CommandError(batch.message or "文件有错误，未导入")
            if not options["commit"]:
                self.stdout.write(f"仅预览，未写入。确认无误后加 --commit 导入（批次 {batch.pk}）。")
                return
            try:
                batch = services.import_batch_commit(actor=actor, batch_id=batch.pk, confirm=options["confirm"])
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
        reading = batch.reading or {}
        for assumption in reading.get("assumptions", []):
            self.stdout.write(f"读取：{assumption}")
        for column in reading.get("unused_columns", []):
            self.stdout.write(
                f"未使用的列：{column['sheet']} {column['letter']} 列“{column['label']}”（{column['reason']}）"
            )
        for row in reading.get("skipped_rows", [])[:show]:
            span = f"{row['row']}-{row['last']}" if row["last"] != row["row"] else str(row["row"])
            self.stdout.write(f"跳过：{row['sheet']} 第 {span} 行 {row['reason']} {row['text']}")
        for confirmation in reading.get("confirmations", []):
            self.stdout.write(self.style.WARNING(f"需确认（加 --confirm）：{confirmation}"))
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
