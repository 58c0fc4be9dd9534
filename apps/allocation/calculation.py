"""The shares of an allocation plan from the counties' factor values: pure functions on
Decimal (no database), each share with its computation in words.

因素法: amount × base_share is split equally (the base); the rest is split among the factors
by their weights, and each factor's pool among the counties in proportion to their values
(a county without a value gets nothing of that pool, said in words; when no county has a
positive value the pool is split equally). Ranked tiers: each county's assessment rank gives
a coefficient; the amount is split in proportion to the coefficients. Amounts are rounded to
0.01 万元 by the largest remainder, so that the shares add up to the amount exactly."""

from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")
ZERO = Decimal(0)


def round_to_total(exact: Mapping, total: Decimal) -> dict:
    """Largest remainder: floor each to the cent, give the leftover cents to the largest
    remainders (ties by key order)."""
    floors = {key: value.quantize(CENT, rounding=ROUND_DOWN) for key, value in exact.items()}
    left = int((total.quantize(CENT) - sum(floors.values(), ZERO)) / CENT)
    order = sorted(exact, key=lambda key: (-(exact[key] - floors[key]), str(key)))
    for key in order[: max(left, 0)]:
        floors[key] += CENT
    return floors


def equal_split(counties: Sequence, amount: Decimal) -> dict:
    return round_to_total({county: amount / len(counties) for county in counties}, amount)


def by_factors(
    *,
    counties: Sequence,
    amount: Decimal,
    base_share: Decimal,
    factors: Sequence[tuple[str, str, Decimal, Mapping]],  # (key, label, weight, {county: value | None})
) -> tuple[dict, dict]:
    """({county: amount}, {county: explanation})."""
    count = len(counties)
    exact = dict.fromkeys(counties, ZERO)
    words: dict = {county: [] for county in counties}
    base = amount * base_share
    if base:
        for county in counties:
            exact[county] += base / count
            words[county].append(f"基础份额：{amount}×{base_share * 100:.0f}%÷{count}个县区 = {base / count:.2f}")
    rest = amount - base
    total_weight = sum((weight for _key, _label, weight, _values in factors), ZERO)
    for _key, label, weight, values in factors:
        pool = rest * weight / total_weight
        positive = {c: v for c, v in values.items() if v is not None and v > 0}
        whole = sum(positive.values(), ZERO)
        for county in counties:
            value = values.get(county)
            if not whole:
                part = pool / count
                words[county].append(f"{label}（各县区均无正值，按{count}个县区平分）{pool:.2f}÷{count} = {part:.2f}")
            elif county not in positive:
                part = ZERO
                shown = "无数据" if value is None else f"{value}"
                words[county].append(f"{label}：{shown}，不分配该因素资金")
            else:
                part = pool * positive[county] / whole
                words[county].append(
                    f"{label}：{pool:.2f}（权重{weight}/{total_weight}）×{positive[county]}÷{whole} = {part:.2f}"
                )
            exact[county] += part
    shares = round_to_total(exact, amount)
    return shares, {county: "；".join(words[county]) + f"；合计{shares[county]}万元" for county in counties}


def by_tiers(
    *, counties: Sequence, amount: Decimal, ranks: Mapping, tiers: Sequence[tuple[int, Decimal]]
) -> tuple[dict, dict]:
    """Tiers as (up to rank, coefficient), ascending; a county without a rank, or past the
    last tier, has coefficient 0 (said in words)."""
    coefficients, words = {}, {}
    for county in counties:
        rank = ranks.get(county)
        tier = None if rank is None else next((t for t in tiers if rank <= t[0]), None)
        coefficients[county] = ZERO if tier is None else tier[1]
        words[county] = (
            "无考核名次，系数0"
            if rank is None
            else f"考核第{rank}名，系数{coefficients[county]}"
            if tier
            else f"考核第{rank}名，不在分档范围内，系数0"
        )
    whole = sum(coefficients.values(), ZERO)
    if not whole:
        raise ValueError("no coefficient")
    exact = {county: amount * coefficients[county] / whole for county in counties}
    shares = round_to_total(exact, amount)
    return shares, {
        county: f"{words[county]}：{amount}×{coefficients[county]}÷系数合计{whole} = {shares[county]}万元"
        for county in counties
    }
