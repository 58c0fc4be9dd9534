"""Reference data for API clients: regions, organisations and people (read-only)."""

from django.http import HttpRequest
from ninja import Router

from apps.projects.schemas import ErrorOut, OrganisationOut, PersonOut, RegionOut

from . import selectors
from .models import OrganisationKind, RegionLevel

router = Router(tags=["参考数据"])

ERRORS = {401: ErrorOut, 422: ErrorOut}


@router.get("/regions", response={200: list[RegionOut], **ERRORS}, summary="行政区划")
def region_list(request: HttpRequest, level: RegionLevel | None = None):
    return list(selectors.region_list(user=request.auth, level=level))


@router.get("/organisations", response={200: list[OrganisationOut], **ERRORS}, summary="单位")
def organisation_list(request: HttpRequest, kind: OrganisationKind | None = None, q: str | None = None):
    """`q` searches name, short name and credit code."""
    return list(selectors.organisation_list(user=request.auth, kind=kind, q=q))


@router.get("/people", response={200: list[PersonOut], **ERRORS}, summary="人员")
def person_list(request: HttpRequest, is_city_leader: bool | None = None):
    return list(selectors.person_list(user=request.auth, is_city_leader=is_city_leader))
