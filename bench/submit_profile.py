"""One month-end submission, profiled: what a fill-and-submit POST costs on the server.

    DATABASE_URL=postgres://…/<a copy of the load test's data set> DEBUG=1 \
        .venv/bin/python bench/submit_profile.py [--submits 5] [--top 25]

Signs in an owner-unit reporter of the seeded set (as the load test does), then POSTs the
fill form with submit for each of `--submits` of its projects due this month, through the
whole middleware stack (Django's test client). Prints per submission the wall time, the SQL
statements and their time, then the statements grouped by shape (slowest first) and
cProfile's top functions by cumulative time over all submissions. Writes to the database
it is given: use a copy (bench/loadtest.py's template copied, or a scratch database).
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyprojects.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from apps.accounts.models import Role, User  # noqa: E402
from apps.reporting import selectors  # noqa: E402
from apps.reporting.models import MonthlyReport  # noqa: E402

SHAPE = re.compile(r"'[^']*'|\b\d+\b")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--submits", type=int, default=5)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()

    period = None
    for reporter in User.objects.filter(role=Role.OWNER_REPORTER, is_active=True).order_by("pk"):
        period = selectors.period_open_get(user=reporter)
        due = list(
            selectors.unreported(user=reporter, year=period.year, month=period.month).projects.values_list(
                "pk", flat=True
            )[: args.submits]
        )
        if len(due) >= args.submits:
            break
    else:
        raise SystemExit("no reporter with enough unreported projects (seed the load test's data set)")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(reporter)
    print(f"reporter {reporter.username}, period {period.year}-{period.month}, projects {due}")

    client.get("/reports/")  # the URLconf and templates loaded (gunicorn's workers load them at start)
    shapes = defaultdict(lambda: [0, 0.0])
    profile = cProfile.Profile()
    for pid in due:
        data = {
            "version": "",
            "completed_investment": "123.4500",
            "physical_progress": "按计划推进",
            "percent_complete": "40",
            "next_steps": "继续推进",
            "submit": "1",
        }
        existing = MonthlyReport.objects.filter(project_id=pid, year=period.year, month=period.month).first()
        if existing is not None:  # a draft or a returned report: the version the form would carry
            data["version"] = str(existing.version)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            profile.enable()
            response = client.post(f"/reports/fill/{pid}/", data)
            profile.disable()
            wall = time.perf_counter() - started
        if response.status_code != 302:
            page = response.content.decode()
            errors = re.findall(r'<[^>]*class="[^"]*error[^"]*"[^>]*>(.*?)</', page, re.S)
            raise SystemExit(f"project {pid}: {response.status_code} {errors}")
        sql_time = sum(float(q["time"]) for q in queries.captured_queries)
        print(f"project {pid}: {wall * 1000:.0f} ms, {len(queries)} statements, {sql_time * 1000:.0f} ms in SQL")
        for query in queries.captured_queries:
            shape = SHAPE.sub("?", query["sql"])[:160]
            shapes[shape][0] += 1
            shapes[shape][1] += float(query["time"])

    print("\nstatements by shape (count, total ms), slowest first:")
    for shape, (count, seconds) in sorted(shapes.items(), key=lambda item: -item[1][1])[:20]:
        print(f"{count:4d} {seconds * 1000:8.1f}  {shape}")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats("/apps/|/keyprojects/", args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
