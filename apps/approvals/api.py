"""Approval endpoints (/api/v1/approvals). They declare and delegate: reads go through
selectors, writes through services; errors become JSON in keyprojects/api.py. Scope as on the
pages: outside it 404, in it but not allowed 403."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from apps.core.api_helpers import invalid_filters, page_bounds
from apps.projects import selectors as project_selectors
from apps.projects.schemas import ConflictOut, ErrorOut
from apps.regions.models import Organisation, OrganisationKind

from . import selectors, services
from .models import ApprovalItem, ApprovalItemType
from .schemas import (
    AcceptIn,
    DecideIn,
    FactorIn,
    FactorOut,
    FactorPatch,
    FiguresOut,
    GenerateIn,
    GenerateOut,
    IntakeIn,
    IntakeOut,
    ItemAddIn,
    ItemListOut,
    ItemOut,
    ItemPatch,
    ItemResult,
    ItemTypeOut,
    ItemTypePatch,
    SubmitIn,
    SupplementIn,
    TimelineOut,
    VersionIn,
)

router = Router(tags=["审批与要素保障"])

DEFAULT_LIMIT = 50
READ_ERRORS = {401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut, 422: ErrorOut}


class ItemFilterParams(Schema):
    """Documents ApprovalItemFilterSet's parameters; the FilterSet reads and validates request.GET."""

    project: int | None = None
    department: int | None = None
    item_type: int | None = None
    stage: str | None = None
    status: str | None = None
    region: int | None = None
    overdue: bool | None = None
    limit: int = DEFAULT_LIMIT
    offset: int = 0


def _department(pk: int | None, field: str = "department"):
    if pk is None:
        return None
    department = Organisation.objects.filter(pk=pk, kind=OrganisationKind.DEPARTMENT).first()
    if department is None:
        raise ValidationError({field: _("请选择有效的政府部门。")})
    return department


def _item(request, pk: int, calendar_error: str | None = None):
    item = selectors.item_get(user=request.auth, pk=pk)
    item.calendar_error = calendar_error
    return item


def _listed(request, queryset, params):
    filterset = selectors.ApprovalItemFilterSet(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        return invalid_filters(filterset)
    limit, offset = page_bounds(params.limit, params.offset)
    queryset = filterset.qs.prefetch_related("depends_on")
    return {
        "count": queryset.count(),
        "limit": limit,
        "offset": offset,
        "items": list(queryset[offset : offset + limit]),
    }


def _tick(request):
    services.commitment_clock_on_page(queryset=selectors.item_queryset(user=request.auth))


# --- catalogue ------------------------------------------------------------------------------


@router.get("/item-types", response={200: list[ItemTypeOut], 401: ErrorOut}, summary="审批事项目录")
def item_type_list(request: HttpRequest):
    return list(selectors.item_type_list(user=request.auth))


@router.patch("/item-types/{type_id}", response={200: ItemTypeOut, **WRITE_ERRORS}, summary="修改审批事项类型")
def item_type_update(request: HttpRequest, type_id: int, payload: ItemTypePatch):
    """City administrator only. Existing checklists keep their own time limits and departments."""
    selectors.item_type_get(user=request.auth, pk=type_id, action="change")
    fields = payload.model_dump(exclude_unset=True)
    if "authority" in fields:
        fields["authority"] = _department(fields["authority"], "authority")
    if "prerequisites" in fields:
        wanted = set(fields["prerequisites"] or [])
        found = list(ApprovalItemType.objects.filter(pk__in=wanted))
        if len(found) != len(wanted):
            raise ValidationError({"prerequisites": _("前置事项类型不存在。")})
        fields["prerequisites"] = found
    services.item_type_update(actor=request.auth, item_type_id=type_id, fields=fields)
    return selectors.item_type_get(user=request.auth, pk=type_id)


# --- lists ----------------------------------------------------------------------------------


@router.get("/items", response={200: ItemListOut, 400: ErrorOut, 401: ErrorOut}, summary="审批事项列表")
def item_list(request: HttpRequest, filters: Query[ItemFilterParams]):
    """Filters: project, department, item_type, stage, status, region (with sub-regions), overdue; `limit` ≤ 500."""
    _tick(request)
    return _listed(
        request, selectors.item_list(user=request.auth).order_by("project_id", "item_type__sequence", "pk"), filters
    )


@router.get("/worklist", response={200: ItemListOut, 400: ErrorOut, 401: ErrorOut}, summary="审批待办")
def worklist(request: HttpRequest, filters: Query[ItemFilterParams]):
    """A department user's own department's pending items, overdue first, then by due date."""
    _tick(request)
    return _listed(request, selectors.worklist(user=request.auth), filters)


@router.get("/overdue", response={200: ItemListOut, 400: ErrorOut, 401: ErrorOut}, summary="超期事项")
def overdue(request: HttpRequest, filters: Query[ItemFilterParams]):
    _tick(request)
    return _listed(request, selectors.overdue_list(user=request.auth), filters)


@router.get("/figures", response={200: FiguresOut, 401: ErrorOut}, summary="审批统计")
def figures(request: HttpRequest):
    """Per department and item type; the whole process (立项 to 施工许可) against the target."""
    _tick(request)
    return selectors.figures(user=request.auth)


# --- one item -------------------------------------------------------------------------------


@router.get("/items/{item_id}", response={200: ItemOut, **READ_ERRORS}, summary="审批事项详情")
def item_detail(request: HttpRequest, item_id: int):
    _tick(request)
    return _item(request, item_id)


@router.patch("/items/{item_id}", response={200: ItemResult, **WRITE_ERRORS}, summary="修改审批事项")
def item_update(request: HttpRequest, item_id: int, payload: ItemPatch):
    """Checklist managers (city administrator, county user): department, time limit, commitment
    rule, planned dates, prerequisites (`depends_on`: item ids of the same project)."""
    item = selectors.item_get(user=request.auth, pk=item_id, action="manage")
    fields = payload.model_dump(exclude_unset=True)
    version = fields.pop("version")
    if "department" in fields:
        fields["department"] = _department(fields["department"])
    if "depends_on" in fields:
        wanted = set(fields["depends_on"] or [])
        found = list(ApprovalItem.objects.filter(project_id=item.project_id, pk__in=wanted))
        if len(found) != len(wanted):
            raise ValidationError({"depends_on": _("前置事项须属于同一项目。")})
        fields["depends_on"] = found
    outcome = services.item_update(actor=request.auth, item_id=item_id, fields=fields, expected_version=version)
    return _item(request, item_id, outcome.calendar_error)


@router.delete("/items/{item_id}", response={204: None, **WRITE_ERRORS}, summary="从清单删除审批事项")
def item_delete(request: HttpRequest, item_id: int, version: int):
    """`version` is the version the user saw; stale → 409."""
    selectors.item_get(user=request.auth, pk=item_id, action="manage")
    services.item_delete(actor=request.auth, item_id=item_id, expected_version=version)
    return Status(204, None)


@router.post("/items/{item_id}/submit", response={200: ItemResult, **WRITE_ERRORS}, summary="申报")
def item_submit(request: HttpRequest, item_id: int, payload: SubmitIn):
    """Whoever changes the project; every prerequisite must be approved or deemed approved."""
    selectors.item_get(user=request.auth, pk=item_id, action="apply")
    services.item_submit(
        actor=request.auth, item_id=item_id, submitted_on=payload.submitted_on, expected_version=payload.version
    )
    return _item(request, item_id)


@router.post("/items/{item_id}/withdraw", response={200: ItemResult, **WRITE_ERRORS}, summary="撤回申报")
def item_withdraw(request: HttpRequest, item_id: int, payload: VersionIn):
    selectors.item_get(user=request.auth, pk=item_id, action="apply")
    services.item_withdraw(actor=request.auth, item_id=item_id, expected_version=payload.version)
    return _item(request, item_id)


@router.post("/items/{item_id}/accept", response={200: ItemResult, **WRITE_ERRORS}, summary="受理 / 容缺受理")
def item_accept(request: HttpRequest, item_id: int, payload: AcceptIn):
    """The handling department. With `missing_documents` (and `supplement_deadline`): 容缺受理.
    The due date is `committed_workdays` working days after `accepted_on`; without calendar data
    it stays empty and `calendar_error` says why."""
    selectors.item_get(user=request.auth, pk=item_id, action="handle")
    data = payload.model_dump()
    version = data.pop("version")
    outcome = services.item_accept(actor=request.auth, item_id=item_id, expected_version=version, **data)
    return _item(request, item_id, outcome.calendar_error)


@router.post("/items/{item_id}/supplement", response={200: ItemResult, **WRITE_ERRORS}, summary="登记补正")
def item_supplement(request: HttpRequest, item_id: int, payload: SupplementIn):
    selectors.item_get(user=request.auth, pk=item_id, action="handle")
    services.item_supplement(
        actor=request.auth, item_id=item_id, supplemented_on=payload.supplemented_on, expected_version=payload.version
    )
    return _item(request, item_id)


@router.post("/items/{item_id}/approve", response={200: ItemResult, **WRITE_ERRORS}, summary="批复")
def item_approve(request: HttpRequest, item_id: int, payload: DecideIn):
    """`document_number` is required."""
    return _decide(request, item_id, payload, approve=True)


@router.post("/items/{item_id}/reject", response={200: ItemResult, **WRITE_ERRORS}, summary="不予批准")
def item_reject(request: HttpRequest, item_id: int, payload: DecideIn):
    """`note` (the reason) is required."""
    return _decide(request, item_id, payload, approve=False)


def _decide(request, item_id: int, payload: DecideIn, *, approve: bool):
    selectors.item_get(user=request.auth, pk=item_id, action="handle")
    services.item_decide(
        actor=request.auth,
        item_id=item_id,
        approve=approve,
        decided_on=payload.decided_on,
        document_number=payload.document_number,
        note=payload.note,
        expected_version=payload.version,
    )
    return _item(request, item_id)


# --- a project's checklist, intakes, timeline, factors ---------------------------------------


@router.get("/projects/{project_id}/items", response={200: list[ItemOut], **READ_ERRORS}, summary="项目审批清单")
def checklist(request: HttpRequest, project_id: int):
    project = project_selectors.project_get(user=request.auth, pk=project_id)
    _tick(request)
    return list(selectors.checklist(user=request.auth, project=project))


@router.post("/projects/{project_id}/checklist", response={201: GenerateOut, **WRITE_ERRORS}, summary="生成审批清单")
def checklist_generate(request: HttpRequest, project_id: int, payload: GenerateIn | None = None):
    """Adds the catalogue's items that fit the project and are missing; running it again adds nothing."""
    project_selectors.project_get(user=request.auth, pk=project_id, action="change")
    outcome = services.checklist_generate(
        actor=request.auth, project_id=project_id, start=payload.start if payload else None
    )
    created = selectors.item_list(user=request.auth).filter(pk__in=[i.pk for i in outcome.items])
    return Status(
        201, {"created": list(created.prefetch_related("depends_on")), "calendar_error": outcome.calendar_error}
    )


@router.post("/projects/{project_id}/items", response={201: ItemResult, **WRITE_ERRORS}, summary="添加审批事项")
def item_add(request: HttpRequest, project_id: int, payload: ItemAddIn):
    project_selectors.project_get(user=request.auth, pk=project_id, action="change")
    outcome = services.item_create(actor=request.auth, project_id=project_id, item_type_id=payload.item_type)
    return Status(201, _item(request, outcome.items[0].pk, outcome.calendar_error))


@router.get("/projects/{project_id}/intakes", response={200: list[IntakeOut], **READ_ERRORS}, summary="统一接件记录")
def intake_list(request: HttpRequest, project_id: int):
    project = project_selectors.project_get(user=request.auth, pk=project_id)
    return list(selectors.project_intakes(user=request.auth, project=project).prefetch_related("items"))


@router.post("/projects/{project_id}/intakes", response={201: IntakeOut, **WRITE_ERRORS}, summary="统一接件")
def intake_register(request: HttpRequest, project_id: int, payload: IntakeIn):
    """Registers one application and routes its items to their departments at once (并联);
    refused as a whole (422) if an item waits for a prerequisite."""
    project_selectors.project_get(user=request.auth, pk=project_id, action="change")
    intake = services.intake_register(
        actor=request.auth,
        project_id=project_id,
        item_ids=payload.items,
        received_on=payload.received_on,
        applicant=payload.applicant,
        notes=payload.notes,
    )
    return Status(201, intake)


@router.get("/projects/{project_id}/timeline", response={200: TimelineOut, **READ_ERRORS}, summary="审批时间轴")
def timeline(request: HttpRequest, project_id: int):
    project = project_selectors.project_get(user=request.auth, pk=project_id)
    return selectors.timeline(user=request.auth, project=project)


@router.get("/projects/{project_id}/factors", response={200: list[FactorOut], **READ_ERRORS}, summary="要素需求")
def factor_list(request: HttpRequest, project_id: int):
    project = project_selectors.project_get(user=request.auth, pk=project_id)
    return list(selectors.factor_list(user=request.auth, project=project))


@router.post("/projects/{project_id}/factors", response={201: FactorOut, **WRITE_ERRORS}, summary="添加要素需求")
def factor_create(request: HttpRequest, project_id: int, payload: FactorIn):
    project_selectors.project_get(user=request.auth, pk=project_id, action="change")
    fields = payload.model_dump()
    fields["department"] = _department(fields["department"])
    need = services.factor_need_create(actor=request.auth, project_id=project_id, fields=fields)
    return Status(201, selectors.factor_get(user=request.auth, pk=need.pk))


@router.patch("/factors/{need_id}", response={200: FactorOut, **WRITE_ERRORS}, summary="修改要素需求")
def factor_update(request: HttpRequest, need_id: int, payload: FactorPatch):
    """Checklist managers change everything; the responsible department its progress
    (status, secured_quantity, description)."""
    selectors.factor_get(user=request.auth, pk=need_id, action="change")
    fields = payload.model_dump(exclude_unset=True)
    version = fields.pop("version")
    if "department" in fields:
        fields["department"] = _department(fields["department"])
    services.factor_need_update(actor=request.auth, need_id=need_id, fields=fields, expected_version=version)
    return selectors.factor_get(user=request.auth, pk=need_id)


@router.delete("/factors/{need_id}", response={204: None, **WRITE_ERRORS}, summary="删除要素需求")
def factor_delete(request: HttpRequest, need_id: int, version: int):
    """`version` is the version the user saw; stale → 409."""
    selectors.factor_get(user=request.auth, pk=need_id, action="delete")
    services.factor_need_delete(actor=request.auth, need_id=need_id, expected_version=version)
    return Status(204, None)
