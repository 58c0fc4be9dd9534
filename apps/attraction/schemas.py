"""Request and response shapes of /api/v1/investment-leads. Money in 万元 as decimal strings."""

import datetime

from ninja import Field, Schema
from pydantic import ConfigDict

from apps.projects.schemas import Money, MoneyIn, NamedRef, RegionRef

from .models import ExitReason, LeadSource, LeadStage, NoticeKind


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class LeadVersionIn(_Input):
    version: int = Field(..., description="编辑时加载的线索版本号（必填）；过期时返回 409")


class ContractOut(Schema):
    amount: Money
    signed_on: datetime.date
    counterpart: str
    commitments: str
    agreed_start_date: datetime.date | None
    signed_at_event: str


class LatenessOut(Schema):
    check: str
    label: str
    status: str
    status_label: str
    due: datetime.date | None
    message: str


class LeadOut(Schema):
    id: int
    name: str
    investor_name: str
    investor_credit_code: str
    is_leading_enterprise: bool
    investor_origin: str
    region: RegionRef
    industry_code: str
    encouraged_industry: bool
    category: str
    intended_investment: Money
    source: LeadSource
    attraction_unit: NamedRef
    attraction_person: str
    content: str
    received_on: datetime.date
    stage: LeadStage
    stage_since: datetime.date
    exit_reason: str
    exit_note: str
    registered_credit_code: str
    registered_name: str
    version: int
    project_id: int | None = Field(None, description="开工后对应的项目库项目")
    contract: ContractOut | None = None
    funds_arrived: Money = Field(..., description="到位资金合计（万元）")
    late_status: str = Field(..., description="exit_due / notice_due / late / unknown / due_soon / on_track")
    lateness: list[LatenessOut]

    @staticmethod
    def resolve_contract(obj):
        return getattr(obj, "contract", None) if hasattr(obj, "contract") else None


class LeadListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[LeadOut]


class ContactIn(_Input):
    name: str
    position: str = ""
    phone: str = ""
    email: str = ""


class ContactOut(Schema):
    id: int
    name: str
    position: str
    phone: str
    email: str


class LeadIn(_Input):
    name: str
    investor_name: str
    investor_credit_code: str = ""
    is_leading_enterprise: bool = False
    investor_origin: str = ""
    region: int = Field(..., description="拟落地县区 id")
    industry_code: str = Field(..., description="GB/T 4754 行业代码，如 C3841")
    encouraged_industry: bool = False
    category: str = "industry"
    intended_investment: MoneyIn
    source: LeadSource
    attraction_unit: int | None = Field(None, description="招商单位（部门）id；部门用户可不填，默认本单位")
    attraction_person: str
    content: str = ""
    received_on: datetime.date
    contacts: list[ContactIn] = []


class LeadPatch(LeadVersionIn):
    name: str = None
    investor_name: str = None
    investor_credit_code: str = None
    is_leading_enterprise: bool = None
    investor_origin: str = None
    region: int = None
    industry_code: str = None
    encouraged_industry: bool = None
    category: str = None
    intended_investment: MoneyIn = None
    source: LeadSource = None
    attraction_unit: int = None
    attraction_person: str = None
    content: str = None
    received_on: datetime.date = None


class AdvanceIn(LeadVersionIn):
    stage: LeadStage
    on: datetime.date
    note: str = ""


class SignIn(LeadVersionIn):
    amount: MoneyIn
    signed_on: datetime.date
    counterpart: str
    commitments: str = ""
    agreed_start_date: datetime.date | None = None
    signed_at_event: str = ""


class RegisteredIn(LeadVersionIn):
    on: datetime.date
    credit_code: str
    enterprise_name: str


class StartIn(LeadVersionIn):
    on: datetime.date
    project: int | None = Field(None, description="已有项目库项目 id；不填则新建，须填 project_code")
    project_code: str = ""
    note: str = ""


class ExitIn(LeadVersionIn):
    reason: ExitReason
    on: datetime.date
    note: str = ""


class FollowUpIn(_Input):
    on: datetime.date
    content: str


class FollowUpOut(Schema):
    id: int
    reported_on: datetime.date
    content: str


class FundsIn(_Input):
    on: datetime.date
    amount: MoneyIn
    note: str = ""


class FundsOut(Schema):
    id: int
    arrived_on: datetime.date
    amount: Money
    note: str


class NoticeIn(_Input):
    kind: NoticeKind
    on: datetime.date
    deadline: datetime.date | None = None
    content: str = ""


class NoticeOut(Schema):
    id: int
    kind: NoticeKind
    issued_on: datetime.date
    deadline: datetime.date | None
    content: str


class SuperviseIn(_Input):
    meeting: int = Field(..., description="作出决定的会议 id")
    decision: str
    owner: int = Field(..., description="责任单位（部门）id")
    owner_person: int | None = None
    deadline: datetime.date


class SupervisedActionRef(Schema):
    id: int
    decision: str
    deadline: datetime.date
    status: str


class StageEventOut(Schema):
    stage: LeadStage
    entered_on: datetime.date
    note: str


class AttractionFigureOut(Schema):
    code: str
    label: str
    value: str | int | None
    ids: list[int]
    basis: str
    numerator: str | int | None = None
    denominator: str | int | None = None


class BreakdownOut(Schema):
    key: str | int | None
    label: str
    count: int
    ids: list[int]
    signed: int
    signed_ids: list[int]
    signed_amount: Money


class MedianOut(Schema):
    stage: LeadStage
    label: str
    median: float | None
    n: int


class AttractionFiguresOut(Schema):
    scope: str
    figures: list[AttractionFigureOut]
    funnel: list[AttractionFigureOut]
    median_days: list[MedianOut]
    by_region: list[BreakdownOut]
    by_industry: list[BreakdownOut]
    by_source: list[BreakdownOut]


class ReadOut(Schema):
    id: int
    time: datetime.datetime
    user_name: str
    lead_id: int
    contacts: int
    channel: str
    request_id: str
    client_ip: str | None


class ReadListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[ReadOut]
