"""The period of a bulletin and the words for it."""

import calendar
import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import BulletinKind

QUARTER_NAMES = {3: "一季度", 6: "二季度", 9: "三季度", 12: "四季度"}
CUMULATIVE_NAMES = {3: "一季度", 6: "上半年", 9: "前三季度", 12: "全年"}


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    month: int  # the last month of the period (its figures are 1-month cumulative)
    half: int | None

    @property
    def start(self) -> datetime.date:
        if self.kind == BulletinKind.HALF_MONTH:
            return datetime.date(self.year, self.month, 1 if self.half == 1 else 16)
        if self.kind == BulletinKind.QUARTER:
            return datetime.date(self.year, self.month - 2, 1)
        if self.kind == BulletinKind.YEAR:
            return datetime.date(self.year, 1, 1)
        return datetime.date(self.year, self.month, 1)

    @property
    def end(self) -> datetime.date:
        if self.kind == BulletinKind.HALF_MONTH and self.half == 1:
            return datetime.date(self.year, self.month, 15)
        return datetime.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def name(self) -> str:
        """The period as a title says it: 2026年11月上半月, 2026年11月, 2026年三季度, 2026年."""
        if self.kind == BulletinKind.HALF_MONTH:
            return f"{self.year}年{self.month}月" + ("上半月" if self.half == 1 else "下半月")
        if self.kind == BulletinKind.QUARTER:
            return f"{self.year}年{QUARTER_NAMES[self.month]}"
        if self.kind == BulletinKind.YEAR:
            return f"{self.year}年"
        return f"{self.year}年{self.month}月"

    @property
    def cumulative(self) -> str:
        """The year-to-date the figures cover: 1-11月, 上半年, 前三季度, 全年, 1月."""
        return (
            CUMULATIVE_NAMES.get(self.month)
            if self.kind in (BulletinKind.QUARTER, BulletinKind.YEAR)
            else ("1月" if self.month == 1 else f"1-{self.month}月")
        )

    @property
    def as_of(self) -> str:
        """截至11月底 / 截至11月15日."""
        if self.kind == BulletinKind.HALF_MONTH and self.half == 1:
            return f"截至{self.month}月15日"
        return f"截至{self.month}月底"


def period_make(*, kind: str, year: int, month: int, half: int | None = None) -> Period:
    """The period, checked; a Chinese message naming the field when it cannot be one."""
    errors = {}
    if kind not in BulletinKind.values:
        errors["kind"] = _("通报类型应为 half_month、month、quarter 或 year。")
    if not 2000 <= (year or 0) <= 2100:
        errors["year"] = _("年度应在 2000 到 2100 之间。")
    if not 1 <= (month or 0) <= 12:
        errors["month"] = _("月份应在 1 到 12 之间。")
    if kind == BulletinKind.HALF_MONTH and half not in (1, 2):
        errors["half"] = _("半月通报须选择上半月（1）或下半月（2）。")
    if kind != BulletinKind.HALF_MONTH and half is not None:
        errors["half"] = _("只有半月通报选择上半月或下半月。")
    if kind == BulletinKind.QUARTER and month not in (3, 6, 9, 12):
        errors["month"] = _("季度通报的月份应为季末月份（3、6、9、12）。")
    if kind == BulletinKind.YEAR and month != 12:
        errors["month"] = _("年度通报的月份应为12。")
    if errors:
        raise ValidationError(errors)
    return Period(kind=kind, year=year, month=month, half=half)
