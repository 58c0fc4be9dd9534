"""Reserve tests on the shared `world`: today frozen at 2026-12-01."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.accounts.models import Role
from apps.reserve.models import ReserveProject, ReviewStatus

TODAY = datetime.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    real_localdate = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real_localdate(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return TODAY


def make(world, *, region, proposer, status=ReviewStatus.SUBMITTED, **fields):
    values = {
        "name": "谋划项目",
        "planning_source": "department",
        "category": "industry",
        "estimated_investment": Decimal("10000"),
        "proposed_on": datetime.date(2026, 6, 1),
        "created_by": world.users[Role.CITY_ADMIN],
        **fields,
    }
    return ReserveProject.objects.create(region=region, proposer=proposer, status=status, **values)


@pytest.fixture
def items(world):
    """r_a: county A, proposed by the world's department; r_b: county B, the department too;
    r_c: county B, the other department."""
    return {
        "r_a": make(world, region=world.county_a, proposer=world.dept, name="甲区智慧物流园"),
        "r_b": make(world, region=world.county_b, proposer=world.dept, name="乙县高速连接线"),
        "r_c": make(world, region=world.county_b, proposer=world.other_dept, name="乙县水库"),
    }
