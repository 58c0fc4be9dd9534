"""Each month-end request alone: what one page costs on the server, without queueing.

    DATABASE_URL=postgres://…/kp_load DEBUG=0 SECRET_KEY=x ALLOWED_HOSTS=127.0.0.1 KP_HTTPS=0 \
        KP_REQUIRE_2FA=0 BENCH_ENDPOINTS=1 STATIC_ROOT=var/bench/load/static \
        .venv/bin/python bench/month_end_pages.py [--runs 5] [--profile 填报表单] [--sql 审核队列]

The load test's request kinds (bench/loadtest.py), one after another through Django's test
client and the whole middleware stack, as an owner reporter, a county user and a city leader
of the set (users `pages_*`, made on first use): the bare read (no session, as in the load test), 我的月报, the fill form, a
fill-and-submit, 审核队列, a verification, the dashboard (warm). Prints per kind the median
wall time, the statements and their time, and the page's size; `--profile KIND` adds
cProfile's top functions, `--sql KIND` the statements. It submits and verifies reports: run it
on the load test's copy (`kp_load`, made afresh by every load test run), not on a kept set.
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyprojects.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from apps.accounts.models import Role, User  # noqa: E402
from apps.projects.models import Project  # noqa: E402
from apps.regions.models import Region, RegionLevel  # noqa: E402
from apps.reporting.models import MonthlyReport, PeriodStatus, ReportingPeriod  # noqa: E402


def users():
    """A reporter of an ordinary unit (20–50 projects), the largest county's user, a leader."""
    unit = (
        Project.objects.filter(stage__in=["under_construction", "preliminary"])
        .values("owner_unit_id")
        .annotate(n=Count("id"))
        .filter(n__gte=20, n__lte=50)
        .order_by("owner_unit_id")
        .first()
    )
    city = Region.objects.filter(level=RegionLevel.CITY).order_by("pk").first()
    county = Region.objects.filter(parent=city).annotate(n=Count("project")).order_by("-n", "pk").first()
    made = {}
    for kind, fields in {
        "reporter": {"role": Role.OWNER_REPORTER, "organisation_id": unit["owner_unit_id"]},
        "county": {"role": Role.COUNTY_USER, "region": county},
        "leader": {"role": Role.CITY_LEADER, "region": city},
    }.items():
        user, _ = User.objects.get_or_create(username=f"pages_{kind}", defaults=fields)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        made[kind] = client
    made["anonymous"] = Client(HTTP_HOST="127.0.0.1")  # the load test's bare read has no session
    return made


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", help="the request kind to profile")
    parser.add_argument("--sql", help="the request kind whose statements to print")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()

    period = ReportingPeriod.objects.filter(status=PeriodStatus.OPEN).order_by("-year", "-month").first()
    clients = users()

    def measure(kind, who, method, ask):
        """ask(i) -> (url, data or None) for the i-th run."""
        times, statements, sql_ms = [], [], []
        profile = cProfile.Profile()
        for i in range(args.runs):
            url, data = ask(i)
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                if args.profile == kind:
                    profile.enable()
                response = getattr(clients[who], method)(url, data) if data is not None else clients[who].get(url)
                if args.profile == kind:
                    profile.disable()
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code not in (200, 302):
                raise SystemExit(f"{kind}: {url} answered {response.status_code}")
            statements.append(len(queries))
            sql_ms.append(sum(float(query["time"]) for query in queries.captured_queries) * 1000)
            if args.sql == kind and i == 0:
                for query in queries.captured_queries:
                    print(f"  {query['time']} s  {query['sql'][:400]}")
        print(
            f"{kind:<12} median {statistics.median(times):7.1f} ms (min {min(times):6.1f})  "
            f"{statistics.median(statements):3.0f} statements {statistics.median(sql_ms):6.1f} ms  "
            f"{len(response.content) // 1024} KB"
        )
        if args.profile == kind:
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.top)
            print(out.getvalue())
        return response

    ids = list(Project.objects.order_by("pk").values_list("pk", flat=True)[:50])
    measure("bare read", "anonymous", "get", lambda i: (f"/bench/baseline/{ids[i % len(ids)]}", None))
    mine = measure("我的月报", "reporter", "get", lambda i: ("/reports/", None))
    due = re.findall(r'href="/reports/fill/(\d+)/"', mine.content.decode())
    if len(due) < args.runs:
        raise SystemExit("the reporter's unit has too few projects due: run on a fresh copy (kp_load)")
    measure("填报表单", "reporter", "get", lambda i: (f"/reports/fill/{due[i]}/", None))

    def submit(i):
        report = MonthlyReport.objects.filter(project_id=due[i], year=period.year, month=period.month).first()
        data = {
            "version": str(report.version) if report else "",
            "completed_investment": "12.5000",
            "physical_progress": "按计划推进",
            "percent_complete": "30",
            "next_steps": "继续推进",
            "submit": "1",
        }
        return f"/reports/fill/{due[i]}/", data

    measure("填报并报送", "reporter", "post", submit)
    queue = measure("审核队列", "county", "get", lambda i: ("/reports/queue/", None))
    rows = re.findall(r'name="report" value="(\d+):(\d+)"', queue.content.decode())
    measure("审核通过", "county", "post", lambda i: (f"/reports/{rows[i][0]}/verify/", {"version": rows[i][1]}))
    clients["leader"].get("/dashboard/")  # computed once: the runs below are warm
    measure("调度看板", "leader", "get", lambda i: ("/dashboard/", None))


if __name__ == "__main__":
    main()
