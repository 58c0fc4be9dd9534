"""Request and response shapes of /api/v1/reserve. Money in 万元 as decimal strings."""

import datetime

from ninja import Field, Schema
from pydantic import ConfigDict

from apps.projects.schemas import Money, MoneyIn, NamedRef, RegionRef

from .models import CatalogueClass, Maturity, PlanningSource, ReviewStatus, Tier


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class ReserveOut(Schema):
    id: int
    name: str
    region: RegionRef
    planning_source: PlanningSource
    proposer: NamedRef
    category: str
    catalogue_class: CatalogueClass
    industry_code: str
    scope: str
    estimated_investment: Money
    maturity: Maturity
    tier: Tier
    planned_start_year: int | None
    status: ReviewStatus
    proposed_on: datetime.date
    first_reviewed_on: datetime.date | None
    admitted_on: datetime.date | None
    status_reason: str
    source_lead_id: int | None
    version: int
    project_id: int | None = Field(None, description="转入年度计划后的项目库项目")
    promoted_on: datetime.date | None


class ReserveListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[ReserveOut]


class ReserveIn(_Input):
    name: str
    region: int
    planning_source: PlanningSource
    proposer: int | None = Field(None, description="谋划单位 id；部门用户可不填")
    category: str
    catalogue_class: CatalogueClass = CatalogueClass.NOT_LISTED
    industry_code: str = ""
    scope: str = ""
    estimated_investment: MoneyIn
    maturity: Maturity = Maturity.CONCEPT
    tier: Tier = Tier.FIVE_YEAR
    planned_start_year: int | None = None
    proposed_on: datetime.date
    source_lead: int | None = Field(None, description="招商转化时的来源招商线索 id")


class ReserveVersionIn(_Input):
    version: int = Field(..., description="编辑时加载的储备项目版本号（必填）；过期时返回 409")


class ReservePatch(ReserveVersionIn):
    name: str = None
    region: int = None
    planning_source: PlanningSource = None
    category: str = None
    catalogue_class: CatalogueClass = None
    industry_code: str = None
    scope: str = None
    estimated_investment: MoneyIn = None
    maturity: Maturity = None
    tier: Tier = None
    planned_start_year: int | None = None


class ReserveReviewIn(ReserveVersionIn):
    approve: bool
    reason: str = ""


class ReserveReasonIn(ReserveVersionIn):
    reason: str


class PromoteIn(ReserveVersionIn):
    year: int
    planned_investment: MoneyIn
    planned_start_date: datetime.date
    planned_end_date: datetime.date
    owner_unit: int = Field(..., description="建设单位 id")
    project_code: str = ""


class ReserveGroupOut(Schema):
    key: str
    label: str
    count: int
    investment: Money


class ReserveFiguresOut(Schema):
    count: int
    investment: Money
    by_source: list[ReserveGroupOut]
    by_category: list[ReserveGroupOut]
    by_catalogue: list[ReserveGroupOut]
    by_maturity: list[ReserveGroupOut]
    by_region: list[ReserveGroupOut]
    industry_share_reserve: str | None
    infrastructure_share_reserve: str | None
    industry_share_plan: str | None
    infrastructure_share_plan: str | None
    plan_year: int
    plan_count: int
    admitted_ever: int
    promoted: int
    promoted_started: int
    conversion_to_plan: str | None
    conversion_to_start: str | None
    industry_short: bool
