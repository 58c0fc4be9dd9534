"""Time the funding, bond, attraction and reserve figures on a seeded database (bench/README.md):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp17 .venv/bin/python bench/programme.py --copies 0 20

For each size (the demo's programme, then with COPIES more copies of every bond issue with
its allocations and monthly spending, and of every lead with its stage trail and contract,
all added inside a transaction rolled back at the end: nothing stays), acting as the city
administrator for the last ended month, RUNS timed calls after one warm-up of:

- bond_figures (the speech's and the bulletin's bond figures), pace_lists (the 支出进度 page),
  repayments a year either side with what was paid (the 还本付息 page);
- application_figures (向上争取: 争取到位, 同比);
- lead_figures (招商引资 figures, funnel, lateness of every lead), reserve_figures;
- one evaluation of the bond-pace and lead-deadline light rules for the month;

with the queries each issued (they must not grow with the rows), and as a baseline measured
in the same run ONE hand-written statement summing the allocations and counting the leads, and
each call's ratio to it. The machine's load is printed with the figures.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyprojects.settings")

from lights import QueryCounter  # noqa: E402 (bench/lights.py: the same counter)


class Rollback(Exception):
    pass


def measure(fn, runs: int) -> tuple[float, float, int]:
    """p50 and max in ms of `runs` calls after one warm-up, and the queries of one call."""
    from django.db import connection

    fn()
    times = []
    counter = QueryCounter()
    for index in range(runs):
        if index == 0:
            with connection.execute_wrapper(counter):
                started = time.perf_counter()
                fn()
        else:
            started = time.perf_counter()
            fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times), counter.count


def add_copies(copies: int, finance_user) -> dict:
    """COPIES more of every issue (allocated to the same bond projects, with the same monthly
    spending) and of every lead (stage trail and contract): bulk inserts."""
    from apps.attraction.models import InvestmentLead, LeadContract, LeadStageEvent
    from apps.bonds.models import BondAllocation, BondIssue, BondSpending

    issues = list(BondIssue.objects.all())
    allocations = list(BondAllocation.objects.select_related("issue"))
    spendings = list(BondSpending.objects.all())
    leads = list(InvestmentLead.objects.all())
    events = list(LeadStageEvent.objects.all())
    contracts = {contract.lead_id: contract for contract in LeadContract.objects.all()}
    for copy in range(copies):
        new_issues = {}
        for issue in issues:
            clone = BondIssue(**{f.attname: getattr(issue, f.attname) for f in BondIssue._meta.concrete_fields})
            clone.pk, clone.name = None, f"{issue.name}（压测{copy}）"
            new_issues[issue.pk] = clone
        BondIssue.objects.bulk_create(new_issues.values())
        new_allocations = {}
        for allocation in allocations:
            clone = BondAllocation(
                **{f.attname: getattr(allocation, f.attname) for f in BondAllocation._meta.concrete_fields}
            )
            clone.pk, clone.issue_id = None, new_issues[allocation.issue_id].pk
            new_allocations[allocation.pk] = clone
        BondAllocation.objects.bulk_create(new_allocations.values())
        BondSpending.objects.bulk_create(
            BondSpending(
                allocation_id=new_allocations[s.allocation_id].pk,
                year=s.year,
                month=s.month,
                cumulative=s.cumulative,
                entered_by=finance_user,
            )
            for s in spendings
        )
        new_leads = {}
        for lead in leads:
            clone = InvestmentLead(
                **{f.attname: getattr(lead, f.attname) for f in InvestmentLead._meta.concrete_fields}
            )
            clone.pk, clone.project_id, clone.name = None, None, f"{lead.name}（压测{copy}）"
            new_leads[lead.pk] = clone
        InvestmentLead.objects.bulk_create(new_leads.values())
        LeadStageEvent.objects.bulk_create(
            LeadStageEvent(
                lead_id=new_leads[e.lead_id].pk, stage=e.stage, entered_on=e.entered_on, recorded_by_id=e.recorded_by_id
            )
            for e in events
        )
        LeadContract.objects.bulk_create(
            LeadContract(
                **{
                    **{f.attname: getattr(c, f.attname) for f in LeadContract._meta.concrete_fields},
                    "id": None,
                    "lead_id": new_leads[lead_id].pk,
                }
            )
            for lead_id, c in contracts.items()
        )
    return {
        "allocations": BondAllocation.objects.count(),
        "spendings": BondSpending.objects.count(),
        "leads": InvestmentLead.objects.count(),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, nargs="+", default=[0, 20])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.accounts.models import Role, User
    from apps.attraction import selectors as lead_selectors
    from apps.bonds import selectors as bond_selectors
    from apps.funding import selectors as funding_selectors
    from apps.lights.models import LightRule
    from apps.lights.services import lights_evaluate
    from apps.reserve import selectors as reserve_selectors

    admin = User.objects.filter(role=Role.CITY_ADMIN, is_active=True, region__isnull=False).order_by("pk").first()
    finance_user = User.objects.filter(username="finance").first() or admin
    today = timezone.localdate()
    last = today.replace(day=1) - datetime.timedelta(days=1)
    year, month = last.year, last.month
    rules = list(LightRule.objects.filter(code__in=["shanxi-2022-bond-pace", "attraction-deadlines"]))
    calls = {
        "bond_figures": lambda: bond_selectors.bond_figures(user=admin, year=year, month=month),
        "pace_lists": lambda: bond_selectors.pace_lists(user=admin, year=year, month=month),
        "repayments±1年": lambda: bond_selectors.repayment_summary(
            bond_selectors.repayments(
                user=admin, start=today - datetime.timedelta(days=365), end=today + datetime.timedelta(days=365)
            )
        ),
        "application_figures": lambda: funding_selectors.application_figures(user=admin, year=year),
        "lead_figures": lambda: lead_selectors.lead_figures(user=admin),
        "reserve_figures": lambda: reserve_selectors.reserve_figures(user=admin, year=year),
        "lights(债券+线索)": lambda: lights_evaluate(year=year, month=month, rules=rules, trigger="bench"),
    }

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT SUM(amount) FROM bonds_bondallocation), (SELECT COUNT(*) FROM attraction_investmentlead)"
            )
            return cursor.fetchone()

    print(f"{connection.vendor}, {year}年{month}月, acting as {admin.username}; load average {os.getloadavg()}")
    print("| copies | allocations | spendings | leads | call | p50 ms | max ms | queries | ratio to baseline |")
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|")
    for copies in args.copies:
        try:
            with transaction.atomic():
                sizes = add_copies(copies, finance_user)
                base_p50, _base_max, _base_queries = measure(baseline, args.runs)
                row = f"| {copies} | {sizes['allocations']} | {sizes['spendings']} | {sizes['leads']} "
                print(f"{row}| baseline (one statement) | {base_p50:.1f} | | 1 | 1.0 |")
                for name, fn in calls.items():
                    p50, worst, queries = measure(fn, args.runs)
                    print(f"{row}| {name} | {p50:.1f} | {worst:.1f} | {queries} | {p50 / base_p50:.0f} |")
                raise Rollback
        except Rollback:
            pass
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
