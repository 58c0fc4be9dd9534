"""Fixtures of the bond tests on top of the shared `world` and the funding tests' finance
bureaus (市财政局 covering the city, 乙县财政局 covering county B). Today is frozen at TODAY."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from apps.bonds.models import BondDocument, BondProject

# Re-exported: the finance bureaus and their users.
from apps.funding.tests.conftest import finance  # noqa: F401

TODAY = datetime.date(2026, 11, 15)
PDF = b"%PDF-1.7 test"

GOOD = {
    "field": "transport",
    "revenue_source": "停车收费",
    "total_investment": D(10000),
    "capital_excl_bonds": D(2000),
    "bond_amount": D(7000),
    "bonds_as_capital": D(1000),
    "other_debt": D(1000),
    "construction_start": datetime.date(2026, 3, 1),
    "construction_end": datetime.date(2027, 10, 31),
    "operation_start_year": 2027,
    "operation_end_year": 2056,
    "expected_income": D(20000),
    "expected_cost": D(5000),
    "debt_service": D(10000),
}


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    real_localdate = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real_localdate(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return TODAY


@pytest.fixture
def make_bond_project(world):
    """A bond project passing every check, with its 一案两书; submitted unless told."""

    def make(project, *, year=2026, submitted=True, **overrides):
        bond_project = BondProject.objects.create(project=project, year=year, **{**GOOD, **overrides})
        for kind in ("plan", "financial", "legal"):
            BondDocument.objects.create(
                bond_project=bond_project,
                kind=kind,
                filename=f"{kind}.pdf",
                size=len(PDF),
                content=PDF,
                uploaded_by=world.users["city_admin"],
            )
        if submitted:
            bond_project.status, bond_project.round, bond_project.submitted_on = (
                "submitted",
                1,
                datetime.date(2026, 2, 1),
            )
            bond_project.save()
        return bond_project

    return make
