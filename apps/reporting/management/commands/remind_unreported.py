from django.core.management.base import BaseCommand

from apps.core.context import command_context
from apps.reporting import services
from apps.reporting.models import PeriodStatus, ReportingPeriod


class Command(BaseCommand):
    help = (
        "催报：为当前开启的填报期，向尚有未报项目（应报而未报送月报）的建设单位填报员发送站内提醒，"
        "并输出发送条数。同一条未读提醒不重复发送。"
    )

    def handle(self, *args, **options):
        period = ReportingPeriod.objects.filter(status=PeriodStatus.OPEN).order_by("-year", "-month").first()
        if period is None:
            self.stdout.write("当前没有开启的填报期，未发送提醒。")
            return
        with command_context("remind_unreported"):
            sent, unreported = services.reminder_send_unreported_all(period=period)
        self.stdout.write(f"{period}：未报项目 {unreported} 个，已发送催报提醒 {sent} 条。")
