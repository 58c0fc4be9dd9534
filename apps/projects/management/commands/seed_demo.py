import time

from django.core.management.base import BaseCommand, CommandError

from apps.projects import demo


class Command(BaseCommand):
    help = (
        "生成示范数据：示范省、示范市及其县区（GB/T 2260 代码）、市级部门、建设单位（有效统一社会信用代码）、"
        "市级领导、各阶段/级别/类别/投资主体的项目及其年度计划和节点、月报和填报期、固定资产投资统计数据"
        f"（全省同级市、县区、年度目标、省级重点项目名单），以及每种角色一个演示账号（密码均为 {demo.DEMO_PASSWORD}）。"
        "同一随机种子生成相同数据。"
        "这是合成的初始数据，批量写入，不生成修改记录。数据库已有数据时拒绝执行（--if-empty 时跳过）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--projects",
            type=int,
            default=demo.DEFAULT_PROJECTS,
            help=f"项目数量（默认 {demo.DEFAULT_PROJECTS}；100000 为全省规模的压测数据）",
        )
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help=f"随机种子（默认 {demo.DEFAULT_SEED}）")
        parser.add_argument("--year", type=int, default=None, help="年度计划的当前年度（默认今年；同时生成上一年度）")
        parser.add_argument(
            "--report-years",
            type=int,
            default=demo.DEFAULT_REPORT_YEARS,
            help=f"生成月报和统计数据的年数，截至上月（默认 {demo.DEFAULT_REPORT_YEARS}，即今年和上年；0 为不生成）",
        )
        parser.add_argument("--if-empty", action="store_true", help="数据库已有数据时什么也不做")

    def handle(self, *args, projects, seed, year, report_years, if_empty, **options):
        if projects < 0:
            raise CommandError("项目数量不能为负数。")
        if report_years < 0:
            raise CommandError("月报年数不能为负数。")
        if demo.database_has_data():
            if if_empty:
                self.stdout.write("数据库中已有数据，跳过生成示范数据。")
                self.print_users(None)
                return
            raise CommandError(
                "数据库中已有数据，拒绝生成示范数据。请换用新的数据库（DATABASE_URL）或删除 var/db.sqlite3 后重试；"
                "若只想在空库时生成，请加 --if-empty。"
            )
        started = time.monotonic()
        summary = demo.generate_demo(projects=projects, seed=seed, year=year, report_years=report_years)
        elapsed = time.monotonic() - started
        self.print_summary(summary, elapsed)

    def print_summary(self, s: demo.DemoSummary, elapsed: float):
        write = self.stdout.write
        write(
            self.style.SUCCESS(
                f"示范数据已生成（随机种子 {s.seed}，年度 {s.year - 1}—{s.year}，用时 {elapsed:.1f} 秒）："
            )
        )
        stages = "、".join(f"{label} {count}" for label, count in s.stages.items())
        r = s.reporting
        peers = r.peer_cities if r else 0
        rows = [
            ("行政区划", f"{s.regions}（省 1、市 {1 + peers}、县区 {s.regions - 2 - peers}）"),
            (
                "单位",
                f"{s.organisations}（政府部门 {s.departments}、建设单位 {s.owner_units}、其他 {s.other_organisations}）",
            ),
            ("市级领导", str(s.leaders)),
            ("项目", f"{s.projects}（{stages}）"),
            ("年度计划", str(s.annual_plans)),
            ("节点", str(s.milestones)),
            ("协作单位关系", str(s.partner_links)),
            ("已入统项目", str(s.in_statistics) + (f"（应统未统 {r.statistics_candidates}）" if r else "")),
        ]
        if r:
            statuses = "、".join(f"{label} {count}" for label, count in r.by_status.items())
            last = f"{r.last_year}年{r.last_month}月"
            rows += [
                (
                    "月报",
                    f"{r.reports}（{r.first_year}年1月—{last}：{statuses}；{last}应报 {r.due_last_month}、"
                    f"无月报 {r.missing_last_month}）",
                ),
                ("填报期", f"{r.periods}（{last}填报中，截止 {r.open_deadline}；其余已关闭）"),
                (
                    "统计数据",
                    f"固定资产投资 {r.region_stats} 条（示范市、县区及同级市 {r.peer_cities} 个，1-2月起）、"
                    f"年度目标 {r.targets}、省级重点项目名单 {r.province_lists}",
                ),
            ]
        for label, value in rows:
            write(f"  {label}：{value}")
        self.print_users(s.anchors)
        if s.skipped_users:
            write(self.style.WARNING(f"以下用户名已存在，未重新创建：{'、'.join(s.skipped_users)}"))

    def print_users(self, anchors):
        write = self.stdout.write
        write("")
        write("演示账号：")
        table = [("用户名", "密码", "角色", "可见范围"), *demo.demo_users_table(anchors)]
        widths = [max(_width(row[i]) for row in table) for i in range(3)]
        for row in table:
            cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row[:3])]
            write("  " + "  ".join([*cells, row[3]]))


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
