"""Fixtures of the attraction tests, on top of the shared `world` (see the root conftest).

Today is frozen at TODAY (2026-12-01, a Tuesday) through `timezone.localdate`. The world's
department (市交通运输局) plays no part; 市招商局 (`bureau`) is the attraction unit of
lead_a (landing in county A) and lead_b (county B); lead_c (county B) is worked by 乙县招商中心.
"""

import pytest
from django.utils import timezone

from apps.accounts.models import Role
from tests import factories as f

from .factories import TODAY, LeadFactory


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    real_localdate = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real_localdate(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return TODAY


@pytest.fixture
def bureau(world):
    return f.DepartmentFactory(name="市招商局", region=world.city)


@pytest.fixture
def county_b_bureau(world):
    return f.DepartmentFactory(name="乙县招商中心", region=world.county_b)


@pytest.fixture
def bureau_user(bureau):
    return f.UserFactory(username="zhaoshang", role=Role.DEPARTMENT_USER, organisation=bureau)


@pytest.fixture
def leads(world, bureau, county_b_bureau):
    admin = world.users[Role.CITY_ADMIN]
    return {
        "lead_a": LeadFactory(region=world.county_a, attraction_unit=bureau, created_by=admin),
        "lead_b": LeadFactory(region=world.county_b, attraction_unit=bureau, created_by=admin),
        "lead_c": LeadFactory(region=world.county_b, attraction_unit=county_b_bureau, created_by=admin),
    }
