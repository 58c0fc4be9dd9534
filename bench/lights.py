"""Time the evaluation of warning lights (apps/lights) on a seeded database; bench/README.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp15 .venv/bin/python bench/lights.py --year 2026 --month 11

Switches every shipped preset on (each rule a set-based read of the whole province), and
Sanya's consequences off through a new version (consequences are timed apart: they write
supervised actions one by one, and a period's first evaluation is the only one that writes
them). Then, for the period: one warm-up evaluation; RUNS timed first evaluations (the
month's lights deleted and the table vacuumed before each, untimed: the month at its close);
RUNS timed re-evaluations (idempotent: nothing moved, nothing rewritten); with the queries
each issued; as a baseline
measured in the same run, ONE hand-written SQL statement reading what the cheapest rule
reads (the projects not started by the period's end that were planned to start before it),
and the ratio. Then a project's lights as its page reads them (queries and time), the
re-evaluation of one project after a change, and the replay of a rule.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyprojects.settings")


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def backend_cpu() -> float | None:
    """CPU seconds the PostgreSQL backend serving this connection has used (read from /proc:
    the database runs on this machine), or None (another vendor, or not readable). With this
    process's CPU it gives the work of a run apart from the machine's load."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def timed(fn):
    from django.db import connection

    counter = QueryCounter()
    database = backend_cpu()
    with connection.execute_wrapper(counter):
        started, cpu = time.perf_counter(), time.process_time()
        result = fn()
        seconds = time.perf_counter() - started
    timed.cpu = time.process_time() - cpu
    after = backend_cpu()
    timed.db_cpu = None if database is None or after is None else after - database
    return seconds, counter.count, result


def cpu_words() -> str:
    """This process's CPU and the database backend's, for the line of a run."""
    database = "" if timed.db_cpu is None else f" + {timed.db_cpu:.2f} s database backend"
    return f"CPU {timed.cpu:.2f} s this process{database}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--month", type=int, required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from apps.accounts.models import Role, User
    from apps.lights import selectors, services
    from apps.lights.measures import period_end_of
    from apps.lights.models import Light, LightRule
    from apps.projects.models import Project

    admin = User.objects.filter(role=Role.CITY_ADMIN, is_active=True).order_by("pk").first()
    LightRule.objects.filter(preset__gt="").update(is_active=True)
    sanya = LightRule.objects.get(code="sanya-2022-investment")
    if sanya.current_version.actions:
        services.rule_version_derive(actor=admin, rule=sanya, reason="压测：后续措施另行计时", actions={})
    rules = list(LightRule.objects.filter(is_active=True).order_by("code").values_list("code", flat=True))
    projects = Project.objects.count()
    print(f"database: {connection.vendor}; projects: {projects:,}; period: {args.year}-{args.month:02d}")
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(f"rules ({len(rules)}): {', '.join(rules)}")

    services.lights_evaluate(year=args.year, month=args.month, trigger="bench")  # warm-up

    def clear_month():
        """The month as at its close: no lights yet (dead rows vacuumed, as a new month's keys have none)."""
        Light.objects.filter(year=args.year, month=args.month).delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM ANALYZE {Light._meta.db_table}")

    runs = []
    for _ in range(args.runs):
        clear_month()
        seconds, queries, run = timed(
            lambda: services.lights_evaluate(year=args.year, month=args.month, trigger="bench")
        )
        runs.append(seconds)
        print(
            f"evaluate all rules, the month's first evaluation: {seconds:.2f} s wall "
            f"({cpu_words()}), {queries} queries, {run.lights:,} lights"
        )
    for _ in range(args.runs):
        seconds, queries, run = timed(
            lambda: services.lights_evaluate(year=args.year, month=args.month, trigger="bench")
        )
        print(
            f"evaluate all rules again (nothing moved: no light rewritten): {seconds:.2f} s wall "
            f"({cpu_words()}), {queries} queries, {run.lights:,} lights"
        )
    median = statistics.median(runs)

    end = period_end_of(args.year, args.month)

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, name, region_id, planned_start_date FROM projects_project "
                "WHERE planned_start_date <= %s AND (actual_start_date IS NULL OR actual_start_date > %s)",
                [end, end],
            )
            return len(cursor.fetchall())

    baseline()
    base_runs = [timed(baseline)[0] for _ in range(args.runs)]
    base = statistics.median(base_runs)
    print(f"baseline (one hand-written statement, the start rule's read): {base * 1000:.1f} ms ({cpu_words()})")
    print(f"ratio first evaluation (median) / baseline: {median / base:.1f}x (9 rules)")

    by_rule = dict(
        Light.objects.filter(year=args.year, month=args.month)
        .order_by()
        .values_list("rule__code")
        .annotate(n=django.db.models.Count("pk"))
    )
    print("lights by rule:", ", ".join(f"{code} {n:,}" for code, n in sorted(by_rule.items())))

    lit_project = Light.objects.filter(year=args.year, month=args.month, project__isnull=False).values_list(
        "project_id", flat=True
    )[:1][0]
    for role in (Role.CITY_ADMIN, Role.DEPARTMENT_USER, Role.OWNER_REPORTER):
        user = User.objects.filter(role=role, is_active=True).order_by("pk").first()

        def page(user=user):
            period = selectors.default_period()
            return [
                (light.rule.name, light.version.number, light.reason)
                for light in selectors.project_lights(user=user, project_id=lit_project, period=period)
            ]

        page()
        seconds, queries, lights = timed(page)
        print(
            f"a project's lights on its page ({role}): {queries} queries, {seconds * 1000:.1f} ms, {len(lights)} lights"
        )

    seconds, queries, _run = timed(
        lambda: services.lights_refresh(subject="project", object_ids=[lit_project], trigger="bench")
    )
    print(f"re-evaluating one project after a change: {queries} queries, {seconds * 1000:.1f} ms")
    rule = LightRule.objects.get(code="yinchuan-2025-start")
    seconds, queries, replay = timed(
        lambda: services.rule_replay(actor=admin, rule=rule, year=args.year, month=args.month)
    )
    print(f"replay of {rule.code}: {queries} queries, {seconds:.2f} s, {len(replay.lit):,} lit")
    haikou = LightRule.objects.get(code="haikou-2020-progress")
    seconds, queries, replay = timed(
        lambda: services.rule_replay(actor=admin, rule=haikou, year=args.year, month=args.month)
    )
    print(
        f"replay of {haikou.code} (memory: 2 months read): {queries} queries, {seconds:.2f} s, {len(replay.lit):,} lit"
    )

    # Sanya's consequences back on: the month's first evaluation then writes a supervised
    # action (with its project link, LightAction and change record) per lit project, in bulk.
    from apps.lights.presets import SANYA_ACTIONS

    services.rule_version_derive(actor=admin, rule=sanya, reason="压测：后续措施计时", actions=SANYA_ACTIONS)
    clear_month()
    seconds, queries, run = timed(lambda: services.lights_evaluate(year=args.year, month=args.month, trigger="bench"))
    from apps.lights.models import LightAction

    made = LightAction.objects.filter(year=args.year, month=args.month).count()
    print(
        f"first evaluation with Sanya's consequences on: {seconds:.2f} s wall ({cpu_words()}), {queries} queries, "
        f"{made:,} supervised actions with change records"
    )


if __name__ == "__main__":
    main()
