"""Demo funding and bond programme for the demo city (called by apps.projects.demo.generate_demo).

Deterministic from the seed and anchored on `today`; bulk-written without change records (an
initial load, like the rest of the demo); only for demo-sized sets. What it writes:

- the city's 市财政局 registered as the finance side, with a demo user `finance`;
- funding records (FAI-form rows, planned and arrived, consistent with the form's checks) for
  this year on the projects under construction, arrivals set against completed investment so
  that some are 正常, some 偏离, some 严重偏离; gaps, PPP and REITs flags on a few;
- disbursements of government money on the government-invested ones;
- upper-level applications (向上争取) at every step, this year and last (for 同比);
- a special-bond programme: bond projects (most of them infrastructure) with 一案两书,
  reviews county → city → province on both sides (one returned, two drafts), 双入库, quotas,
  two issues, allocations, monthly spending at different paces — one project failing for six
  months in a row (预警) and one just behind (不达标) — and one 用途调整 awaiting approval.
"""

import dataclasses
import datetime
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from apps.accounts.models import Role, User
from apps.projects.models import Category, InvestorType, Project, Stage
from apps.regions.models import Organisation, OrganisationKind
from apps.reporting.models import CompletedInvestmentYear

from .models import ApplicationStatus, Disbursement, FinanceOffice, FundingApplication, FundingRecord, Programme

DEMO_RECORDS = 40
DEMO_MAX_PROJECTS = 5000
PDF = b"%PDF-1.4\n% KeyProjects demo document\n"


@dataclasses.dataclass
class FundingSummary:
    records: int = 0
    disbursements: int = 0
    applications: int = 0
    bond_projects: int = 0
    issues: int = 0
    allocations: int = 0


def _wan(value) -> Decimal:
    return Decimal(int(value) // 100 * 100)


def generate_funding(*, seed: int, today: datetime.date, password: str) -> FundingSummary:
    rng = random.Random(f"{seed}:funding")
    summary = FundingSummary()
    finance = Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT, name__contains="财政").first()
    if finance is None:
        return summary
    FinanceOffice.objects.get_or_create(organisation=finance)
    finance_user = _user(finance, password)
    projects = list(
        Project.objects.filter(stage=Stage.UNDER_CONSTRUCTION).select_related("region").order_by("pk")[:DEMO_RECORDS]
    )
    _records(rng, projects, today, summary)
    _disbursements(rng, projects, today, finance_user, summary)
    _applications(rng, projects, today, summary)
    from apps.bonds.demo import generate_bonds

    generate_bonds(rng=rng, today=today, finance_user=finance_user, pdf=PDF, summary=summary)
    return summary


def _user(finance: Organisation, password: str) -> User:
    user = User.objects.filter(username="finance").first()
    if user is not None:
        return user
    hashed = User.objects.filter(email="admin@demo.example.cn").values_list("password", flat=True).first()
    return User.objects.create(
        username="finance",
        role=Role.DEPARTMENT_USER,
        first_name="钱进",
        organisation=finance,
        email="finance@demo.example.cn",
        password=hashed or make_password(password),
    )


def _completed(projects, year: int) -> dict[int, Decimal]:
    rows = CompletedInvestmentYear.objects.filter(project__in=projects, year=year)
    return {row.project_id: sum((getattr(row, f"m{m}") for m in range(1, 13)), Decimal(0)) for row in rows}


def _records(rng, projects, today, summary) -> None:
    completed = _completed(projects, today.year)
    records = []
    for index, project in enumerate(projects):
        done = completed.get(project.pk) or _wan(project.total_investment * Decimal("0.2"))
        # Arrived against completed: most close (正常), some 偏离, a few 严重偏离.
        factor = [Decimal("0.95"), Decimal("1.05"), Decimal("0.9"), Decimal("0.7"), Decimal("0.4")][index % 5]
        arrived = _wan(done * factor) or Decimal(100)
        planned = max(_wan(project.total_investment * Decimal("0.3")), arrived)
        record = FundingRecord(project=project, year=today.year)
        government = project.investor_type == InvestorType.GOVERNMENT
        for side, total in (("planned", planned), ("arrived", arrived)):
            state = _wan(total * Decimal("0.6")) if government else _wan(total * Decimal("0.1"))
            central = _wan(state * Decimal("0.3"))
            loans = _wan(total * Decimal("0.2"))
            self_raised = total - state - loans
            values = {
                "total": total,
                "state_budget": state,
                "central": central,
                "central_budget_investment": _wan(central * Decimal("0.6")),
                "ultra_long_bonds": central - _wan(central * Decimal("0.6")),
                "provincial_fiscal": _wan(state * Decimal("0.1")),
                "local_fiscal": _wan(state * Decimal("0.2")),
                "special_bonds": state - central - _wan(state * Decimal("0.1")) - _wan(state * Decimal("0.2")),
                "domestic_loans": loans,
                "self_raised": self_raised,
            }
            for code, value in values.items():
                setattr(record, f"{side}_{code}", value)
        if index % 7 == 3:
            record.gap = _wan(planned * Decimal("0.15"))
            record.gap_arranged = index % 14 == 3
            record.gap_note = "已与国家开发银行对接政策性贷款" if record.gap_arranged else ""
        record.is_ppp = index % 11 == 5
        record.ppp_mode = "BOT" if record.is_ppp else ""
        record.reits_candidate = index % 9 == 4 and project.category == Category.INFRASTRUCTURE
        records.append(record)
    FundingRecord.objects.bulk_create(records)
    summary.records = len(records)


def _disbursements(rng, projects, today, finance_user, summary) -> None:
    items = []
    for index, project in enumerate(p for p in projects if p.investor_type == InvestorType.GOVERNMENT):
        released = _wan(project.total_investment * Decimal("0.05")) or Decimal(100)
        # Paid shares from fast to slow: some lag behind the time elapsed in the year.
        paid = _wan(released * [Decimal("0.9"), Decimal("0.7"), Decimal("0.3")][index % 3])
        first = today.replace(month=max(1, today.month - 5), day=10)
        for source, share in (("local_fiscal", Decimal("0.6")), ("central_budget_investment", Decimal("0.4"))):
            items.append(
                Disbursement(
                    project=project,
                    source=source,
                    on_date=first,
                    released=_wan(released * share),
                    paid=_wan(paid * share),
                    note="示范数据",
                    entered_by=finance_user,
                )
            )
    Disbursement.objects.bulk_create(items)
    summary.disbursements = len(items)


def _applications(rng, projects, today, summary) -> None:
    departments = {
        org.name: org for org in Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT, region__level="city")
    }
    ndrc = next((org for name, org in departments.items() if "发展和改革" in name), None)
    finance = next((org for name, org in departments.items() if "财政" in name), None)
    if ndrc is None or finance is None:
        return
    plan = [
        (Programme.CENTRAL_BUDGET, ApplicationStatus.SPENT, ndrc, 0),
        (Programme.CENTRAL_BUDGET, ApplicationStatus.RELEASED, ndrc, 0),
        (Programme.ULTRA_LONG_BONDS, ApplicationStatus.RELEASED, ndrc, 0),
        (Programme.ULTRA_LONG_BONDS, ApplicationStatus.APPROVED, ndrc, 0),
        (Programme.MINISTRY_FUNDS, ApplicationStatus.SUBMITTED, finance, 0),
        (Programme.PROVINCIAL_FUNDS, ApplicationStatus.REJECTED, finance, 0),
        (Programme.PROVINCIAL_FUNDS, ApplicationStatus.PREPARED, finance, 0),
        (Programme.CENTRAL_BUDGET, ApplicationStatus.SPENT, ndrc, 1),
        (Programme.ULTRA_LONG_BONDS, ApplicationStatus.SPENT, ndrc, 1),
        (Programme.MINISTRY_FUNDS, ApplicationStatus.RELEASED, finance, 1),
    ]
    items = []
    for index, ((programme, status, department, years_back), project) in enumerate(zip(plan, projects, strict=False)):
        year = today.year - years_back
        requested = _wan(project.total_investment * Decimal("0.1")) or Decimal(500)
        step = datetime.date(year, 1, 1)
        application = FundingApplication(
            project=project,
            programme=programme,
            year=year,
            batch=f"{year}年第{index % 3 + 1}批",
            responsible_department=department,
            deadline=datetime.date(year, 3, 31),
            status=status,
            requested=requested,
        )
        order = list(ApplicationStatus)
        reached = order.index(status)
        if reached >= order.index(ApplicationStatus.SUBMITTED):
            application.submitted_on = step + datetime.timedelta(days=60)
        if status in (ApplicationStatus.APPROVED, ApplicationStatus.RELEASED, ApplicationStatus.SPENT):
            application.approved = _wan(requested * Decimal("0.8"))
            application.decided_on = step + datetime.timedelta(days=120)
            application.document_number = f"发改投资〔{year}〕{100 + index}号"
        if status == ApplicationStatus.REJECTED:
            application.decided_on = step + datetime.timedelta(days=120)
        if status in (ApplicationStatus.RELEASED, ApplicationStatus.SPENT):
            application.released = application.approved
            application.released_on = min(step + datetime.timedelta(days=150 + index * 5), today)
        if status == ApplicationStatus.SPENT:
            application.spent = _wan(application.released * Decimal("0.9"))
        items.append(application)
    FundingApplication.objects.bulk_create(items)
    summary.applications = len(items)


def wipe_demo() -> None:
    """Delete the funding and bond rows (tests re-seed; users and projects are protected by them)."""
    from apps.bonds.models import (
        BondAllocation,
        BondIssue,
        BondProject,
        BondQuota,
        BondRepayment,
        BondSpending,
        UseAdjustment,
    )

    BondRepayment.objects.all().delete()
    UseAdjustment.objects.all().delete()
    BondSpending.objects.all().delete()
    BondAllocation.objects.all().delete()
    BondIssue.objects.all().delete()
    BondQuota.objects.all().delete()
    BondProject.objects.all().delete()
    Disbursement.objects.all().delete()
    FundingApplication.objects.all().delete()
    FundingRecord.objects.all().delete()
    FinanceOffice.objects.all().delete()
