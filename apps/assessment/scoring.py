"""The scoring-method library of the county assessment (考核赋分方法), as published
(shared/reference/rules-and-assessment.md §2.2): each method turns the raw values of the
counties for one indicator into scores out of the indicator's weight, with the computation of
each score in words (the trace a county opens to check its own).

Pure functions on Decimal: no database, no rounding until the end (two decimals, half up, as
Sanming 2020 rounds). Values are {county: Decimal | None}; None is missing data, never a
guessed 0: it scores by `missing` ("zero": 0 with the reason; "exclude": no score, the
indicator's weight is left out for that county) and takes no part in max, min, average or rank.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal(0)


def r2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Score:
    value: Decimal | None  # None: excluded (missing data with missing="exclude")
    trace: str


Values = Mapping[object, Decimal | None]


def _present(values: Values) -> dict:
    return {key: value for key, value in values.items() if value is not None}


def _missing(weight: Decimal, missing: str) -> Score:
    if missing == "exclude":
        return Score(None, "无数据，该项不计分（权重不计入）")
    return Score(ZERO, f"无数据，得0分（满分{r2(weight)}）")


def _each(values: Values, weight: Decimal, missing: str, score_one) -> dict:
    """score_one(key, x) for each county with data; missing data by `missing`."""
    return {key: _missing(weight, missing) if x is None else score_one(key, x) for key, x in values.items()}


def proportion(values: Values, *, weight: Decimal, target: Decimal | None = None, missing: str = "zero") -> dict:
    """比例赋分: score = x ÷ basis × weight, at most the weight; basis = the target when given
    (完成率 × 分值), else the best value (the highest gets full marks). Negative x scores 0."""
    present = _present(values)
    basis = target if target is not None else (max(present.values()) if present else None)
    basis_words = f"目标值{target}" if target is not None else f"最高值{basis}"

    def score_one(key, x) -> Score:
        if basis is None or basis <= 0:
            return Score(r2(weight), f"{x}；基准值不大于0，均得满分{r2(weight)}")
        raw = max(ZERO, x / basis * weight)
        value = min(raw, weight)
        capped = "，封顶" if raw > weight else ""
        return Score(r2(value), f"{x} ÷ {basis_words} × {r2(weight)} = {r2(raw)}{capped}，得{r2(value)}分")

    return _each(values, weight, missing, score_one)


def efficacy(values: Values, *, weight: Decimal, missing: str = "zero") -> dict:
    """功效系数法: 60% × weight + 40% × weight × (x − min) ÷ (max − min), max and min across the
    counties with data. When max = min every county gets the full weight (all are the best)."""
    present = _present(values)
    low = min(present.values()) if present else None
    high = max(present.values()) if present else None

    def score_one(key, x) -> Score:
        if high == low:
            return Score(r2(weight), f"{x}；各县区数值相同（最高=最低={high}），均得满分{r2(weight)}")
        value = weight * Decimal("0.6") + weight * Decimal("0.4") * (x - low) / (high - low)
        return Score(
            r2(value),
            f"60%×{r2(weight)} + 40%×{r2(weight)}×({x} − 最低{low})÷(最高{high} − 最低{low}) = {r2(value)}分",
        )

    return _each(values, weight, missing, score_one)


def ranks(values: Values, *, descending: bool = True) -> dict:
    """Competition ranking (1 = best; ties share the better place: 1, 1, 3); missing: unranked."""
    present = _present(values)
    if descending:
        return {key: 1 + sum(1 for other in present.values() if other > x) for key, x in present.items()}
    return {key: 1 + sum(1 for other in present.values() if other < x) for key, x in present.items()}


def rank_bands(
    values: Values, *, weight: Decimal, bands: Sequence[tuple[int, int, Decimal]], missing: str = "zero"
) -> dict:
    """排名赋分: the place (ties share the better one) → the points of its band, e.g.
    ((1, 3, 7), (4, 6, 5), (7, 10, 3)); outside every band 0; never above the weight."""
    places = ranks(values)

    def score_one(key, x) -> Score:
        place = places[key]
        band = next(((low, high, points) for low, high, points in bands if low <= place <= high), None)
        if band is None:
            return Score(ZERO, f"{x}，第{place}名，不在赋分名次内，得0分")
        else:
            points = min(Decimal(band[2]), weight)
            return Score(r2(points), f"{x}，第{place}名（{band[0]}—{band[1]}名得{band[2]}分），得{r2(points)}分")

    return _each(values, weight, missing, score_one)


def steps_vs_average(
    values: Values,
    *,
    weight: Decimal,
    base: Decimal,
    step: Decimal = Decimal(10),
    divisors: Sequence[int] = (20, 40, 60),
    average: Decimal | None = None,
    missing: str = "zero",
) -> dict:
    """对标平均: the average (given, e.g. the province's, or of the counties with data) scores
    `base`; each point above it adds base ÷ 20 within the first `step` points, base ÷ 40 within
    the next, base ÷ 60 beyond (the last divisor for the rest), and the same downward; the
    score stays within 0 and the weight."""
    present = _present(values)
    if average is None and present:
        average = sum(present.values()) / len(present)

    def score_one(key, x) -> Score:
        diff = x - average
        sign = 1 if diff >= 0 else -1
        remaining, change, parts = abs(diff), ZERO, []
        for index, divisor in enumerate(divisors):
            span = remaining if index == len(divisors) - 1 else min(remaining, step)
            if span <= 0:
                break
            change += span * base / divisor
            parts.append(f"{r2(span)}×{r2(base)}/{divisor}")
            remaining -= span
        raw = base + sign * change
        value = min(max(raw, ZERO), weight)
        bounded = "，按0至满分取值" if value != raw else ""
        sign_word = "+" if sign > 0 else "−"
        steps_words = " + ".join(parts) if parts else "0"
        return Score(
            r2(value),
            f"{x} 对比平均{r2(average)}差{r2(diff)}：{r2(base)} {sign_word} ({steps_words}) = {r2(raw)}{bounded}，得{r2(value)}分",
        )

    return _each(values, weight, missing, score_one)


def points_per_unit(
    values: Values,
    *,
    weight: Decimal,
    base: Decimal,
    reference: Decimal,
    unit: Decimal,
    points: Decimal,
    cap: Decimal,
    missing: str = "zero",
) -> dict:
    """按单位加减分 with a cap: base ± points for every `unit` above or below `reference`
    (Zaozhuang 2005: ±1 per 2%, at most ±15), whole units only, the change within ±cap and the
    score within 0 and the weight."""

    def score_one(key, x) -> Score:
        diff = x - reference
        units = int(abs(diff) / unit)  # whole units only: 3.9% at 2% a unit is one unit
        change = min(units * points, cap)
        signed = change if diff >= 0 else -change
        raw = base + signed
        value = min(max(raw, ZERO), weight)
        capped = f"（封顶±{r2(cap)}）" if units * points > cap else ""
        return Score(
            r2(value),
            f"{x} 对比基准{reference}差{r2(diff)}，{units}个{unit}单位×{points}分{capped}：{r2(base)} "
            f"{'+' if signed >= 0 else '−'} {r2(abs(signed))} = {r2(raw)}，得{r2(value)}分",
        )

    return _each(values, weight, missing, score_one)


def deductions(score: Decimal, *, count: int, per_item: Decimal, cap: Decimal | None = None, label: str) -> Score:
    """扣分: per_item for each of `count` (e.g. 红灯 projects), at most `cap`, never below 0."""
    total = per_item * count
    if cap is not None:
        total = min(total, cap)
    value = max(score - total, ZERO)
    return Score(
        r2(value),
        f"{label}{count}项×{per_item}分"
        + (f"（最多扣{cap}分）" if cap is not None else "")
        + f"，扣{r2(score - value)}分",
    )


def veto(score: Decimal, *, vetoed: bool, reason: str) -> Score:
    """一票否决 (e.g. 统计造假): the total becomes 0 with the reason; otherwise unchanged."""
    if vetoed:
        return Score(ZERO, f"一票否决：{reason}，总分记0分")
    return Score(r2(score), "")


def weighted(parts: Sequence[tuple[Decimal | None, Decimal]], *, labels: Sequence[str]) -> Score:
    """Σ score × share (e.g. a quarter: three months at 30% each + the on-site review at 10%);
    a missing part is refused, not guessed."""
    if any(score is None for score, _share in parts):
        missing = [label for (score, _share), label in zip(parts, labels, strict=True) if score is None]
        raise ValueError("缺少：" + "、".join(missing))
    total = sum((score * share for score, share in parts), ZERO)
    words = " + ".join(
        f"{label}{r2(score)}×{share * 100:.0f}%" for (score, share), label in zip(parts, labels, strict=True)
    )
    return Score(r2(total), f"{words} = {r2(total)}")
