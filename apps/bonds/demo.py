"""Demo special-bond programme (called by apps.funding.demo.generate_funding; see there)."""

import datetime
from decimal import Decimal

from apps.projects.models import Category, InvestorType, Project, Stage
from apps.regions.models import Region, RegionLevel

from .models import (
    AdjustmentReason,
    BondAllocation,
    BondDocument,
    BondIssue,
    BondProject,
    BondProjectStatus,
    BondQuota,
    BondReview,
    BondSpending,
    DocumentKind,
    PoolResult,
    ReviewLevel,
    ReviewResult,
    ReviewSide,
    UseAdjustment,
)
from .rules import add_months

DEMO_BOND_PROJECTS = 18
FIELDS = ["transport", "municipal_parks", "ecology", "agriculture_water", "social", "affordable_housing"]
# Cumulative share spent (%) after m whole months, by profile.
PROFILES = {
    "fast": lambda m: min(100, 13 * m),
    "on_pace": lambda m: min(100, 9 * m),
    "behind": lambda m: min(45, 9 * m),  # stalls at 45%: fails from month 6 on (不达标)
    "failing": lambda m: 5 * m,  # fails from month 3 on: six months by month 8 (预警)
    "slow_start": lambda m: 20 if m >= 1 else 0,  # 20% at month 3: fails the 25% milestone
}


def _wan(value) -> Decimal:
    return Decimal(int(value) // 100 * 100)


def generate_bonds(*, rng, today: datetime.date, finance_user, pdf: bytes, summary) -> None:
    from apps.lights.objects import switch_on_presets

    from .lights import PRESETS

    # The city follows the Shanxi milestones (evaluated with the other lights by apps/lights/demo).
    switch_on_presets([preset for preset in PRESETS if preset["code"] == "shanxi-2022-bond-pace"])
    year = today.year
    city = Region.objects.filter(level=RegionLevel.CITY, children__project__isnull=False).distinct().first()
    if city is None:
        return
    candidates = list(
        Project.objects.filter(
            investor_type=InvestorType.GOVERNMENT,
            stage__in=(Stage.UNDER_CONSTRUCTION, Stage.PRELIMINARY),
            region__code__startswith=city.code_prefix,
            total_investment__gte=5000,
        )
        .select_related("region")
        .order_by("-category", "pk")
    )
    infrastructure = [p for p in candidates if p.category == Category.INFRASTRUCTURE]
    others = [p for p in candidates if p.category != Category.INFRASTRUCTURE]
    chosen = (infrastructure[:13] + others[:5])[:DEMO_BOND_PROJECTS]
    bonds = []
    for index, project in enumerate(chosen):
        total = project.total_investment
        bond_amount = _wan(total * Decimal("0.4"))
        capital = _wan(total * Decimal("0.2"))
        debt_service = _wan(bond_amount * Decimal("1.5"))
        status = BondProjectStatus.SUBMITTED
        if index in (16, 17):
            status = BondProjectStatus.DRAFT
        elif index == 15:
            status = BondProjectStatus.RETURNED
        bonds.append(
            BondProject(
                project=project,
                year=year,
                field=FIELDS[index % len(FIELDS)] if project.category == Category.INFRASTRUCTURE else "other",
                revenue_source=["通行费收入", "停车及充电收入", "污水处理费", "租金收入"][index % 4],
                total_investment=total,
                capital_excl_bonds=capital,
                bond_amount=bond_amount,
                bonds_as_capital=_wan(bond_amount * Decimal("0.15")) if index % 3 == 0 else Decimal(0),
                other_debt=total - capital - bond_amount,
                other_debt_source="银行贷款",
                construction_start=datetime.date(year, 3, 1),
                construction_end=datetime.date(year + 2, 6, 30),
                operation_start_year=year + 2,
                operation_end_year=year + 31,
                expected_income=_wan(debt_service * Decimal("1.6")) + _wan(bond_amount * Decimal("0.3")),
                expected_cost=_wan(bond_amount * Decimal("0.3")),
                debt_service=debt_service,
                accounting_firm="示范会计师事务所",
                law_firm="示范律师事务所",
                status=status,
                round=0 if status == BondProjectStatus.DRAFT else 1,
                submitted_on=None if status == BondProjectStatus.DRAFT else datetime.date(year, 1, 20),
            )
        )
    BondProject.objects.bulk_create(bonds)
    documents = [
        BondDocument(
            bond_project=bond,
            kind=kind,
            filename=f"{bond.project.name[:40]}-{DocumentKind(kind).label}.pdf",
            size=len(pdf),
            content=pdf,
            uploaded_by=finance_user,
        )
        for bond in bonds
        for kind in DocumentKind.values
        if bond.status != BondProjectStatus.DRAFT or kind == DocumentKind.PLAN
    ]
    BondDocument.objects.bulk_create(documents)
    _reviews(bonds, year, finance_user)
    submitted = [bond for bond in bonds if bond.status == BondProjectStatus.SUBMITTED]
    _quotas(city, year, submitted)
    _issues(city, today, submitted, finance_user, summary)
    summary.bond_projects = len(bonds)


def _reviews(bonds, year, user) -> None:
    reviews, pooled = [], []
    for index, bond in enumerate(bonds):
        if bond.status == BondProjectStatus.DRAFT:
            continue
        levels = ([ReviewLevel.COUNTY] if bond.project.region.level == RegionLevel.COUNTY else []) + [
            ReviewLevel.CITY,
            ReviewLevel.PROVINCE,
        ]
        if bond.status == BondProjectStatus.RETURNED:
            reach, returned = 1, True
        else:
            # 11 of 15 passed the province on both sides; the rest wait at the city or the province.
            reach, returned = (len(levels) if index < 11 else len(levels) - 1), False
        for side in (ReviewSide.NDRC, ReviewSide.FINANCE):
            for step, level in enumerate(levels[:reach]):
                last = step == reach - 1
                result = ReviewResult.RETURNED if returned and last and side == ReviewSide.NDRC else ReviewResult.PASSED
                if returned and last and side == ReviewSide.FINANCE:
                    continue
                reviews.append(
                    BondReview(
                        bond_project=bond,
                        round=1,
                        level=level,
                        side=side,
                        result=result,
                        reviewed_on=datetime.date(year, 2, 1) + datetime.timedelta(days=20 * step),
                        opinion="收益测算依据不足，请补充" if result == ReviewResult.RETURNED else "",
                        recorded_by=user,
                    )
                )
        if index < 10:
            bond.ndrc_pool, bond.ndrc_pool_on = PoolResult.IN, datetime.date(year, 3, 20)
            bond.mof_pool, bond.mof_pool_on = PoolResult.IN, datetime.date(year, 3, 25)
            pooled.append(bond)
        elif index == 10:
            bond.ndrc_pool, bond.ndrc_pool_on = PoolResult.IN, datetime.date(year, 3, 20)
            pooled.append(bond)
    BondReview.objects.bulk_create(reviews)
    BondProject.objects.bulk_update(pooled, ["ndrc_pool", "ndrc_pool_on", "mof_pool", "mof_pool_on"])


def _quotas(city, year, submitted) -> None:
    by_county: dict = {}
    for bond in submitted:
        by_county.setdefault(bond.project.region, Decimal(0))
        by_county[bond.project.region] += bond.bond_amount
    quotas = [
        BondQuota(
            region=city,
            year=year,
            amount=_wan(sum(by_county.values()) * Decimal("0.8")),
            document_number=f"示财债〔{year}〕8号",
            allocated_on=datetime.date(year, 2, 28),
        )
    ]
    quotas += [
        BondQuota(
            region=region,
            year=year,
            amount=_wan(amount * Decimal("0.7")),
            document_number=f"示财债〔{year}〕9号",
            allocated_on=datetime.date(year, 3, 5),
        )
        for region, amount in sorted(by_county.items(), key=lambda item: item[0].code)
        if region != city
    ]
    BondQuota.objects.bulk_create(quotas)


def _repayments_paid(allocations, today: datetime.date, user) -> None:
    """The interest already due, paid on the day, except one batch paid short (with its
    reason) and one not yet entered (到期未录入支付)."""
    from apps.bonds.models import BondRepayment

    rows = []
    for position, allocation in enumerate(allocations):
        for payment in allocation.schedule():
            if payment.due > today or position == 3:
                continue
            short = position == 2
            rows.append(
                BondRepayment(
                    allocation=allocation,
                    due_date=payment.due,
                    kind=payment.kind,
                    scheduled=payment.amount,
                    paid_on=payment.due + datetime.timedelta(days=3 if short else 0),
                    amount=(payment.amount * Decimal("0.9")).quantize(Decimal("0.01")) if short else payment.amount,
                    note="项目收益暂未到账，差额由县级财政在下月补足" if short else "",
                    entered_by=user,
                )
            )
    BondRepayment.objects.bulk_create(rows)


def _issue_date(today: datetime.date, months_back: int) -> datetime.date:
    day = add_months(today.replace(day=1), -months_back) + datetime.timedelta(days=9)
    return max(day, datetime.date(today.year, 1, 10))


def _issues(city, today, submitted, user, summary) -> None:
    pooled = [bond for bond in submitted if bond.mof_pool == PoolResult.IN]
    first_batch, second_batch = pooled[:6], pooled[6:10]
    plans = [
        (1, 8, first_batch, ["fast", "on_pace", "failing", "behind", "on_pace", "fast"]),
        (2, 4, second_batch, ["fast", "on_pace", "slow_start", "on_pace"]),
    ]
    allocations, spendings = [], []
    for number, months_back, batch, profiles in plans:
        if not batch:
            continue
        issued = _issue_date(today, months_back)
        amounts = [_wan(bond.bond_amount * Decimal("0.8")) for bond in batch]
        issue = BondIssue.objects.create(
            name=f"{today.year}年示范省政府专项债券（{'一二三四'[number - 1]}期）",
            batch=f"第{number}批",
            code=f"{today.year % 100}示范专项{number:02d}",
            region=city.parent or city,
            issued_on=issued,
            value_date=issued,
            amount=sum(amounts, Decimal(0)) + Decimal(10000),
            term_years=20 if number == 1 else 15,
            rate=Decimal("2.25") if number == 1 else Decimal("2.08"),
            interest_frequency=2,
            maturity_date=add_months(issued, 12 * (20 if number == 1 else 15)),
        )
        summary.issues += 1
        for bond, amount, profile in zip(batch, amounts, profiles, strict=False):
            allocation = BondAllocation(
                issue=issue,
                bond_project=bond,
                amount=amount,
                as_capital=min(bond.bonds_as_capital, amount),
                allocated_on=issued + datetime.timedelta(days=7),
            )
            allocations.append(allocation)
            year, month = issued.year, issued.month
            months = 0
            while (year, month) <= (today.year, today.month):
                share = Decimal(PROFILES[profile](months))
                spendings.append((allocation, year, month, _wan(amount * share / 100)))
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
                months += 1
    BondAllocation.objects.bulk_create(allocations)
    BondSpending.objects.bulk_create(
        [
            BondSpending(allocation=allocation, year=year, month=month, cumulative=cumulative, entered_by=user)
            for allocation, year, month, cumulative in spendings
        ]
    )
    summary.allocations = len(allocations)
    _repayments_paid(allocations, today, user)
    # One 用途调整 awaiting approval: part of the stalled project's money to a pooled project without an issue yet.
    behind = next((a for a in allocations if a.bond_project == first_batch[3]), None) if len(first_batch) > 3 else None
    target = next((bond for bond in submitted if bond not in first_batch + second_batch), None)
    if behind is not None and target is not None:
        UseAdjustment.objects.create(
            allocation=behind,
            amount=_wan(behind.amount * Decimal("0.2")),
            reason=AdjustmentReason.PROJECT_CHANGED,
            explanation="项目建设规模调减，部分债券资金需求取消",
            to_bond_project=target,
            requested_by=user,
            requested_on=today,
        )
