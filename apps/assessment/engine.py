"""A quarter's scores from raw values: pure functions (no database), so that a quarter can be
checked by hand. Each indicator's values go through its scoring method (scoring.py); a month's
score is the sum of the indicator scores out of 100; the quarter weights the three months and
the on-site review (e.g. 30/30/30 + 10); a veto sets the quarter to 0; ranks, 红黑榜 and the
"连续N个月后N位" flag follow."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError

from . import scoring
from .scoring import ZERO, Score, r2

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Spec:
    key: str
    label: str
    weight: Decimal
    method: str
    params: Mapping = field(default_factory=dict)


def _decimal(params: Mapping, name: str, default=None) -> Decimal | None:
    value = params.get(name, default)
    return None if value is None else Decimal(str(value))


def apply_method(spec: Spec, values: Mapping) -> dict:
    """{county: Score} of one indicator by its method; ValueError/KeyError/ArithmeticError on
    parameters the method cannot use (the services turn them into a Chinese message)."""
    p, weight = spec.params, spec.weight
    missing = p.get("missing", "zero")
    if missing not in ("zero", "exclude"):
        raise ValueError(missing)
    if spec.method == "proportion":
        return scoring.proportion(values, weight=weight, target=_decimal(p, "target"), missing=missing)
    if spec.method == "efficacy":
        return scoring.efficacy(values, weight=weight, missing=missing)
    if spec.method == "rank_bands":
        bands = [(int(low), int(high), Decimal(str(points))) for low, high, points in p["bands"]]
        return scoring.rank_bands(values, weight=weight, bands=bands, missing=missing)
    if spec.method == "steps_vs_average":
        return scoring.steps_vs_average(
            values,
            weight=weight,
            base=_decimal(p, "base", weight),
            step=_decimal(p, "step", 10),
            divisors=[int(d) for d in p.get("divisors", (20, 40, 60))],
            average=_decimal(p, "average"),
            missing=missing,
        )
    if spec.method == "points_per_unit":
        unit = _decimal(p, "unit")
        if unit <= 0:
            raise ValueError(unit)
        return scoring.points_per_unit(
            values,
            weight=weight,
            base=_decimal(p, "base", weight),
            reference=_decimal(p, "reference"),
            unit=unit,
            points=_decimal(p, "points"),
            cap=_decimal(p, "cap"),
            missing=missing,
        )
    if spec.method == "deduction":
        per_item, cap = _decimal(p, "per_item"), _decimal(p, "cap")
        return {
            county: scoring._missing(weight, missing)
            if x is None
            else _deduct(weight, int(x), per_item, cap, spec.label)
            for county, x in values.items()
        }
    raise ValueError(spec.method)


def _deduct(weight, count, per_item, cap, label) -> Score:
    result = scoring.deductions(weight, count=count, per_item=per_item, cap=cap, label=label)
    return Score(result.value, f"满分{r2(weight)}，{result.trace}，得{result.value}分")


@dataclass
class MonthScore:
    total: Decimal | None  # None: no indicator could be scored (无数据), never a guessed 0
    trace: str
    rows: list[dict]


NO_DATA = "无可计分指标（无数据），不计分、不排名"


def score_month(
    specs: Sequence[Spec], values: Mapping[str, Mapping], counties: Sequence, bases: Mapping | None = None
) -> dict:
    """{county: MonthScore}: each indicator scored across the counties (or departments), the
    month's total out of 100 (Σ scores ÷ Σ weights counted × 100; an excluded indicator's
    weight is not counted). `bases` ({key: {county: basis}}) are the counts behind each raw
    value (indicators.Basis as a dict), kept in the trace row."""
    by_indicator = {spec.key: apply_method(spec, {c: values[spec.key].get(c) for c in counties}) for spec in specs}
    result = {}
    for county in counties:
        rows, got, counted = [], ZERO, ZERO
        for spec in specs:
            score = by_indicator[spec.key][county]
            raw = values[spec.key].get(county)
            row = {
                "key": spec.key,
                "label": str(spec.label),
                "weight": str(spec.weight),
                "raw": None if raw is None else str(raw),
                "score": None if score.value is None else str(score.value),
                "trace": score.trace,
            }
            basis = ((bases or {}).get(spec.key) or {}).get(county)
            if basis:
                row["basis"] = basis
            rows.append(row)
            if score.value is not None:
                got += score.value
                counted += spec.weight
        if counted == 0:
            total, trace = None, NO_DATA
        elif counted == HUNDRED:
            total, trace = r2(got), f"各项得分合计{r2(got)}分"
        else:
            total = r2(got / counted * HUNDRED)
            trace = f"各项得分合计{r2(got)} ÷ 计分分值{r2(counted)} × 100 = {total}分"
        result[county] = MonthScore(total, trace, rows)
    return result


def bottom(ranks: Mapping, count: int, size: int) -> set:
    """Counties in the last `size` places (rank > count − size)."""
    return {county for county, rank in ranks.items() if rank > count - size}


@dataclass
class QuarterScore:
    total: Decimal | None
    trace: str
    rank: int | None = None
    month_ranks: list = field(default_factory=list)
    board: str = ""
    bottom_flag: bool = False


def score_quarter(
    *,
    months: Sequence[Mapping],  # three {county: MonthScore}
    counties: Sequence,
    reviews: Mapping,  # {county: Decimal | None}
    vetoes: Mapping,  # {county: reason or ""}
    month_share: Decimal,
    review_share: Decimal,
    list_size: int,
    flag_bottom: int,
    flag_months: int,
    earlier_month_ranks: Mapping | None = None,  # {county: [ranks of the months before]}
) -> dict:
    """{county: QuarterScore}. Refuses (ValidationError) a county without its review score
    when the review has a share: a missing part is never guessed. A month without data (a
    department with nothing due that month) is left out and the other parts' shares scaled up
    to 100%; with no month scored the quarter is 无数据 (no total, no rank, no review needed)."""
    scored = [c for c in counties if any(month[c].total is not None for month in months)]
    missing = [str(c) for c in scored if review_share and reviews.get(c) is None]
    if missing:
        raise ValidationError({"review_score": f"以下县区未录入现场评议得分：{'、'.join(missing)}"})
    result = {}
    for county in counties:
        if county not in scored:
            result[county] = QuarterScore(None, f"本季度三个月均{NO_DATA}")
            continue
        parts = [(month[county].total, month_share) for month in months]
        labels = [f"第{index}月" for index in range(1, len(months) + 1)]
        if review_share:
            parts.append((reviews[county], review_share))
            labels.append("现场评议")
        quarter = _weighted_present(parts, labels)
        reason = vetoes.get(county) or ""
        if reason:
            vetoed = scoring.veto(quarter.value, vetoed=True, reason=reason)
            result[county] = QuarterScore(vetoed.value, f"{quarter.trace}；{vetoed.trace}")
        else:
            result[county] = QuarterScore(quarter.value, quarter.trace)
    count = len(scored)
    places = scoring.ranks({c: score.total for c, score in result.items()})
    month_places = [scoring.ranks({c: month[c].total for c in counties}) for month in months]
    month_counts = [sum(1 for c in counties if month[c].total is not None) for month in months]
    red_size = min(list_size, count // 2)
    for county, score in result.items():
        score.rank = places.get(county)
        score.month_ranks = [month.get(county) for month in month_places]
        if score.rank is None:
            continue
        if score.rank <= red_size:
            score.board = "red"
        elif score.rank > count - red_size:
            score.board = "black"
        # Earlier months are judged against this quarter's field size (their own is not kept).
        sizes = [count] * len((earlier_month_ranks or {}).get(county, [])) + month_counts
        history = list((earlier_month_ranks or {}).get(county, [])) + score.month_ranks
        run = longest = 0
        for rank, size in zip(history, sizes, strict=True):
            run = run + 1 if rank is not None and rank > size - flag_bottom else 0
            longest = max(longest, run)
        score.bottom_flag = longest >= flag_months
    return result


def _weighted_present(parts: list, labels: list) -> scoring.Score:
    """scoring.weighted of the parts with a score; months without data are left out and the
    rest scaled to 100% (named in the trace). A missing review is refused before this."""
    present = [(part, label) for part, label in zip(parts, labels, strict=True) if part[0] is not None]
    if len(present) == len(parts):
        return scoring.weighted(parts, labels=labels)
    quarter = scoring.weighted([part for part, _ in present], labels=[label for _, label in present])
    shares = sum((share for (_, share), _ in present), ZERO)
    total = r2(quarter.value / shares)
    left_out = "、".join(label for part, label in zip(parts, labels, strict=True) if part[0] is None)
    return scoring.Score(total, f"{left_out}无数据不计；{quarter.trace}，÷ 计分权重{shares * 100:.0f}% = {total}")
