"""How a figure is written: 亿元 with two decimals, percentages and points with one,
counts as integers. None is "no data", never a zero."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

#: Units whose figures are written with decimals; every other unit is a count.
DECIMALS = {"亿元": 2, "万元": 2, "%": 1, "个百分点": 1}


def no_data_text() -> str:
    return _("（暂无数据）")


def format_value(value, unit: str) -> str | None:
    """The figure as the speech and the cards write it; None when there is no data."""
    if value is None:
        return None
    places = DECIMALS.get(unit)
    if places is None:
        return str(int(Decimal(value).to_integral_value(rounding=ROUND_HALF_UP)))
    return str(Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def chart_number(value) -> float | None:
    """A figure for ECharts (display only; the exact value stays a Decimal everywhere else)."""
    return None if value is None else float(value)
