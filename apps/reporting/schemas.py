"""Request and response shapes of the reporting API (/api/v1/reports).

Money is Decimal in 万元 and travels as a decimal string; inputs accept a string or a number.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict

from apps.projects.schemas import Money, MoneyIn, NamedRef, RegionRef

from .models import PeriodStatus, ReportStatus, RevisionStatus


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


def _local(value: datetime.datetime | None) -> datetime.datetime | None:
    return timezone.localtime(value) if value else None


# --- periods ------------------------------------------------------------------


class PeriodOut(Schema):
    id: int
    year: int
    month: int
    deadline: datetime.date
    status: PeriodStatus
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None

    @staticmethod
    def resolve_opened_at(obj) -> datetime.datetime:
        return _local(obj.opened_at)

    @staticmethod
    def resolve_closed_at(obj) -> datetime.datetime | None:
        return _local(obj.closed_at)


class PeriodIn(_Input):
    year: int
    month: int
    deadline: datetime.date | None = Field(None, description="不填则为统计设置中的月报默认截止日（当月）")


# --- reports ------------------------------------------------------------------


class ReportProjectRef(Schema):
    id: int
    name: str
    region: RegionRef
    owner_unit: NamedRef


class UserRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.display_name


class ReportOut(Schema):
    id: int
    project: ReportProjectRef
    year: int
    month: int
    completed_investment: Money
    funds_arrived: Money | None = Field(None, description="本月到位资金（万元，选填）")
    ytd: Money = Field(..., description="1-X月累计（已报送、已审核月报之和，派生）")
    since_start: Money = Field(..., description="开工以来累计（已报送、已审核月报之和，派生）")
    physical_progress: str
    percent_complete: Decimal | None
    actual_start_date: datetime.date | None
    problems: str
    next_steps: str
    notes: str
    status: ReportStatus
    submitted_by: UserRef | None
    submitted_at: datetime.datetime | None
    verified_by: UserRef | None
    verified_at: datetime.datetime | None
    returned_reason: str
    version: int

    @staticmethod
    def resolve_submitted_at(obj) -> datetime.datetime | None:
        return _local(obj.submitted_at)

    @staticmethod
    def resolve_verified_at(obj) -> datetime.datetime | None:
        return _local(obj.verified_at)


class ReportListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[ReportOut]


class ReportFieldsIn(_Input):
    completed_investment: MoneyIn = None
    funds_arrived: MoneyIn | None = None
    physical_progress: str = None
    percent_complete: Decimal | None = None
    actual_start_date: datetime.date | None = None
    problems: str = None
    next_steps: str = None
    notes: str = None


class ReportIn(_Input):
    project: int = Field(..., description="项目 id")
    year: int
    month: int
    completed_investment: MoneyIn
    funds_arrived: MoneyIn | None = None
    physical_progress: str = ""
    percent_complete: Decimal | None = None
    actual_start_date: datetime.date | None = None
    problems: str = ""
    next_steps: str = ""
    notes: str = ""


class ReportPatch(ReportFieldsIn):
    """`version` (the version the editor loaded) plus any subset of the figures."""

    version: int = Field(..., description="编辑时加载的版本号；过期时返回 409")


class ActionIn(_Input):
    version: int = Field(..., description="操作时看到的版本号（必填）；过期时返回 409")


class ReturnIn(ActionIn):
    reason: str = Field(..., description="退回原因（必填）")


# --- revisions ------------------------------------------------------------------


class RevisionIn(_Input):
    reason: str
    proposed: ReportFieldsIn


class RevisionOut(Schema):
    id: int
    report_id: int
    reason: str
    proposed: dict[str, Any]
    before: dict[str, Any] | None
    status: RevisionStatus
    requested_by: UserRef
    requested_at: datetime.datetime
    decided_by: UserRef | None
    decided_at: datetime.datetime | None
    decision_note: str

    @staticmethod
    def resolve_requested_at(obj) -> datetime.datetime:
        return _local(obj.requested_at)

    @staticmethod
    def resolve_decided_at(obj) -> datetime.datetime | None:
        return _local(obj.decided_at)


class DecisionIn(_Input):
    note: str = Field("", description="审批意见（驳回时必填）")


# --- 未报 -------------------------------------------------------------------------


class UnreportedRegion(Schema):
    region_id: int
    name: str
    code: str
    count: int


class UnreportedUnit(Schema):
    owner_unit_id: int
    name: str
    count: int


class UnreportedProject(Schema):
    id: int
    name: str
    region: RegionRef
    owner_unit: NamedRef
    stage: str
    planned_start_date: datetime.date | None


class UnreportedOut(Schema):
    year: int
    month: int
    total: int
    by_region: list[UnreportedRegion]
    by_owner_unit: list[UnreportedUnit]
    projects: list[UnreportedProject]
