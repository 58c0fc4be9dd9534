from datetime import datetime
from decimal import Decimal

from ninja import Schema


class ShareOut(Schema):
    id: int
    region_id: int
    region_name: str
    factor_values: dict
    computed: Decimal
    adjustment: Decimal
    adjustment_reason: str
    final: Decimal
    equal_split: Decimal
    versus_equal: Decimal
    explanation: str

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name


class PlanOut(Schema):
    id: int
    region_id: int
    year: int
    title: str
    amount: Decimal
    method: str
    base_share: Decimal
    factors: list
    tiers: list
    assessment_run_id: int | None
    status: str
    created_at: datetime
    approved_at: datetime | None


class PlanDetailOut(PlanOut):
    shares: list[ShareOut]


class PlanIn(Schema):
    region: int
    year: int
    title: str
    amount: Decimal
    method: str
    base_share: Decimal = Decimal(0)
    factors: list[dict] | None = None
    tiers: list[dict] | None = None
    assessment_run: int | None = None


class AdjustIn(Schema):
    adjustment: Decimal
    reason: str = ""
