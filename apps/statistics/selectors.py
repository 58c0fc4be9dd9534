"""Reads of the official figures and the region an indicator request is about.

Every function takes the acting user and starts from the restricted queryset (published
figures: everyone signed in reads them; anonymous users get nothing).
"""

from typing import TypedDict

from django.http import Http404
from django.utils.translation import gettext as _

from apps.core.querysets import note_miss_outside_scope
from apps.regions.models import Region, RegionLevel

from .models import ProvinceListTotal, RegionStat, RegionTarget, StatisticsSettings


class FigureFilters(TypedDict, total=False):
    region: int | None  # region id (that region only)
    parent: int | None  # region id: its direct sub-regions
    year: int | None
    month: int | None  # RegionStat only


def _filtered(queryset, filters: FigureFilters | None, *, region_field: str = "region"):
    filters = filters or {}
    if filters.get("region") is not None:
        queryset = queryset.filter(**{f"{region_field}_id": filters["region"]})
    if filters.get("parent") is not None:
        queryset = queryset.filter(**{f"{region_field}__parent_id": filters["parent"]})
    if filters.get("year") is not None:
        queryset = queryset.filter(year=filters["year"])
    if filters.get("month") is not None and queryset.model is RegionStat:
        queryset = queryset.filter(month=filters["month"])
    return queryset


def region_stat_list(*, user, filters: FigureFilters | None = None):
    queryset = RegionStat.objects.restrict(user).select_related("region")
    return _filtered(queryset, filters).order_by("-year", "-month", "region__code")


def region_target_list(*, user, filters: FigureFilters | None = None):
    queryset = RegionTarget.objects.restrict(user).select_related("region")
    return _filtered(queryset, filters).order_by("-year", "region__code")


def province_list_total_list(*, user, filters: FigureFilters | None = None):
    queryset = ProvinceListTotal.objects.restrict(user).select_related("province")
    return _filtered(queryset, filters, region_field="province").order_by("-year", "province__code", "list_name")


def statistics_settings_get(*, user) -> StatisticsSettings | None:
    """The settings row (created with its defaults on first read); None for anonymous users."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return StatisticsSettings.current()


def indicator_regions(*, user):
    """The regions the user may ask indicators for: a user anchored in a region sees its
    subtree; department, owner-unit and audit users (and superusers) any region. Their
    projects are scoped all the same."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Region.objects.none()
    if user.region_id and not user.is_superuser:
        return user.region.subtree()
    return Region.objects.all()


def indicator_region_get(*, user, region_id: int | None = None) -> Region:
    """The region asked for (404 outside the user's regions), else the user's region,
    else the city (the first city by code; the province when there is no city)."""
    regions = indicator_regions(user=user)
    if region_id is not None:
        region = regions.filter(pk=region_id).first()
    elif user.region_id and not user.is_superuser:
        region = user.region
    else:
        region = (
            regions.filter(level=RegionLevel.CITY).order_by("code").first()
            or regions.filter(parent__isnull=True).order_by("code").first()
        )
    if region is None:
        if region_id is not None:
            note_miss_outside_scope(model=Region, object_id=region_id, user=user)
        raise Http404(_("区划不存在或不在您的权限范围内。"))
    return region
