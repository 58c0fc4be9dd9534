"""The bulletin's section on attraction and the reserve (招商引资和项目谋划储备), self-contained:
`bulletin_snapshot` adds its figures to the bulletin's frozen snapshot, `bulletin_section`
writes its paragraph from them (a snapshot frozen before it existed has no such key: no
section). The figures are those of the speech page (selectors.speech_context of each app),
with the same definitions (README 招商引资, 谋划储备)."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from apps.core.money import WAN_PER_YI, decimal_str


def _frozen(context: dict) -> dict:
    return {
        key: {"value": None if value is None else decimal_str(Decimal(value)), "unit": unit, "label": str(label)}
        for key, (value, unit, _title, _url, label) in context.items()
    }


def bulletin_snapshot(*, user, region, period) -> dict:
    from apps.reserve import selectors as reserve_selectors

    from . import selectors

    today = min(period.end, timezone.localdate())
    return {
        "leads": _frozen(selectors.speech_context(user=user, region=region, today=today)),
        "reserve": _frozen(reserve_selectors.speech_context(user=user, region=region, year=period.year)),
    }


def _value(figures: dict, key: str) -> Decimal | None:
    value = figures.get(key, {}).get("value")
    return None if value is None else Decimal(value)


def _number(value: Decimal | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if unit == "亿元":
        value = (value / WAN_PER_YI).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return decimal_str(value)


def bulletin_section(content, snapshot: dict) -> None:
    data = snapshot.get("attraction")
    if not data:
        return
    leads, reserve = data["leads"], data["reserve"]
    as_of = snapshot["period"]["as_of"]
    paragraphs = []
    signed = _value(leads, "signed")
    if signed is not None:
        text = (
            f"{as_of}，签约招商项目{_number(signed)}个，合同投资{_number(_value(leads, 'signed_amount'), '亿元')}亿元，"
            f"落地率{_number(_value(leads, 'landed_rate'))}%，开工率{_number(_value(leads, 'start_rate'))}%，"
            f"资金到位率{_number(_value(leads, 'funds_arrival_rate'))}%"
        )
        late, exit_due, idle = (_value(leads, key) for key in ("late", "exit_due", "started_no_investment"))
        if late:
            text += f"；{_number(late)}个线索有逾期事项"
            if exit_due:
                text += f"，其中{_number(exit_due)}个应启动退出"
        if idle:
            text += f"；{_number(idle)}个项目只开工不落地，须跟踪督办"
        paragraphs.append(text + "。")
    count = _value(reserve, "count")
    if count is not None:
        industry, infrastructure = _value(reserve, "industry_share"), _value(reserve, "infrastructure_share")
        text = (
            f"谋划储备库在库项目{_number(count)}个，估算投资{_number(_value(reserve, 'investment'), '亿元')}亿元，"
            f"其中产业项目占{_number(industry)}%、基础设施项目占{_number(infrastructure)}%，"
            f"具备申报条件的产业项目{_number(_value(reserve, 'industry_ready'))}个"
        )
        if industry is not None and infrastructure is not None and industry < infrastructure:
            text += "，产业项目谋划不足"
        paragraphs.append(text + "。")
    if paragraphs:
        content.heading("招商引资和项目谋划储备")
        for paragraph in paragraphs:
            content.para(paragraph)
