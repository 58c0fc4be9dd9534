"""manage.py bulletin --region CODE --year Y --month M [--half 1|2] [--kind ...] --out DIR

Drafts a new bulletin (a fresh snapshot) and writes its .docx and .xlsx (and .pdf when
LibreOffice is installed) into DIR, for scripts and the scheduler. It acts as the region's
city administrator or county user (--user picks one), so the figures are that user's."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import User
from apps.bulletins import services
from apps.bulletins.models import BULLETIN_EDITORS, BulletinKind
from apps.regions.models import Region


class Command(BaseCommand):
    help = "起草一份通报（按当前数据生成快照）并写出 Word、Excel 文件"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="区划代码，如 610300")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int, required=True)
        parser.add_argument("--half", type=int, choices=(1, 2))
        parser.add_argument("--kind", choices=BulletinKind.values, help="默认：有 --half 为 half_month，否则 month")
        parser.add_argument("--user", help="起草人用户名，默认该区划的第一个管理员")
        parser.add_argument("--verified-only", action="store_true", help="完成投资只计已审核月报")
        parser.add_argument("--out", required=True, help="输出目录")

    def handle(self, *args, **options):
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"区划代码 {options['region']} 不存在。")
        users = User.objects.filter(role__in=BULLETIN_EDITORS, region=region, is_active=True).order_by("pk")
        if options["user"]:
            users = users.filter(username=options["user"])
        actor = users.first()
        if actor is None:
            raise CommandError(f"{region.name}没有可起草通报的用户（市发改委管理员或县区用户）。")
        kind = options["kind"] or (BulletinKind.HALF_MONTH if options["half"] else BulletinKind.MONTH)
        try:
            bulletin = services.bulletin_draft(
                actor=actor,
                region=region,
                kind=kind,
                year=options["year"],
                month=options["month"],
                half=options["half"],
                verified_only=options["verified_only"],
            )
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        stem = f"bulletin-{region.code}-{bulletin.year}-{bulletin.month:02d}" + (
            f"-h{bulletin.half}" if bulletin.half else ""
        )
        written = []
        for fmt in ("docx", "xlsx", "pdf"):
            data = services.bulletin_file(bulletin, fmt)
            if data is None:
                continue
            path = out / f"{stem}.{fmt}"
            path.write_bytes(data)
            written.append(str(path))
        self.stdout.write(f"草稿 #{bulletin.pk}：{bulletin.title}")
        for path in written:
            self.stdout.write(path)
