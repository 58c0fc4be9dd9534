"""Writes of the special-bond cycle. Keyword-only, one transaction each; scope checked on
the locked row, validation before save, a change record in the same transaction.

Who does what (decisions where the rules are silent):
- The bond project record is kept by whoever changes the project (the owner unit's reporter,
  the county, the city); it is editable while 填报中 or 已退回 and goes up only when every
  check passes (negative list, balance, capital cap, coverage, stress test, periods, 一案两书).
- Reviews: the 发改 side is recorded by the county user (county level, own county) and the
  city administrator (city, province and national results as they come back); the 财政 side
  by the finance bureau covering the project (a county bureau at county level only). Levels
  follow one another on each side: county (for county projects) → city → province →
  national (outside the 自审自发 pilot, BOND_SELF_REVIEW_PROVINCES). A return ends the round:
  the unit revises and submits again (a new round).
- 双入库: the 发改 library result by the city administrator, the finance library by the
  finance bureau.
- Quotas, issues, allocations, spending and repayment data: the finance bureau of the region.
  用途调整 is requested by whoever changes the project or the finance bureau and decided by a
  finance-bureau user other than the requester.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.audit.models import ChangeAction
from apps.audit.services import snapshot
from apps.core.exceptions import check_version
from apps.funding.models import finance_region, funding_scope_q
from apps.funding.services import field_errors
from apps.funding.services import record_change as _record
from apps.projects.models import Project
from apps.regions.models import Region, RegionLevel

from . import rules
from .models import (
    AdjustmentReason,
    AdjustmentStatus,
    BondAllocation,
    BondDocument,
    BondIssue,
    BondKind,
    BondProject,
    BondProjectStatus,
    BondQuota,
    BondRepayment,
    BondReview,
    BondSpending,
    DocumentKind,
    PoolResult,
    RepaymentKind,
    ReviewLevel,
    ReviewResult,
    ReviewSide,
    UseAdjustment,
)

BOND_FIELDS = (
    "kind",
    "field",
    "negative_category",
    "revenue_source",
    "total_investment",
    "capital_excl_bonds",
    "bond_amount",
    "bonds_as_capital",
    "other_debt",
    "other_debt_source",
    "construction_start",
    "construction_end",
    "operation_start_year",
    "operation_end_year",
    "expected_income",
    "expected_cost",
    "debt_service",
    "accounting_firm",
    "law_firm",
)
ISSUE_FIELDS = (
    "name",
    "batch",
    "code",
    "region",
    "nature",
    "issued_on",
    "value_date",
    "amount",
    "term_years",
    "rate",
    "interest_frequency",
    "maturity_date",
)
EDITABLE_STATUSES = (BondProjectStatus.DRAFT, BondProjectStatus.RETURNED)
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
# Accepted 一案两书 files by extension and their first bytes (PDF, OOXML/zip, OLE Word, OFD/zip).
DOCUMENT_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".ofd": (b"PK\x03\x04",),
}


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _today() -> datetime.date:
    return timezone.localdate()


def _not_future(value, field: str, errors: dict) -> None:
    if value and value > _today():
        errors[field] = _("日期不能晚于今天。")


# --- bond project records ------------------------------------------------------------------


def _locked(queryset, pk: int, message: str):
    """The row locked for the transaction, or a refusal when it is outside the actor's scope."""
    instance = queryset.select_for_update(of=("self",)).filter(pk=pk).first()
    if instance is None:
        raise PermissionDenied(message)
    return instance


def _lock_bond_project(actor, bond_project_id: int, action: str = "change") -> BondProject:
    queryset = BondProject.objects.restrict(actor, action).select_related("project__region")
    return _locked(queryset, bond_project_id, _("您无权办理该专项债券项目。"))


def _check_version(bond_project: BondProject, expected_version: int) -> None:
    """Refuse a write based on a version other than the stored one (required: a caller
    without it would let the last writer win)."""
    check_version(
        bond_project,
        expected_version,
        what=_("专项债券项目“%(name)s”") % {"name": bond_project.project.name},
    )


def _bump_version(bond_project: BondProject) -> None:
    """A change beside the project's own fields (its files, a review): a concurrent edit based on
    the version before it is refused."""
    bond_project.version += 1
    bond_project.save(update_fields=["version"])


@transaction.atomic
def bond_project_create(*, actor, project_id: int, year: int, fields: dict) -> BondProject:
    unknown = sorted(set(fields) - set(BOND_FIELDS))
    _raise({name: _("不支持修改该字段。") for name in unknown})
    project_q = funding_scope_q(actor, "change")
    project = Project.objects.filter(project_q).filter(pk=project_id).first() if project_q is not None else None
    if project is None:
        raise PermissionDenied(_("您无权为该项目申报专项债券。"))
    data = {"kind": BondKind.SPECIAL, "total_investment": project.total_investment, **fields}
    bond_project = BondProject(project=project, year=year, **data)
    errors = field_errors(bond_project, exclude=("project",))
    if not errors and BondProject.objects.filter(project=project, year=year, kind=bond_project.kind).exists():
        errors["year"] = _("该项目本年度已有同类债券申报记录。")
    _raise(errors)
    bond_project.save()
    _record(actor=actor, action=ChangeAction.CREATE, instance=bond_project, before=None, project_id=project.pk)
    return bond_project


@transaction.atomic
def bond_project_update(*, actor, bond_project_id: int, fields: dict, expected_version: int) -> BondProject:
    unknown = sorted(set(fields) - set(BOND_FIELDS))
    _raise({name: _("不支持修改该字段。") for name in unknown})
    bond_project = _lock_bond_project(actor, bond_project_id)
    _check_version(bond_project, expected_version)
    if bond_project.status not in EDITABLE_STATUSES:
        raise ValidationError({"status": _("已申报的项目不能修改；退回后可修改。")})
    before = snapshot(bond_project)
    for name, value in fields.items():
        setattr(bond_project, name, value)
    _raise(field_errors(bond_project))
    bond_project.version += 1
    bond_project.save()
    _record(
        actor=actor,
        action=ChangeAction.UPDATE,
        instance=bond_project,
        before=before,
        project_id=bond_project.project_id,
    )
    return bond_project


def province_capital_totals(bond_project: BondProject) -> tuple[Decimal, Decimal]:
    """Bonds as capital and bonds requested by the other submitted projects of the same
    province and year (for the capital cap)."""
    province_prefix = bond_project.project.region.code[:2]
    totals = (
        BondProject.objects.filter(
            year=bond_project.year,
            kind=bond_project.kind,
            status=BondProjectStatus.SUBMITTED,
            project__region__code__startswith=province_prefix,
        )
        .exclude(pk=bond_project.pk)
        .order_by()
        .aggregate(capital=Sum("bonds_as_capital"), bonds=Sum("bond_amount"))
    )
    return totals["capital"] or Decimal(0), totals["bonds"] or Decimal(0)


def bond_project_checks(bond_project: BondProject) -> list[rules.Check]:
    """Every check before the record goes up, in the order officials read them."""
    province_capital, province_bonds = province_capital_totals(bond_project)
    region_code = bond_project.project.region.code
    return [
        rules.negative_list_check(
            category=bond_project.negative_category, expected_income=bond_project.expected_income
        ),
        rules.balance_check(
            total=bond_project.total_investment,
            capital_excl_bonds=bond_project.capital_excl_bonds,
            bond_amount=bond_project.bond_amount,
            other_debt=bond_project.other_debt,
        ),
        rules.capital_cap_check(
            bonds_as_capital=bond_project.bonds_as_capital,
            bond_amount=bond_project.bond_amount,
            province_as_capital=province_capital,
            province_bonds=province_bonds,
        ),
        rules.coverage_check(
            income=bond_project.expected_income,
            cost=bond_project.expected_cost,
            debt_service=bond_project.debt_service,
            province_code=region_code,
        ),
        rules.stress_check(
            income=bond_project.expected_income,
            cost=bond_project.expected_cost,
            debt_service=bond_project.debt_service,
        ),
        rules.periods_check(
            construction_start=bond_project.construction_start,
            construction_end=bond_project.construction_end,
            operation_start=bond_project.operation_start_year,
            operation_end=bond_project.operation_end_year,
        ),
        rules.documents_check(kinds_present=set(bond_project.documents.values_list("kind", flat=True))),
    ]


@transaction.atomic
def bond_project_submit(*, actor, bond_project_id: int, expected_version: int) -> BondProject:
    bond_project = _lock_bond_project(actor, bond_project_id)
    _check_version(bond_project, expected_version)
    if bond_project.status not in EDITABLE_STATUSES:
        raise ValidationError({"status": _("该项目已申报。")})
    failed = [check for check in bond_project_checks(bond_project) if not check.passed]
    if failed:
        raise ValidationError({check.key: f"{check.label}：{check.detail}" for check in failed})
    before = snapshot(bond_project)
    bond_project.status = BondProjectStatus.SUBMITTED
    bond_project.round += 1
    bond_project.submitted_on = _today()
    bond_project.version += 1
    bond_project.save()
    _record(
        actor=actor,
        action=ChangeAction.UPDATE,
        instance=bond_project,
        before=before,
        project_id=bond_project.project_id,
    )
    return bond_project


def _document_check(filename: str, content: bytes) -> str:
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    signatures = DOCUMENT_SIGNATURES.get(extension)
    if signatures is None:
        raise ValidationError({"file": _("只接受 PDF、Word（doc/docx）或 OFD 文件。")})
    if not content:
        raise ValidationError({"file": _("文件为空。")})
    if len(content) > DOCUMENT_MAX_BYTES:
        raise ValidationError({"file": _("文件不能超过 20 MB。")})
    if not content.startswith(signatures):
        raise ValidationError({"file": _("文件内容与扩展名“%s”不符。") % extension})
    return name


@transaction.atomic
def bond_document_upload(
    *, actor, bond_project_id: int, kind: str, filename: str, content: bytes, expected_version: int
) -> BondDocument:
    """Uploading changes the project's files: it needs the loaded version and bumps it."""
    bond_project = _lock_bond_project(actor, bond_project_id)
    _check_version(bond_project, expected_version)
    if bond_project.status not in EDITABLE_STATUSES:
        raise ValidationError({"status": _("已申报的项目不能更换文件。")})
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("请选择文件类型。")})
    name = _document_check(filename, content)
    for old in bond_project.documents.filter(kind=kind):
        _record(
            actor=actor,
            action=ChangeAction.DELETE,
            instance=old,
            before=snapshot(old),
            project_id=bond_project.project_id,
        )
        old.delete()
    document = BondDocument.objects.create(
        bond_project=bond_project, kind=kind, filename=name, size=len(content), content=content, uploaded_by=actor
    )
    _bump_version(bond_project)
    _record(actor=actor, action=ChangeAction.CREATE, instance=document, before=None, project_id=bond_project.project_id)
    return document


# --- reviews and pools -----------------------------------------------------------------------


def self_review_province(region_code: str) -> bool:
    return region_code[:2] in {str(code)[:2] for code in getattr(settings, "BOND_SELF_REVIEW_PROVINCES", ())}


def review_levels(bond_project: BondProject) -> list[str]:
    """The levels a project's review passes through, in order."""
    region = bond_project.project.region
    levels = [ReviewLevel.COUNTY] if region.level == RegionLevel.COUNTY else []
    levels += [ReviewLevel.CITY, ReviewLevel.PROVINCE]
    if not self_review_province(region.code):
        levels.append(ReviewLevel.NATIONAL)
    return levels


def _may_review(actor, bond_project: BondProject, side: str, level: str) -> bool:
    project = bond_project.project
    if side == ReviewSide.NDRC:
        if actor.role == Role.CITY_ADMIN:
            return (
                level != ReviewLevel.COUNTY and Project.objects.restrict(actor, "change").filter(pk=project.pk).exists()
            )
        if actor.role == Role.COUNTY_USER:
            return (
                level == ReviewLevel.COUNTY and Project.objects.restrict(actor, "change").filter(pk=project.pk).exists()
            )
        return False
    office = finance_region(actor)
    if office is None or not project.region.code.startswith(office.code_prefix):
        return False
    return level == ReviewLevel.COUNTY if office.level == RegionLevel.COUNTY else level != ReviewLevel.COUNTY


@transaction.atomic
def bond_review_record(
    *,
    actor,
    bond_project_id: int,
    level: str,
    side: str,
    result: str,
    reviewed_on: datetime.date | None = None,
    opinion: str = "",
    expected_version: int,
) -> BondReview:
    """A review result changes the project's state (the next level's review, a return): it needs
    the loaded version and bumps it."""
    bond_project = _lock_bond_project(actor, bond_project_id, "view")
    _check_version(bond_project, expected_version)
    errors: dict = {}
    if side not in ReviewSide.values:
        errors["side"] = _("请选择审核部门。")
    if level not in ReviewLevel.values:
        errors["level"] = _("请选择审核层级。")
    if result not in ReviewResult.values:
        errors["result"] = _("请选择审核结果。")
    _raise(errors)
    if not _may_review(actor, bond_project, side, level):
        raise PermissionDenied(_("您无权录入该层级的审核结果。"))
    if bond_project.status != BondProjectStatus.SUBMITTED:
        raise ValidationError({"status": _("项目未申报或已退回，不能审核。")})
    levels = review_levels(bond_project)
    if level not in levels:
        raise ValidationError({"level": _("该项目不经过此审核层级。")})
    done = {review.level: review.result for review in bond_project.reviews.filter(round=bond_project.round, side=side)}
    if level in done:
        raise ValidationError({"level": _("本轮该层级已有审核结果。")})
    earlier = levels[: levels.index(level)]
    if any(done.get(step) != ReviewResult.PASSED for step in earlier):
        raise ValidationError({"level": _("请先录入下一级的审核通过结果（逐级审核）。")})
    reviewed_on = reviewed_on or _today()
    _not_future(reviewed_on, "reviewed_on", errors)
    if bond_project.submitted_on and reviewed_on < bond_project.submitted_on:
        errors["reviewed_on"] = _("审核日期不能早于申报日期。")
    if result == ReviewResult.RETURNED and not (opinion or "").strip():
        errors["opinion"] = _("退回时请填写审核意见。")
    _raise(errors)
    review = BondReview.objects.create(
        bond_project=bond_project,
        round=bond_project.round,
        level=level,
        side=side,
        result=result,
        reviewed_on=reviewed_on,
        opinion=(opinion or "").strip(),
        recorded_by=actor,
    )
    _record(actor=actor, action=ChangeAction.CREATE, instance=review, before=None, project_id=bond_project.project_id)
    if result != ReviewResult.RETURNED:
        _bump_version(bond_project)
    else:
        before = snapshot(bond_project)
        bond_project.status = BondProjectStatus.RETURNED
        bond_project.version += 1
        bond_project.save()
        _record(
            actor=actor,
            action=ChangeAction.UPDATE,
            instance=bond_project,
            before=before,
            project_id=bond_project.project_id,
        )
    return review


@transaction.atomic
def bond_pool_record(
    *,
    actor,
    bond_project_id: int,
    side: str,
    result: str,
    on: datetime.date | None = None,
    expected_version: int,
):
    """双入库: the 发改 side's 国家重大建设项目库 or the finance side's 地方政府债券项目库
    (an edit of the project: needs the loaded version and bumps it)."""
    bond_project = _lock_bond_project(actor, bond_project_id, "view")
    _check_version(bond_project, expected_version)
    if side == ReviewSide.NDRC:
        allowed = (
            actor.role == Role.CITY_ADMIN
            and Project.objects.restrict(actor, "change").filter(pk=bond_project.project_id).exists()
        )
    else:
        office = finance_region(actor)
        allowed = office is not None and bond_project.project.region.code.startswith(office.code_prefix)
    if not allowed:
        raise PermissionDenied(_("您无权录入入库结果。"))
    if result not in PoolResult.values:
        raise ValidationError({"result": _("请选择入库结果。")})
    if bond_project.status != BondProjectStatus.SUBMITTED:
        raise ValidationError({"status": _("项目未申报，不能入库。")})
    on = on or _today()
    errors: dict = {}
    _not_future(on, "on", errors)
    _raise(errors)
    before = snapshot(bond_project)
    if side == ReviewSide.NDRC:
        bond_project.ndrc_pool, bond_project.ndrc_pool_on = result, on
    else:
        bond_project.mof_pool, bond_project.mof_pool_on = result, on
    bond_project.version += 1
    bond_project.save()
    _record(
        actor=actor,
        action=ChangeAction.UPDATE,
        instance=bond_project,
        before=before,
        project_id=bond_project.project_id,
    )
    return bond_project


# --- quotas and issues ------------------------------------------------------------------------


def _finance_office(actor, region: Region | None) -> Region:
    office = finance_region(actor)
    if office is None or region is None or not region.code.startswith(office.code_prefix):
        raise PermissionDenied(_("只有本区划的财政部门可以录入。"))
    return office


@transaction.atomic
def quota_save(
    *,
    actor,
    region_id: int,
    year: int,
    kind: str,
    amount: Decimal,
    document_number: str = "",
    allocated_on: datetime.date | None = None,
) -> BondQuota:
    region = Region.objects.filter(pk=region_id).first()
    _finance_office(actor, region)
    quota = BondQuota.objects.select_for_update().filter(region=region, year=year, kind=kind).first()
    before = snapshot(quota) if quota else None
    quota = quota or BondQuota(region=region, year=year, kind=kind)
    quota.amount, quota.document_number, quota.allocated_on = amount, (document_number or "").strip(), allocated_on
    errors = field_errors(quota)
    _not_future(allocated_on, "allocated_on", errors)
    _raise(errors)
    quota.save()
    _record(
        actor=actor,
        action=ChangeAction.UPDATE if before else ChangeAction.CREATE,
        instance=quota,
        before=before,
        project_id=None,
    )
    return quota


def _validate_issue(issue: BondIssue) -> None:
    errors = field_errors(issue)
    if not errors:
        if issue.value_date < issue.issued_on:
            errors["value_date"] = _("起息日不能早于发行日期。")
        if issue.maturity_date != rules.add_months(issue.value_date, 12 * issue.term_years):
            errors["maturity_date"] = _("到期日应为起息日加期限（%s）。") % rules.add_months(
                issue.value_date, 12 * issue.term_years
            )
        if not 0 < issue.rate < 20:
            errors["rate"] = _("票面利率应在 0 到 20 之间（%）。")
        if issue.term_years < 1 or issue.term_years > 50:
            errors["term_years"] = _("期限应在 1 到 50 年之间。")
        _not_future(issue.issued_on, "issued_on", errors)
    _raise(errors)


@transaction.atomic
def issue_create(*, actor, fields: dict) -> BondIssue:
    unknown = sorted(set(fields) - set(ISSUE_FIELDS))
    _raise({name: _("不支持修改该字段。") for name in unknown})
    _finance_office(actor, fields.get("region"))
    data = dict(fields)
    if not data.get("maturity_date") and data.get("value_date") and data.get("term_years"):
        data["maturity_date"] = rules.add_months(data["value_date"], 12 * int(data["term_years"]))
    issue = BondIssue(**data)
    _validate_issue(issue)
    issue.save()
    _record(actor=actor, action=ChangeAction.CREATE, instance=issue, before=None, project_id=None)
    return issue


def _lock_issue(actor, issue_id: int) -> BondIssue:
    return _locked(BondIssue.objects.restrict(actor, "change"), issue_id, _("只有本区划的财政部门可以录入。"))


@transaction.atomic
def allocation_add(
    *,
    actor,
    issue_id: int,
    bond_project_id: int,
    amount: Decimal,
    as_capital: Decimal = Decimal(0),
    allocated_on: datetime.date | None = None,
) -> BondAllocation:
    """Put part of an issue down to a submitted bond project (下达)."""
    issue = _lock_issue(actor, issue_id)
    bond_project = _lock_bond_project(actor, bond_project_id, "view")
    _finance_office(actor, bond_project.project.region)
    allocated_on = allocated_on or _today()
    allocation = BondAllocation(
        issue=issue, bond_project=bond_project, amount=amount, as_capital=as_capital or 0, allocated_on=allocated_on
    )
    errors = field_errors(allocation)
    _not_future(allocated_on, "allocated_on", errors)
    if not errors:
        if bond_project.status != BondProjectStatus.SUBMITTED:
            errors["bond_project"] = _("只能向已申报的项目下达债券资金。")
        if allocation.as_capital > allocation.amount:
            errors["as_capital"] = _("用作资本金的金额不能超过下达金额。")
        if allocated_on < issue.issued_on:
            errors["allocated_on"] = _("下达日期不能早于发行日期。")
        already = issue.allocations.order_by().aggregate(total=Sum("amount"))["total"] or Decimal(0)
        if already + allocation.amount > issue.amount:
            errors["amount"] = _("本批已下达 %(done)s 万元，再下达 %(new)s 万元将超过发行金额 %(total)s 万元。") % {
                "done": already,
                "new": allocation.amount,
                "total": issue.amount,
            }
        if issue.allocations.filter(bond_project=bond_project).exists():
            errors["bond_project"] = _("该项目已有本批债券的下达记录。")
    _raise(errors)
    allocation.save()
    _record(
        actor=actor, action=ChangeAction.CREATE, instance=allocation, before=None, project_id=bond_project.project_id
    )
    return allocation


def allocation_base(allocation: BondAllocation, *, until: datetime.date | None = None) -> Decimal:
    """The amount a batch's pace is measured against: put down, less approved 用途调整 out
    (decided by `until`), plus approved adjustments in."""
    out = allocation.adjustments.filter(status=AdjustmentStatus.APPROVED)
    if until is not None:
        out = out.filter(decided_on__lte=until)
    return allocation.amount - (out.order_by().aggregate(total=Sum("amount"))["total"] or Decimal(0))


def _lock_allocation(actor, allocation_id: int, action: str = "view") -> BondAllocation:
    queryset = BondAllocation.objects.restrict(actor, action).select_related("issue", "bond_project__project__region")
    return _locked(queryset, allocation_id, _("您无权办理该债券资金。"))


@transaction.atomic
def spending_record(*, actor, allocation_id: int, year: int, month: int, cumulative: Decimal) -> BondSpending:
    """A batch's cumulative spending at the end of a month (entered by the finance bureau)."""
    allocation = _lock_allocation(actor, allocation_id)
    _finance_office(actor, allocation.bond_project.project.region)
    errors: dict = {}
    today = _today()
    if not 1 <= int(month) <= 12:
        errors["month"] = _("月份应在 1 到 12 之间。")
    elif (year, month) > (today.year, today.month):
        errors["month"] = _("不能填报未来月份的支出。")
    elif (year, month) < (allocation.issue.issued_on.year, allocation.issue.issued_on.month):
        errors["month"] = _("不能早于本批债券的发行月份。")
    _raise(errors)
    spending = BondSpending.objects.select_for_update().filter(allocation=allocation, year=year, month=month).first()
    before = snapshot(spending) if spending else None
    spending = spending or BondSpending(allocation=allocation, year=year, month=month, entered_by=actor)
    spending.cumulative, spending.entered_by = cumulative, actor
    errors = field_errors(spending)
    if not errors:
        base = allocation_base(allocation)
        if spending.cumulative > base:
            errors["cumulative"] = _("累计支出不能超过下达金额（扣除已批准的用途调整）%s 万元。") % base
        earlier = (
            allocation.spendings.filter(Q(year__lt=year) | Q(year=year, month__lt=month))
            .order_by("-year", "-month")
            .first()
        )
        later = (
            allocation.spendings.filter(Q(year__gt=year) | Q(year=year, month__gt=month))
            .order_by("year", "month")
            .first()
        )
        if earlier and spending.cumulative < earlier.cumulative:
            errors["cumulative"] = _("累计支出不能少于 %(y)s年%(m)s月的 %(v)s 万元。") % {
                "y": earlier.year,
                "m": earlier.month,
                "v": earlier.cumulative,
            }
        if later and spending.cumulative > later.cumulative:
            errors["cumulative"] = _("累计支出不能多于 %(y)s年%(m)s月的 %(v)s 万元。") % {
                "y": later.year,
                "m": later.month,
                "v": later.cumulative,
            }
    _raise(errors)
    return _saved(actor, spending, before, allocation)


# --- 还本付息 --------------------------------------------------------------------------------


def _saved(actor, instance, before: dict | None, allocation: BondAllocation):
    """A batch's row (spending, repayment) saved with its change record (created or updated)."""
    instance.save()
    _record(
        actor=actor,
        action=ChangeAction.UPDATE if before else ChangeAction.CREATE,
        instance=instance,
        before=before,
        project_id=allocation.bond_project.project_id,
    )
    return instance


@transaction.atomic
def repayment_record(
    *,
    actor,
    allocation_id: int,
    due_date: datetime.date,
    kind: str,
    paid_on: datetime.date,
    amount: Decimal,
    note: str = "",
) -> BondRepayment:
    """还本付息 actually paid for one line of a batch's schedule (the finance bureau of the
    project's region). A payment differing from the schedule needs its reason in `note`; a
    second entry for the same line corrects the first (both kept in the change records)."""
    allocation = _lock_allocation(actor, allocation_id)
    _finance_office(actor, allocation.bond_project.project.region)
    errors: dict = {}
    line = next((p for p in allocation.schedule() if p.due == due_date and p.kind == kind), None)
    if kind not in RepaymentKind.values:
        errors["kind"] = _("类型应为付息或还本。")
    elif line is None:
        errors["due_date"] = _("%(date)s 不是本批债券的应付日期（按发行条件计算的还本付息计划）。") % {
            "date": due_date.isoformat() if due_date else "—"
        }
    elif line.due > _today():
        errors["due_date"] = _("尚未到期，不能录入实际支付。")
    _not_future(paid_on, "paid_on", errors)
    note = (note or "").strip()
    _raise(errors)
    repayment = BondRepayment.objects.select_for_update().filter(allocation=allocation, due_date=due_date, kind=kind)
    repayment = repayment.first()
    before = snapshot(repayment) if repayment else None
    repayment = repayment or BondRepayment(allocation=allocation, due_date=due_date, kind=kind)
    repayment.scheduled = line.amount
    repayment.paid_on, repayment.amount, repayment.note, repayment.entered_by = paid_on, amount, note, actor
    errors = field_errors(repayment)
    if not errors and repayment.amount != repayment.scheduled and not note:
        errors["note"] = _("实际支付 %(paid)s 万元与应付 %(due)s 万元不一致，请说明原因。") % {
            "paid": repayment.amount,
            "due": repayment.scheduled,
        }
    _raise(errors)
    return _saved(actor, repayment, before, allocation)


# --- 用途调整 --------------------------------------------------------------------------------


@transaction.atomic
def adjustment_request(
    *, actor, allocation_id: int, amount: Decimal, reason: str, explanation: str, to_bond_project_id: int
) -> UseAdjustment:
    allocation = _lock_allocation(actor, allocation_id)
    may_change = BondProject.objects.restrict(actor, "change").filter(pk=allocation.bond_project_id).exists()
    office = finance_region(actor)
    if not may_change and not (office and allocation.bond_project.project.region.code.startswith(office.code_prefix)):
        raise PermissionDenied(_("您无权申请调整该债券资金用途。"))
    target = BondProject.objects.restrict(actor, "view").filter(pk=to_bond_project_id).first()
    errors: dict = {}
    if target is None:
        errors["to_bond_project"] = _("调入项目不存在或不在您的权限范围内。")
    elif target.pk == allocation.bond_project_id:
        errors["to_bond_project"] = _("调入项目不能是原项目。")
    elif target.status != BondProjectStatus.SUBMITTED:
        errors["to_bond_project"] = _("调入项目须为已申报、符合发行条件的专项债券项目。")
    if reason not in AdjustmentReason.values:
        errors["reason"] = _("请选择调整情形。")
    if not (explanation or "").strip():
        errors["explanation"] = _("请填写调整理由。")
    _raise(errors)
    adjustment = UseAdjustment(
        allocation=allocation,
        amount=amount,
        reason=reason,
        explanation=explanation.strip(),
        to_bond_project=target,
        requested_by=actor,
        requested_on=_today(),
    )
    errors = field_errors(adjustment)
    if not errors:
        spent = allocation.spendings.order_by("-year", "-month").values_list("cumulative", flat=True).first() or 0
        pending = allocation.adjustments.filter(status=AdjustmentStatus.REQUESTED).aggregate(t=Sum("amount"))["t"] or 0
        available = allocation_base(allocation) - spent - pending
        if adjustment.amount <= 0:
            errors["amount"] = _("调整金额应大于零。")
        elif adjustment.amount > available:
            errors["amount"] = _("可调整金额为 %s 万元（下达金额扣除已支出、已调整和待审批的调整）。") % available
    _raise(errors)
    adjustment.save()
    _record(
        actor=actor,
        action=ChangeAction.CREATE,
        instance=adjustment,
        before=None,
        project_id=allocation.bond_project.project_id,
    )
    return adjustment


@transaction.atomic
def adjustment_decide(*, actor, adjustment_id: int, approve: bool, note: str = "") -> UseAdjustment:
    """Approve or reject; an approved adjustment puts the amount down to the target project
    in the same batch (its allocation is created or raised)."""
    adjustment = (
        UseAdjustment.objects.restrict(actor, "view")
        .select_for_update(of=("self",))
        .select_related(
            "allocation__issue", "allocation__bond_project__project__region", "to_bond_project__project__region"
        )
        .filter(pk=adjustment_id)
        .first()
    )
    if adjustment is None:
        raise PermissionDenied(_("您无权审批该用途调整。"))
    office = finance_region(actor)
    project_region = adjustment.allocation.bond_project.project.region.code
    if office is None or not project_region.startswith(office.code_prefix):
        raise PermissionDenied(_("用途调整由项目所在地财政部门审批。"))
    if adjustment.requested_by_id == actor.pk:
        raise PermissionDenied(_("申请人不能审批自己的用途调整。"))
    if adjustment.status != AdjustmentStatus.REQUESTED:
        raise ValidationError({"status": _("该用途调整已审批。")})
    if not approve and not (note or "").strip():
        raise ValidationError({"decision_note": _("不批准时请填写审批意见。")})
    before = snapshot(adjustment)
    adjustment.status = AdjustmentStatus.APPROVED if approve else AdjustmentStatus.REJECTED
    adjustment.decided_by, adjustment.decided_on, adjustment.decision_note = actor, _today(), (note or "").strip()
    adjustment.save()
    project_id = adjustment.allocation.bond_project.project_id
    _record(actor=actor, action=ChangeAction.UPDATE, instance=adjustment, before=before, project_id=project_id)
    if approve:
        target = (
            BondAllocation.objects.select_for_update()
            .filter(issue=adjustment.allocation.issue, bond_project=adjustment.to_bond_project)
            .first()
        )
        target_before = snapshot(target) if target else None
        if target is None:
            target = BondAllocation(
                issue=adjustment.allocation.issue,
                bond_project=adjustment.to_bond_project,
                amount=Decimal(0),
                allocated_on=_today(),
            )
        target.amount += adjustment.amount
        target.save()
        _record(
            actor=actor,
            action=ChangeAction.UPDATE if target_before else ChangeAction.CREATE,
            instance=target,
            before=target_before,
            project_id=adjustment.to_bond_project.project_id,
        )
    return adjustment
