"""The funding checks worked out by hand."""

import datetime
from decimal import Decimal as D

import pytest

from apps.funding.rules import disbursement_pace, fai_sum_errors, funding_deviation, time_ratio


def amounts(**values):
    return {key: D(value) for key, value in values.items()}


def test_a_consistent_form_passes():
    # 100 = 60 (state) + 20 loans + 15 self-raised + 0 foreign + 5 other;
    # state 60 ≥ central 30 + provincial 10 + local 5 + special bonds 10 = 55 (5 not itemised);
    # central 30 ≥ 中央预算内投资 20 + 超长期特别国债 10.
    values = amounts(
        total=100,
        state_budget=60,
        central=30,
        central_budget_investment=20,
        ultra_long_bonds=10,
        provincial_fiscal=10,
        local_fiscal=5,
        special_bonds=10,
        domestic_loans=20,
        self_raised=15,
        other=5,
    )
    assert fai_sum_errors(values, side="到位") == []


def test_total_must_equal_its_five_parts():
    values = amounts(total=100, state_budget=60, domestic_loans=20, self_raised=15, other=4)
    errors = fai_sum_errors(values, side="到位")
    assert [e.code for e in errors] == ["total"]
    assert "99" in errors[0].message and "本年实际到位资金" in errors[0].message


def test_total_above_parts_is_also_refused():
    values = amounts(total=100, state_budget=101)
    assert [e.code for e in fai_sum_errors(values, side="计划")] == ["total"]


def test_state_budget_below_its_parts_is_refused_equal_passes():
    base = dict(total=60, state_budget=60, central=30, central_budget_investment=30, provincial_fiscal=30)
    assert fai_sum_errors(amounts(**base), side="到位") == []
    over = {**base, "local_fiscal": D("0.01"), "total": 60}
    assert [e.code for e in fai_sum_errors(amounts(**over), side="到位")] == ["state_budget"]


def test_central_below_its_parts_is_refused():
    values = amounts(total=50, state_budget=50, central=20, central_budget_investment=15, treasury_bonds=6)
    assert [e.code for e in fai_sum_errors(values, side="到位")] == ["central"]


@pytest.mark.parametrize(
    ("completed", "arrived", "ratio", "status"),
    [
        (1000, 800, "20.00", "normal"),  # |1000-800|/1000 = 20% : the boundary is 正常
        (1000, 799, "20.10", "deviated"),
        (1000, 1500, "50.00", "deviated"),  # more money than work counts too
        (1000, 1501, "50.10", "severe"),
        (1000, 0, "100.00", "severe"),
        (0, 300, None, None),  # no completed investment: no base
    ],
)
def test_deviation_thresholds(completed, arrived, ratio, status):
    deviation = funding_deviation(completed=D(completed), arrived=D(arrived))
    assert deviation.ratio == (D(ratio) if ratio else None)
    assert deviation.status == status


def test_deviation_thresholds_are_settings(settings):
    settings.FUNDING_DEVIATION_THRESHOLDS = (10, 30)
    assert funding_deviation(completed=D(100), arrived=D(85)).status == "deviated"
    assert funding_deviation(completed=D(100), arrived=D(69)).status == "severe"


def test_time_ratio():
    assert time_ratio(2026, datetime.date(2026, 7, 2)) == D("50.14")  # 183 / 365
    assert time_ratio(2025, datetime.date(2026, 7, 2)) == D(100)
    assert time_ratio(2027, datetime.date(2026, 7, 2)) == D(0)
    assert time_ratio(2028, datetime.date(2028, 12, 31)) == D(100)  # 366 / 366


def test_disbursement_pace_against_time():
    today = datetime.date(2026, 7, 2)  # 50.14% of the year; tolerance 10 points → 40.14
    on_pace = disbursement_pace(released=D(1000), paid=D("401.4"), year=2026, today=today)
    assert on_pace.paid_ratio == D("40.14") and not on_pace.behind
    late = disbursement_pace(released=D(1000), paid=D(401), year=2026, today=today)
    assert late.paid_ratio == D("40.10") and late.behind
    none = disbursement_pace(released=D(0), paid=D(0), year=2026, today=today)
    assert none.paid_ratio is None and not none.behind
