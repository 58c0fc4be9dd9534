"""Fixtures of the reporting tests, on top of the shared `world` (see the root conftest):
an open period (October 2026) and a helper that writes reports directly, for setting up
data without going through the workflow under test."""

import datetime
from decimal import Decimal

import pytest

from apps.accounts.models import Role
from apps.reporting.models import MonthlyReport, PeriodStatus, ReportingPeriod, ReportStatus

YEAR, MONTH = 2026, 10


@pytest.fixture
def period(world):
    return ReportingPeriod.objects.create(
        year=YEAR, month=MONTH, deadline=datetime.date(YEAR, MONTH, 25), status=PeriodStatus.OPEN
    )


def make_report(project, *, year=YEAR, month=MONTH, amount="100", status=ReportStatus.SUBMITTED, **fields):
    return MonthlyReport.objects.create(
        project=project, year=year, month=month, completed_investment=Decimal(amount), status=status, **fields
    )


@pytest.fixture
def users(world):
    return world.users


@pytest.fixture
def admin(world):
    return world.users[Role.CITY_ADMIN]


@pytest.fixture
def county(world):
    return world.users[Role.COUNTY_USER]


@pytest.fixture
def owner(world):
    return world.users[Role.OWNER_REPORTER]


@pytest.fixture
def dept(world):
    return world.users[Role.DEPARTMENT_USER]
