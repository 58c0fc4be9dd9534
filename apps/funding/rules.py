"""The funding checks as plain functions of amounts and dates (no database), so pages, API,
imports and the lights engine (issue 15) call the same code.

Thresholds are settings (README "资金来源与到位"):
- FUNDING_DEVIATION_THRESHOLDS = (20, 50): 资金偏离度 ≤ 20% 正常, ≤ 50% 偏离, above 严重偏离;
- DISBURSEMENT_PACE_TOLERANCE = 10: payment more than 10 percentage points behind the
  time elapsed in the year is 滞后.
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import EXACT_SUM_ROWS, FAI_LABELS, FAI_ROWS, fai_parts

HUNDRED = Decimal(100)
DEFAULT_DEVIATION_THRESHOLDS = (Decimal(20), Decimal(50))
DEFAULT_PACE_TOLERANCE = Decimal(10)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole in percent, two places; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- FAI-form sum checks -----------------------------------------------------------


@dataclass(frozen=True)
class SumError:
    code: str
    message: str


def fai_sum_errors(amounts: dict[str, Decimal], *, side: str) -> list[SumError]:
    """The form's checks on one side (计划 or 到位) of a record: 本年实际到位资金 equals the sum
    of its five parts; 国家预算资金 and 中央预算资金 are at least the sum of their "其中" rows."""
    errors = []
    for row in FAI_ROWS:
        parts = fai_parts(row.code)
        if not parts:
            continue
        total = amounts.get(row.code) or Decimal(0)
        parts_sum = sum((amounts.get(code) or Decimal(0) for code in parts), Decimal(0))
        labels = " + ".join(str(FAI_LABELS[code]) for code in parts)
        values = {"side": side, "row": FAI_LABELS[row.code], "total": total, "parts": labels, "sum": parts_sum}
        if row.code in EXACT_SUM_ROWS and total != parts_sum:
            errors.append(
                SumError(
                    row.code,
                    _("%(side)s：%(row)s（%(total)s）应等于 %(parts)s（合计 %(sum)s）。") % values,
                )
            )
        elif row.code not in EXACT_SUM_ROWS and total < parts_sum:
            errors.append(
                SumError(
                    row.code,
                    _("%(side)s：%(row)s（%(total)s）不应小于其中各项 %(parts)s 之和（%(sum)s）。") % values,
                )
            )
    return errors


# --- 资金偏离度 ---------------------------------------------------------------------

DEVIATION_NORMAL = "normal"
DEVIATION_DEVIATED = "deviated"
DEVIATION_SEVERE = "severe"
DEVIATION_LABELS = {
    DEVIATION_NORMAL: gettext_lazy("正常"),
    DEVIATION_DEVIATED: gettext_lazy("偏离"),
    DEVIATION_SEVERE: gettext_lazy("严重偏离"),
}


def deviation_thresholds() -> tuple[Decimal, Decimal]:
    low, high = getattr(settings, "FUNDING_DEVIATION_THRESHOLDS", DEFAULT_DEVIATION_THRESHOLDS)
    return Decimal(low), Decimal(high)


@dataclass(frozen=True)
class Deviation:
    ratio: Decimal | None  # |完成投资 − 到位资金| ÷ 完成投资, percent
    status: str | None

    @property
    def label(self) -> str:
        return str(DEVIATION_LABELS[self.status]) if self.status else _("无完成投资")


def funding_deviation(*, completed: Decimal, arrived: Decimal) -> Deviation:
    """资金偏离度 between the year's completed investment and funds arrived: the gap as a
    share of the completed investment. None when nothing was completed (no base)."""
    ratio = percent(abs(Decimal(completed) - Decimal(arrived)), completed)
    if ratio is None:
        return Deviation(None, None)
    low, high = deviation_thresholds()
    if ratio <= low:
        return Deviation(ratio, DEVIATION_NORMAL)
    if ratio <= high:
        return Deviation(ratio, DEVIATION_DEVIATED)
    return Deviation(ratio, DEVIATION_SEVERE)


# --- disbursement pace --------------------------------------------------------------


@dataclass(frozen=True)
class Pace:
    paid_ratio: Decimal | None  # paid ÷ released, percent
    time_ratio: Decimal  # days of the year elapsed, percent
    behind: bool  # paid more than the tolerance behind time

    @property
    def label(self) -> str:
        if self.paid_ratio is None:
            return _("未拨付")
        return _("滞后") if self.behind else _("正常")


def time_ratio(year: int, today: datetime.date) -> Decimal:
    """Share of the year elapsed at `today` (1 January = 1 day; past years 100%)."""
    if today.year > year:
        return HUNDRED
    if today.year < year:
        return Decimal(0)
    days = 366 if calendar.isleap(year) else 365
    return percent(Decimal(today.timetuple().tm_yday), Decimal(days))


def disbursement_pace(*, released: Decimal, paid: Decimal, year: int, today: datetime.date) -> Pace:
    """支付进度 (paid ÷ released) against 时序进度 (the year elapsed)."""
    elapsed = time_ratio(year, today)
    ratio = percent(paid, released)
    tolerance = Decimal(getattr(settings, "DISBURSEMENT_PACE_TOLERANCE", DEFAULT_PACE_TOLERANCE))
    return Pace(ratio, elapsed, ratio is not None and ratio < elapsed - tolerance)
