"""Time a quarter's assessment (apps/assessment) on a seeded database; bench/README.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp15 .venv/bin/python bench/assessment.py --runs 5
    # province scale: seed_demo --projects 100000 writes no scheme; --create-scheme makes the demo's
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp15c .venv/bin/python bench/assessment.py \
        --create-scheme --quarter 3 --runs 3

On the demo city's scheme (seed_demo writes it for demo-sized sets; with --create-scheme, when
the database has none, the same scheme is created in the transaction: the counties' and the
lead departments' indicators): enters the on-site review of the quarter for every county and
department, then computes the quarter once to warm up and `--runs` times (a draft is replaced
each time), with the queries each issued: three months of raw values per county (the
dashboard's indicators_compute per county and month, grouped queries for the rest) and per
department (indicators_compute of the city for the projects it leads, grouped queries for its
problems, approvals and red lights), scores, ranks, traces with their counts and the stored
run. As a baseline measured in the same run: ONE indicators_compute of the whole city for the
quarter's last month (the dashboard's call), and the ratio. Everything runs in a transaction
that is rolled back: the database is left as it was.
"""

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyprojects.settings")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quarter", type=int, default=1)
    parser.add_argument(
        "--create-scheme", action="store_true", help="create the demo scheme (rolled back) when there is none"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone
    from lights import timed

    from apps.accounts.models import Role, User
    from apps.assessment import services
    from apps.assessment.demo import demo_scheme, demo_year
    from apps.assessment.indicators import counties_of, department_read, departments_of, month_read
    from apps.assessment.models import Scheme
    from apps.projects.models import Project
    from apps.statistics.indicators import indicators_compute

    admin = User.objects.filter(role=Role.CITY_ADMIN, is_active=True, region__level="city").order_by("pk").first()
    month = 3 * args.quarter
    with transaction.atomic():
        scheme = Scheme.objects.filter(region=admin.region).order_by("-year").first()
        if scheme is None and args.create_scheme:
            scheme = demo_scheme(city=admin.region, year=demo_year(timezone.localdate()))
        if scheme is None:
            sys.exit("No assessment scheme: run `manage.py seed_demo` first, or pass --create-scheme.")
        counties = counties_of(scheme.region)
        departments = departments_of(scheme.region) if scheme.assesses_departments else []
        print(
            f"{connection.vendor}; {Project.objects.count():,} projects; {len(counties)} counties; "
            f"{len(departments)} lead departments; scheme {scheme.year} ({scheme.get_subjects_display()}) "
            f"with {scheme.indicators.count()} indicators; Q{args.quarter}"
        )
        for county in counties:
            services.quarter_input_set(actor=admin, scheme=scheme, quarter=args.quarter, region=county, review_score=85)
        for department in departments:
            services.quarter_input_set(
                actor=admin, scheme=scheme, quarter=args.quarter, department=department, review_score=85
            )
        compute = lambda: services.run_compute(actor=admin, scheme=scheme, quarter=args.quarter)  # noqa: E731
        baseline = lambda: indicators_compute(user=admin, region=scheme.region, year=scheme.year, month=month)  # noqa: E731
        compute()
        baseline()
        quarters, bases = [], []
        for _ in range(args.runs):
            quarters.append(timed(compute)[:2])
            bases.append(timed(baseline)[:2])
        # Where a quarter's time goes: the raw values (three months) of the counties, then of the
        # departments, each read once more on its own (the rest is scoring and storing).
        keys = {
            subject: [item.key for item in scheme.indicators.all() if item.subject == subject]
            for subject in ("county", "department")
        }
        months = range(month - 2, month + 1)
        parts = {
            "counties": timed(
                lambda: [
                    month_read(user=admin, counties=counties, keys=keys["county"], year=scheme.year, month=m)
                    for m in months
                ]
            )[:2],
            "departments": timed(
                lambda: [
                    department_read(
                        user=admin,
                        city=scheme.region,
                        departments=departments,
                        keys=keys["department"],
                        year=scheme.year,
                        month=m,
                    )
                    for m in months
                ]
            )[:2],
        }
        transaction.set_rollback(True)
    q50 = statistics.median(seconds for seconds, _ in quarters)
    b50 = statistics.median(seconds for seconds, _ in bases)
    print(
        f"quarter assessment: p50 {q50 * 1000:.0f} ms, max {max(s for s, _ in quarters) * 1000:.0f} ms, {quarters[0][1]} queries"
    )
    for name, (seconds, queries) in parts.items():
        print(f"  of which the raw values of the {name} (3 months): {seconds * 1000:.0f} ms, {queries} queries")
    print(f"baseline (one indicators_compute of the city): p50 {b50 * 1000:.0f} ms, {bases[0][1]} queries")
    print(f"ratio: {q50 / b50:.1f}x")


if __name__ == "__main__":
    main()
