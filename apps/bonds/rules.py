"""The special-bond checks and the spending pace as plain functions of figures and dates
(no database), for the services, the pages, the API and the lights engine (issue 15).

Settings (README "专项债券"), each with its default here:
- BOND_CAPITAL_CAP_PERCENT = 30: bonds used as project capital, as a share of the bonds
  for construction in a province and year (国办发〔2024〕52号 raised it from 25% to 30%);
- BOND_MIN_COVERAGE = {"default": "1.2"}: the minimum coverage multiple, by province
  (two-digit code, e.g. {"default": "1.2", "33": "1.1"});
- BOND_STRESS = {"income": -10, "cost": 10, "min": "1.0"}: the stress test (income −10%,
  cost +10%) must still leave a coverage multiple of at least "min";
- BOND_PACE_MILESTONES = ((3, 25), (6, 50), (9, 75), (12, 100)): at N months after the issue
  the batch's spending must be at least P% of the amount put down to the project;
- BOND_WARNING_MONTHS = 6: this many consecutive failing months put a project on the
  warning list (预警项目清单);
- BOND_REPAYMENT_REMINDER_DAYS = 30: how far ahead repayment reminders look.
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext as _

HUNDRED = Decimal(100)
DEFAULT_CAPITAL_CAP = Decimal(30)
DEFAULT_MIN_COVERAGE = {"default": "1.2"}
DEFAULT_STRESS = {"income": -10, "cost": 10, "min": "1.0"}
DEFAULT_MILESTONES = ((3, 25), (6, 50), (9, 75), (12, 100))
DEFAULT_WARNING_MONTHS = 6
DEFAULT_REMINDER_DAYS = 30


def two_places(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    passed: bool
    detail: str


# --- before submission ----------------------------------------------------------------


def negative_list_check(*, category: str, expected_income: Decimal) -> Check:
    """国办发〔2024〕52号: a project in a listed category, or with no income at all, is refused."""
    from .models import NegativeCategory

    label = _("投向负面清单")
    if category != NegativeCategory.NONE:
        return Check("negative_list", label, False, _("属于负面清单：%s。") % NegativeCategory(category).label)
    if not expected_income or expected_income <= 0:
        return Check("negative_list", label, False, _("运营期没有收入，属于完全无收益的项目。"))
    return Check("negative_list", label, True, _("不属于负面清单。"))


def balance_check(*, total: Decimal, capital_excl_bonds: Decimal, bond_amount: Decimal, other_debt: Decimal) -> Check:
    """项目总投资 = 不含专项债的资本金 + 专项债券融资 + 其他债务融资."""
    parts = capital_excl_bonds + bond_amount + other_debt
    label = _("融资平衡")
    if parts == total:
        return Check("balance", label, True, _("资本金、专项债券与其他债务融资合计等于总投资。"))
    return Check(
        "balance",
        label,
        False,
        _("资本金（%(c)s）+ 专项债券（%(b)s）+ 其他债务融资（%(o)s）= %(s)s，与总投资 %(t)s 不符。")
        % {"c": capital_excl_bonds, "b": bond_amount, "o": other_debt, "s": parts, "t": total},
    )


def capital_cap() -> Decimal:
    return Decimal(getattr(settings, "BOND_CAPITAL_CAP_PERCENT", DEFAULT_CAPITAL_CAP))


def capital_share(*, as_capital: Decimal, bonds: Decimal) -> Decimal | None:
    return two_places(as_capital * HUNDRED / bonds) if bonds else None


def capital_cap_check(
    *, bonds_as_capital: Decimal, bond_amount: Decimal, province_as_capital: Decimal, province_bonds: Decimal
) -> Check:
    """Bonds as capital may not exceed the project's bonds, and the province's share of bonds
    used as capital (the others already submitted this year plus this one) stays within the cap."""
    label = _("专项债作资本金比例")
    if bonds_as_capital > bond_amount:
        return Check("capital_cap", label, False, _("专项债作资本金不能超过申请专项债总额。"))
    share = capital_share(as_capital=province_as_capital + bonds_as_capital, bonds=province_bonds + bond_amount)
    cap = capital_cap()
    values = {"share": share, "cap": cap}
    if share is None or share <= cap:
        return Check("capital_cap", label, True, _("全省作资本金比例 %(share)s%%，不超过 %(cap)s%%。") % values)
    return Check("capital_cap", label, False, _("全省作资本金比例将达 %(share)s%%，超过上限 %(cap)s%%。") % values)


def min_coverage(province_code: str | None) -> Decimal:
    table = {**DEFAULT_MIN_COVERAGE, **getattr(settings, "BOND_MIN_COVERAGE", {})}
    key = (province_code or "")[:2]
    return Decimal(str(table.get(key, table["default"])))


def coverage(*, income: Decimal, cost: Decimal, debt_service: Decimal) -> Decimal | None:
    """本息覆盖倍数 = (收入 − 成本) ÷ 应付本息, two places."""
    if not debt_service:
        return None
    return two_places((income - cost) / debt_service)


def coverage_check(*, income: Decimal, cost: Decimal, debt_service: Decimal, province_code: str | None) -> Check:
    label = _("本息覆盖倍数")
    value = coverage(income=income, cost=cost, debt_service=debt_service)
    floor = min_coverage(province_code)
    if value is None:
        return Check("coverage", label, False, _("请填写应付本息。"))
    values = {"value": value, "floor": floor}
    # Compared unrounded: 1.196 shows as 1.20 but is below 1.2.
    if income - cost >= floor * debt_service:
        return Check("coverage", label, True, _("覆盖倍数 %(value)s，不低于 %(floor)s。") % values)
    return Check("coverage", label, False, _("覆盖倍数 %(value)s，低于 %(floor)s。") % values)


def stress_settings() -> tuple[Decimal, Decimal, Decimal]:
    table = {**DEFAULT_STRESS, **getattr(settings, "BOND_STRESS", {})}
    return Decimal(str(table["income"])), Decimal(str(table["cost"])), Decimal(str(table["min"]))


def stress_check(*, income: Decimal, cost: Decimal, debt_service: Decimal) -> Check:
    """Income −10% and cost +10% (settings) must still cover the debt service."""
    income_change, cost_change, floor = stress_settings()
    label = _("压力测试")
    stressed_income = income * (HUNDRED + income_change) / HUNDRED
    stressed_cost = cost * (HUNDRED + cost_change) / HUNDRED
    value = coverage(income=stressed_income, cost=stressed_cost, debt_service=debt_service)
    if value is None:
        return Check("stress", label, False, _("请填写应付本息。"))
    values = {"i": income_change, "c": cost_change, "value": value, "floor": floor}
    if stressed_income - stressed_cost >= floor * debt_service:
        return Check(
            "stress", label, True, _("收入%(i)s%%、成本+%(c)s%%后覆盖倍数 %(value)s，不低于 %(floor)s。") % values
        )
    return Check("stress", label, False, _("收入%(i)s%%、成本+%(c)s%%后覆盖倍数 %(value)s，低于 %(floor)s。") % values)


def periods_check(
    *, construction_start: datetime.date, construction_end: datetime.date, operation_start: int, operation_end: int
) -> Check:
    label = _("建设期与运营期")
    if construction_start > construction_end:
        return Check("periods", label, False, _("建设期止不能早于建设期起。"))
    if operation_start > operation_end:
        return Check("periods", label, False, _("运营期止不能早于运营期起。"))
    if operation_start < construction_end.year:
        return Check("periods", label, False, _("运营期不能早于建设期结束的年份。"))
    return Check(
        "periods",
        label,
        True,
        _("建设期 %(a)s—%(b)s，运营期 %(c)s—%(d)s。")
        % {
            "a": construction_start.isoformat(),
            "b": construction_end.isoformat(),
            "c": operation_start,
            "d": operation_end,
        },
    )


def documents_check(*, kinds_present: set[str]) -> Check:
    from .models import DocumentKind

    missing = [kind.label for kind in DocumentKind if kind.value not in kinds_present]
    label = _("一案两书")
    if missing:
        return Check("documents", label, False, _("缺少：%s。") % "、".join(str(m) for m in missing))
    return Check("documents", label, True, _("实施方案、财务评估报告、法律意见书齐全。"))


# --- spending pace ---------------------------------------------------------------------

PACE_OK = "ok"
PACE_FAILING = "failing"  # 不达标
PACE_NOT_DUE = "not_due"  # before the first milestone


def milestones() -> tuple[tuple[int, Decimal], ...]:
    raw = getattr(settings, "BOND_PACE_MILESTONES", DEFAULT_MILESTONES)
    return tuple(sorted((int(months), Decimal(str(share))) for months, share in raw))


def window_milestones(window_months: int) -> tuple[tuple[int, Decimal], ...]:
    """A use window (Tianjin 2022: each batch used within 6 months, counted from the month
    after the issue) as monthly milestones of an even pace: k/window of the money by month k."""
    return tuple((k, two_places(Decimal(k) * HUNDRED / window_months)) for k in range(1, window_months + 1))


def required_pace(months_elapsed: int, table=None) -> Decimal | None:
    """The share (%) that must be spent `months_elapsed` whole months after the issue
    month (by the settings' milestones, or `table`); None before the first milestone."""
    required = None
    for months, share in table or milestones():
        if months_elapsed >= months:
            required = share
    return required


@dataclass(frozen=True)
class PaceStatus:
    months: int
    spent: Decimal
    base: Decimal
    ratio: Decimal | None  # spent ÷ base, %
    required: Decimal | None
    status: str

    @property
    def to_recover(self) -> bool:
        """Past the last milestone and not fully spent: the money is recovered (收回调整)."""
        last_months = milestones()[-1][0]
        return self.months > last_months and self.base > 0 and self.spent < self.base

    @property
    def label(self) -> str:
        return {PACE_OK: _("达标"), PACE_FAILING: _("不达标"), PACE_NOT_DUE: _("未到考核节点")}[self.status]


def pace_status(*, spent: Decimal, base: Decimal, months_elapsed: int, table=None) -> PaceStatus:
    """项目支出进度 = 本批累计支出 ÷ 下达至项目的本批金额, against the milestone reached
    (the settings' milestones, or `table`: ((months, share %), …) ascending)."""
    ratio = two_places(spent * HUNDRED / base) if base else None
    required = required_pace(months_elapsed, table)
    if required is None:
        status = PACE_NOT_DUE
    elif not base or spent * HUNDRED >= required * base:
        # Compared unrounded: 24.996% is not 25%.
        status = PACE_OK
    else:
        status = PACE_FAILING
    return PaceStatus(months_elapsed, spent, base, ratio, required, status)


def warning_months() -> int:
    return int(getattr(settings, "BOND_WARNING_MONTHS", DEFAULT_WARNING_MONTHS))


def consecutive_failing(statuses: list[str]) -> int:
    """How many months, counting back from the last, were failing in a row."""
    count = 0
    for status in reversed(statuses):
        if status != PACE_FAILING:
            break
        count += 1
    return count


def is_warning(statuses: list[str]) -> bool:
    """On the warning list (预警项目清单): failing for BOND_WARNING_MONTHS months in a row."""
    return consecutive_failing(statuses) >= warning_months()


# --- repayment ------------------------------------------------------------------------


@dataclass(frozen=True)
class Payment:
    due: datetime.date
    kind: str  # "interest" or "principal"
    amount: Decimal


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def repayment_schedule(
    *, amount: Decimal, rate: Decimal, frequency: int, value_date: datetime.date, maturity: datetime.date
) -> list[Payment]:
    """Interest every 12/frequency months from the value date (amount × rate ÷ frequency),
    principal at maturity (到期一次还本)."""
    step = 12 // frequency
    coupon = (amount * rate / HUNDRED / frequency).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    payments, n = [], 1
    while True:
        due = add_months(value_date, step * n)
        if due > maturity:
            break
        payments.append(Payment(due, "interest", coupon))
        n += 1
    payments.append(Payment(maturity, "principal", amount))
    return payments


def reminder_days() -> int:
    return int(getattr(settings, "BOND_REPAYMENT_REMINDER_DAYS", DEFAULT_REMINDER_DAYS))
