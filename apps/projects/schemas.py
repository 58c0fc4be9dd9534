"""Request and response shapes of the project API.

Money is Decimal in 万元 and travels as a decimal string ("12345.67"), never a float.
Inputs accept a decimal string or a JSON number.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict, PlainSerializer, WithJsonSchema

from apps.core.money import decimal_str
from apps.regions.models import OrganisationKind, RegionLevel

from .models import Category, DatePrecision, InvestorType, Level, MilestoneStatus, Stage

Money = Annotated[
    Decimal,
    PlainSerializer(decimal_str, return_type=str, when_used="always"),
    WithJsonSchema({"type": "string", "format": "decimal", "example": "12345.67", "description": "万元"}),
]
PRECISION_HELP = (
    "日期精度：day 日、month 月（只知年月）、year 年（只知年份）、before 不晚于（该年底前）；"
    "month 只取日期的年月，存为该月最后一天；year/before 只取年份，存为该年最后一天"
)
MoneyIn = Annotated[
    Decimal,
    WithJsonSchema(
        {"anyOf": [{"type": "string", "example": "12345.67"}, {"type": "number"}], "description": "万元，非负"}
    ),
]


# --- errors -------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


class ConflictOut(Schema):
    detail: str
    current_version: int


# --- reference data embedded in projects -------------------------------------


class RegionRef(Schema):
    id: int
    code: str
    name: str


class NamedRef(Schema):
    id: int
    name: str


class OwnerUnitRef(Schema):
    id: int
    name: str
    credit_code: str | None


class RegionOut(Schema):
    id: int
    code: str
    name: str
    level: RegionLevel
    parent_id: int | None


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    kind: OrganisationKind
    credit_code: str | None
    region_id: int


class PersonOut(Schema):
    id: int
    name: str
    position: str
    is_city_leader: bool
    region_id: int


# --- annual plans and milestones ----------------------------------------------


class AnnualPlanOut(Schema):
    id: int
    year: int
    planned_investment: Money
    goal: str


class AnnualPlanWriteOut(AnnualPlanOut):
    project_version: int = Field(..., description="保存后项目的版本号")

    @staticmethod
    def resolve_project_version(obj) -> int:
        return obj.project.version


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class AnnualPlanIn(_Input):
    year: int
    planned_investment: MoneyIn
    goal: str = ""
    version: int | None = Field(None, description="编辑时加载的项目版本号；过期时返回 409")


class AnnualPlanPatch(_Input):
    year: int = None
    planned_investment: MoneyIn = None
    goal: str = None
    version: int = Field(..., description="编辑时加载的项目版本号（必填）；过期时返回 409")


class MilestoneOut(Schema):
    id: int
    name: str
    sequence: int
    baseline_date: datetime.date
    forecast_date: datetime.date | None
    actual_date: datetime.date | None
    status: MilestoneStatus


class MilestoneWriteOut(MilestoneOut):
    project_version: int = Field(..., description="保存后项目的版本号")

    @staticmethod
    def resolve_project_version(obj) -> int:
        return obj.project.version


class MilestoneIn(_Input):
    name: str
    sequence: int = 0
    baseline_date: datetime.date
    forecast_date: datetime.date | None = None
    actual_date: datetime.date | None = None
    version: int | None = Field(None, description="编辑时加载的项目版本号；过期时返回 409")


class MilestonePatch(_Input):
    name: str = None
    sequence: int = None
    baseline_date: datetime.date = None
    forecast_date: datetime.date | None = None
    actual_date: datetime.date | None = None
    version: int = Field(..., description="编辑时加载的项目版本号（必填）；过期时返回 409")


# --- projects -----------------------------------------------------------------


class ProjectListItem(Schema):
    id: int
    name: str
    project_code: str | None
    region: RegionRef
    level: Level
    stage: Stage
    category: Category
    investor_type: InvestorType
    total_investment: Money
    planned_start_date: datetime.date | None
    planned_end_date: datetime.date | None
    actual_start_date: datetime.date | None
    actual_end_date: datetime.date | None
    planned_start_precision: DatePrecision
    planned_end_precision: DatePrecision
    actual_start_precision: DatePrecision
    lead_official: NamedRef | None
    lead_department: NamedRef | None
    owner_unit: OwnerUnitRef
    in_statistics: bool
    statistics_included_on: datetime.date | None
    version: int


class ProjectListOut(Schema):
    count: int
    total_investment: Money
    limit: int
    offset: int
    items: list[ProjectListItem]


class ProjectDetailOut(ProjectListItem):
    location: str
    scope: str
    partner_units: list[NamedRef]
    annual_plans: list[AnnualPlanOut]
    milestones: list[MilestoneOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime


class ProjectIn(_Input):
    """A new project. Ids refer to /regions, /people and /organisations."""

    name: str
    project_code: str | None = Field(None, description="YYYY-RRRRRR-NN-NN-NNNNNN；储备阶段可不填")
    region: int = Field(..., description="所在县区 id")
    location: str = ""
    level: Level = Level.MUNICIPAL
    category: Category
    investor_type: InvestorType
    stage: Stage = Stage.RESERVE
    scope: str = ""
    total_investment: MoneyIn
    planned_start_date: datetime.date | None = None
    planned_end_date: datetime.date | None = None
    actual_start_date: datetime.date | None = None
    actual_end_date: datetime.date | None = None
    planned_start_precision: DatePrecision | None = Field(None, description=PRECISION_HELP)
    planned_end_precision: DatePrecision | None = Field(None, description=PRECISION_HELP)
    actual_start_precision: DatePrecision | None = Field(None, description=PRECISION_HELP)
    lead_official: int | None = Field(None, description="包抓领导（市级领导）id")
    lead_department: int | None = Field(None, description="牵头单位（政府部门）id")
    owner_unit: int = Field(..., description="建设单位 id")
    partner_units: list[int] = Field(default_factory=list, description="协作单位（政府部门）id 列表")
    in_statistics: bool = Field(False, description="是否已入统")
    statistics_included_on: datetime.date | None = Field(None, description="入统日期")


class ProjectPatch(_Input):
    """`version` (the version the editor loaded) plus any subset of the create fields."""

    version: int = Field(..., description="编辑时加载的版本号；过期时返回 409")
    # Fields that cannot be null default to None only to mean "not sent"; an explicit null is refused.
    name: str = None
    project_code: str | None = None
    region: int = None
    location: str = None
    level: Level = None
    category: Category = None
    investor_type: InvestorType = None
    stage: Stage = None
    scope: str = None
    total_investment: MoneyIn = None
    planned_start_date: datetime.date | None = None
    planned_end_date: datetime.date | None = None
    actual_start_date: datetime.date | None = None
    actual_end_date: datetime.date | None = None
    planned_start_precision: DatePrecision | None = None
    planned_end_precision: DatePrecision | None = None
    actual_start_precision: DatePrecision | None = None
    lead_official: int | None = None
    lead_department: int | None = None
    owner_unit: int = None
    partner_units: list[int] = None
    in_statistics: bool = None
    statistics_included_on: datetime.date | None = None


# --- history ------------------------------------------------------------------


class ChangeRecordOut(Schema):
    id: int
    time: datetime.datetime
    user_name: str
    request_id: str
    correlation_id: str
    client_ip: str | None
    action: str
    action_label: str
    object_type: str
    object_id: int
    object_repr: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changed_fields: list[str]

    @staticmethod
    def resolve_time(obj) -> datetime.datetime:
        return timezone.localtime(obj.time)

    @staticmethod
    def resolve_action_label(obj) -> str:
        return str(obj.get_action_display())

    @staticmethod
    def resolve_object_type(obj) -> str:
        model = obj.content_type.model_class()
        return str(model._meta.verbose_name) if model is not None else obj.content_type.model
