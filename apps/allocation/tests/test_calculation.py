"""因素法 and ranked tiers against shares computed by hand, rounding to the cent that adds up."""

from decimal import Decimal as D

import pytest

from apps.allocation.calculation import by_factors, by_tiers, equal_split, round_to_total


def test_factors_by_hand():
    shares, words = by_factors(
        counties=["A", "B", "C"],
        amount=D(1000),
        base_share=D("0.2"),
        factors=[
            ("assessment_score", "季度考核得分", D("0.6"), {"A": D(90), "B": D(80), "C": D(30)}),
            ("reserve_investment", "储备项目估算总投资", D("0.4"), {"A": None, "B": D(300), "C": D(100)}),
        ],
    )
    # Base 200 ÷ 3 = 66.67 each; score pool 480: 216 / 192 / 72; reserve pool 320: 0 / 240 / 80.
    # Exact 282.666…, 498.666…, 218.666…: the two leftover cents go to A and B (equal remainders, key order).
    assert shares == {"A": D("282.67"), "B": D("498.67"), "C": D("218.66")}
    assert sum(shares.values()) == D(1000)
    assert "储备项目估算总投资：无数据，不分配该因素资金" in words["A"]
    assert "季度考核得分：480.00（权重0.6/1.0）×90÷200 = 216.00" in words["A"]
    assert words["A"].endswith("合计282.67万元")


def test_a_factor_without_any_positive_value_is_split_equally():
    shares, words = by_factors(
        counties=["A", "B"],
        amount=D(100),
        base_share=D(0),
        factors=[("bond_pace", "支出进度", D(1), {"A": None, "B": D(0)})],
    )
    assert shares == {"A": D(50), "B": D(50)}
    assert "各县区均无正值" in words["B"]


def test_tiers_by_hand():
    shares, words = by_tiers(
        counties=["A", "B", "C", "D"],
        amount=D(100),
        ranks={"A": 1, "B": 2, "C": 3},
        tiers=[(1, D("1.5")), (2, D(1))],
    )
    assert shares == {"A": D(60), "B": D(40), "C": D(0), "D": D(0)}
    assert words["C"].startswith("考核第3名，不在分档范围内，系数0")
    assert words["D"].startswith("无考核名次")
    with pytest.raises(ValueError):
        by_tiers(counties=["A"], amount=D(1), ranks={}, tiers=[(1, D(1))])


def test_equal_split_and_rounding_add_up():
    assert equal_split(["A", "B", "C"], D(100)) == {"A": D("33.34"), "B": D("33.33"), "C": D("33.33")}
    assert sum(round_to_total({"A": D(1) / 7, "B": D(6) / 7}, D(1)).values()) == D(1)
