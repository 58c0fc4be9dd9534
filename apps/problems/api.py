"""Problem, letter, meeting and supervised-action endpoints (/api/v1/problems, /letters,
/meetings, /supervised-actions). They declare and delegate: reads go through selectors
(out of scope 404, not allowed 403), writes through services; errors become JSON in
keyprojects/api.py."""

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from apps.core.api_helpers import Paging, invalid_filters, page_bounds
from apps.dashboard import selectors as dashboard_selectors
from apps.projects import selectors as project_selectors
from apps.projects.schemas import ConflictOut, ErrorOut
from apps.regions.models import Organisation, Person

from . import selectors, services
from .letters import letter_document_response
from .models import MeetingKind
from .schemas import (
    ActionOut,
    ActionProgressIn,
    AgendaOut,
    EscalateIn,
    EscalationOut,
    LeaderOut,
    LetterIn,
    LetterListOut,
    LetterOut,
    MeetingDecisionIn,
    MeetingIn,
    MeetingOut,
    MeetingPatch,
    ProblemFiguresOut,
    ProblemIn,
    ProblemListOut,
    ProblemNotStartedOut,
    ProblemOut,
    ProblemPatch,
    QueueOut,
    ReasonIn,
    ResolveIn,
    RespondIn,
    SupervisedActionIn,
    SupervisedActionListOut,
    SupervisedActionOut,
    TimelineEventOut,
)

problems_router = Router(tags=["问题"])
letters_router = Router(tags=["函件"])
meetings_router = Router(tags=["会议"])
actions_router = Router(tags=["督办事项"])

READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut, 422: ErrorOut}


class ProblemFilterParams(Paging):
    """Documents ProblemFilterSet's parameters; the FilterSet reads and validates request.GET."""

    q: str | None = None
    region: int | None = None
    project: int | None = None
    problem_type: list[str] | None = None
    level: list[str] | None = None
    status: list[str] | None = None
    responsible_department: int | None = None
    overdue: str | None = None


def _page(queryset, paging: Paging) -> dict:
    limit, offset = page_bounds(paging.limit, paging.offset)
    return {
        "count": queryset.count(),
        "limit": limit,
        "offset": offset,
        "items": list(queryset[offset : offset + limit]),
    }


def _reference(model, pk: int | None, field: str, **where):
    """A referenced row by id, or a 422 naming the field."""
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk, **where).first()
    if obj is None:
        raise ValidationError({field: _("所选对象不存在。")})
    return obj


def _problem_fields(data: dict) -> dict:
    refs = {
        "responsible_department": (Organisation, {}),
        "responsible_person": (Person, {}),
        "coordinating_leader": (Person, {}),
    }
    fields = {}
    for name, value in data.items():
        if name in refs:
            model, where = refs[name]
            fields[name] = _reference(model, value, name, **where)
        else:
            fields[name] = value
    return fields


def _problem(request, pk: int, action: str = "view"):
    return selectors.problem_get(user=request.auth, pk=pk, action=action)


# --- problems -------------------------------------------------------------------


@problems_router.get("", response={200: ProblemListOut, 400: ErrorOut, 401: ErrorOut}, summary="问题列表")
def problem_list(request: HttpRequest, filters: Query[ProblemFilterParams]):
    """Filters: q, region (with sub-regions), project, problem_type, level, status,
    responsible_department, overdue (1/0); `limit` at most 500."""
    filterset = selectors.problem_filterset(user=request.auth, params=request.GET, request=request)
    if not filterset.is_valid():
        return invalid_filters(filterset)
    return _page(filterset.qs, filters)


@problems_router.post("", response={201: ProblemOut, **WRITE_ERRORS}, summary="登记问题")
def problem_raise(request: HttpRequest, payload: ProblemIn):
    project_selectors.project_get(user=request.auth, pk=payload.project)
    data = payload.model_dump()
    project_id = data.pop("project")
    problem = services.problem_raise(actor=request.auth, project_id=project_id, fields=_problem_fields(data))
    return Status(201, _problem(request, problem.pk))


@problems_router.get("/figures", response={200: ProblemFiguresOut, 401: ErrorOut}, summary="问题统计")
def problem_figures(request: HttpRequest, region: int | None = None):
    """Open, overdue, resolved, average days to resolve; by type, department and level."""
    region_obj = None
    if region is not None:
        region_obj = dashboard_selectors.dashboard_query(user=request.auth, params={"region": region}).region
    return selectors.problem_figures(user=request.auth, region=region_obj)


@problems_router.get(
    "/not-started",
    response={200: list[ProblemNotStartedOut], 401: ErrorOut, 404: ErrorOut},
    summary="应开未开项目及其问题",
)
def not_started(
    request: HttpRequest, region: int | None = None, year: int | None = None, month: int | None = None, set: str = "all"
):
    """The dashboard's 应开未开 projects (same parameters as /indicators) with their unclosed problems."""
    params = {
        key: value
        for key, value in {"region": region, "year": year, "month": month, "set": set}.items()
        if value is not None
    }
    query = dashboard_selectors.dashboard_query(user=request.auth, params=params)
    return selectors.not_started_with_problems(
        user=request.auth, region=query.region, year=query.year, month=query.month, project_set=query.project_set
    )


@problems_router.get("/leader", response={200: LeaderOut, **READ_ERRORS}, summary="包抓领导：我协调的问题")
def leader(request: HttpRequest):
    user = request.auth
    return {
        "waiting": list(selectors.waiting_for_leader(user=user)),
        "problems": list(selectors.leader_problems(user=user)),
        "awaiting_confirmation": list(selectors.awaiting_my_confirmation(user=user)),
    }


@problems_router.get("/queue", response={200: QueueOut, **READ_ERRORS}, summary="部门待办")
def queue(request: HttpRequest):
    """403 for users other than department users."""
    q = selectors.department_queue(user=request.auth)
    return {
        "problems": list(q.problems),
        "letters": list(q.letters),
        "supervised_actions": list(q.actions.prefetch_related("projects", "problems")),
    }


@problems_router.get(
    "/timeline/{project_id}", response={200: list[TimelineEventOut], **READ_ERRORS}, summary="项目问题时间线"
)
def timeline(request: HttpRequest, project_id: int):
    project = project_selectors.project_get(user=request.auth, pk=project_id)
    return [
        {
            "date": e.date,
            "kind": e.kind,
            "text": e.text,
            "problem_id": e.problem.pk if e.problem else None,
            "letter_id": e.letter.pk if e.letter else None,
            "supervised_action_id": e.action.pk if e.action else None,
        }
        for e in selectors.project_timeline(user=request.auth, project=project)
    ]


@problems_router.get("/{problem_id}", response={200: ProblemOut, **READ_ERRORS}, summary="问题详情")
def problem_detail(request: HttpRequest, problem_id: int):
    return _problem(request, problem_id)


@problems_router.patch("/{problem_id}", response={200: ProblemOut, **WRITE_ERRORS}, summary="修改问题")
def problem_update(request: HttpRequest, problem_id: int, payload: ProblemPatch):
    _problem(request, problem_id, "handle")
    fields = _problem_fields(payload.model_dump(exclude_unset=True))
    services.problem_update(actor=request.auth, problem_id=problem_id, fields=fields)
    return _problem(request, problem_id)


@problems_router.get("/{problem_id}/actions", response={200: list[ActionOut], **READ_ERRORS}, summary="协调措施")
def action_list(request: HttpRequest, problem_id: int):
    problem = _problem(request, problem_id)
    return list(problem.actions.select_related("recorded_by").order_by("taken_on", "pk"))


@problems_router.post("/{problem_id}/actions", response={201: ActionOut, **WRITE_ERRORS}, summary="记录协调措施")
def action_add(request: HttpRequest, problem_id: int, payload: SupervisedActionIn):
    _problem(request, problem_id, "handle")
    action = services.problem_action_add(
        actor=request.auth, problem_id=problem_id, description=payload.description, taken_on=payload.taken_on
    )
    return Status(201, action)


@problems_router.get(
    "/{problem_id}/escalations", response={200: list[EscalationOut], **READ_ERRORS}, summary="提级记录"
)
def escalation_list(request: HttpRequest, problem_id: int):
    problem = _problem(request, problem_id)
    return list(problem.escalations.select_related("escalated_by").order_by("escalated_on", "pk"))


@problems_router.post("/{problem_id}/escalate", response={200: ProblemOut, **WRITE_ERRORS}, summary="提请上一级协调")
def escalate(request: HttpRequest, problem_id: int, payload: EscalateIn):
    """One rung at a time (包抓领导 → 专题会议 → 政府常务会 → 市委常委会), with a reason; refused with 422."""
    _problem(request, problem_id, "handle")
    services.problem_escalate(
        actor=request.auth, problem_id=problem_id, to_level=payload.to_level, reason=payload.reason
    )
    return _problem(request, problem_id)


@problems_router.post("/{problem_id}/resolve", response={200: ProblemOut, **WRITE_ERRORS}, summary="标记已解决")
def resolve(request: HttpRequest, problem_id: int, payload: ResolveIn):
    _problem(request, problem_id, "handle")
    services.problem_resolve(actor=request.auth, problem_id=problem_id, resolution=payload.resolution)
    return _problem(request, problem_id)


@problems_router.post("/{problem_id}/defer", response={200: ProblemOut, **WRITE_ERRORS}, summary="暂不能解决")
def defer(request: HttpRequest, problem_id: int, payload: ReasonIn):
    _problem(request, problem_id, "handle")
    services.problem_defer(actor=request.auth, problem_id=problem_id, reason=payload.reason)
    return _problem(request, problem_id)


@problems_router.post("/{problem_id}/reopen", response={200: ProblemOut, **WRITE_ERRORS}, summary="重新协调")
def reopen(request: HttpRequest, problem_id: int, payload: ReasonIn):
    _problem(request, problem_id, "handle")
    services.problem_reopen(actor=request.auth, problem_id=problem_id, reason=payload.reason)
    return _problem(request, problem_id)


@problems_router.post("/{problem_id}/confirm", response={200: ProblemOut, **WRITE_ERRORS}, summary="提出人确认销号")
def confirm(request: HttpRequest, problem_id: int):
    _problem(request, problem_id, "confirm")
    services.problem_confirm(actor=request.auth, problem_id=problem_id)
    return _problem(request, problem_id)


@problems_router.post("/{problem_id}/reject", response={200: ProblemOut, **WRITE_ERRORS}, summary="提出人退回")
def reject(request: HttpRequest, problem_id: int, payload: ReasonIn):
    _problem(request, problem_id, "confirm")
    services.problem_reject_resolution(actor=request.auth, problem_id=problem_id, reason=payload.reason)
    return _problem(request, problem_id)


@problems_router.post("/{problem_id}/letters", response={201: LetterOut, **WRITE_ERRORS}, summary="发函")
def letter_issue(request: HttpRequest, problem_id: int, payload: LetterIn):
    """交办函 / 提醒函 / 督办函, numbered per year and kind; the Word file is at /letters/{id}/document."""
    _problem(request, problem_id, "handle")
    letter = services.letter_issue(
        actor=request.auth,
        problem_id=problem_id,
        kind=payload.kind,
        matter=payload.matter,
        deadline=payload.deadline,
        addressee=_reference(Organisation, payload.addressee, "addressee"),
    )
    return Status(201, selectors.letter_get(user=request.auth, pk=letter.pk))


# --- letters --------------------------------------------------------------------


class LetterFilterParams(Paging):
    kind: str | None = None
    year: int | None = None
    problem: int | None = None
    addressee: int | None = None
    answered: str | None = None


@letters_router.get("", response={200: LetterListOut, 400: ErrorOut, 401: ErrorOut}, summary="函件列表")
def letter_list(request: HttpRequest, filters: Query[LetterFilterParams]):
    filterset = selectors.letter_filterset(user=request.auth, params=request.GET, request=request)
    if not filterset.is_valid():
        return invalid_filters(filterset)
    return _page(filterset.qs, filters)


@letters_router.get("/{letter_id}", response={200: LetterOut, **READ_ERRORS}, summary="函件详情")
def letter_detail(request: HttpRequest, letter_id: int):
    return selectors.letter_get(user=request.auth, pk=letter_id)


@letters_router.get("/{letter_id}/document", response={200: None, **READ_ERRORS}, summary="函件 Word 文档")
def letter_document(request: HttpRequest, letter_id: int):
    return letter_document_response(selectors.letter_get(user=request.auth, pk=letter_id, with_document=True))


@letters_router.post("/{letter_id}/respond", response={200: LetterOut, **WRITE_ERRORS}, summary="反馈办理情况")
def letter_respond(request: HttpRequest, letter_id: int, payload: RespondIn):
    """The addressee department (or the issuing office) records the answer and its date."""
    selectors.letter_get(user=request.auth, pk=letter_id, action="respond")
    services.letter_respond(
        actor=request.auth, letter_id=letter_id, response=payload.response, responded_on=payload.responded_on
    )
    return selectors.letter_get(user=request.auth, pk=letter_id)


# --- meetings -------------------------------------------------------------------


def _meeting_links(request, data: dict) -> dict:
    links = {}
    if data.get("problems") is not None:
        links["problems"] = list(selectors.problem_queryset(user=request.auth).filter(pk__in=data.pop("problems")))
    else:
        data.pop("problems", None)
    if data.get("projects") is not None:
        links["projects"] = list(
            project_selectors.project_queryset(user=request.auth).filter(pk__in=data.pop("projects"))
        )
    else:
        data.pop("projects", None)
    return links


def _meeting_fields(data: dict) -> dict:
    if "chair" in data:
        data["chair"] = _reference(Person, data["chair"], "chair")
    return data


def _meeting(request, pk: int, action: str = "view"):
    meeting = selectors.meeting_get(user=request.auth, pk=pk, action=action)
    return meeting


@meetings_router.get("", response={200: list[MeetingOut], 401: ErrorOut}, summary="会议列表")
def meeting_list(request: HttpRequest, filters: Query[Paging]):
    limit, offset = page_bounds(filters.limit, filters.offset)
    queryset = (
        selectors.meeting_queryset(user=request.auth)
        .select_related("region", "chair")
        .prefetch_related("problems", "projects")
    )
    return list(queryset[offset : offset + limit])


@meetings_router.get("/agenda", response={200: AgendaOut, **READ_ERRORS, 422: ErrorOut}, summary="建议议程")
def agenda_proposed(request: HttpRequest, kind: MeetingKind, held_on: datetime.date | None = None):
    """What a meeting of this kind held on `held_on` (default today) in your region should take up."""
    user = request.auth
    if user.region_id is None:
        raise ValidationError({"region": _("您的账号未关联区划。")})
    return selectors.proposed_agenda(user=user, kind=kind, region=user.region, on=held_on or timezone.localdate())


@meetings_router.post("", response={201: MeetingOut, **WRITE_ERRORS}, summary="新建会议")
def meeting_create(request: HttpRequest, payload: MeetingIn):
    data = payload.model_dump()
    links = _meeting_links(request, data)
    meeting = services.meeting_create(actor=request.auth, fields=_meeting_fields(data), **links)
    return Status(201, _meeting(request, meeting.pk))


@meetings_router.get("/{meeting_id}", response={200: MeetingOut, **READ_ERRORS}, summary="会议详情")
def meeting_detail(request: HttpRequest, meeting_id: int):
    return _meeting(request, meeting_id)


@meetings_router.patch("/{meeting_id}", response={200: MeetingOut, **WRITE_ERRORS}, summary="修改会议、纪要")
def meeting_update(request: HttpRequest, meeting_id: int, payload: MeetingPatch):
    _meeting(request, meeting_id, "change")
    data = payload.model_dump(exclude_unset=True)
    links = _meeting_links(request, data)
    services.meeting_update(actor=request.auth, meeting_id=meeting_id, fields=_meeting_fields(data), **links)
    return _meeting(request, meeting_id)


@meetings_router.get("/{meeting_id}/agenda", response={200: AgendaOut, **READ_ERRORS}, summary="会议的建议议程")
def meeting_agenda(request: HttpRequest, meeting_id: int):
    meeting = _meeting(request, meeting_id, "change")
    return selectors.proposed_agenda(user=request.auth, kind=meeting.kind, region=meeting.region, on=meeting.held_on)


@meetings_router.get(
    "/{meeting_id}/decisions", response={200: list[SupervisedActionOut], **READ_ERRORS}, summary="议定事项"
)
def decision_list(request: HttpRequest, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    return list(
        selectors.supervised_action_queryset(user=request.auth)
        .filter(meeting=meeting)
        .select_related("owner", "owner_person")
        .prefetch_related("projects", "problems")
    )


@meetings_router.post(
    "/{meeting_id}/decisions", response={201: SupervisedActionOut, **WRITE_ERRORS}, summary="记录议定事项"
)
def decision_record(request: HttpRequest, meeting_id: int, payload: MeetingDecisionIn):
    """Each decision becomes a supervised action (督办事项) tracked to closure."""
    _meeting(request, meeting_id, "change")
    user = request.auth
    action = services.decision_record(
        actor=user,
        meeting_id=meeting_id,
        decision=payload.decision,
        owner=_reference(Organisation, payload.owner, "owner"),
        owner_person=_reference(Person, payload.owner_person, "owner_person"),
        deadline=payload.deadline,
        projects=list(project_selectors.project_queryset(user=user).filter(pk__in=payload.projects)),
        problems=list(selectors.problem_queryset(user=user).filter(pk__in=payload.problems)),
    )
    return Status(201, selectors.supervised_action_get(user=user, pk=action.pk))


# --- supervised actions -------------------------------------------------------------


class ActionFilterParams(Paging):
    meeting: int | None = None
    owner: int | None = None
    status: list[str] | None = None
    project: int | None = None
    overdue: str | None = None


@actions_router.get("", response={200: SupervisedActionListOut, 400: ErrorOut, 401: ErrorOut}, summary="督办事项列表")
def supervised_action_list(request: HttpRequest, filters: Query[ActionFilterParams]):
    filterset = selectors.supervised_action_filterset(user=request.auth, params=request.GET, request=request)
    if not filterset.is_valid():
        return invalid_filters(filterset)
    return _page(filterset.qs.prefetch_related("projects", "problems"), filters)


@actions_router.get("/{action_id}", response={200: SupervisedActionOut, **READ_ERRORS}, summary="督办事项详情")
def supervised_action_detail(request: HttpRequest, action_id: int):
    return selectors.supervised_action_get(user=request.auth, pk=action_id)


@actions_router.post(
    "/{action_id}/report", response={200: SupervisedActionOut, **WRITE_ERRORS}, summary="报送进展或办结"
)
def supervised_action_report(request: HttpRequest, action_id: int, payload: ActionProgressIn):
    selectors.supervised_action_get(user=request.auth, pk=action_id, action="report")
    services.supervised_action_report(
        actor=request.auth, action_id=action_id, progress=payload.progress, done=payload.done
    )
    return selectors.supervised_action_get(user=request.auth, pk=action_id)


@actions_router.post("/{action_id}/close", response={200: SupervisedActionOut, **WRITE_ERRORS}, summary="确认办结销号")
def supervised_action_close(request: HttpRequest, action_id: int):
    selectors.supervised_action_get(user=request.auth, pk=action_id, action="close")
    services.supervised_action_close(actor=request.auth, action_id=action_id)
    return selectors.supervised_action_get(user=request.auth, pk=action_id)


@actions_router.post("/{action_id}/reopen", response={200: SupervisedActionOut, **WRITE_ERRORS}, summary="退回继续办理")
def supervised_action_reopen(request: HttpRequest, action_id: int, payload: ReasonIn):
    selectors.supervised_action_get(user=request.auth, pk=action_id, action="close")
    services.supervised_action_reopen(actor=request.auth, action_id=action_id, reason=payload.reason)
    return selectors.supervised_action_get(user=request.auth, pk=action_id)
