"""manage.py brief --user USERNAME [--year Y --month M] --out DIR

Writes the leader's one-page brief (.docx, and .pdf when LibreOffice is installed) for a
city leader's account, with that account's scope."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.briefs import render, selectors


class Command(BaseCommand):
    help = "为市级领导生成一页纸领导简报（Word，装有 LibreOffice 时另出 PDF）"

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="市级领导的用户名")
        parser.add_argument("--year", type=int)
        parser.add_argument("--month", type=int, choices=range(1, 13))
        parser.add_argument("--out", required=True)

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户 {options['user']} 不存在或已停用。")
        if user.role != Role.CITY_LEADER or not user.person_id:
            raise CommandError(f"用户 {user.username} 不是关联了人员的市级领导。")
        if (options["year"] is None) != (options["month"] is None):
            raise CommandError("--year 和 --month 须同时给出。")
        brief = selectors.brief_get(user=user, person=user.person, year=options["year"], month=options["month"])
        data = render.brief_docx(brief, day=timezone.localdate())
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        stem = f"brief-{user.username}-{brief.year}-{brief.month:02d}"
        (out / f"{stem}.docx").write_bytes(data)
        self.stdout.write(str(out / f"{stem}.docx"))
        pdf = render.brief_pdf(data)
        if pdf is not None:
            (out / f"{stem}.pdf").write_bytes(pdf)
            self.stdout.write(str(out / f"{stem}.pdf"))
