"""Fixtures of the funding tests on top of the shared `world`: the city's finance bureau
(市财政局, a department registered as the finance side) with one department user, and
today frozen at TODAY so paces and deviations can be worked out by hand."""

import datetime

import pytest
from django.utils import timezone

from apps.accounts.models import Role
from apps.funding.models import FinanceOffice
from tests import factories as f

TODAY = datetime.date(2026, 7, 2)  # day 183 of 365: 50.14% of the year


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    real_localdate = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real_localdate(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return TODAY


@pytest.fixture
def finance(world):
    """The city's 财政局 and its user; a county finance bureau of county B and its user."""
    bureau = f.DepartmentFactory(name="市财政局", region=world.city)
    FinanceOffice.objects.create(organisation=bureau)
    county_bureau = f.DepartmentFactory(name="乙县财政局", region=world.county_b)
    FinanceOffice.objects.create(organisation=county_bureau)
    return {
        "city": f.UserFactory(username="finance", role=Role.DEPARTMENT_USER, organisation=bureau),
        "county_b": f.UserFactory(username="finance_b", role=Role.DEPARTMENT_USER, organisation=county_bureau),
        "bureau": bureau,
    }
