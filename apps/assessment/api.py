"""/api/v1/assessments: schemes, periods (computed quarters) and results with traces.
Declare and delegate (selectors read in the user's scope, services write; errors become JSON
in keyprojects/api.py)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from apps.projects.schemas import ErrorOut
from apps.regions.models import Organisation, Region

from . import selectors, services
from .models import RunStatus
from .schemas import (
    AssessmentRunOut,
    IndicatorIn,
    QuarterInputIn,
    ResultOut,
    RunIn,
    SchemeIn,
    SchemeIndicatorOut,
    SchemeOut,
    SchemePatch,
)

router = Router(tags=["季度考核"])
READ_ERRORS = {401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _region(pk: int) -> Region:
    region = Region.objects.filter(pk=pk).first()
    if region is None:
        raise ValidationError({"region": _("所选对象不存在。")})
    return region


@router.get("/schemes", response={200: list[SchemeOut], **READ_ERRORS}, summary="考核方案")
def scheme_list(request: HttpRequest, year: int | None = None):
    queryset = selectors.scheme_queryset(user=request.auth).prefetch_related("indicators")
    return list(queryset.filter(year=year) if year else queryset)


@router.get("/schemes/{scheme_id}", response={200: SchemeOut, **READ_ERRORS}, summary="考核方案详情")
def scheme_detail(request: HttpRequest, scheme_id: int):
    return selectors.scheme_get(user=request.auth, pk=scheme_id)


@router.post("/schemes", response={201: SchemeOut, **WRITE_ERRORS}, summary="新建考核方案（市发改委管理员）")
def scheme_create(request: HttpRequest, payload: SchemeIn):
    data = payload.model_dump()
    region = _region(data.pop("region"))
    scheme = services.scheme_create(actor=request.auth, region=region, **data)
    return Status(201, scheme)


@router.patch("/schemes/{scheme_id}", response={200: SchemeOut, **WRITE_ERRORS}, summary="修改考核方案")
def scheme_update(request: HttpRequest, scheme_id: int, payload: SchemePatch):
    scheme = selectors.scheme_get(user=request.auth, pk=scheme_id)
    fields = {name: value for name, value in payload.model_dump().items() if value is not None}
    return services.scheme_update(actor=request.auth, scheme=scheme, **fields)


@router.put(
    "/schemes/{scheme_id}/indicators/{key}", response={200: SchemeIndicatorOut, **WRITE_ERRORS}, summary="设置考核指标"
)
def indicator_set(request: HttpRequest, scheme_id: int, key: str, payload: IndicatorIn):
    """Methods: proportion {target?}, efficacy, rank_bands {bands: [[1,3,7],…]}, steps_vs_average
    {base, step, divisors, average?}, points_per_unit {base, reference, unit, points, cap},
    deduction {per_item, cap}; all take missing: zero|exclude."""
    scheme = selectors.scheme_get(user=request.auth, pk=scheme_id)
    return services.indicator_set(actor=request.auth, scheme=scheme, key=key, **payload.model_dump())


@router.post("/schemes/{scheme_id}/inputs", response={200: dict, **WRITE_ERRORS}, summary="录入现场评议与一票否决")
def quarter_input(request: HttpRequest, scheme_id: int, payload: QuarterInputIn):
    scheme = selectors.scheme_get(user=request.auth, pk=scheme_id)
    data = payload.model_dump()
    region, department = data.pop("region"), data.pop("department")
    if department is not None:
        found = Organisation.objects.filter(pk=department).first()
        if found is None:
            raise ValidationError({"department": _("所选对象不存在。")})
        item = services.quarter_input_set(actor=request.auth, scheme=scheme, department=found, **data)
    else:
        if region is None:
            raise ValidationError({"region": _("请选择本市所辖县区。")})
        item = services.quarter_input_set(actor=request.auth, scheme=scheme, region=_region(region), **data)
    return {"id": item.pk}


@router.get("/periods", response={200: list[AssessmentRunOut], **READ_ERRORS}, summary="考核期（季度结果的各版本）")
def run_list(request: HttpRequest, year: int | None = None, quarter: int | None = None, status: str | None = None):
    queryset = selectors.run_queryset(user=request.auth)
    if year:
        queryset = queryset.filter(scheme__year=year)
    if quarter:
        queryset = queryset.filter(quarter=quarter)
    if status in RunStatus.values:
        queryset = queryset.filter(status=status)
    return list(queryset)


@router.post("/periods", response={201: AssessmentRunOut, **WRITE_ERRORS}, summary="计算季度考核（试算）")
def run_compute(request: HttpRequest, payload: RunIn):
    """Once the quarter is published, a re-run needs a reason and becomes a new version."""
    scheme = selectors.scheme_get(user=request.auth, pk=payload.scheme)
    run = services.run_compute(actor=request.auth, scheme=scheme, quarter=payload.quarter, reason=payload.reason)
    return Status(201, run)


@router.post("/periods/{run_id}/publish", response={200: AssessmentRunOut, **WRITE_ERRORS}, summary="发布（冻结）")
def run_publish(request: HttpRequest, run_id: int):
    run = selectors.run_get(user=request.auth, pk=run_id)
    return services.run_publish(actor=request.auth, run=run)


@router.get("/periods/{run_id}/results", response={200: list[ResultOut], **READ_ERRORS}, summary="考核结果与计分过程")
def result_list(request: HttpRequest, run_id: int):
    """The counties, then the departments when the scheme assesses them (subject: county or
    department). The city sees all; a county only its own row and trace (and the departments'
    when the scheme opens them); a department only its own."""
    run = selectors.run_get(user=request.auth, pk=run_id)
    return selectors.run_results(user=request.auth, run=run, subject=None)


@router.get("/periods/{run_id}/results/{region_id}", response={200: ResultOut, **READ_ERRORS}, summary="某县区计分过程")
def result_detail(request: HttpRequest, run_id: int, region_id: int):
    run = selectors.run_get(user=request.auth, pk=run_id)
    return selectors.result_get(user=request.auth, run=run, region_id=region_id)


@router.get(
    "/periods/{run_id}/departments/{organisation_id}",
    response={200: ResultOut, **READ_ERRORS},
    summary="某部门计分过程",
)
def department_result_detail(request: HttpRequest, run_id: int, organisation_id: int):
    run = selectors.run_get(user=request.auth, pk=run_id)
    return selectors.department_result_get(user=request.auth, run=run, organisation_id=organisation_id)
