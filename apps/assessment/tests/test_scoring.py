"""Each scoring method against scores computed by hand (ties, missing data, min = max, caps,
vetoes), and a full quarter for three counties."""

from decimal import Decimal as D

import pytest

from apps.assessment import scoring


def values(scores: dict) -> dict:
    return {key: score.value for key, score in scores.items()}


def test_proportion_of_a_target_capped_and_missing():
    scores = scoring.proportion({"A": D(80), "B": D(100), "C": None, "D": D(120)}, weight=D(20), target=D(100))
    assert values(scores) == {"A": D("16.00"), "B": D("20.00"), "C": D(0), "D": D("20.00")}
    assert scores["D"].trace == "120 ÷ 目标值100 × 20.00 = 24.00，封顶，得20.00分"
    assert scores["C"].trace == "无数据，得0分（满分20.00）"
    excluded = scoring.proportion({"A": None}, weight=D(20), target=D(100), missing="exclude")
    assert excluded["A"].value is None


def test_proportion_of_the_best():
    assert values(scoring.proportion({"A": D(50), "B": D(100), "C": D(-5)}, weight=D(10))) == {
        "A": D("5.00"),
        "B": D("10.00"),
        "C": D("0.00"),
    }


def test_efficacy_coefficient():
    scores = scoring.efficacy({"A": D(5), "B": D(10), "C": D("7.5")}, weight=D(10))
    assert values(scores) == {"A": D("6.00"), "B": D("10.00"), "C": D("8.00")}
    assert scores["C"].trace == "60%×10.00 + 40%×10.00×(7.5 − 最低5)÷(最高10 − 最低5) = 8.00分"
    # Sanming rounds to two decimals: 6 + 4 × 1/7 = 6.571… → 6.57.
    assert scoring.efficacy({"A": D(3), "B": D(10), "C": D(4)}, weight=D(10))["C"].value == D("6.57")


def test_efficacy_when_max_equals_min_and_with_missing_data():
    assert values(scoring.efficacy({"A": D(7), "B": D(7)}, weight=D(10))) == {"A": D("10.00"), "B": D("10.00")}
    # The missing county takes no part in min and max.
    assert values(scoring.efficacy({"A": D(5), "B": None, "C": D(10)}, weight=D(10))) == {
        "A": D("6.00"),
        "B": D(0),
        "C": D("10.00"),
    }


def test_rank_bands_with_ties():
    raw = [100, 90, 90, 80, 70, 60, 50, 40, 30, 20, 10]
    bands = ((1, 3, D(7)), (4, 6, D(5)), (7, 10, D(3)))
    scores = scoring.rank_bands({i: D(v) for i, v in enumerate(raw)}, weight=D(7), bands=bands)
    assert [scores[i].value for i in range(len(raw))] == [D(x) for x in (7, 7, 7, 5, 5, 5, 3, 3, 3, 3, 0)]
    assert scores[2].trace == "90，第2名（1—3名得7分），得7.00分"
    # Two counties tied for 3rd both score the 1–3 band; the next is 5th.
    tied = scoring.rank_bands({i: D(v) for i, v in enumerate([100, 90, 80, 80, 70])}, weight=D(7), bands=bands)
    assert [tied[i].value for i in range(5)] == [D(7), D(7), D(7), D(7), D(5)]


def test_steps_against_the_average():
    scores = scoring.steps_vs_average(
        {"A": D(25), "B": D(15), "C": D(-5), "D": D(-30)}, weight=D(15), base=D(10), average=D(10)
    )
    # A: 10 + 10×10/20 + 5×10/40 = 16.25 → the weight 15. B: 10 + 5×0.5 = 12.5.
    # C: 10 − (5 + 1.25) = 3.75. D: 10 − (5 + 2.5 + 20×10/60) = −0.83 → 0.
    assert values(scores) == {"A": D("15.00"), "B": D("12.50"), "C": D("3.75"), "D": D("0.00")}
    assert "按0至满分取值" in scores["A"].trace


def test_points_per_unit_with_a_cap():
    # Zaozhuang 2005: plan completion, ±1 per 2 points around 100%, at most ±15.
    scores = scoring.points_per_unit(
        {"A": D(107), "B": D("93.9"), "C": D(140), "D": D(40)},
        weight=D(55),
        base=D(40),
        reference=D(100),
        unit=D(2),
        points=D(1),
        cap=D(15),
    )
    assert values(scores) == {"A": D("43.00"), "B": D("37.00"), "C": D("55.00"), "D": D("25.00")}
    assert "封顶±15.00" in scores["C"].trace


def test_deductions_and_veto():
    assert scoring.deductions(D(80), count=3, per_item=D(2), label="红灯项目").value == D("74.00")
    capped = scoring.deductions(D(80), count=3, per_item=D(2), cap=D(5), label="红灯项目")
    assert capped.value == D("75.00") and capped.trace == "红灯项目3项×2分（最多扣5分），扣5.00分"
    assert scoring.deductions(D(3), count=3, per_item=D(2), label="红灯项目").value == D("0.00")
    vetoed = scoring.veto(D(95), vetoed=True, reason="统计造假")
    assert vetoed.value == D(0) and vetoed.trace == "一票否决：统计造假，总分记0分"
    assert scoring.veto(D(95), vetoed=False, reason="统计造假").value == D("95.00")


def test_a_quarter_is_three_months_and_the_on_site_review():
    months = [(D(80), D("0.3")), (D(90), D("0.3")), (D(70), D("0.3")), (D(95), D("0.1"))]
    quarter = scoring.weighted(months, labels=["1月", "2月", "3月", "现场评议"])
    assert quarter.value == D("81.50")
    assert quarter.trace == "1月80.00×30% + 2月90.00×30% + 3月70.00×30% + 现场评议95.00×10% = 81.50"
    with pytest.raises(ValueError, match="现场评议"):
        scoring.weighted([(D(80), D("0.9")), (None, D("0.1"))], labels=["三个月", "现场评议"])


def test_a_full_quarter_for_three_counties():
    """FAI growth by efficacy (40), plan completion against 100% (30), 1 point off per red
    light (at most 5); months 30% each + on-site review 10%. Computed by hand:

    month 1: growth A 10 B 6 C 2 → 40 / 32 / 24; completion 90 / 100 / 60 → 27 / 30 / 18;
             red lights 0 / 2 / 6 → A 67, B 60, C 37 (capped at 5 off)
    month 2: growth 8 / 8 / 4 → 40 / 40 / 24; completion 100 / 110 / 80 → 30 / 30 / 24;
             red 0 / 0 / 1 → A 70, B 70, C 47
    month 3: growth 5 / 9 / missing → 24 / 40 / 0; completion 95 / 100 / 50 → 28.5 / 30 / 15;
             red 1 / 0 / 0 → A 51.5, B 70, C 15
    quarter (on-site 60 / 65 / 50): A 62.55, B 66.50, C 34.70 → B 1st, A 2nd, C 3rd."""
    growth = [
        {"A": D(10), "B": D(6), "C": D(2)},
        {"A": D(8), "B": D(8), "C": D(4)},
        {"A": D(5), "B": D(9), "C": None},
    ]
    completion = [
        {"A": D(90), "B": D(100), "C": D(60)},
        {"A": D(100), "B": D(110), "C": D(80)},
        {"A": D(95), "B": D(100), "C": D(50)},
    ]
    red = [{"A": 0, "B": 2, "C": 6}, {"A": 0, "B": 0, "C": 1}, {"A": 1, "B": 0, "C": 0}]
    monthly = []
    for month in range(3):
        g = scoring.efficacy(growth[month], weight=D(40))
        c = scoring.proportion(completion[month], weight=D(30), target=D(100))
        monthly.append(
            {
                county: scoring.deductions(
                    g[county].value + c[county].value, count=red[month][county], per_item=D(1), cap=D(5), label="红灯"
                ).value
                for county in "ABC"
            }
        )
    assert monthly == [
        {"A": D("67.00"), "B": D("60.00"), "C": D("37.00")},
        {"A": D("70.00"), "B": D("70.00"), "C": D("47.00")},
        {"A": D("51.50"), "B": D("70.00"), "C": D("15.00")},
    ]
    onsite = {"A": D(60), "B": D(65), "C": D(50)}
    quarter = {
        county: scoring.weighted(
            [
                (monthly[0][county], D("0.3")),
                (monthly[1][county], D("0.3")),
                (monthly[2][county], D("0.3")),
                (onsite[county], D("0.1")),
            ],
            labels=["1月", "2月", "3月", "现场评议"],
        ).value
        for county in "ABC"
    }
    assert quarter == {"A": D("62.55"), "B": D("66.50"), "C": D("34.70")}
    assert scoring.ranks(quarter) == {"B": 1, "A": 2, "C": 3}
