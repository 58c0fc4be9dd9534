from django.core.management.base import BaseCommand

from apps.attraction import services
from apps.core.context import command_context


class Command(BaseCommand):
    help = "招商线索时限提醒：向逾期、应发限期通知或应启动退出的线索的招商单位和落地县区用户发送站内提醒（同一条未读提醒不重复发送）。"

    def handle(self, *args, **options):
        with command_context("remind_leads"):
            sent = services.lead_reminders_send()
        self.stdout.write(f"已发送招商线索时限提醒 {sent} 条。")
