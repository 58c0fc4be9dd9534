"""A full quarter computed by hand for three counties (X, Y, Z): three months of three
indicators (efficacy, proportion of the best, deductions with a cap; a missing value; a tie;
max = min), the 30/30/30 + 10 quarter, ranks, 红黑榜, the consecutive-bottom flag and a veto."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from apps.assessment.engine import Spec, score_month, score_quarter

SPECS = [
    Spec("fai_growth", "固定资产投资增速", D(40), "efficacy"),
    Spec("start_rate", "开工率", D(30), "proportion"),
    Spec("red_lights", "红灯", D(30), "deduction", {"per_item": "5", "cap": "20"}),
]
COUNTIES = ["X", "Y", "Z"]
MONTHS = [
    {
        "fai_growth": {"X": D(10), "Y": D(6), "Z": D(2)},
        "start_rate": {"X": D(80), "Y": D(100), "Z": D(50)},
        "red_lights": {"X": D(0), "Y": D(1), "Z": D(5)},
    },
    {
        "fai_growth": {"X": D(8), "Y": D(8), "Z": None},
        "start_rate": {"X": D(90), "Y": D(90), "Z": D(60)},
        "red_lights": {"X": D(0), "Y": D(0), "Z": D(0)},
    },
    {
        "fai_growth": {"X": D(10), "Y": D(6), "Z": D(12)},
        "start_rate": {"X": D(80), "Y": D(100), "Z": D(50)},
        "red_lights": {"X": D(0), "Y": D(1), "Z": D(5)},
    },
]


def months():
    return [score_month(SPECS, values, COUNTIES) for values in MONTHS]


def quarter(**overrides):
    arguments = {
        "months": months(),
        "counties": COUNTIES,
        "reviews": {"X": D(90), "Y": D(80), "Z": D(70)},
        "vetoes": {},
        "month_share": D("0.30"),
        "review_share": D("0.10"),
        "list_size": 1,
        "flag_bottom": 1,
        "flag_months": 2,
    } | overrides
    return score_quarter(**arguments)


def test_month_scores_by_hand():
    first, second, third = months()
    # Month 1: efficacy 40/32/24; proportion of the best (100) 24/30/15; red lights 30, 30−5, 30−20 (cap).
    assert [first[c].total for c in COUNTIES] == [D("94.00"), D("87.00"), D("49.00")]
    # Month 2: X and Y tie (max = min among those with data: full 40), Z has no growth: 0.
    assert [second[c].total for c in COUNTIES] == [D("100.00"), D("100.00"), D("50.00")]
    # Month 3: efficacy X = 24 + 16 × 4/6 = 34.67.
    assert [third[c].total for c in COUNTIES] == [D("88.67"), D("79.00"), D("65.00")]
    z_red = first["Z"].rows[2]
    assert z_red["raw"] == "5" and z_red["score"] == "10.00"
    assert z_red["trace"] == "满分30.00，红灯5项×5分（最多扣20分），扣20.00分，得10.00分"
    assert second["Z"].rows[0]["trace"] == "无数据，得0分（满分40.00）"


def test_quarter_ranks_boards_and_flags_by_hand():
    result = quarter()
    # X: 94×30% + 100×30% + 88.67×30% + 90×10% = 93.801 → 93.80.
    assert {c: result[c].total for c in COUNTIES} == {"X": D("93.80"), "Y": D("87.80"), "Z": D("56.20")}
    assert result["X"].trace == "第1月94.00×30% + 第2月100.00×30% + 第3月88.67×30% + 现场评议90.00×10% = 93.80"
    assert [result[c].rank for c in COUNTIES] == [1, 2, 3]
    assert result["Y"].month_ranks == [2, 1, 2]  # the tie of month 2 shares first place
    assert [result[c].board for c in COUNTIES] == ["red", "", "black"]
    # Z was last in every month: "连续2个月后1位"; Y never.
    assert [result[c].bottom_flag for c in COUNTIES] == [False, False, True]


def test_the_flag_counts_months_of_the_quarter_before():
    # With "后2位" (rank > 1), Y is in the bottom in months 1 and 3 of this quarter, not in a row…
    assert quarter(flag_bottom=2)["Y"].bottom_flag is False
    # … and last quarter's final month (rank 3) joins this quarter's first (rank 2): two in a row.
    assert quarter(flag_bottom=2, earlier_month_ranks={"Y": [1, 1, 3]})["Y"].bottom_flag is True


def test_veto_sets_the_quarter_to_zero_and_moves_the_ranks():
    result = quarter(vetoes={"X": "统计造假（市统计局查实）"})
    assert result["X"].total == D(0)
    assert "一票否决：统计造假（市统计局查实），总分记0分" in result["X"].trace
    assert [result[c].rank for c in COUNTIES] == [3, 1, 2]


def test_a_missing_review_score_is_refused_not_guessed():
    with pytest.raises(ValidationError):
        quarter(reviews={"X": D(90), "Y": None, "Z": D(70)})
    # Without a review share the months alone make the quarter (three months at a third each).
    result = quarter(reviews={}, month_share=D(1) / 3, review_share=D(0))
    assert result["Z"].total == D("54.67")
