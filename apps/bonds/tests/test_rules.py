"""The special-bond checks worked out by hand, at each boundary."""

import datetime
from decimal import Decimal as D

import pytest

from apps.bonds import rules
from apps.bonds.models import NegativeCategory, months_between


@pytest.mark.parametrize("category", [c for c in NegativeCategory if c != NegativeCategory.NONE])
def test_every_negative_category_is_refused(category):
    check = rules.negative_list_check(category=category, expected_income=D(1000))
    assert not check.passed and str(category.label) in check.detail


def test_no_income_counts_as_no_revenue_project():
    assert not rules.negative_list_check(category="none", expected_income=D(0)).passed
    assert rules.negative_list_check(category="none", expected_income=D("0.01")).passed


def test_balance():
    assert rules.balance_check(
        total=D(10000), capital_excl_bonds=D(2000), bond_amount=D(7000), other_debt=D(1000)
    ).passed
    assert not rules.balance_check(
        total=D(10000), capital_excl_bonds=D(2000), bond_amount=D(7000), other_debt=D(999)
    ).passed


def test_capital_cap_at_thirty_percent():
    # Province so far: 900 of 4000 as capital. This project: 300 of 1000 → 1200 / 5000 = 24%.
    assert rules.capital_cap_check(
        bonds_as_capital=D(300), bond_amount=D(1000), province_as_capital=D(900), province_bonds=D(4000)
    ).passed
    # 1200 + 300 = 1500 of 5000 = 30%: exactly the cap passes.
    assert rules.capital_cap_check(
        bonds_as_capital=D(300), bond_amount=D(1000), province_as_capital=D(1200), province_bonds=D(4000)
    ).passed
    # 1201 + 300 = 1501 of 5000 = 30.02%: refused.
    check = rules.capital_cap_check(
        bonds_as_capital=D(300), bond_amount=D(1000), province_as_capital=D(1201), province_bonds=D(4000)
    )
    assert not check.passed and "30.02" in check.detail
    # More capital than bonds is refused whatever the province does.
    assert not rules.capital_cap_check(
        bonds_as_capital=D(1001), bond_amount=D(1000), province_as_capital=D(0), province_bonds=D(100000)
    ).passed


def test_capital_cap_is_a_setting(settings):
    settings.BOND_CAPITAL_CAP_PERCENT = 25
    assert not rules.capital_cap_check(
        bonds_as_capital=D(300), bond_amount=D(1000), province_as_capital=D(1200), province_bonds=D(4000)
    ).passed


def test_coverage_at_the_threshold():
    # (income 5000 − cost 1400) / debt service 3000 = 1.20: passes 1.2; 2999 of income more cost → 1.19 fails.
    assert rules.coverage(income=D(5000), cost=D(1400), debt_service=D(3000)) == D("1.20")
    assert rules.coverage_check(income=D(5000), cost=D(1400), debt_service=D(3000), province_code="61").passed
    assert not rules.coverage_check(income=D(5000), cost=D(1430), debt_service=D(3000), province_code="61").passed


def test_minimum_coverage_by_province(settings):
    settings.BOND_MIN_COVERAGE = {"default": "1.2", "33": "1.1"}
    # (4700 − 1400) / 3000 = 1.10
    assert rules.coverage_check(income=D(4700), cost=D(1400), debt_service=D(3000), province_code="330100").passed
    assert not rules.coverage_check(income=D(4700), cost=D(1400), debt_service=D(3000), province_code="610300").passed


def test_stress_test():
    # income 5000 → 4500, cost 1400 → 1540: (4500 − 1540) / 2960 = 1.00 passes at ≥ 1.0.
    assert rules.stress_check(income=D(5000), cost=D(1400), debt_service=D(2960)).passed
    # debt service 2961: 2960 / 2961 = 0.9997 shows as 1.00 but is below 1.0: refused.
    rounded = rules.stress_check(income=D(5000), cost=D(1400), debt_service=D(2961))
    assert not rounded.passed and "1.00" in rounded.detail
    # debt service 2990: 2960 / 2990 = 0.99 → refused.
    check = rules.stress_check(income=D(5000), cost=D(1400), debt_service=D(2990))
    assert not check.passed and "0.99" in check.detail
    # A project passing coverage (1.20 at 3000) can fail the stress test: 2960 / 3000 = 0.99.
    assert rules.coverage_check(income=D(5000), cost=D(1400), debt_service=D(3000), province_code=None).passed
    assert not rules.stress_check(income=D(5000), cost=D(1400), debt_service=D(3000)).passed


def test_documents_and_periods():
    assert not rules.documents_check(kinds_present={"plan", "legal"}).passed
    assert rules.documents_check(kinds_present={"plan", "legal", "financial"}).passed
    ok = dict(construction_start=datetime.date(2026, 3, 1), construction_end=datetime.date(2027, 10, 31))
    assert rules.periods_check(**ok, operation_start=2027, operation_end=2056).passed
    assert not rules.periods_check(**ok, operation_start=2026, operation_end=2056).passed


@pytest.mark.parametrize(
    ("months", "required"),
    [(0, None), (2, None), (3, 25), (5, 25), (6, 50), (8, 50), (9, 75), (11, 75), (12, 100), (20, 100)],
)
def test_required_pace_by_months(months, required):
    assert rules.required_pace(months) == (D(required) if required is not None else None)


@pytest.mark.parametrize(
    ("months", "spent", "status"),
    [
        (2, 0, "not_due"),
        (3, 250, "ok"),  # exactly 25% of 1000
        (3, "249.99", "failing"),
        (6, 500, "ok"),
        (6, "499.99", "failing"),
        (9, 750, "ok"),
        (9, "749.99", "failing"),
        (12, 1000, "ok"),
        (12, "999.99", "failing"),
        (5, 250, "ok"),  # between milestones the earlier one holds
    ],
)
def test_pace_at_each_threshold(months, spent, status):
    assert rules.pace_status(spent=D(spent), base=D(1000), months_elapsed=months).status == status


def test_pace_is_not_rounded_into_passing():
    # 249.96 / 1000 = 24.996% shows as 25.00% but is below 25%.
    result = rules.pace_status(spent=D("249.96"), base=D(1000), months_elapsed=3)
    assert result.ratio == D("25.00") and result.status == "failing"


def test_recovery_after_the_last_milestone():
    assert rules.pace_status(spent=D(999), base=D(1000), months_elapsed=13).to_recover
    assert not rules.pace_status(spent=D(999), base=D(1000), months_elapsed=12).to_recover


def test_pace_milestones_are_a_setting(settings):
    settings.BOND_PACE_MILESTONES = ((6, 100),)  # a 6-month window
    assert rules.required_pace(5) is None and rules.required_pace(6) == D(100)


def test_six_consecutive_months():
    f, o = "failing", "ok"
    assert rules.consecutive_failing([o, f, f, f, f, f, f]) == 6
    assert rules.is_warning([o, f, f, f, f, f, f])
    assert not rules.is_warning([f, f, f, f, f, o])
    assert not rules.is_warning([f, f, f, o, f, f, f, f, f])  # 5 in a row after a pass
    assert rules.is_warning([f, f, f, o, f, f, f, f, f, f])


def test_months_between():
    assert months_between(datetime.date(2026, 3, 15), 2026, 6) == 3
    assert months_between(datetime.date(2025, 11, 30), 2026, 2) == 3


def test_repayment_schedule_semiannual():
    schedule = rules.repayment_schedule(
        amount=D(10000),
        rate=D("2.25"),
        frequency=2,
        value_date=datetime.date(2026, 3, 31),
        maturity=datetime.date(2028, 3, 31),
    )
    # 10000 × 2.25% ÷ 2 = 112.5 each half year: 2026-09-30, 2027-03-31, 2027-09-30, 2028-03-31; principal at maturity.
    assert [(p.due.isoformat(), p.kind, p.amount) for p in schedule] == [
        ("2026-09-30", "interest", D("112.5")),
        ("2027-03-31", "interest", D("112.5")),
        ("2027-09-30", "interest", D("112.5")),
        ("2028-03-31", "interest", D("112.5")),
        ("2028-03-31", "principal", D(10000)),
    ]
