"""Indicator and official-figure endpoints of the REST API. They declare and delegate:
reads go through selectors and indicators_compute, writes through services; errors
become JSON in keyprojects/api.py."""

import dataclasses

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from apps.projects.schemas import ErrorOut
from apps.regions.models import Region

from . import selectors, services
from .indicators import NO_PROJECTS, indicators_compute
from .schemas import (
    FigureFilterParams,
    IndicatorParams,
    IndicatorReportOut,
    RegionStatFilterParams,
    RegionStatIn,
    RegionStatOut,
    RegionTargetIn,
    RegionTargetOut,
)

router = Router(tags=["指标与统计"])

READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}


@router.get("/indicators", response={200: IndicatorReportOut, **READ_ERRORS}, summary="指标")
def indicators(request: HttpRequest, params: Query[IndicatorParams]):
    """The indicators of a region (with its sub-regions) for January..`month` of `year`.

    Projects are those the user may see. A region outside the user's region answers 404;
    an unknown `set` answers 422. `ids=false` leaves out the project id lists.
    """
    user = request.auth
    region = selectors.indicator_region_get(user=user, region_id=params.region)
    today = timezone.localdate()
    year = params.year or today.year
    month = params.month or today.month
    try:
        report = indicators_compute(
            user=user,
            region=region,
            year=year,
            month=month,
            project_set=params.set,
            verified_only=params.verified_only,
        )
    except ValueError as exc:
        raise ValidationError({"set": [str(exc)]}) from exc

    # The id lists are fetched only when read (see ProjectIds): ids=false never fetches them.
    def without_ids(items):
        return list(items) if params.ids else [dataclasses.replace(item, projects=NO_PROJECTS) for item in items]

    indicators = without_ids(report.indicators.values())
    return {
        "region": region,
        "year": year,
        "month": month,
        "set": params.set,
        "verified_only": report.verified_only,
        "whole_set": report.whole_set,
        "indicators": indicators,
        "by_month": without_ids(report.by_month),
        "by_county": without_ids(report.by_county),
        "by_category": without_ids(report.by_category),
        "by_investor_type": without_ids(report.by_investor_type),
        "not_started": list(report.not_started),
    }


# --- official figures -------------------------------------------------------------


def _check_can_edit(user) -> None:
    # Before the body's ids are looked up: others get 403, not a 422 about the body.
    if not services.statistics_editable_by(user=user):
        raise PermissionDenied(_("只有市发改委管理员可以维护统计数据。"))


def _region(region_id: int) -> Region:
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise ValidationError({"region": [_("所选对象不存在。")]})
    return region


@router.get(
    "/region-stats", response={200: list[RegionStatOut], 401: ErrorOut, 422: ErrorOut}, summary="固定资产投资统计"
)
def region_stat_list(request: HttpRequest, filters: Query[RegionStatFilterParams]):
    """FAI per region and month (万元), newest first; `month` is the last month of 1-X月."""
    return list(selectors.region_stat_list(user=request.auth, filters=filters.dict()))


@router.post("/region-stats", response={200: RegionStatOut, **WRITE_ERRORS}, summary="填报固定资产投资统计")
def region_stat_upsert(request: HttpRequest, payload: RegionStatIn):
    """Creates or corrects the figure of (region, year, month). City administrator only."""
    _check_can_edit(request.auth)
    return services.region_stat_upsert(
        actor=request.auth,
        region=_region(payload.region),
        year=payload.year,
        month=payload.month,
        fai_ytd=payload.fai_ytd,
        comparable_base=payload.comparable_base,
    )


@router.get(
    "/region-targets", response={200: list[RegionTargetOut], 401: ErrorOut, 422: ErrorOut}, summary="年度投资目标"
)
def region_target_list(request: HttpRequest, filters: Query[FigureFilterParams]):
    return list(selectors.region_target_list(user=request.auth, filters=filters.dict()))


@router.post("/region-targets", response={200: RegionTargetOut, **WRITE_ERRORS}, summary="填报年度投资目标")
def region_target_upsert(request: HttpRequest, payload: RegionTargetIn):
    """Creates or corrects the target of (region, year). City administrator only."""
    _check_can_edit(request.auth)
    return services.region_target_upsert(
        actor=request.auth,
        region=_region(payload.region),
        year=payload.year,
        growth_pct=payload.growth_pct,
        amount=payload.amount,
    )
