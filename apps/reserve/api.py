"""/api/v1/reserve: the project reserve. Reads through selectors (out of scope 404, not
allowed 403), writes through services; errors become JSON in keyprojects/api.py."""

import dataclasses
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from apps.core.api_helpers import Paging, filtered_page, reference
from apps.core.money import decimal_str
from apps.projects.schemas import ConflictOut, ErrorOut
from apps.regions.models import Organisation, Region

from . import selectors, services
from .schemas import (
    PromoteIn,
    ReserveFiguresOut,
    ReserveIn,
    ReserveListOut,
    ReserveOut,
    ReservePatch,
    ReserveReasonIn,
    ReserveReviewIn,
    ReserveVersionIn,
)

router = Router(tags=["谋划储备库"])
READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut, 422: ErrorOut}


class ReserveFilterParams(Paging):
    q: str | None = None
    region: int | None = None
    status: list[str] | None = None
    planning_source: str | None = None
    category: str | None = None
    catalogue_class: str | None = None
    maturity: str | None = None
    tier: str | None = None
    proposer: int | None = None


def _fields(data: dict) -> dict:
    refs = {"region": Region, "proposer": Organisation}
    return {
        k: reference(refs[k], v, k) if k in refs else v for k, v in data.items() if not (k == "proposer" and v is None)
    }


def _item(request, pk: int):
    return selectors.reserve_get(user=request.auth, pk=pk)


@router.get("", response={200: ReserveListOut, 400: ErrorOut, 401: ErrorOut}, summary="谋划储备项目列表")
def reserve_list(request: HttpRequest, filters: Query[ReserveFilterParams]):
    filterset = selectors.reserve_filterset(user=request.auth, params=request.GET, request=request)
    return filtered_page(filterset, filters)


@router.post("", response={201: ReserveOut, **WRITE_ERRORS}, summary="登记谋划项目")
def reserve_propose(request: HttpRequest, payload: ReserveIn):
    data = payload.model_dump()
    lead_id = data.pop("source_lead")
    lead = None
    if lead_id is not None:
        from apps.attraction.models import InvestmentLead

        lead = InvestmentLead.objects.filter(pk=lead_id).first()
        if lead is None:
            raise ValidationError({"source_lead": _("所选招商线索不存在或不在您的权限范围内。")})
    item = services.reserve_propose(actor=request.auth, fields=_fields(data), source_lead=lead)
    return Status(201, _item(request, item.pk))


def _plain(value):
    return decimal_str(value) if isinstance(value, Decimal) else value


@router.get("/figures", response={200: ReserveFiguresOut, 401: ErrorOut}, summary="谋划储备指标")
def reserve_figures(request: HttpRequest, year: int | None = None):
    """Reserve count and investment by source, category, catalogue class, maturity, county;
    industry vs infrastructure share in the reserve and in the `year` plan; conversion."""
    figures = selectors.reserve_figures(user=request.auth, year=year or timezone.localdate().year)
    return {key: _plain(value) for key, value in dataclasses.asdict(figures).items()} | {
        name: getattr(figures, name)
        for name in ("by_source", "by_category", "by_catalogue", "by_maturity", "by_region")
    }


@router.get("/{pk}", response={200: ReserveOut, **READ_ERRORS}, summary="谋划项目详情")
def reserve_detail(request: HttpRequest, pk: int):
    return _item(request, pk)


@router.patch("/{pk}", response={200: ReserveOut, **WRITE_ERRORS}, summary="修改谋划项目")
def reserve_update(request: HttpRequest, pk: int, payload: ReservePatch):
    _item(request, pk)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    services.reserve_update(actor=request.auth, pk=pk, fields=_fields(data), expected_version=version)
    return _item(request, pk)


@router.post("/{pk}/first-review", response={200: ReserveOut, **WRITE_ERRORS}, summary="初审")
def first_review(request: HttpRequest, pk: int, payload: ReserveReviewIn):
    _item(request, pk)
    services.reserve_first_review(
        actor=request.auth, pk=pk, approve=payload.approve, reason=payload.reason, expected_version=payload.version
    )
    return _item(request, pk)


@router.post("/{pk}/final-review", response={200: ReserveOut, **WRITE_ERRORS}, summary="终审（入库或退回）")
def final_review(request: HttpRequest, pk: int, payload: ReserveReviewIn):
    _item(request, pk)
    services.reserve_final_review(
        actor=request.auth, pk=pk, approve=payload.approve, reason=payload.reason, expected_version=payload.version
    )
    return _item(request, pk)


@router.post("/{pk}/resubmit", response={200: ReserveOut, **WRITE_ERRORS}, summary="重新提交")
def resubmit(request: HttpRequest, pk: int, payload: ReserveVersionIn):
    _item(request, pk)
    services.reserve_resubmit(actor=request.auth, pk=pk, expected_version=payload.version)
    return _item(request, pk)


@router.post("/{pk}/withdraw", response={200: ReserveOut, **WRITE_ERRORS}, summary="退库")
def withdraw(request: HttpRequest, pk: int, payload: ReserveReasonIn):
    _item(request, pk)
    services.reserve_withdraw(actor=request.auth, pk=pk, reason=payload.reason, expected_version=payload.version)
    return _item(request, pk)


@router.post("/{pk}/restore", response={200: ReserveOut, **WRITE_ERRORS}, summary="恢复入库")
def restore(request: HttpRequest, pk: int, payload: ReserveVersionIn):
    _item(request, pk)
    services.reserve_restore(actor=request.auth, pk=pk, expected_version=payload.version)
    return _item(request, pk)


@router.post("/{pk}/promote", response={200: ReserveOut, **WRITE_ERRORS}, summary="转入年度计划（项目库）")
def promote(request: HttpRequest, pk: int, payload: PromoteIn):
    _item(request, pk)
    data = payload.model_dump()
    data["owner_unit"] = reference(Organisation, data["owner_unit"], "owner_unit")
    services.reserve_promote(actor=request.auth, pk=pk, expected_version=data.pop("version"), **data)
    return _item(request, pk)
