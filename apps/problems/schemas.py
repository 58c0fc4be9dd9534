"""Request and response shapes of the problems, letters, meetings and supervised-actions API."""

import datetime

from ninja import Field, Schema
from pydantic import ConfigDict

from apps.projects.schemas import NamedRef, RegionRef
from apps.reporting.schemas import UserRef

from .models import ActionStatus, EscalationLevel, LetterKind, MeetingKind, ProblemStatus, ProblemType


def visible_ids(context, related, link: str) -> list[int]:
    """The ids among `related` (a meeting's or decision's projects or problems) the acting
    user may see: a city meeting also dispatches other counties' projects, which a county or
    department user must not learn of. One scoped query per model and request, not per row."""
    request = context["request"]
    model = related.model
    cache = request.__dict__.setdefault("_kp_visible_ids", {})
    key = (model, link)
    if key not in cache:
        scoped = model.objects.restrict(request.auth, "view").filter(**{f"{link}__isnull": False})
        cache[key] = set(scoped.values_list("pk", flat=True))
    return sorted(item.pk for item in related if item.pk in cache[key])


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class ProblemProjectRef(Schema):
    id: int
    name: str
    region: RegionRef


class ProblemOut(Schema):
    id: int
    project: ProblemProjectRef
    problem_type: ProblemType
    description: str
    raised_by: UserRef
    raised_on: datetime.date
    responsible_department: NamedRef
    responsible_person: NamedRef | None
    coordinating_leader: NamedRef | None
    deadline: datetime.date
    status: ProblemStatus
    level: EscalationLevel
    level_since: datetime.date
    level_due_date: datetime.date = Field(..., description="本层级办理时限（进入层级日期 + 该层级时限天数）")
    overdue: bool = Field(..., description="未解决且超过本层级时限或办结时限")
    level_overdue: bool
    resolution: str
    resolved_on: datetime.date | None
    closed_on: datetime.date | None
    status_note: str


class ProblemListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[ProblemOut]


class ProblemIn(_Input):
    project: int = Field(..., description="项目 id")
    problem_type: ProblemType
    description: str
    responsible_department: int = Field(..., description="责任单位（政府部门）id")
    responsible_person: int | None = None
    coordinating_leader: int | None = Field(None, description="协调领导（市级领导）id；不填则为项目的包抓领导")
    deadline: datetime.date


class ProblemPatch(_Input):
    problem_type: ProblemType = None
    description: str = None
    responsible_department: int = None
    responsible_person: int | None = None
    coordinating_leader: int | None = None
    deadline: datetime.date = None


class SupervisedActionIn(_Input):
    description: str
    taken_on: datetime.date | None = Field(None, description="不填为今天")


class ActionOut(Schema):
    id: int
    taken_on: datetime.date
    description: str
    recorded_by: UserRef


class EscalateIn(_Input):
    to_level: EscalationLevel = Field(..., description="只能提请下一级")
    reason: str


class EscalationOut(Schema):
    id: int
    from_level: EscalationLevel
    to_level: EscalationLevel
    reason: str
    escalated_on: datetime.date
    escalated_by: UserRef


class ResolveIn(_Input):
    resolution: str


class ReasonIn(_Input):
    reason: str


class LetterIn(_Input):
    kind: LetterKind
    matter: str
    deadline: datetime.date
    addressee: int | None = Field(None, description="主送单位 id；不填为问题的责任单位")


class LetterOut(Schema):
    id: int
    problem_id: int
    kind: LetterKind
    reference: str = Field(..., description="文号，如 示范市发改督〔2026〕12号")
    year: int
    number: int
    issuer_name: str
    addressee: NamedRef
    title: str
    matter: str
    deadline: datetime.date
    issued_on: datetime.date
    response: str
    responded_on: datetime.date | None
    answered_on_time: bool | None = Field(..., description="反馈日期不晚于办理时限；未反馈为 null")
    awaiting_overdue: bool


class LetterListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[LetterOut]


class RespondIn(_Input):
    response: str
    responded_on: datetime.date | None = Field(None, description="不填为今天")


class FigureRowOut(Schema):
    key: str
    label: str
    total: int
    open: int
    overdue: int
    resolved: int
    cannot_resolve_now: int
    average_days: float | None = Field(..., description="从提出到解决的平均天数（已解决、已销号的问题）")


class ProblemFiguresOut(Schema):
    total: FigureRowOut
    by_type: list[FigureRowOut]
    by_department: list[FigureRowOut]
    by_level: list[FigureRowOut]


class ProblemNotStartedOut(Schema):
    project_id: int
    name: str
    region: str
    planned_start_date: datetime.date | None
    problems: str = Field(..., description="最近月报“存在问题”")
    open_problems: list[ProblemOut]


class TimelineEventOut(Schema):
    date: datetime.date
    kind: str = Field(..., description="raised, action, escalated, letter, response, decision, resolved, closed")
    text: str
    problem_id: int | None
    letter_id: int | None
    supervised_action_id: int | None


class LeaderOut(Schema):
    waiting: list[ProblemOut]
    problems: list[ProblemOut]
    awaiting_confirmation: list[ProblemOut]


class SupervisedActionOut(Schema):
    id: int
    meeting_id: int
    decision: str
    owner: NamedRef
    owner_person: NamedRef | None
    deadline: datetime.date
    status: ActionStatus
    progress: str
    done_on: datetime.date | None
    closed_on: datetime.date | None
    overdue: bool
    project_ids: list[int]
    problem_ids: list[int]

    @staticmethod
    def resolve_project_ids(obj, context) -> list[int]:
        return visible_ids(context, obj.projects.all(), "supervised_actions")

    @staticmethod
    def resolve_problem_ids(obj, context) -> list[int]:
        return visible_ids(context, obj.problems.all(), "supervised_actions")


class QueueOut(Schema):
    problems: list[ProblemOut]
    letters: list[LetterOut]
    supervised_actions: list[SupervisedActionOut]


class SupervisedActionListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[SupervisedActionOut]


class ActionProgressIn(_Input):
    progress: str
    done: bool = False


class MeetingDecisionIn(_Input):
    decision: str
    owner: int = Field(..., description="责任单位（政府部门）id")
    owner_person: int | None = None
    deadline: datetime.date
    projects: list[int] = []
    problems: list[int] = []


class MeetingIn(_Input):
    kind: MeetingKind
    title: str
    held_on: datetime.date
    chair: int | None = None
    attendees: str = ""
    location: str = ""
    minutes: str = ""
    problems: list[int] = Field([], description="研究的问题 id（通常取建议议程）")
    projects: list[int] = Field([], description="调度的项目 id")


class MeetingPatch(_Input):
    kind: MeetingKind = None
    title: str = None
    held_on: datetime.date = None
    chair: int | None = None
    attendees: str = None
    location: str = None
    minutes: str = None
    problems: list[int] = None
    projects: list[int] = None


class MeetingOut(Schema):
    id: int
    kind: MeetingKind
    title: str
    region: RegionRef
    held_on: datetime.date
    chair: NamedRef | None
    attendees: str
    location: str
    minutes: str
    problem_ids: list[int]
    project_ids: list[int]

    @staticmethod
    def resolve_problem_ids(obj, context) -> list[int]:
        return visible_ids(context, obj.problems.all(), "meetings")

    @staticmethod
    def resolve_project_ids(obj, context) -> list[int]:
        return visible_ids(context, obj.projects.all(), "meetings")


class LaggingProjectOut(Schema):
    id: int
    name: str
    region: RegionRef
    planned_start_date: datetime.date | None
    actual_start_date: datetime.date | None
    overdue_milestones: int


class AgendaLightOut(Schema):
    project_id: int
    label: str
    region: RegionRef
    rule: str = Field(..., alias="rule.name")
    reason: str
    year: int
    month: int


class AgendaOut(Schema):
    level: EscalationLevel
    problems: list[ProblemOut]
    lagging_projects: list[LaggingProjectOut]
    overdue_problems: list[ProblemOut]
    overdue_actions: list[SupervisedActionOut]
    overdue_letters: list[LetterOut]
    red_lights: list[AgendaLightOut] = Field(default_factory=list, description="本期红灯项目（月调度会，亮灯规则）")
