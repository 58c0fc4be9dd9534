from django.core.management.base import BaseCommand, CommandError

from apps.audit.chain import verify
from apps.audit.models import ChangeRecord, SecurityEvent


class Command(BaseCommand):
    help = "校验变更记录与安全事件的哈希链，报告第一处断裂（记录被修改、删除或插入）。"

    def handle(self, *args, **options):
        broken = False
        for model in (ChangeRecord, SecurityEvent):
            report = verify(model)
            label = model._meta.verbose_name
            if report.broken_id is None:
                self.stdout.write(f"{label}：{report.checked} 条，校验链完整。")
            else:
                broken = True
                self.stderr.write(
                    f"{label}：前 {report.checked} 条完整；编号 {report.broken_id} 的记录与校验链不符"
                    f"（该记录或其前一条被修改、删除或插入）。"
                )
        if broken:
            raise CommandError("审计记录校验链断裂。")
