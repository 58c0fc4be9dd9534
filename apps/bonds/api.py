"""/api/v1/bonds: projects (with checks, documents, reviews), reviews, pools, quotas,
issues (with allocations), spending (pace, 不达标 and 预警 lists), adjustments, repayments
and the speech figures. Reads through selectors (out of scope 404), writes through services."""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from apps.core.api_helpers import Paging, filtered_page, page_of
from apps.dashboard import selectors as dashboard_selectors
from apps.funding import selectors as funding_selectors
from apps.projects.schemas import ConflictOut, ErrorOut
from apps.regions.models import Region

from . import selectors, services
from .documents import document_response
from .models import DocumentKind
from .schemas import (
    AdjustmentIn,
    AdjustmentOut,
    AllocationIn,
    AllocationOut,
    BondDecideIn,
    BondFiguresOut,
    BondPaceOut,
    BondProjectDetailOut,
    BondProjectIn,
    BondProjectListOut,
    BondProjectOut,
    BondProjectPatch,
    BondVersionIn,
    IssueIn,
    IssueListOut,
    IssueOut,
    PoolIn,
    QuotaIn,
    QuotaOut,
    RepaymentIn,
    RepaymentOut,
    ReviewIn,
    ReviewOut,
    SpendingIn,
)

router = Router(tags=["专项债券"])
READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut, 422: ErrorOut}


class BondFilterParams(Paging):
    """Documents BondProjectFilterSet's parameters; the FilterSet reads request.GET."""

    q: str | None = None
    region: int | None = None
    project: int | None = None
    year: int | None = None
    kind: str | None = None
    field: str | None = None
    status: list[str] | None = None
    figure: str | None = Query(None, description="applied / passed / pooled：讲话数据的统计口径")


def _period(year: int | None, month: int | None) -> tuple[int, int]:
    today = timezone.localdate()
    year, month = year or today.year, month or today.month
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise ValidationError({"month": _("年度或月份无效。")})
    return year, month


def _region(request, region: int | None):
    if region is None:
        return None
    return dashboard_selectors.dashboard_query(user=request.auth, params={"region": region}).region


def _detail(request, pk: int) -> dict:
    bond_project = selectors.bond_project_get(user=request.auth, pk=pk)
    return {
        **{name: getattr(bond_project, name) for name in BondProjectOut.model_fields if name != "project"},
        "project": bond_project.project,
        "checks": services.bond_project_checks(bond_project),
        "documents": list(bond_project.documents.defer("content")),
        "reviews": selectors.reviews_of(bond_project),
        "review_levels": services.review_levels(bond_project),
    }


# --- projects -------------------------------------------------------------------------------


@router.get("/projects", response={200: BondProjectListOut, 400: ErrorOut, 401: ErrorOut}, summary="专项债券项目")
def project_list(request: HttpRequest, filters: Query[BondFilterParams]):
    filterset = selectors.bond_project_filterset(user=request.auth, params=request.GET, request=request)
    return filtered_page(filterset, filters)


@router.post("/projects", response={201: BondProjectDetailOut, **WRITE_ERRORS}, summary="填报专项债券项目")
def project_create(request: HttpRequest, payload: BondProjectIn):
    funding_selectors.project_get(user=request.auth, pk=payload.project)
    data = payload.model_dump()
    project_id, year = data.pop("project"), data.pop("year")
    if data.get("total_investment") is None:
        data.pop("total_investment")
    bond_project = services.bond_project_create(actor=request.auth, project_id=project_id, year=year, fields=data)
    return Status(201, _detail(request, bond_project.pk))


@router.get("/projects/{pk}", response={200: BondProjectDetailOut, **READ_ERRORS}, summary="专项债券项目详情与校验")
def project_get(request: HttpRequest, pk: int):
    return _detail(request, pk)


@router.patch("/projects/{pk}", response={200: BondProjectDetailOut, **WRITE_ERRORS}, summary="修改专项债券项目")
def project_update(request: HttpRequest, pk: int, payload: BondProjectPatch):
    selectors.bond_project_get(user=request.auth, pk=pk)
    fields = payload.model_dump(exclude_unset=True)
    version = fields.pop("version")
    services.bond_project_update(actor=request.auth, bond_project_id=pk, fields=fields, expected_version=version)
    return _detail(request, pk)


@router.post(
    "/projects/{pk}/submit", response={200: BondProjectDetailOut, **WRITE_ERRORS}, summary="申报（全部校验通过后）"
)
def project_submit(request: HttpRequest, pk: int, payload: BondVersionIn):
    selectors.bond_project_get(user=request.auth, pk=pk)
    services.bond_project_submit(actor=request.auth, bond_project_id=pk, expected_version=payload.version)
    return _detail(request, pk)


@router.post("/projects/{pk}/documents", response={201: BondProjectDetailOut, **WRITE_ERRORS}, summary="上传一案两书")
def document_upload(
    request: HttpRequest, pk: int, kind: Form[DocumentKind], version: Form[int], file: File[UploadedFile]
):
    selectors.bond_project_get(user=request.auth, pk=pk)
    if file.size > services.DOCUMENT_MAX_BYTES:
        raise ValidationError({"file": _("文件不能超过 20 MB。")})
    services.bond_document_upload(
        actor=request.auth,
        bond_project_id=pk,
        kind=kind,
        filename=file.name or "",
        content=file.read(),
        expected_version=version,
    )
    return Status(201, _detail(request, pk))


@router.get("/projects/{pk}/documents/{document_id}", response=READ_ERRORS, summary="下载一案两书文件")
def document_download(request: HttpRequest, pk: int, document_id: int):
    return document_response(user=request.auth, bond_project_id=pk, document_id=document_id)


# --- reviews and pools ------------------------------------------------------------------------


@router.get("/reviews", response={200: list[ReviewOut], **READ_ERRORS}, summary="审核记录")
def review_list(request: HttpRequest, bond_project: int):
    return selectors.reviews_of(selectors.bond_project_get(user=request.auth, pk=bond_project))


@router.post("/reviews", response={201: ReviewOut, **WRITE_ERRORS}, summary="录入审核结果")
def review_record(request: HttpRequest, payload: ReviewIn):
    selectors.bond_project_get(user=request.auth, pk=payload.bond_project)
    data = payload.model_dump()
    review = services.bond_review_record(
        actor=request.auth, bond_project_id=data.pop("bond_project"), expected_version=data.pop("version"), **data
    )
    return Status(201, review)


@router.get("/pools", response={200: BondProjectListOut, 400: ErrorOut, 401: ErrorOut}, summary="双入库情况")
def pool_list(request: HttpRequest, filters: Query[BondFilterParams]):
    """The submitted bond projects with their 发改 and 财政 library results."""
    filterset = selectors.bond_project_filterset(user=request.auth, params=request.GET, request=request)
    filterset.queryset = filterset.queryset.filter(round__gt=0)
    return filtered_page(filterset, filters)


@router.post("/pools", response={200: BondProjectOut, **WRITE_ERRORS}, summary="录入入库结果")
def pool_record(request: HttpRequest, payload: PoolIn):
    selectors.bond_project_get(user=request.auth, pk=payload.bond_project)
    data = payload.model_dump()
    services.bond_pool_record(
        actor=request.auth, bond_project_id=data.pop("bond_project"), expected_version=data.pop("version"), **data
    )
    return selectors.bond_project_get(user=request.auth, pk=payload.bond_project)


# --- quotas and issues -------------------------------------------------------------------------


@router.get("/quotas", response={200: list[QuotaOut], 401: ErrorOut}, summary="专项债券额度")
def quota_list(request: HttpRequest, year: int | None = None):
    queryset = selectors.quota_queryset(user=request.auth)
    return list(queryset.filter(year=year) if year else queryset)


@router.post("/quotas", response={200: QuotaOut, **WRITE_ERRORS}, summary="录入额度（财政局）")
def quota_save(request: HttpRequest, payload: QuotaIn):
    data = payload.model_dump()
    return services.quota_save(actor=request.auth, region_id=data.pop("region"), **data)


@router.get("/issues", response={200: IssueListOut, 401: ErrorOut}, summary="发行批次")
def issue_list(request: HttpRequest, paging: Query[Paging], year: int | None = None):
    queryset = selectors.issue_queryset(user=request.auth)
    return page_of(queryset.filter(issued_on__year=year) if year else queryset, paging)


@router.post("/issues", response={201: IssueOut, **WRITE_ERRORS}, summary="登记发行批次（财政局）")
def issue_create(request: HttpRequest, payload: IssueIn):
    data = payload.model_dump()
    region = Region.objects.filter(pk=data["region"]).first()
    if region is None:
        raise ValidationError({"region": _("所选区划不存在。")})
    data["region"] = region
    issue = services.issue_create(actor=request.auth, fields=data)
    return Status(201, selectors.issue_get(user=request.auth, pk=issue.pk))


@router.get("/issues/{pk}", response={200: IssueOut, **READ_ERRORS}, summary="发行批次详情")
def issue_get(request: HttpRequest, pk: int):
    return selectors.issue_get(user=request.auth, pk=pk)


@router.get("/issues/{pk}/allocations", response={200: list[AllocationOut], **READ_ERRORS}, summary="本批下达项目")
def allocation_list(request: HttpRequest, pk: int):
    issue = selectors.issue_get(user=request.auth, pk=pk)
    return list(
        selectors.allocation_queryset(user=request.auth)
        .filter(issue=issue)
        .select_related("bond_project__project__region")
    )


@router.post("/issues/{pk}/allocations", response={201: AllocationOut, **WRITE_ERRORS}, summary="下达至项目（财政局）")
def allocation_add(request: HttpRequest, pk: int, payload: AllocationIn):
    selectors.issue_get(user=request.auth, pk=pk)
    data = payload.model_dump()
    allocation = services.allocation_add(
        actor=request.auth, issue_id=pk, bond_project_id=data.pop("bond_project"), **data
    )
    return Status(201, selectors.allocation_get(user=request.auth, pk=allocation.pk))


# --- spending ------------------------------------------------------------------------------------


def _pace_out(row) -> dict:
    return {
        "allocation": row.allocation.pk,
        "issue": str(row.allocation.issue),
        "project": row.project,
        "months": row.pace.months,
        "base": row.pace.base,
        "spent": row.pace.spent,
        "ratio": row.pace.ratio,
        "required": row.pace.required,
        "status": row.pace.status,
        "consecutive_failing": row.consecutive_failing,
        "warning": row.warning,
        "to_recover": row.pace.to_recover,
    }


@router.get("/spending", response={200: list[BondPaceOut], **WRITE_ERRORS}, summary="支出进度（按批次）")
def spending_list(
    request: HttpRequest,
    year: int | None = None,
    month: int | None = None,
    region: int | None = None,
    list: str = Query("all", description="all / failing 不达标 / warning 预警 / to_recover 收回调整"),
):
    year, month = _period(year, month)
    lists = selectors.pace_lists(user=request.auth, year=year, month=month, region=_region(request, region))
    rows = {"all": lists.all, "failing": lists.failing, "warning": lists.warning, "to_recover": lists.to_recover}
    if list not in rows:
        raise ValidationError({"list": _("应为 all、failing、warning 或 to_recover。")})
    return [_pace_out(row) for row in rows[list]]


@router.post("/spending", response={200: BondPaceOut, **WRITE_ERRORS}, summary="填报月末累计支出（财政局）")
def spending_record(request: HttpRequest, payload: SpendingIn):
    allocation = selectors.allocation_get(user=request.auth, pk=payload.allocation)
    services.spending_record(
        actor=request.auth,
        allocation_id=allocation.pk,
        year=payload.year,
        month=payload.month,
        cumulative=payload.cumulative,
    )
    [row] = selectors.paces(user=request.auth, year=payload.year, month=payload.month, pk=allocation.pk)
    return _pace_out(row)


@router.get("/adjustments", response={200: list[AdjustmentOut], 401: ErrorOut}, summary="用途调整")
def adjustment_list(request: HttpRequest):
    return list(selectors.adjustment_queryset(user=request.auth))


@router.post("/adjustments", response={201: AdjustmentOut, **WRITE_ERRORS}, summary="申请用途调整")
def adjustment_request(request: HttpRequest, payload: AdjustmentIn):
    selectors.allocation_get(user=request.auth, pk=payload.allocation)
    data = payload.model_dump()
    adjustment = services.adjustment_request(
        actor=request.auth,
        allocation_id=data.pop("allocation"),
        to_bond_project_id=data.pop("to_bond_project"),
        **data,
    )
    return Status(201, adjustment)


@router.post(
    "/adjustments/{pk}/decide", response={200: AdjustmentOut, **WRITE_ERRORS}, summary="审批用途调整（财政局）"
)
def adjustment_decide(request: HttpRequest, pk: int, payload: BondDecideIn):
    if not selectors.adjustment_queryset(user=request.auth).filter(pk=pk).exists():
        raise Http404
    return services.adjustment_decide(actor=request.auth, adjustment_id=pk, approve=payload.approve, note=payload.note)


# --- repayment and figures -----------------------------------------------------------------------


def _repayment_out(line) -> dict:
    record = line.record
    return {
        "due": line.payment.due,
        "kind": line.payment.kind,
        "amount": line.payment.amount,
        "allocation": line.allocation.pk,
        "issue": str(line.allocation.issue),
        "project": line.project,
        "status": line.status,
        "paid_on": record.paid_on if record else None,
        "paid_amount": record.amount if record else None,
        "note": record.note if record else "",
    }


@router.get("/repayments", response={200: list[RepaymentOut], **WRITE_ERRORS}, summary="还本付息计划")
def repayment_list(request: HttpRequest, start: datetime.date | None = None, end: datetime.date | None = None):
    """Due dates between start (default today) and end (default one year later)."""
    start = start or timezone.localdate()
    end = end or start + datetime.timedelta(days=365)
    if end < start or (end - start).days > 366 * 40:
        raise ValidationError({"end": _("结束日期应在开始日期之后，且不超过40年。")})
    return [_repayment_out(line) for line in selectors.repayments(user=request.auth, start=start, end=end)]


@router.post("/repayments", response={200: RepaymentOut, **WRITE_ERRORS}, summary="录入还本付息实际支付（财政局）")
def repayment_record(request: HttpRequest, payload: RepaymentIn):
    selectors.allocation_get(user=request.auth, pk=payload.allocation)
    data = payload.model_dump()
    record = services.repayment_record(actor=request.auth, allocation_id=data.pop("allocation"), **data)
    line = next(
        line
        for line in selectors.repayments(user=request.auth, start=record.due_date, end=record.due_date)
        if line.allocation.pk == record.allocation_id and line.payment.kind == record.kind
    )
    return _repayment_out(line)


@router.get("/repayments/reminders", response={200: list[RepaymentOut], 401: ErrorOut}, summary="即将到期的还本付息")
def repayment_reminders(request: HttpRequest):
    return [_repayment_out(line) for line in selectors.repayment_reminders(user=request.auth)]


@router.get("/figures", response={200: BondFiguresOut, **WRITE_ERRORS}, summary="讲话与通报数据")
def figures(request: HttpRequest, year: int | None = None, month: int | None = None, region: int | None = None):
    year, month = _period(year, month)
    result = selectors.bond_figures(user=request.auth, year=year, month=month, region=_region(request, region))
    return {
        "year": result.year,
        "month": result.month,
        "figures": {key: vars(figure) for key, figure in result.figures.items()},
        "pooled_by_category": [
            {"category": row["category"].value, "count": row["count"], "amount": row["amount"]}
            for row in result.pooled_by_category
        ],
        "by_county": result.by_county,
    }
