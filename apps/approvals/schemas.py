"""Request and response shapes of the approvals API (/api/v1/approvals)."""

import datetime
from decimal import Decimal

from ninja import Field, Schema
from pydantic import ConfigDict

from apps.projects.schemas import NamedRef

from .models import ApprovalStage, FactorKind, FactorStatus, ItemStatus


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class ItemTypeOut(Schema):
    id: int
    code: str
    name: str
    stage: ApprovalStage
    sequence: int
    authority: NamedRef | None
    committed_workdays: int
    commitment_applies: bool
    prerequisites: list[int] = Field(..., description="须待其办结的事项类型；没有的可并联办理")
    establishment: str
    investor_types: list[str]
    categories: list[str]
    is_active: bool

    @staticmethod
    def resolve_prerequisites(obj) -> list[int]:
        return sorted(p.pk for p in obj.prerequisites.all())


class ItemTypePatch(_Input):
    name: str | None = None
    authority: int | None = None
    committed_workdays: int | None = None
    commitment_applies: bool | None = None
    is_active: bool | None = None
    prerequisites: list[int] | None = None


class ItemTypeRef(Schema):
    id: int
    code: str
    name: str
    stage: ApprovalStage


class ItemOut(Schema):
    id: int
    project: NamedRef
    item_type: ItemTypeRef
    department: NamedRef | None
    status: ItemStatus
    overdue: bool = Field(..., description="已受理且超过承诺办结日期")
    committed_workdays: int
    commitment_applies: bool
    depends_on: list[int]
    planned_start_date: datetime.date | None
    planned_end_date: datetime.date | None
    intake_id: int | None
    submitted_on: datetime.date | None
    accepted_on: datetime.date | None
    due_date: datetime.date | None
    missing_documents: str
    supplement_deadline: datetime.date | None
    supplemented_on: datetime.date | None
    decided_on: datetime.date | None
    document_number: str
    handler: str
    decision_note: str
    deemed_reason: str
    version: int

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return bool(getattr(obj, "late", False))

    @staticmethod
    def resolve_depends_on(obj) -> list[int]:
        return sorted(d.pk for d in obj.depends_on.all())


class ItemResult(ItemOut):
    calendar_error: str | None = Field(None, description="缺少日历数据时的说明（承诺办结日期暂未计算）")


class ItemListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[ItemOut]


class ItemPatch(_Input):
    version: int = Field(..., description="编辑时加载的版本号（必填）；过期时返回 409")
    department: int | None = None
    committed_workdays: int | None = None
    commitment_applies: bool | None = None
    planned_start_date: datetime.date | None = None
    planned_end_date: datetime.date | None = None
    depends_on: list[int] | None = None


class ItemAddIn(_Input):
    item_type: int


class GenerateIn(_Input):
    start: datetime.date | None = Field(None, description="计划起始日期，默认今天")


class GenerateOut(Schema):
    created: list[ItemOut]
    calendar_error: str | None


class VersionIn(_Input):
    version: int = Field(..., description="编辑时加载的版本号（必填）；过期时返回 409")


class SubmitIn(VersionIn):
    submitted_on: datetime.date


class AcceptIn(VersionIn):
    accepted_on: datetime.date
    handler: str = ""
    missing_documents: str = Field("", description="填写则为容缺受理，须同时填写补正期限")
    supplement_deadline: datetime.date | None = None


class SupplementIn(VersionIn):
    supplemented_on: datetime.date


class DecideIn(VersionIn):
    decided_on: datetime.date
    document_number: str = ""
    note: str = ""


class IntakeIn(_Input):
    items: list[int]
    received_on: datetime.date
    applicant: str = ""
    notes: str = ""


class IntakeOut(Schema):
    id: int
    number: str
    project_id: int
    received_on: datetime.date
    applicant: str
    notes: str
    items: list[int]

    @staticmethod
    def resolve_items(obj) -> list[int]:
        return sorted(item.pk for item in obj.items.all())


class TimelineLane(Schema):
    id: int
    name: str
    stage: str
    department: str
    status: ItemStatus
    status_label: str
    planned: list[datetime.date | None]
    actual: list[datetime.date | None]
    due: datetime.date | None
    late: bool
    depends_on: list[int]


class TimelineOut(Schema):
    today: datetime.date
    lanes: list[TimelineLane]


class FactorOut(Schema):
    id: int
    project_id: int
    kind: FactorKind
    quantity: Decimal | None
    secured_quantity: Decimal | None
    unit: str
    description: str
    department: NamedRef | None
    status: FactorStatus
    needed_by: datetime.date | None
    version: int


class FactorIn(_Input):
    kind: FactorKind
    quantity: Decimal | None = None
    secured_quantity: Decimal | None = None
    description: str = ""
    department: int | None = None
    status: FactorStatus = FactorStatus.PENDING
    needed_by: datetime.date | None = None


class FactorPatch(_Input):
    version: int = Field(..., description="编辑时加载的版本号（必填）；过期时返回 409")
    kind: FactorKind | None = None
    quantity: Decimal | None = None
    secured_quantity: Decimal | None = None
    description: str | None = None
    department: int | None = None
    status: FactorStatus | None = None
    needed_by: datetime.date | None = None


class GroupOut(Schema):
    label: str
    pending: int
    overdue: int
    deemed: int
    decided: int
    average: float | None = Field(..., description="已办结事项平均工作日（申报至办结）")
    longest: int | None = Field(..., description="最长工作日（在办事项计至今天）")
    longest_item: dict | None


class WholeProcessOut(Schema):
    project_id: int
    name: str
    start: datetime.date
    end: datetime.date
    finished: bool
    workdays: int | None


class FiguresOut(Schema):
    today: datetime.date
    target: int
    average_whole_process: float | None
    finished_count: int
    finished_within_target: int
    by_department: list[GroupOut]
    by_item_type: list[GroupOut]
    stuck: list[dict]
    whole_process: list[WholeProcessOut]
    calendar_error: str | None
