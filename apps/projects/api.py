"""Project endpoints of the REST API. They declare and delegate: reads go
through selectors, writes through services; errors become JSON in keyprojects/api.py."""

from enum import Enum

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from apps.core.api_helpers import invalid_filters, page_bounds
from apps.regions import selectors as reference
from apps.regions.models import OrganisationKind

from . import selectors, services
from .schemas import (
    AnnualPlanIn,
    AnnualPlanOut,
    AnnualPlanPatch,
    AnnualPlanWriteOut,
    ChangeRecordOut,
    ConflictOut,
    ErrorOut,
    MilestoneIn,
    MilestoneOut,
    MilestonePatch,
    MilestoneWriteOut,
    ProjectDetailOut,
    ProjectIn,
    ProjectListOut,
    ProjectPatch,
)

router = Router(tags=["项目"])

DEFAULT_LIMIT = 50
HISTORY_MAX_LIMIT = 1000

READ_ERRORS = {401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut, 422: ErrorOut}


class ProjectFilterParams(Schema):
    """Documents ProjectFilterSet's parameters; the FilterSet itself reads and validates request.GET."""

    q: str | None = None
    region: str | None = None
    stage: list[str] | None = None
    level: list[str] | None = None
    category: list[str] | None = None
    investor_type: list[str] | None = None
    lead_official: str | None = None
    lead_department: str | None = None
    owner_unit: str | None = None
    planned_start_year: str | None = None
    sort: str | None = None
    limit: int = DEFAULT_LIMIT
    offset: int = 0


# --- helpers: turning request bodies into service arguments --------------------


def _choices(user):
    """Where each id field of a project body is looked up (the same choices as the project form)."""
    return {
        "region": reference.region_list(user=user),
        "lead_official": reference.person_list(user=user, is_city_leader=True),
        "lead_department": reference.organisation_list(user=user, kind=OrganisationKind.DEPARTMENT),
        "owner_unit": reference.organisation_list(user=user, kind=OrganisationKind.OWNER_UNIT),
        "partner_units": reference.organisation_list(user=user, kind=OrganisationKind.DEPARTMENT),
    }


def _plain(value):
    return value.value if isinstance(value, Enum) else value


def _project_fields(user, payload) -> dict:
    """The sent fields with ids resolved to objects; unknown ids raise a ValidationError per field."""
    data = {name: _plain(value) for name, value in payload.model_dump(exclude_unset=True).items()}
    data.pop("version", None)
    missing = _("所选对象不存在。")
    errors = {}
    for name, queryset in _choices(user).items():
        if name not in data or data[name] is None:
            continue
        if name == "partner_units":
            wanted = set(data[name])
            found = queryset.in_bulk(wanted)
            if len(found) != len(wanted):
                errors[name] = [missing]
            else:
                data[name] = [found[pk] for pk in sorted(wanted)]
        else:
            obj = queryset.filter(pk=data[name]).first()
            if obj is None:
                errors[name] = [missing]
            else:
                data[name] = obj
    if errors:
        raise ValidationError(errors)
    return data


def _child_fields(payload) -> tuple[dict, int | None]:
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version", None)
    return data, version


# --- projects -----------------------------------------------------------------


@router.get("", response={200: ProjectListOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut}, summary="项目列表")
def project_list(request: HttpRequest, filters: Query[ProjectFilterParams]):
    """Filters are those of the project list page (ProjectFilterSet); `limit` is at most 500."""
    filterset = selectors.project_filterset(user=request.auth, params=request.GET, request=request)
    if not filterset.is_valid():
        return invalid_filters(filterset)
    queryset = filterset.qs
    totals = selectors.project_totals(queryset=queryset)
    limit, offset = page_bounds(filters.limit, filters.offset)
    items = list(queryset[offset : offset + limit])
    return {
        "count": totals.count,
        "total_investment": totals.total_investment,
        "limit": limit,
        "offset": offset,
        "items": items,
    }


@router.post("", response={201: ProjectDetailOut, **WRITE_ERRORS}, summary="新建项目")
def project_create(request: HttpRequest, payload: ProjectIn):
    project = services.project_create(actor=request.auth, fields=_project_fields(request.auth, payload))
    return Status(201, _detail(request, selectors.project_get(user=request.auth, pk=project.pk)))


@router.get("/{project_id}", response={200: ProjectDetailOut, **READ_ERRORS}, summary="项目详情")
def project_detail(request: HttpRequest, project_id: int):
    return _detail(request, selectors.project_get(user=request.auth, pk=project_id))


def _detail(request, project) -> ProjectDetailOut:
    """The project with its partners, plans and milestones (each read through its selector)."""
    data = {name: getattr(project, name) for name in _DETAIL_FIELDS}
    data["partner_units"] = list(project.partner_units.all())
    data["annual_plans"] = list(selectors.annual_plan_list(user=request.auth, project=project))
    data["milestones"] = list(selectors.milestone_list(user=request.auth, project=project))
    data["created_at"] = timezone.localtime(project.created_at)
    data["updated_at"] = timezone.localtime(project.updated_at)
    return ProjectDetailOut.model_validate(data)


_DETAIL_FIELDS = [
    name for name in ProjectDetailOut.model_fields if name not in {"partner_units", "annual_plans", "milestones"}
]


@router.patch("/{project_id}", response={200: ProjectDetailOut, **WRITE_ERRORS}, summary="修改项目")
def project_update(request: HttpRequest, project_id: int, payload: ProjectPatch):
    """Send `version` as loaded; a stale version answers 409 and saves nothing."""
    selectors.project_get(user=request.auth, pk=project_id, action="change")
    services.project_update(
        actor=request.auth,
        project_id=project_id,
        expected_version=payload.version,
        fields=_project_fields(request.auth, payload),
    )
    return _detail(request, selectors.project_get(user=request.auth, pk=project_id))


@router.delete("/{project_id}", response={204: None, **WRITE_ERRORS}, summary="删除项目")
def project_delete(request: HttpRequest, project_id: int, version: int):
    """Only 市发改委管理员 may delete; `version` is the version the user saw."""
    selectors.project_get(user=request.auth, pk=project_id, action="delete")
    services.project_delete(actor=request.auth, project_id=project_id, expected_version=version)
    return Status(204, None)


@router.get("/{project_id}/history", response={200: list[ChangeRecordOut], **READ_ERRORS}, summary="变更记录")
def project_history(request: HttpRequest, project_id: int, limit: int = 100, offset: int = 0):
    """The project's change records (including its plans and milestones), newest first."""
    project = selectors.project_get(user=request.auth, pk=project_id)
    limit, offset = page_bounds(limit, offset, HISTORY_MAX_LIMIT)
    return list(selectors.project_history(user=request.auth, project=project)[offset : offset + limit])


# --- annual plans -------------------------------------------------------------


@router.get("/{project_id}/annual-plans", response={200: list[AnnualPlanOut], **READ_ERRORS}, summary="年度计划列表")
def annual_plan_list(request: HttpRequest, project_id: int):
    project = selectors.project_get(user=request.auth, pk=project_id)
    return list(selectors.annual_plan_list(user=request.auth, project=project))


@router.post("/{project_id}/annual-plans", response={201: AnnualPlanWriteOut, **WRITE_ERRORS}, summary="新增年度计划")
def annual_plan_create(request: HttpRequest, project_id: int, payload: AnnualPlanIn):
    selectors.project_get(user=request.auth, pk=project_id, action="change")
    fields, version = _child_fields(payload)
    plan = services.annual_plan_create(
        actor=request.auth, project_id=project_id, expected_version=version, fields=fields
    )
    return Status(201, plan)


@router.patch(
    "/{project_id}/annual-plans/{plan_id}",
    response={200: AnnualPlanWriteOut, **WRITE_ERRORS},
    summary="修改年度计划",
)
def annual_plan_update(request: HttpRequest, project_id: int, plan_id: int, payload: AnnualPlanPatch):
    project = selectors.project_get(user=request.auth, pk=project_id, action="change")
    selectors.annual_plan_get(user=request.auth, project=project, pk=plan_id)
    fields, version = _child_fields(payload)
    return services.annual_plan_update(
        actor=request.auth, project_id=project_id, plan_id=plan_id, expected_version=version, fields=fields
    )


@router.delete("/{project_id}/annual-plans/{plan_id}", response={204: None, **WRITE_ERRORS}, summary="删除年度计划")
def annual_plan_delete(request: HttpRequest, project_id: int, plan_id: int, version: int):
    project = selectors.project_get(user=request.auth, pk=project_id, action="change")
    selectors.annual_plan_get(user=request.auth, project=project, pk=plan_id)
    services.annual_plan_delete(actor=request.auth, project_id=project_id, plan_id=plan_id, expected_version=version)
    return Status(204, None)


# --- milestones ---------------------------------------------------------------


@router.get("/{project_id}/milestones", response={200: list[MilestoneOut], **READ_ERRORS}, summary="节点列表")
def milestone_list(request: HttpRequest, project_id: int):
    project = selectors.project_get(user=request.auth, pk=project_id)
    return list(selectors.milestone_list(user=request.auth, project=project))


@router.post("/{project_id}/milestones", response={201: MilestoneWriteOut, **WRITE_ERRORS}, summary="新增节点")
def milestone_create(request: HttpRequest, project_id: int, payload: MilestoneIn):
    selectors.project_get(user=request.auth, pk=project_id, action="change")
    fields, version = _child_fields(payload)
    milestone = services.milestone_create(
        actor=request.auth, project_id=project_id, expected_version=version, fields=fields
    )
    return Status(201, milestone)


@router.patch(
    "/{project_id}/milestones/{milestone_id}",
    response={200: MilestoneWriteOut, **WRITE_ERRORS},
    summary="修改节点",
)
def milestone_update(request: HttpRequest, project_id: int, milestone_id: int, payload: MilestonePatch):
    project = selectors.project_get(user=request.auth, pk=project_id, action="change")
    selectors.milestone_get(user=request.auth, project=project, pk=milestone_id)
    fields, version = _child_fields(payload)
    return services.milestone_update(
        actor=request.auth, project_id=project_id, milestone_id=milestone_id, expected_version=version, fields=fields
    )


@router.delete("/{project_id}/milestones/{milestone_id}", response={204: None, **WRITE_ERRORS}, summary="删除节点")
def milestone_delete(request: HttpRequest, project_id: int, milestone_id: int, version: int):
    project = selectors.project_get(user=request.auth, pk=project_id, action="change")
    selectors.milestone_get(user=request.auth, project=project, pk=milestone_id)
    services.milestone_delete(
        actor=request.auth, project_id=project_id, milestone_id=milestone_id, expected_version=version
    )
    return Status(204, None)
