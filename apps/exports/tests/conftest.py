"""On top of the shared `world` (see the root conftest): a fourth project (甲区, industry)
with 2026 plans, and an open October 2026 period with reports whose totals are worked out
by hand in the tests."""

import datetime
from decimal import Decimal

import pytest

from apps.reporting.models import MonthlyReport, PeriodStatus, ReportingPeriod, ReportStatus
from tests import factories as f

YEAR, MONTH = 2026, 10


@pytest.fixture
def city(world):
    world.p_d = f.ProjectFactory(
        name="甲区产业园",
        region=world.county_a,
        owner_unit=world.owner,
        category="industry",
        total_investment=Decimal("2500.5"),
        location="甲区东郊",
    )
    f.AnnualPlanFactory(project=world.p_a, year=YEAR, planned_investment=Decimal("3000"))
    f.AnnualPlanFactory(project=world.p_d, year=YEAR, planned_investment=Decimal("800.25"))
    f.AnnualPlanFactory(project=world.p_d, year=YEAR + 1, planned_investment=Decimal("999"))
    return world


def report(project, year, month, amount, status=ReportStatus.SUBMITTED, **fields):
    return MonthlyReport.objects.create(
        project=project, year=year, month=month, completed_investment=Decimal(amount), status=status, **fields
    )


@pytest.fixture
def period(city):
    """October 2026, open. p_a: 2025-12 70, 2026-08 50 (verified), 2026-09 100, 2026-10 30
    → 上月累计 150, 本月 30, 1-10月 180, 开工以来 250. p_b has only a draft (not counted),
    p_c a returned one (not counted), p_d nothing."""
    open_period = ReportingPeriod.objects.create(
        year=YEAR, month=MONTH, deadline=datetime.date(YEAR, MONTH, 25), status=PeriodStatus.OPEN
    )
    report(city.p_a, 2025, 12, "70")
    report(city.p_a, YEAR, 8, "50", ReportStatus.VERIFIED)
    report(city.p_a, YEAR, 9, "100")
    report(
        city.p_a,
        YEAR,
        MONTH,
        "30",
        physical_progress="主体完工",
        percent_complete=Decimal("40"),
        actual_start_date=datetime.date(2026, 4, 1),
        problems="=征地未完成",
        next_steps="协调自然资源局",
    )
    report(city.p_b, YEAR, MONTH, "999", ReportStatus.DRAFT)
    report(city.p_c, YEAR, MONTH, "5", ReportStatus.RETURNED, returned_reason="数据有误")
    return open_period
