"""/api/v1/funding: sources (funding records), arrivals (funds arrived against completed
investment, 资金偏离度), disbursements and applications (向上争取). Endpoints declare and
delegate: reads through selectors (out of scope 404), writes through services."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from apps.core.api_helpers import Paging, filtered_page, invalid_filters, page_of
from apps.projects.schemas import ConflictOut, ErrorOut
from apps.regions.models import Organisation

from . import selectors, services
from .schemas import (
    ApplicationFiguresOut,
    ApplicationIn,
    ApplicationListOut,
    ApplicationOut,
    ApplicationPatch,
    ApplicationStepIn,
    ArrivalListOut,
    DisbursementIn,
    DisbursementListOut,
    DisbursementOut,
    FundingRecordIn,
    FundingRecordListOut,
    FundingRecordOut,
    PaceOut,
)

router = Router(tags=["资金"])
READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut, 422: ErrorOut}
LIST_ERRORS = {400: ErrorOut, 401: ErrorOut}


class ListParams(Paging):
    """Documents the FilterSets' parameters; the FilterSet reads and validates request.GET."""

    q: str | None = None
    region: int | None = None
    project: int | None = None
    year: int | None = None


def _department(pk: int | None):
    if pk is None:
        return None
    department = Organisation.objects.filter(pk=pk, kind="department").first()
    if department is None:
        raise ValidationError({"responsible_department": _("所选部门不存在。")})
    return department


# --- sources ---------------------------------------------------------------------------


@router.get("/sources", response={200: FundingRecordListOut, **LIST_ERRORS}, summary="资金来源（按项目、年度）")
def source_list(request: HttpRequest, filters: Query[ListParams]):
    """Filters: q, region (with sub-regions), project, year, is_ppp, reits_candidate, has_gap (1/0)."""
    filterset = selectors.record_filterset(user=request.auth, params=request.GET, request=request)
    return filtered_page(filterset, filters)


@router.post("/sources", response={200: FundingRecordOut, **WRITE_ERRORS}, summary="填报或替换资金来源")
def source_save(request: HttpRequest, payload: FundingRecordIn):
    selectors.project_get(user=request.auth, pk=payload.project)
    data = payload.model_dump()
    project_id, year, version = data.pop("project"), data.pop("year"), data.pop("version")
    record = services.funding_record_save(
        actor=request.auth, project_id=project_id, year=year, fields=data, expected_version=version
    )
    return selectors.record_get(user=request.auth, pk=record.pk)


@router.get("/sources/{record_id}", response={200: FundingRecordOut, **READ_ERRORS}, summary="资金来源详情")
def source_get(request: HttpRequest, record_id: int):
    return selectors.record_get(user=request.auth, pk=record_id)


@router.delete("/sources/{record_id}", response={204: None, **WRITE_ERRORS}, summary="删除资金来源")
def source_delete(request: HttpRequest, record_id: int, version: int):
    """`version` is the version the user saw (stale: 409)."""
    selectors.record_get(user=request.auth, pk=record_id)
    services.funding_record_delete(actor=request.auth, record_id=record_id, expected_version=version)
    return Status(204, None)


# --- arrivals --------------------------------------------------------------------------


@router.get("/arrivals", response={200: ArrivalListOut, **LIST_ERRORS}, summary="资金到位与资金偏离度")
def arrival_list(request: HttpRequest, filters: Query[ListParams]):
    """Per funding record: funds arrived (the record and the monthly reports), the year's
    completed investment, and 资金偏离度 with its status."""
    filterset = selectors.record_filterset(user=request.auth, params=request.GET, request=request)
    if not filterset.is_valid():
        return invalid_filters(filterset)
    rows = selectors.with_record_figures(filterset.qs)
    return page_of(rows, filters, lambda page: [selectors.arrival_row(record) for record in page])


# --- disbursements ---------------------------------------------------------------------


@router.get("/disbursements", response={200: DisbursementListOut, **LIST_ERRORS}, summary="财政资金拨付记录")
def disbursement_list(request: HttpRequest, filters: Query[ListParams], source: str | None = None):
    filterset = selectors.disbursement_filterset(user=request.auth, params=request.GET, request=request)
    return filtered_page(filterset, filters)


@router.post("/disbursements", response={201: DisbursementOut, **WRITE_ERRORS}, summary="录入拨付/支付（财政局）")
def disbursement_add(request: HttpRequest, payload: DisbursementIn):
    selectors.project_get(user=request.auth, pk=payload.project)
    data = payload.model_dump()
    item = services.disbursement_add(actor=request.auth, project_id=data.pop("project"), **data)
    return Status(
        201,
        selectors.disbursement_queryset(user=request.auth)
        .select_related("project__region", "entered_by")
        .get(pk=item.pk),
    )


@router.get("/disbursements/pace", response={200: list[PaceOut], 401: ErrorOut}, summary="支付进度与时序进度")
def disbursement_pace(request: HttpRequest, year: int | None = None):
    year = year or timezone.localdate().year
    return [
        {
            "project": line.project,
            "released": line.released,
            "paid": line.paid,
            "paid_ratio": line.pace.paid_ratio,
            "time_ratio": line.pace.time_ratio,
            "behind": line.pace.behind,
        }
        for line in selectors.disbursement_summary(user=request.auth, year=year)
    ]


@router.delete("/disbursements/{item_id}", response={204: None, **WRITE_ERRORS}, summary="删除拨付记录（财政局）")
def disbursement_delete(request: HttpRequest, item_id: int):
    selectors.disbursement_get(user=request.auth, pk=item_id)
    services.disbursement_delete(actor=request.auth, disbursement_id=item_id)
    return Status(204, None)


# --- applications ----------------------------------------------------------------------


@router.get("/applications", response={200: ApplicationListOut, **LIST_ERRORS}, summary="向上争取资金申请")
def application_list(
    request: HttpRequest,
    filters: Query[ListParams],
    programme: str | None = None,
    status: list[str] | None = None,
    responsible_department: int | None = None,
):
    filterset = selectors.application_filterset(user=request.auth, params=request.GET, request=request)
    return filtered_page(filterset, filters)


@router.get("/applications/figures", response={200: ApplicationFiguresOut, 401: ErrorOut}, summary="争取到位与同比")
def application_figures(request: HttpRequest, year: int | None = None):
    return selectors.application_figures(user=request.auth, year=year or timezone.localdate().year)


@router.post("/applications", response={201: ApplicationOut, **WRITE_ERRORS}, summary="登记申请")
def application_create(request: HttpRequest, payload: ApplicationIn):
    selectors.project_get(user=request.auth, pk=payload.project)
    data = payload.model_dump()
    project_id = data.pop("project")
    data["responsible_department"] = _department(data["responsible_department"])
    application = services.application_create(actor=request.auth, project_id=project_id, fields=data)
    return Status(201, selectors.application_get(user=request.auth, pk=application.pk))


@router.get("/applications/{application_id}", response={200: ApplicationOut, **READ_ERRORS}, summary="申请详情")
def application_get(request: HttpRequest, application_id: int):
    return selectors.application_get(user=request.auth, pk=application_id)


@router.patch("/applications/{application_id}", response={200: ApplicationOut, **WRITE_ERRORS}, summary="修改申请")
def application_update(request: HttpRequest, application_id: int, payload: ApplicationPatch):
    selectors.application_get(user=request.auth, pk=application_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    if "responsible_department" in data:
        data["responsible_department"] = _department(data["responsible_department"])
    services.application_update(
        actor=request.auth, application_id=application_id, fields=data, expected_version=version
    )
    return selectors.application_get(user=request.auth, pk=application_id)


@router.post(
    "/applications/{application_id}/step", response={200: ApplicationOut, **WRITE_ERRORS}, summary="申请推进一步"
)
def application_step(request: HttpRequest, application_id: int, payload: ApplicationStepIn):
    """submitted (on), approved (amount, document_number), rejected, released (amount, on), spent (amount)."""
    selectors.application_get(user=request.auth, pk=application_id)
    data = payload.model_dump()
    version = data.pop("version")
    services.application_step(actor=request.auth, application_id=application_id, expected_version=version, **data)
    return selectors.application_get(user=request.auth, pk=application_id)
