"""Request and response shapes of /api/v1/bonds. Money: decimal strings in 万元."""

import datetime
from decimal import Decimal

from ninja import Field, Schema
from pydantic import ConfigDict

from apps.funding.schemas import ProjectRef
from apps.projects.schemas import Money, MoneyIn, RegionRef

from .models import (
    AdjustmentReason,
    AdjustmentStatus,
    BondField,
    BondKind,
    BondProjectStatus,
    DocumentKind,
    IssueNature,
    NegativeCategory,
    PoolResult,
    QuotaKind,
    ReviewLevel,
    ReviewResult,
    ReviewSide,
)


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class _Paged(Schema):
    count: int
    limit: int
    offset: int


class BondProjectOut(Schema):
    id: int
    project: ProjectRef
    year: int
    kind: BondKind
    field: BondField
    negative_category: NegativeCategory
    revenue_source: str
    total_investment: Money
    capital_excl_bonds: Money
    bond_amount: Money
    bonds_as_capital: Money
    other_debt: Money
    other_debt_source: str
    construction_start: datetime.date
    construction_end: datetime.date
    operation_start_year: int
    operation_end_year: int
    expected_income: Money
    expected_cost: Money
    debt_service: Money
    accounting_firm: str
    law_firm: str
    status: BondProjectStatus
    round: int
    submitted_on: datetime.date | None
    ndrc_pool: PoolResult
    ndrc_pool_on: datetime.date | None
    mof_pool: PoolResult
    mof_pool_on: datetime.date | None
    version: int


class BondProjectListOut(_Paged):
    items: list[BondProjectOut]


class CheckOut(Schema):
    key: str
    label: str
    passed: bool
    detail: str


class DocumentOut(Schema):
    id: int
    kind: DocumentKind
    filename: str
    size: int
    uploaded_at: datetime.datetime


class ReviewOut(Schema):
    id: int
    bond_project: int = Field(..., alias="bond_project_id")
    round: int
    level: ReviewLevel
    side: ReviewSide
    result: ReviewResult
    reviewed_on: datetime.date
    opinion: str


class BondProjectDetailOut(BondProjectOut):
    checks: list[CheckOut]
    documents: list[DocumentOut]
    reviews: list[ReviewOut]
    review_levels: list[ReviewLevel]


class _BondFields(_Input):
    kind: BondKind = BondKind.SPECIAL
    field: BondField
    negative_category: NegativeCategory = NegativeCategory.NONE
    revenue_source: str = ""
    total_investment: MoneyIn | None = Field(None, description="默认取项目总投资")
    capital_excl_bonds: MoneyIn = Decimal(0)
    bond_amount: MoneyIn
    bonds_as_capital: MoneyIn = Decimal(0)
    other_debt: MoneyIn = Decimal(0)
    other_debt_source: str = ""
    construction_start: datetime.date
    construction_end: datetime.date
    operation_start_year: int
    operation_end_year: int
    expected_income: MoneyIn = Decimal(0)
    expected_cost: MoneyIn = Decimal(0)
    debt_service: MoneyIn
    accounting_firm: str = ""
    law_firm: str = ""


class BondProjectIn(_BondFields):
    project: int
    year: int


class BondVersionIn(_Input):
    version: int = Field(..., description="编辑时加载的版本号（必填）；过期时返回 409")


class BondProjectPatch(BondVersionIn):
    field: BondField = None
    negative_category: NegativeCategory = None
    revenue_source: str = None
    total_investment: MoneyIn = None
    capital_excl_bonds: MoneyIn = None
    bond_amount: MoneyIn = None
    bonds_as_capital: MoneyIn = None
    other_debt: MoneyIn = None
    other_debt_source: str = None
    construction_start: datetime.date = None
    construction_end: datetime.date = None
    operation_start_year: int = None
    operation_end_year: int = None
    expected_income: MoneyIn = None
    expected_cost: MoneyIn = None
    debt_service: MoneyIn = None
    accounting_firm: str = None
    law_firm: str = None


class ReviewIn(BondVersionIn):
    bond_project: int
    level: ReviewLevel
    side: ReviewSide
    result: ReviewResult
    reviewed_on: datetime.date | None = None
    opinion: str = ""


class PoolIn(BondVersionIn):
    bond_project: int
    side: ReviewSide
    result: PoolResult
    on: datetime.date | None = None


class QuotaOut(Schema):
    id: int
    region: RegionRef
    year: int
    kind: QuotaKind
    amount: Money
    document_number: str
    allocated_on: datetime.date | None


class QuotaIn(_Input):
    region: int
    year: int
    kind: QuotaKind = QuotaKind.NEW
    amount: MoneyIn
    document_number: str = ""
    allocated_on: datetime.date | None = None


class IssueOut(Schema):
    id: int
    name: str
    batch: str
    code: str
    region: RegionRef
    nature: IssueNature
    issued_on: datetime.date
    value_date: datetime.date
    amount: Money
    term_years: int
    rate: Decimal
    interest_frequency: int
    maturity_date: datetime.date


class IssueListOut(_Paged):
    items: list[IssueOut]


class IssueIn(_Input):
    name: str
    batch: str
    code: str = ""
    region: int
    nature: IssueNature = IssueNature.NEW
    issued_on: datetime.date
    value_date: datetime.date
    amount: MoneyIn
    term_years: int
    rate: Decimal = Field(..., description="票面利率 %")
    interest_frequency: int = Field(2, description="1 按年付息，2 半年付息")
    maturity_date: datetime.date | None = Field(None, description="默认 起息日 + 期限")


class AllocationOut(Schema):
    id: int
    issue: int = Field(..., alias="issue_id")
    bond_project: int = Field(..., alias="bond_project_id")
    project: ProjectRef = Field(..., alias="bond_project.project")
    amount: Money
    as_capital: Money
    allocated_on: datetime.date


class AllocationIn(_Input):
    bond_project: int
    amount: MoneyIn
    as_capital: MoneyIn = Decimal(0)
    allocated_on: datetime.date | None = None


class SpendingIn(_Input):
    allocation: int
    year: int
    month: int
    cumulative: MoneyIn


class BondPaceOut(Schema):
    allocation: int
    issue: str
    project: ProjectRef
    months: int = Field(..., description="发行后整月数")
    base: Money = Field(..., description="下达金额（扣除已批准的用途调整）")
    spent: Money = Field(..., description="本批累计支出")
    ratio: Decimal | None = Field(None, description="支出进度 %")
    required: Decimal | None = Field(None, description="应达进度 %")
    status: str = Field(..., description="ok 达标 / failing 不达标 / not_due 未到考核节点")
    consecutive_failing: int
    warning: bool = Field(..., description="连续不达标月数达到预警月数（预警项目清单）")
    to_recover: bool = Field(..., description="超过最后节点仍未支出完毕（收回调整）")


class AdjustmentOut(Schema):
    id: int
    allocation: int = Field(..., alias="allocation_id")
    to_bond_project: int = Field(..., alias="to_bond_project_id")
    amount: Money
    reason: AdjustmentReason
    explanation: str
    status: AdjustmentStatus
    requested_on: datetime.date
    decided_on: datetime.date | None
    decision_note: str


class AdjustmentIn(_Input):
    allocation: int
    amount: MoneyIn
    reason: AdjustmentReason
    explanation: str
    to_bond_project: int


class BondDecideIn(_Input):
    approve: bool
    note: str = ""


class RepaymentOut(Schema):
    due: datetime.date
    kind: str = Field(..., description="interest 付息 / principal 还本")
    amount: Money
    allocation: int
    issue: str
    project: ProjectRef
    status: str = Field(..., description="paid 已支付 / short 少付 / overdue 到期未录入支付 / upcoming 未到期")
    paid_on: datetime.date | None = None
    paid_amount: Money | None = None
    note: str = ""


class RepaymentIn(_Input):
    allocation: int
    due_date: datetime.date
    kind: str = Field(..., description="interest 付息 / principal 还本")
    paid_on: datetime.date
    amount: MoneyIn
    note: str = Field("", max_length=300)


class BondFigureOut(Schema):
    key: str
    label: str
    value: Decimal
    unit: str
    definition: str
    bond_project_ids: list[int]


class CategoryOut(Schema):
    category: str
    count: int
    amount: Money


class CountyOut(Schema):
    region: RegionRef
    issued: Money
    spent: Money
    share: Decimal | None
    failing: int


class BondFiguresOut(Schema):
    year: int
    month: int
    figures: dict[str, BondFigureOut]
    pooled_by_category: list[CategoryOut]
    by_county: list[CountyOut]
