"""/api/v1/allocations: plans, their explained shares, adjustments, approval and the .xlsx
table. Declare and delegate."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from apps.exports.views import file_response
from apps.projects.schemas import ErrorOut
from apps.regions.models import Region

from . import selectors, services
from .schemas import AdjustIn, PlanDetailOut, PlanIn, PlanOut, ShareOut

router = Router(tags=["资金挂钩分配"])
READ_ERRORS = {401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def detail(user, pk: int):
    plan = selectors.plan_get(user=user, pk=pk)
    plan.shares_list = selectors.plan_shares(user=user, plan=plan)
    return plan


class _Detail(PlanDetailOut):
    @staticmethod
    def resolve_shares(obj):
        return obj.shares_list


@router.get("", response={200: list[PlanOut], **READ_ERRORS}, summary="资金分配方案")
def plan_list(request: HttpRequest, year: int | None = None):
    queryset = selectors.plan_queryset(user=request.auth)
    return list(queryset.filter(year=year) if year else queryset)


@router.get(
    "/{plan_id}", response={200: _Detail, **READ_ERRORS}, summary="方案与各县区分配额（含测算说明、平均分配对比）"
)
def plan_detail(request: HttpRequest, plan_id: int):
    return detail(request.auth, plan_id)


@router.post("", response={201: _Detail, **WRITE_ERRORS}, summary="新建并测算分配方案（市发改委管理员）")
def plan_create(request: HttpRequest, payload: PlanIn):
    """method: factors (base_share + factors [{key: assessment_score|bond_pace|reserve_investment,
    weight}]) or tiers ([{up_to_rank, coefficient}], by the published assessment_run's ranks)."""
    data = payload.model_dump()
    region = Region.objects.filter(pk=data.pop("region")).first()
    if region is None:
        raise ValidationError({"region": _("所选对象不存在。")})
    data["assessment_run_id"] = data.pop("assessment_run")
    plan = services.plan_create(actor=request.auth, region=region, **data)
    return Status(201, detail(request.auth, plan.pk))


@router.post(
    "/{plan_id}/shares/{share_id}/adjust", response={200: ShareOut, **WRITE_ERRORS}, summary="调整（须写明原因）"
)
def share_adjust(request: HttpRequest, plan_id: int, share_id: int, payload: AdjustIn):
    share = selectors.share_get(user=request.auth, pk=share_id)
    if share.plan_id != plan_id:
        raise ValidationError({"share": _("该分配额不属于此方案。")})
    return services.share_adjust(actor=request.auth, share=share, adjustment=payload.adjustment, reason=payload.reason)


@router.post("/{plan_id}/approve", response={200: _Detail, **WRITE_ERRORS}, summary="审定（测算人以外的管理员）")
def plan_approve(request: HttpRequest, plan_id: int):
    plan = selectors.plan_get(user=request.auth, pk=plan_id)
    services.plan_approve(actor=request.auth, plan=plan)
    return detail(request.auth, plan_id)


@router.get("/{plan_id}/export", response=WRITE_ERRORS, summary="导出分配表（.xlsx）")
def plan_export(request: HttpRequest, plan_id: int):
    return file_response(services.plan_export(actor=request.auth, plan_id=plan_id, params=request.GET))
