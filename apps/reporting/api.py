"""Monthly reporting endpoints (/api/v1/reports). They declare and delegate: reads go
through selectors, writes through services; errors become JSON in keyprojects/api.py."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from apps.core.api_helpers import MAX_LIMIT, invalid_filters, page_bounds
from apps.projects import selectors as project_selectors
from apps.projects.schemas import ConflictOut, ErrorOut

from . import selectors, services
from .schemas import (
    ActionIn,
    DecisionIn,
    PeriodIn,
    PeriodOut,
    ReportIn,
    ReportListOut,
    ReportOut,
    ReportPatch,
    ReturnIn,
    RevisionIn,
    RevisionOut,
    UnreportedOut,
)

router = Router(tags=["月报"])

DEFAULT_LIMIT = 50

READ_ERRORS = {401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut, 422: ErrorOut}


class ReportFilterParams(Schema):
    """Documents MonthlyReportFilterSet's parameters; the FilterSet reads and validates request.GET."""

    project: int | None = None
    region: int | None = None
    year: int | None = None
    month: int | None = None
    status: str | None = None
    owner_unit: int | None = None
    limit: int = DEFAULT_LIMIT
    offset: int = 0


def _report(request, report_id: int):
    return selectors.report_get(user=request.auth, pk=report_id)


def _fields(payload) -> dict:
    data = payload.model_dump(exclude_unset=True)
    data.pop("version", None)
    return data


# --- periods (declared before /{report_id}) ------------------------------------


@router.get("/periods", response={200: list[PeriodOut], **READ_ERRORS}, summary="填报期列表")
def period_list(request: HttpRequest):
    return list(selectors.period_list(user=request.auth))


@router.post("/periods", response={201: PeriodOut, **WRITE_ERRORS}, summary="开启填报期")
def period_open(request: HttpRequest, payload: PeriodIn):
    """Only 市发改委管理员; at most one period is open at a time."""
    period = services.period_open(actor=request.auth, year=payload.year, month=payload.month, deadline=payload.deadline)
    return Status(201, period)


@router.post("/periods/{period_id}/close", response={200: PeriodOut, **WRITE_ERRORS}, summary="关闭填报期")
def period_close(request: HttpRequest, period_id: int):
    selectors.period_get(user=request.auth, pk=period_id, action="change")
    return services.period_close(actor=request.auth, period_id=period_id)


# --- 未报 -------------------------------------------------------------------------


@router.get("/unreported", response={200: UnreportedOut, **READ_ERRORS}, summary="未报名单")
def unreported(
    request: HttpRequest,
    year: int | None = None,
    month: int | None = None,
    limit: int = MAX_LIMIT,
    offset: int = 0,
):
    """The projects in your scope that must report for the month (在建, or 前期 with a planned
    start by the month's end) and have no submitted or verified report, with counts per
    county and owner unit. Default: the open period. `projects` is paged by limit/offset
    (at most 500); `total` counts them all."""
    if year is None or month is None:
        period = selectors.period_open_get(user=request.auth)
        if period is None:
            raise Http404
        year, month = period.year, period.month
    if not 1 <= month <= 12:
        raise ValidationError({"month": _("月份应在 1 到 12 之间。")})
    summary = selectors.unreported(user=request.auth, year=year, month=month)
    limit, offset = page_bounds(limit, offset)
    return {
        "year": summary.year,
        "month": summary.month,
        "total": summary.total,
        "by_region": summary.by_region,
        "by_owner_unit": summary.by_owner_unit,
        "projects": list(summary.projects[offset : offset + limit]),
    }


# --- revisions (declared before /{report_id}) ------------------------------------


@router.get("/revisions/{revision_id}", response={200: RevisionOut, **READ_ERRORS}, summary="修改申请详情")
def revision_detail(request: HttpRequest, revision_id: int):
    return selectors.revision_get(user=request.auth, pk=revision_id)


@router.post("/revisions/{revision_id}/approve", response={200: RevisionOut, **WRITE_ERRORS}, summary="批准修改申请")
def revision_approve(request: HttpRequest, revision_id: int, payload: DecisionIn | None = None):
    """Another person with verify rights than the requester applies the proposed values."""
    selectors.revision_get(user=request.auth, pk=revision_id, action="decide")
    note = payload.note if payload else ""
    return services.report_revision_approve(actor=request.auth, revision_id=revision_id, note=note)


@router.post("/revisions/{revision_id}/reject", response={200: RevisionOut, **WRITE_ERRORS}, summary="驳回修改申请")
def revision_reject(request: HttpRequest, revision_id: int, payload: DecisionIn):
    """`note` is required."""
    selectors.revision_get(user=request.auth, pk=revision_id, action="decide")
    return services.report_revision_reject(actor=request.auth, revision_id=revision_id, note=payload.note)


# --- reports --------------------------------------------------------------------


@router.get("", response={200: ReportListOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut}, summary="月报列表")
def report_list(request: HttpRequest, filters: Query[ReportFilterParams]):
    """Filters: project, region (with sub-regions), year, month, status, owner_unit; `limit` at most 500."""
    filterset = selectors.report_filterset(user=request.auth, params=request.GET, request=request)
    if not filterset.is_valid():
        return invalid_filters(filterset)
    queryset = filterset.qs
    limit, offset = page_bounds(filters.limit, filters.offset)
    return {
        "count": queryset.count(),
        "limit": limit,
        "offset": offset,
        "items": list(queryset[offset : offset + limit]),
    }


@router.post("", response={201: ReportOut, **WRITE_ERRORS}, summary="新建月报")
def report_create(request: HttpRequest, payload: ReportIn):
    """A draft for an open period; one report per project and month."""
    project_selectors.project_get(user=request.auth, pk=payload.project, action="change")
    data = payload.model_dump()
    project_id, year, month = data.pop("project"), data.pop("year"), data.pop("month")
    report = services.report_create(actor=request.auth, project_id=project_id, year=year, month=month, fields=data)
    return Status(201, _report(request, report.pk))


@router.get("/{report_id}", response={200: ReportOut, **READ_ERRORS}, summary="月报详情")
def report_detail(request: HttpRequest, report_id: int):
    """With the derived `ytd` (1-X月累计) and `since_start` (开工以来累计)."""
    return _report(request, report_id)


@router.get("/{report_id}/revisions", response={200: list[RevisionOut], **READ_ERRORS}, summary="修改申请列表")
def revision_list(request: HttpRequest, report_id: int):
    report = _report(request, report_id)
    return list(selectors.revision_list(user=request.auth, report=report))


@router.patch("/{report_id}", response={200: ReportOut, **WRITE_ERRORS}, summary="修改月报")
def report_update(request: HttpRequest, report_id: int, payload: ReportPatch):
    """Send `version` as loaded; a stale version answers 409. Verified reports are locked (422)."""
    selectors.report_get(user=request.auth, pk=report_id, action="change")
    services.report_update(
        actor=request.auth, report_id=report_id, expected_version=payload.version, fields=_fields(payload)
    )
    return _report(request, report_id)


@router.post("/{report_id}/submit", response={200: ReportOut, **WRITE_ERRORS}, summary="报送月报")
def report_submit(request: HttpRequest, report_id: int, payload: ActionIn):
    """Submitting a submitted report again changes nothing."""
    selectors.report_get(user=request.auth, pk=report_id, action="change")
    services.report_submit(actor=request.auth, report_id=report_id, expected_version=payload.version)
    return _report(request, report_id)


@router.post("/{report_id}/verify", response={200: ReportOut, **WRITE_ERRORS}, summary="审核通过")
def report_verify(request: HttpRequest, report_id: int, payload: ActionIn):
    """County user of the project's county, the project's lead department, or the city administrator."""
    selectors.report_get(user=request.auth, pk=report_id, action="verify")
    services.report_verify(actor=request.auth, report_id=report_id, expected_version=payload.version)
    return _report(request, report_id)


@router.post("/{report_id}/return", response={200: ReportOut, **WRITE_ERRORS}, summary="退回月报")
def report_return(request: HttpRequest, report_id: int, payload: ReturnIn):
    """`reason` is required."""
    selectors.report_get(user=request.auth, pk=report_id, action="verify")
    services.report_return(
        actor=request.auth, report_id=report_id, reason=payload.reason, expected_version=payload.version
    )
    return _report(request, report_id)


@router.post("/{report_id}/revisions", response={201: RevisionOut, **WRITE_ERRORS}, summary="申请修改已审核月报")
def revision_request(request: HttpRequest, report_id: int, payload: RevisionIn):
    selectors.report_get(user=request.auth, pk=report_id, action="change")
    revision = services.report_revision_request(
        actor=request.auth,
        report_id=report_id,
        reason=payload.reason,
        proposed=payload.proposed.model_dump(exclude_unset=True),
    )
    return Status(201, revision)
