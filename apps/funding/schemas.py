"""Request and response shapes of /api/v1/funding. Money: decimal strings in 万元."""

import datetime
from decimal import Decimal

from ninja import Field, Schema
from pydantic import ConfigDict, create_model

from apps.projects.schemas import Money, MoneyIn, NamedRef, RegionRef

from .models import AMOUNT_FIELDS, ApplicationStatus, Programme


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class ProjectRef(Schema):
    id: int
    name: str
    project_code: str | None
    region: RegionRef


_AmountsOut = create_model("FundingAmountsOut", __base__=Schema, **{name: (Money, ...) for name in AMOUNT_FIELDS})
_AmountsIn = create_model(
    "FundingAmountsIn", __base__=_Input, **{name: (MoneyIn, Decimal(0)) for name in AMOUNT_FIELDS}
)


class FundingRecordOut(_AmountsOut):
    id: int
    project: ProjectRef
    year: int
    is_ppp: bool
    ppp_mode: str
    reits_candidate: bool
    gap: Money
    gap_arranged: bool
    gap_note: str
    version: int


class FundingRecordListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[FundingRecordOut]


class FundingRecordIn(_AmountsIn):
    """The whole record of a project and year (created or replaced). Rows left out are 0."""

    project: int = Field(..., description="项目 id")
    year: int
    is_ppp: bool = False
    ppp_mode: str = ""
    reits_candidate: bool = False
    gap: MoneyIn = Decimal(0)
    gap_arranged: bool = False
    gap_note: str = ""
    version: int | None = Field(None, description="替换已有记录时必填：编辑时加载的版本号；过期时返回 409")


class ArrivalOut(Schema):
    record: int
    project: ProjectRef
    year: int
    planned_total: Money
    arrived_total: Money
    reported_arrived: Money = Field(..., description="月报“本月到位资金”之和（已报送、已审核）")
    completed: Money = Field(..., description="本年完成投资（已报送、已审核月报之和）")
    deviation: Decimal | None = Field(None, description="资金偏离度 %：|完成投资−到位资金|÷完成投资")
    deviation_status: str | None = Field(None, description="normal 正常 / deviated 偏离 / severe 严重偏离")


class ArrivalListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[ArrivalOut]


class FundingUserRef(Schema):
    id: int
    username: str


class DisbursementOut(Schema):
    id: int
    project: ProjectRef
    source: str
    on_date: datetime.date
    released: Money
    paid: Money
    note: str
    entered_by: FundingUserRef


class DisbursementListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[DisbursementOut]


class DisbursementIn(_Input):
    project: int
    source: str
    on_date: datetime.date
    released: MoneyIn = Decimal(0)
    paid: MoneyIn = Decimal(0)
    note: str = ""


class PaceOut(Schema):
    project: ProjectRef
    released: Money
    paid: Money
    paid_ratio: Decimal | None = Field(None, description="支付进度 %（支付÷拨付）")
    time_ratio: Decimal = Field(..., description="时序进度 %")
    behind: bool


class ApplicationOut(Schema):
    id: int
    project: ProjectRef
    programme: Programme
    year: int
    batch: str
    document_number: str
    responsible_department: NamedRef
    deadline: datetime.date | None
    status: ApplicationStatus
    requested: Money
    approved: Money
    released: Money
    spent: Money
    submitted_on: datetime.date | None
    decided_on: datetime.date | None
    released_on: datetime.date | None
    note: str
    version: int


class ApplicationListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[ApplicationOut]


class ApplicationIn(_Input):
    project: int
    programme: Programme
    year: int
    batch: str = ""
    responsible_department: int
    deadline: datetime.date | None = None
    requested: MoneyIn
    note: str = ""


class ApplicationPatch(_Input):
    version: int = Field(..., description="编辑时加载的版本号（必填）；过期时返回 409")
    programme: Programme = None
    year: int = None
    batch: str = None
    responsible_department: int = None
    deadline: datetime.date | None = None
    requested: MoneyIn = None
    note: str = None


class ApplicationStepIn(_Input):
    version: int = Field(..., description="编辑时加载的版本号（必填）；过期时返回 409")
    to_status: ApplicationStatus
    on: datetime.date | None = None
    amount: MoneyIn | None = None
    document_number: str = ""


class ApplicationFiguresOut(Schema):
    year: int
    applied_count: int
    requested: Money
    won_count: int
    approved: Money
    arrived: Money = Field(..., description="争取到位（本年截至今日下达）")
    arrived_last_year: Money = Field(..., description="上年同期下达")
    growth: Decimal | None = Field(None, description="同比 %")
    project_ids: dict[str, list[int]]
