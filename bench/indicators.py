"""Time `indicators_compute` against a seeded database; see bench/README.md.

    DATABASE_URL=... .venv/bin/python bench/indicators.py measure --label postgresql --out var/bench/pg.json
    .venv/bin/python bench/indicators.py table var/bench/sqlite.json var/bench/pg.json

`measure` acts as the city administrator (role city_admin) for the last ended month and
times, per scope, 20 calls after 2 warm-ups (p50, p95, max) of `indicators_compute` with
everything the dashboard reads from it (every value, every chart point and its project
count, the first rows and the length of the not-started list), then the same call with
everything the API reads by default (ids=true: every id list, the whole not-started list),
then ONE hand-written SQL statement computing the same completed_ytd from the reports
(joins and SUM through connection.cursor()), asserts both give the same figure, and records
the slowest queries of one captured call. The ratio compares the dashboard's call (a
handful of queries and all its figures) with that single aggregate. For transparency a
second hand-written statement sums the same figure from CompletedInvestmentYear, the
per-project totals the call reads, and a second ratio compares with that one.

Scopes: the county whose project count is nearest 5,000 (a city-sized set inside the
province-scale database), the county with the most projects, and the whole city (every
project of the set).
"""

import argparse
import json
import os
import statistics
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyprojects.settings")

CITY_SIZED = 5000
TARGETS = {"city": 200.0, "province": 1000.0}  # p95 in ms (city: on PostgreSQL)
RATIO_TARGET = 1.5


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def timed(fn, runs: int, warmups: int) -> list[float]:
    for _ in range(warmups):
        fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def hand_written_sql() -> str:
    from apps.projects.models import AnnualPlan, Project
    from apps.regions.models import Region
    from apps.reporting.models import MonthlyReport

    return f"""
        SELECT SUM(r.completed_investment)
        FROM {MonthlyReport._meta.db_table} r
        JOIN {Project._meta.db_table} p ON p.id = r.project_id
        JOIN {Region._meta.db_table} g ON g.id = p.region_id
        JOIN {AnnualPlan._meta.db_table} a ON a.project_id = p.id AND a.year = %s
        WHERE r.year = %s AND r.month <= %s AND r.status IN (%s, %s)
          AND g.code LIKE %s AND g.code LIKE %s
    """


def hand_written_totals_sql(month: int) -> str:
    """The same figure from the per-project totals the call reads (not from the reports)."""
    from apps.projects.models import AnnualPlan, Project
    from apps.regions.models import Region
    from apps.reporting.models import MONTH_COLUMNS, CompletedInvestmentYear

    months = " + ".join(f"t.{column}" for column in MONTH_COLUMNS[:month])
    return f"""
        SELECT SUM({months})
        FROM {CompletedInvestmentYear._meta.db_table} t
        JOIN {Project._meta.db_table} p ON p.id = t.project_id
        JOIN {Region._meta.db_table} g ON g.id = p.region_id
        JOIN {AnnualPlan._meta.db_table} a ON a.project_id = p.id AND a.year = %s
        WHERE t.year = %s AND g.code LIKE %s AND g.code LIKE %s
    """


def read_as_dashboard(report, shown: int = 10):
    """What the dashboard page reads of a report (apps/dashboard/views.py): every value, every
    chart point's values and project count, the first rows of the not-started list and its
    length. The id lists are not read: a drill-down asks for one figure's."""
    values = [indicator.value for indicator in report.indicators.values()]
    for series in (report.by_month, report.by_county, report.by_category, report.by_investor_type):
        values.extend((point.values, point.project_count) for point in series)
    values.append((report.not_started[:shown], len(report.not_started)))
    return report


def read_as_api(report):
    """What GET /api/v1/indicators reads with ids=true (its default): every id list too."""
    read_as_dashboard(report)
    for indicator in report.indicators.values():
        indicator.project_ids  # noqa: B018 - reading is the point
    for series in (report.by_month, report.by_county, report.by_category, report.by_investor_type):
        for point in series:
            point.project_ids  # noqa: B018
    list(report.not_started)
    return report


def to_yi(raw) -> Decimal:
    # SQLite sums its NUMERIC column as a float: round to 万元 cents before comparing
    wan = Decimal(str(raw or 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return (wan / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def measure(args) -> list[dict]:
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from apps.accounts.models import Role, User
    from apps.projects.models import Project
    from apps.regions.models import Region, RegionLevel
    from apps.reporting.models import ReportStatus
    from apps.statistics.indicators import indicators_compute

    user = User.objects.filter(role=Role.CITY_ADMIN, is_active=True).select_related("region").order_by("pk").first()
    if user is None:
        sys.exit("no city administrator (role city_admin): seed the database first")
    today = timezone.localdate()
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    year, month = args.year or year, args.month or month

    city = user.region if user.region and user.region.level == RegionLevel.CITY else None
    city = city or Region.objects.filter(level=RegionLevel.CITY, children__isnull=False).distinct().first()
    counts = dict(
        Project.objects.filter(region__parent=city).values("region").annotate(n=Count("id")).values_list("region", "n")
    )
    counties = {r.pk: r for r in Region.objects.filter(pk__in=counts)}
    nearest = min(counts, key=lambda pk: (abs(counts[pk] - CITY_SIZED), pk))
    largest = max(counts, key=lambda pk: (counts[pk], -pk))
    scopes = [("city", f"县区≈{CITY_SIZED}（{counties[nearest].name}）", counties[nearest])]
    if largest != nearest:
        scopes.append(("city", f"最大县区（{counties[largest].name}）", counties[largest]))
    scopes.append(("province", f"全市（{city.name}，全部项目）", city))
    users = {}
    if args.national:
        # The national set (bench/README.md): a county, the city and the province, the last as
        # a province-level administrator would ask it (an unsaved user anchored in the province).
        smallest = min(counts, key=lambda pk: (counts[pk], pk))
        province = city.parent
        scopes = [
            ("city", f"县区（最小：{counties[smallest].name}）", counties[smallest]),
            ("province", f"市（{city.name}）", city),
            ("province", f"省（{province.name}）", province),
        ]
        users[province.pk] = User(username="bench-province", role=Role.CITY_ADMIN, region=province)

    sql = hand_written_sql()
    totals_sql = hand_written_totals_sql(month)
    results = []
    for kind, label, region in scopes:
        actor = users.get(region.pk, user)
        scope_prefix = "" if actor.is_superuser else actor.region.code_prefix

        def compute(region=region, actor=actor):
            return indicators_compute(user=actor, region=region, year=year, month=month)

        def call():
            return read_as_dashboard(compute())

        def call_with_ids():
            return read_as_api(compute())

        def aggregate(
            region=region, sql=sql, params=(ReportStatus.SUBMITTED, ReportStatus.VERIFIED), scope_prefix=scope_prefix
        ):
            with connection.cursor() as cursor:
                cursor.execute(sql, [year, year, month, *params, region.code_prefix + "%", scope_prefix + "%"])
                return cursor.fetchone()[0]

        def aggregate_totals(region=region, scope_prefix=scope_prefix):
            with connection.cursor() as cursor:
                cursor.execute(totals_sql, [year, year, region.code_prefix + "%", scope_prefix + "%"])
                return cursor.fetchone()[0]

        report = call_with_ids()
        hand_yi, totals_yi = to_yi(aggregate()), to_yi(aggregate_totals())
        computed = report["completed_ytd"].value
        assert computed == hand_yi, f"{label}: indicators_compute {computed} 亿元 != hand-written SQL {hand_yi} 亿元"
        assert totals_yi == hand_yi, f"{label}: totals {totals_yi} 亿元 != reports {hand_yi} 亿元"

        times = timed(call, args.runs, args.warmups)
        with_ids = timed(call_with_ids, args.runs, args.warmups)
        hand = timed(aggregate, args.runs, args.warmups)
        hand_totals = timed(aggregate_totals, args.runs, args.warmups)
        with CaptureQueriesContext(connection) as captured:
            call()
        queries = query_times(connection, [q["sql"] for q in captured.captured_queries])
        row = {
            "database": args.label or connection.vendor,
            "kind": kind,
            "scope": label,
            "region": region.code,
            "projects": Project.objects.filter(region__code__startswith=region.code_prefix).count(),
            "key_projects": report["key_projects_count"].value,
            "year": year,
            "month": month,
            "completed_ytd_yi": str(computed),
            "p50": statistics.median(times),
            "p95": percentile(times, 0.95),
            "max": max(times),
            "hand_p50": statistics.median(hand),
            "ids_p50": statistics.median(with_ids),
            "ids_p95": percentile(with_ids, 0.95),
            "hand_totals_p50": statistics.median(hand_totals),
            "queries": len(queries),
            "sql_ms": sum(ms for ms, _ in queries),
            "slowest": [{"ms": ms, "sql": text[:600]} for ms, text in queries[:3]],
        }
        row["ratio"] = row["p50"] / row["hand_p50"] if row["hand_p50"] else None
        row["ratio_totals"] = row["p50"] / row["hand_totals_p50"] if row["hand_totals_p50"] else None
        if args.explain:
            row["explain"] = explain(connection, queries[0][1]) if queries else ""
        results.append(row)
        print(
            f"{row['database']:<10} {label}: {row['projects']} 项目, p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms, "
            f"含全部id p50 {row['ids_p50']:.1f} ms, 手写SQL p50 {row['hand_p50']:.1f} ms（汇总表 {row['hand_totals_p50']:.1f} ms）, "
            f"累计完成投资 {computed} 亿元（三者一致）",
            flush=True,
        )
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=1))
    return results


def query_times(connection, statements: list[str]) -> list[tuple[float, str]]:
    """Each captured statement run again with its rows fetched (the capture alone misses the
    fetching, where SQLite does most of its work): median of 3 in ms, slowest first."""
    results = []
    for sql in statements:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql)
                cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
        results.append((statistics.median(times), " ".join(sql.split())))
    return sorted(results, reverse=True)


def explain(connection, sql: str) -> str:
    """The plan of a captured query (its parameters are already inlined by the capture)."""
    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    try:
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())
    except Exception as error:  # captured SQL is not always re-executable as text
        return f"(no plan: {error})"


def verdict(row: dict) -> str:
    target = TARGETS[row["kind"]]
    applies = row["kind"] != "city" or row["database"].startswith("postgres")
    notes = []
    if applies:
        notes.append("p95 ok" if row["p95"] <= target else "p95 OVER")
    if row["ratio"] is not None:
        notes.append("ratio ok" if row["ratio"] <= RATIO_TARGET else "ratio OVER")
    return ", ".join(notes)


def table(args) -> None:
    rows = []
    for path in args.files:
        if Path(path).exists():
            rows.extend(json.loads(Path(path).read_text()))
    header = [
        "database",
        "scope",
        "projects",
        "p50 ms",
        "p95 ms",
        "max ms",
        "hand p50 ms",
        "ratio",
        "target",
        "result",
        "API ids p50/p95 ms",
        "hand totals p50 ms",
        "ratio totals",
    ]
    lines = []
    for row in rows:
        target = TARGETS[row["kind"]]
        target_text = f"p95≤{target:.0f}ms" + ("" if row["kind"] == "province" else " (PG)") + f", ratio≤{RATIO_TARGET}"
        lines.append(
            [
                row["database"],
                row["scope"],
                str(row["projects"]),
                f"{row['p50']:.1f}",
                f"{row['p95']:.1f}",
                f"{row['max']:.1f}",
                f"{row['hand_p50']:.1f}",
                f"{row['ratio']:.1f}" if row["ratio"] is not None else "-",
                target_text,
                verdict(row),
                f"{row['ids_p50']:.0f}/{row['ids_p95']:.0f}" if "ids_p50" in row else "-",  # older results: no such run
                f"{row['hand_totals_p50']:.1f}" if "hand_totals_p50" in row else "-",
                f"{row['ratio_totals']:.1f}" if row.get("ratio_totals") is not None else "-",
            ]
        )

    def width(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

    widths = [max(width(r[i]) for r in [header, *lines]) for i in range(len(header))]
    for r in [header, ["-" * w for w in widths], *lines]:
        print("| " + " | ".join(c + " " * (w - width(c)) for c, w in zip(r, widths, strict=True)) + " |")
    if rows:
        first = rows[0]
        print(
            f"\n{first['year']}年1-{first['month']}月, acting user: city_admin; p50/p95 = indicators_compute with "
            "what the dashboard reads; ratio = that p50 ÷ p50 of ONE hand-written SQL aggregate of completed_ytd "
            "over the reports (the call computes every indicator, the aggregate one figure); API ids = the call "
            "with every id list read (the API's default); ratio totals = p50 ÷ the same aggregate over "
            "CompletedInvestmentYear."
        )
    for row in rows:
        print(
            f"\n{row['database']} · {row['scope']}: {row['queries']} queries, {row['sql_ms']:.0f} ms of SQL "
            f"(each statement rerun with its rows fetched); the rest of the {row['p50']:.0f} ms p50 is Python "
            "(ORM rows, Decimal conversion, the figures). Slowest:"
        )
        for query in row["slowest"]:
            print(f"  {query['ms']:8.1f} ms  {query['sql'][:220]}")
        if row.get("explain"):
            print("  plan of the slowest:\n    " + row["explain"].replace("\n", "\n    "))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("measure", help="time indicators_compute on DATABASE_URL")
    run.add_argument("--label", default="", help="database name in the table (default: the vendor)")
    run.add_argument("--runs", type=int, default=20)
    run.add_argument("--warmups", type=int, default=2)
    run.add_argument("--year", type=int, default=None, help="default: the year of the last ended month")
    run.add_argument("--month", type=int, default=None, help="default: the last ended month")
    run.add_argument("--explain", action="store_true", help="record the plan of each scope's slowest query")
    run.add_argument(
        "--national",
        action="store_true",
        help="scopes of the national set: the smallest county, the city, the province",
    )
    run.add_argument("--out", default="", help="write the results as JSON")
    show = commands.add_parser("table", help="print the results of one or more measure runs")
    show.add_argument("files", nargs="+")
    args = parser.parse_args()
    if args.command == "measure":
        measure(args)
    else:
        table(args)


if __name__ == "__main__":
    main()
