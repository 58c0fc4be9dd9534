from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.lights.services import lights_evaluate


class Command(BaseCommand):
    help = "按启用的亮灯规则评价一个月份（可重复执行，结果相同）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度")
        parser.add_argument("--month", type=int, required=True, help="月份（1-12）")
        parser.add_argument("--rule", action="append", default=None, help="只评价这些规则代码（可多次给出）")

    def handle(self, *args, year, month, rule, **options):
        from apps.lights.models import LightRule

        rules = None
        if rule:
            found = dict(LightRule.objects.filter(code__in=rule).values_list("code", "pk"))
            unknown = sorted(set(rule) - set(found))
            if unknown:
                raise CommandError("未知的规则代码：" + "、".join(unknown))
            rules = list(found.values())
        try:
            run = lights_evaluate(year=year, month=month, rules=rules, trigger="command")
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        self.stdout.write(f"{year}年{month}月：亮灯 {run.lights} 个，用时 {run.seconds} 秒。")
        if run.notes:
            self.stdout.write(run.notes)
