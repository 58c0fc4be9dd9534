"""Request and response shapes of the indicator and official-figure API.

Amounts stored in 万元 travel as decimal strings (`Money`); indicator values travel as
decimal strings (亿元 with two decimals, percentages with one), integers (counts) or null.
"""

import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict, PlainSerializer, WithJsonSchema

from apps.core.money import decimal_str
from apps.projects.schemas import Money, MoneyIn, RegionRef

from .indicators import yoy_growth_pct


def _figure(value):
    return format(value, "f") if isinstance(value, Decimal) else value


Figure = Annotated[
    Decimal | int | None,
    PlainSerializer(_figure, when_used="always"),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "format": "decimal"}, {"type": "integer"}, {"type": "null"}],
            "description": "亿元（两位小数）、%（一位小数）为十进制字符串，个数等为整数，无数据为 null",
        }
    ),
]
Percent = Annotated[
    Decimal,
    PlainSerializer(lambda value: format(value, "f"), return_type=str, when_used="always"),
    WithJsonSchema({"type": "string", "format": "decimal", "example": "8.5", "description": "%（一位小数）"}),
]
# A percentage as entered (a target), without trailing zeros: "8.5", not "8.50".
EnteredPercent = Annotated[
    Decimal,
    PlainSerializer(decimal_str, return_type=str, when_used="always"),
    WithJsonSchema({"type": "string", "format": "decimal", "example": "8.5", "description": "%"}),
]


# --- indicators ---------------------------------------------------------------


class IndicatorParams(Schema):
    region: int | None = Field(None, description="区划 id，默认本人所在区划（或本市）")
    year: int | None = Field(None, ge=2000, le=2100, description="年度，默认今年")
    month: int | None = Field(None, ge=1, le=12, description="截至月份，默认本月")
    set: str = Field("all", description="项目范围：all、leader、level:<级别>、category:<类别>")
    ids: bool = Field(True, description="是否返回每个指标的项目 id 列表（全省规模时可关闭）")
    verified_only: bool = Field(False, description="完成投资只计已审核月报（用于公开发布的数字）")


class IndicatorOut(Schema):
    key: str
    label: str
    value: Figure
    unit: str
    project_ids: list[int]
    definition: str


class SeriesPointOut(Schema):
    key: str
    label: str
    values: dict[str, Figure]
    project_ids: list[int]


class NotStartedOut(Schema):
    project_id: int
    name: str
    region: str
    planned_start_date: datetime.date | None
    planned_start_precision: str = "day"
    problems: str


class IndicatorReportOut(Schema):
    region: RegionRef
    year: int
    month: int
    set: str
    verified_only: bool
    whole_set: bool
    indicators: list[IndicatorOut]
    by_month: list[SeriesPointOut]
    by_county: list[SeriesPointOut]
    by_category: list[SeriesPointOut]
    by_investor_type: list[SeriesPointOut]
    not_started: list[NotStartedOut]


# --- official figures -----------------------------------------------------------


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class FigureFilterParams(Schema):
    region: int | None = Field(None, description="区划 id（仅该区划）")
    parent: int | None = Field(None, description="上级区划 id（其直接下级）")
    year: int | None = None


class RegionStatFilterParams(FigureFilterParams):
    month: int | None = None


class RegionStatOut(Schema):
    id: int
    region: RegionRef
    year: int
    month: int = Field(..., description="截至月份；首个数据为1-2月（2）")
    fai_ytd: Money
    comparable_base: Money | None
    yoy_growth: Percent | None = Field(None, description="同比增长（%），无上年同期数时为 null")

    @staticmethod
    def resolve_yoy_growth(obj) -> Decimal | None:
        return yoy_growth_pct(obj.fai_ytd, obj.comparable_base)


class RegionStatIn(_Input):
    region: int = Field(..., description="区划 id")
    year: int
    month: int = Field(..., description="截至月份，2-12（1月不单独发布）")
    fai_ytd: MoneyIn
    comparable_base: MoneyIn | None = Field(None, description="上年同期可比口径（万元）")


class RegionTargetOut(Schema):
    id: int
    region: RegionRef
    year: int
    growth_pct: EnteredPercent
    amount: Money


class RegionTargetIn(_Input):
    region: int = Field(..., description="区划 id")
    year: int
    growth_pct: Decimal = Field(..., description="增长目标（%）")
    amount: MoneyIn
