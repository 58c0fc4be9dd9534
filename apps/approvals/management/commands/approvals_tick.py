import datetime

from django.core.management.base import BaseCommand, CommandError

from apps.approvals import services
from apps.core.context import command_context


class Command(BaseCommand):
    help = (
        "审批承诺制时钟：补算此前因缺少日历数据未能计算的承诺办结日期；已受理、适用审批承诺制且超过承诺办结日期"
        "未批复的事项视为同意（办结日期为到期次日，理由写入变更记录）；向审批部门发送即将到期和已超期提醒。"
        "建议每天运行一次（如 cron 每日 0 点 5 分）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按指定日期运行（YYYY-MM-DD，默认今天）")

    def handle(self, *args, today=None, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else None
        except ValueError as error:
            raise CommandError("--today 应为 YYYY-MM-DD 格式的日期。") from error
        with command_context("approvals_tick"):
            result = services.commitment_clock_run(today=day)
        self.stdout.write(
            f"视为同意 {len(result.deemed)} 项，超期 {result.overdue} 项，补算到期日 {result.rescheduled} 项，"
            f"发送提醒 {result.reminded} 条。"
        )
        for error in sorted(set(result.calendar_errors)):
            self.stderr.write(error)
