"""/api/v1/investment-leads: the attraction pipeline. Endpoints declare and delegate: reads
through selectors (out of scope 404, not allowed 403), writes through services; errors
become JSON in keyprojects/api.py. Investor contacts are personal data: each read is logged."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from apps.core.api_helpers import Paging, filtered_page, invalid_filters, page_of, reference
from apps.core.money import decimal_str
from apps.projects.schemas import ConflictOut, ErrorOut
from apps.regions.models import Organisation, Person, Region

from . import selectors, services
from .schemas import (
    AdvanceIn,
    AttractionFiguresOut,
    ContactIn,
    ContactOut,
    ExitIn,
    FollowUpIn,
    FollowUpOut,
    FundsIn,
    FundsOut,
    LeadIn,
    LeadListOut,
    LeadOut,
    LeadPatch,
    NoticeIn,
    NoticeOut,
    ReadListOut,
    RegisteredIn,
    SignIn,
    StageEventOut,
    StartIn,
    SupervisedActionRef,
    SuperviseIn,
)

router = Router(tags=["招商引资"])

READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut, 422: ErrorOut}


class LeadFilterParams(Paging):
    """Documents LeadFilterSet's parameters; the FilterSet reads and validates request.GET."""

    q: str | None = None
    region: int | None = None
    stage: list[str] | None = None
    source: str | None = None
    industry: str | None = None
    leading: str | None = None
    encouraged: str | None = None
    figure: str | None = None


def _fields(data: dict) -> dict:
    refs = {"region": Region, "attraction_unit": Organisation}
    return {name: reference(refs[name], value, name) if name in refs else value for name, value in data.items()}


def _lead(request, pk: int, action: str = "view"):
    lead = selectors.lead_get(user=request.auth, pk=pk, action=action)
    return selectors.with_lateness([lead])[0]


@router.get("", response={200: LeadListOut, 400: ErrorOut, 401: ErrorOut}, summary="招商线索列表")
def lead_list(request: HttpRequest, filters: Query[LeadFilterParams]):
    """Filters: q, region (with sub-regions), stage, source, industry (GB/T 4754 division),
    leading, encouraged (1/0), figure (the leads behind a figure of /figures)."""
    filterset = selectors.lead_filterset(user=request.auth, params=request.GET, request=request)
    return filtered_page(filterset, filters, selectors.with_lateness)


@router.post("", response={201: LeadOut, **WRITE_ERRORS}, summary="登记招商线索")
def lead_register(request: HttpRequest, payload: LeadIn):
    data = payload.model_dump()
    contacts = data.pop("contacts")
    lead = services.lead_register(actor=request.auth, fields=_fields(data), contacts=contacts)
    return Status(201, _lead(request, lead.pk))


def _plain(value):
    return decimal_str(value) if isinstance(value, Decimal) else value


def _figure(figure) -> dict:
    return {
        "code": figure.code,
        "label": figure.label,
        "value": _plain(figure.value),
        "ids": figure.ids,
        "basis": figure.basis,
        "numerator": _plain(figure.numerator),
        "denominator": _plain(figure.denominator),
    }


@router.get("/export", response={200: None, 400: ErrorOut, 401: ErrorOut}, summary="导出招商线索清单（xlsx）")
def lead_export(request: HttpRequest, filters: Query[LeadFilterParams]):
    """The same filters as the list; investor contacts are never exported. Each export is recorded."""
    from apps.exports.views import file_response

    from .exports import lead_list_export

    filterset = selectors.lead_filterset(user=request.auth, params=request.GET, request=request)
    if not filterset.is_valid():
        return invalid_filters(filterset)
    return file_response(lead_list_export(actor=request.auth, queryset=filterset.qs, filters=request.GET))


@router.get("/figures", response={200: AttractionFiguresOut, 401: ErrorOut}, summary="招商引资指标")
def lead_figures(request: HttpRequest):
    """Every figure with the ids of the leads behind it; rates in % with numerator and denominator."""
    figures = selectors.lead_figures(user=request.auth)
    singles = [figure for figure in figures.all() if figure not in figures.funnel]
    return {
        "scope": selectors.scope_label(user=request.auth),
        "figures": [_figure(figure) for figure in singles],
        "funnel": [_figure(figure) for figure in figures.funnel],
        "median_days": [
            {**row, "median": float(row["median"]) if row["median"] is not None else None}
            for row in figures.median_days
        ],
        "by_region": figures.by_region,
        "by_industry": figures.by_industry,
        "by_source": figures.by_source,
    }


@router.get(
    "/personal-data-reads", response={200: ReadListOut, 401: ErrorOut, 403: ErrorOut}, summary="个人信息读取记录"
)
def personal_data_reads(request: HttpRequest, limit: int = 50, offset: int = 0):
    """Who read which lead's investor contacts: the city administrator and auditors only (403 otherwise)."""
    if not selectors.can_audit_reads(user=request.auth):
        raise PermissionDenied(_("仅审计、审计管理员和市发改委管理员可查看个人信息读取记录。"))
    return page_of(selectors.personal_data_reads(user=request.auth), Paging(limit=limit, offset=offset))


@router.get("/{lead_id}", response={200: LeadOut, **READ_ERRORS}, summary="招商线索详情")
def lead_detail(request: HttpRequest, lead_id: int):
    return _lead(request, lead_id)


@router.patch("/{lead_id}", response={200: LeadOut, **WRITE_ERRORS}, summary="修改招商线索")
def lead_update(request: HttpRequest, lead_id: int, payload: LeadPatch):
    _lead(request, lead_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    services.lead_update(actor=request.auth, lead_id=lead_id, fields=_fields(data), expected_version=version)
    return _lead(request, lead_id)


@router.get("/{lead_id}/stages", response={200: list[StageEventOut], **READ_ERRORS}, summary="阶段记录")
def stage_events(request: HttpRequest, lead_id: int):
    return list(_lead(request, lead_id).stage_events.all())


@router.post("/{lead_id}/advance", response={200: LeadOut, **WRITE_ERRORS}, summary="推进阶段")
def advance(request: HttpRequest, lead_id: int, payload: AdvanceIn):
    """研判, 在谈, 供地, 入统, 投产, 达产; 签约/注册/开工/退出 have their own endpoints. Refused with 422."""
    _lead(request, lead_id)
    services.lead_advance(
        actor=request.auth,
        lead_id=lead_id,
        stage=payload.stage,
        on=payload.on,
        note=payload.note,
        expected_version=payload.version,
    )
    return _lead(request, lead_id)


@router.post("/{lead_id}/sign", response={200: LeadOut, **WRITE_ERRORS}, summary="签约")
def sign(request: HttpRequest, lead_id: int, payload: SignIn):
    _lead(request, lead_id)
    data = payload.model_dump()
    services.lead_sign(actor=request.auth, lead_id=lead_id, expected_version=data.pop("version"), **data)
    return _lead(request, lead_id)


@router.post("/{lead_id}/registered", response={200: LeadOut, **WRITE_ERRORS}, summary="注册企业")
def registered(request: HttpRequest, lead_id: int, payload: RegisteredIn):
    _lead(request, lead_id)
    data = payload.model_dump()
    services.lead_mark_registered(actor=request.auth, lead_id=lead_id, expected_version=data.pop("version"), **data)
    return _lead(request, lead_id)


@router.post("/{lead_id}/start", response={200: LeadOut, **WRITE_ERRORS}, summary="开工（转入项目库）")
def start(request: HttpRequest, lead_id: int, payload: StartIn):
    """Links the lead to a registry project once: `project` (existing) or a new one (`project_code`)."""
    _lead(request, lead_id)
    data = payload.model_dump()
    services.lead_start(
        actor=request.auth,
        lead_id=lead_id,
        on=data["on"],
        project_id=data["project"],
        project_code=data["project_code"],
        note=data["note"],
        expected_version=data["version"],
    )
    return _lead(request, lead_id)


@router.post("/{lead_id}/exit", response={200: LeadOut, **WRITE_ERRORS}, summary="退出")
def exit_lead(request: HttpRequest, lead_id: int, payload: ExitIn):
    _lead(request, lead_id)
    data = payload.model_dump()
    services.lead_exit(actor=request.auth, lead_id=lead_id, expected_version=data.pop("version"), **data)
    return _lead(request, lead_id)


@router.get("/{lead_id}/follow-ups", response={200: list[FollowUpOut], **READ_ERRORS}, summary="跟进报告")
def follow_ups(request: HttpRequest, lead_id: int):
    return list(_lead(request, lead_id).follow_ups.all())


@router.post("/{lead_id}/follow-ups", response={201: FollowUpOut, **WRITE_ERRORS}, summary="报送跟进情况")
def follow_up_add(request: HttpRequest, lead_id: int, payload: FollowUpIn):
    _lead(request, lead_id)
    return Status(201, services.lead_follow_up(actor=request.auth, lead_id=lead_id, **payload.model_dump()))


@router.get("/{lead_id}/funds", response={200: list[FundsOut], **READ_ERRORS}, summary="到位资金")
def funds(request: HttpRequest, lead_id: int):
    return list(_lead(request, lead_id).funds_arrivals.all())


@router.post("/{lead_id}/funds", response={201: FundsOut, **WRITE_ERRORS}, summary="登记到位资金")
def funds_add(request: HttpRequest, lead_id: int, payload: FundsIn):
    _lead(request, lead_id)
    return Status(201, services.lead_funds_add(actor=request.auth, lead_id=lead_id, **payload.model_dump()))


@router.get("/{lead_id}/notices", response={200: list[NoticeOut], **READ_ERRORS}, summary="限期通知")
def notices(request: HttpRequest, lead_id: int):
    return list(_lead(request, lead_id).notices.all())


@router.post("/{lead_id}/notices", response={201: NoticeOut, **WRITE_ERRORS}, summary="发出限期开工/退出通知书")
def notice_issue(request: HttpRequest, lead_id: int, payload: NoticeIn):
    _lead(request, lead_id)
    return Status(201, services.lead_notice_issue(actor=request.auth, lead_id=lead_id, **payload.model_dump()))


@router.get("/{lead_id}/contacts", response={200: list[ContactOut], **READ_ERRORS}, summary="投资方联系人（个人信息）")
def contacts(request: HttpRequest, lead_id: int):
    """Personal data: the attraction unit, the landing county and the city administrator only; each read is logged."""
    lead = selectors.lead_get(user=request.auth, pk=lead_id)
    return selectors.lead_contacts(user=request.auth, lead=lead, channel="api")


@router.post("/{lead_id}/contacts", response={201: ContactOut, **WRITE_ERRORS}, summary="添加投资方联系人")
def contact_add(request: HttpRequest, lead_id: int, payload: ContactIn):
    _lead(request, lead_id)
    return Status(201, services.contact_add(actor=request.auth, lead_id=lead_id, fields=payload.model_dump()))


@router.get(
    "/{lead_id}/supervised-actions", response={200: list[SupervisedActionRef], **READ_ERRORS}, summary="跟踪督办事项"
)
def supervised_actions(request: HttpRequest, lead_id: int):
    from apps.problems.models import SupervisedAction

    lead = _lead(request, lead_id)
    return list(SupervisedAction.objects.restrict(request.auth).filter(investment_leads=lead))


@router.post(
    "/{lead_id}/supervised-actions", response={201: SupervisedActionRef, **WRITE_ERRORS}, summary="签约项目跟踪督办"
)
def supervise(request: HttpRequest, lead_id: int, payload: SuperviseIn):
    """A meeting's decision about a signed lead, tracked as a supervised action (owner, deadline)."""
    _lead(request, lead_id)
    action = services.lead_supervise(
        actor=request.auth,
        lead_id=lead_id,
        meeting_id=payload.meeting,
        decision=payload.decision,
        owner=reference(Organisation, payload.owner, "owner"),
        owner_person=reference(Person, payload.owner_person, "owner_person"),
        deadline=payload.deadline,
    )
    return Status(201, action)
