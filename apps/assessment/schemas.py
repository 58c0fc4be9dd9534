from datetime import datetime
from decimal import Decimal

from ninja import Schema


class SchemeIndicatorOut(Schema):
    subject: str
    key: str
    weight: Decimal
    method: str
    params: dict


class SchemeOut(Schema):
    id: int
    region_id: int
    year: int
    name: str
    month_share: Decimal
    review_share: Decimal
    list_size: int
    flag_bottom: int
    flag_months: int
    source: str
    subjects: str
    departments_open: bool
    indicators: list[SchemeIndicatorOut]

    @staticmethod
    def resolve_indicators(obj):
        return list(obj.indicators.all())


class SchemeIn(Schema):
    region: int
    year: int
    name: str
    month_share: Decimal = Decimal("0.30")
    review_share: Decimal = Decimal("0.10")
    list_size: int = 3
    flag_bottom: int = 10
    flag_months: int = 2
    source: str = ""
    subjects: str = "counties"
    departments_open: bool = False


class SchemePatch(Schema):
    name: str | None = None
    month_share: Decimal | None = None
    review_share: Decimal | None = None
    list_size: int | None = None
    flag_bottom: int | None = None
    flag_months: int | None = None
    source: str | None = None
    subjects: str | None = None
    departments_open: bool | None = None


class IndicatorIn(Schema):
    subject: str = "county"
    weight: Decimal
    method: str
    params: dict = {}


class QuarterInputIn(Schema):
    quarter: int
    region: int | None = None
    department: int | None = None
    review_score: Decimal | None = None
    vetoed: bool = False
    veto_reason: str = ""


class AssessmentRunOut(Schema):
    id: int
    scheme_id: int
    year: int
    quarter: int
    version: int
    status: str
    reason: str
    computed_at: datetime
    published_at: datetime | None

    @staticmethod
    def resolve_year(obj):
        return obj.scheme.year


class RunIn(Schema):
    scheme: int
    quarter: int
    reason: str = ""


class ResultOut(Schema):
    subject: str
    region_id: int | None
    region_name: str | None
    organisation_id: int | None
    organisation_name: str | None
    total: Decimal | None
    rank: int | None
    previous_rank: int | None
    movement: int | None
    month_scores: list[str | None]
    month_ranks: list[int | None]
    review_score: Decimal | None
    vetoed: bool
    board: str
    bottom_flag: bool
    trace: dict

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name if obj.region_id else None

    @staticmethod
    def resolve_organisation_name(obj):
        return str(obj.organisation) if obj.organisation_id else None
