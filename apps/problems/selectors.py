"""Reads of problems, letters, meetings and supervised actions. Every function takes the
acting user and starts from the restricted queryset, so pages and API share one scope.
Outside the scope: 404; in scope but the action not allowed: 403."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.projects.models import Milestone, Project, Stage
from apps.regions.models import Region

from .filters import LetterFilterSet, ProblemFilterSet, SupervisedActionFilterSet
from .models import (
    ACTIVE_STATUSES,
    DONE_STATUSES,
    ESCALATABLE_STATUSES,
    MEETING_LEVEL,
    OPEN_ACTION_STATUSES,
    EscalationLevel,
    Letter,
    Meeting,
    MeetingKind,
    Problem,
    ProblemAction,
    ProblemStatus,
    ProblemType,
    SupervisedAction,
    overdue_q,
)

# --- problems -------------------------------------------------------------------


def problem_queryset(*, user, action: str = "view"):
    return Problem.objects.restrict(user, action)


def problem_filterset(*, user, params, request=None) -> ProblemFilterSet:
    """The shared FilterSet on the user's problems. Check `.is_valid()` before `.qs`."""
    return ProblemFilterSet(params, queryset=problem_queryset(user=user).with_list_relations(), request=request)


def problem_get(*, user, pk: int, action: str = "view") -> Problem:
    problem = problem_queryset(user=user).with_list_relations().filter(pk=pk).first()
    if problem is None:
        raise Http404(_("问题不存在或不在您的权限范围内。"))
    if action == "confirm":
        if problem.raised_by_id != user.pk:
            raise PermissionDenied(_("只有问题提出人可以确认销号。"))
    elif action != "view" and not problem_can(user=user, problem=problem, action=action):
        raise PermissionDenied(_("您无权办理该问题。"))
    return problem


def problem_can(*, user, problem: Problem, action: str) -> bool:
    return problem_queryset(user=user, action=action).filter(pk=problem.pk).exists()


def problem_detail_relations(*, user, problem: Problem) -> dict:
    return {
        "actions": list(problem.actions.select_related("recorded_by").order_by("taken_on", "pk")),
        "escalations": list(problem.escalations.select_related("escalated_by").order_by("escalated_on", "pk")),
        "letters": list(letter_queryset(user=user).filter(problem=problem).select_related("addressee")),
        "supervised_actions": list(
            supervised_action_queryset(user=user).filter(problems=problem).select_related("meeting", "owner")
        ),
    }


def level_type_matrix(*, queryset) -> dict:
    """Open and overdue problems by level (rows) and type (columns), one aggregate query."""
    today = timezone.localdate()
    counts = {
        (row["level"], row["problem_type"]): row
        for row in queryset.order_by()
        .values("level", "problem_type")
        .annotate(
            open=Count("pk", filter=Q(status__in=ACTIVE_STATUSES)),
            overdue=Count("pk", filter=overdue_q(today)),
        )
    }
    rows = []
    for level in EscalationLevel:
        cells = [counts.get((level.value, kind.value), {"open": 0, "overdue": 0}) for kind in ProblemType]
        rows.append(
            {
                "level": level,
                "cells": [
                    {"type": kind, "open": c["open"], "overdue": c["overdue"]}
                    for kind, c in zip(ProblemType, cells, strict=True)
                ],
                "open": sum(c["open"] for c in cells),
                "overdue": sum(c["overdue"] for c in cells),
            }
        )
    return {"types": list(ProblemType), "rows": rows}


def leader_problems(*, user):
    """The unclosed problems of the projects the leader leads or that they coordinate."""
    if not user.person_id:
        return problem_queryset(user=user).none()
    return (
        problem_queryset(user=user)
        .with_list_relations()
        .filter(Q(coordinating_leader_id=user.person_id) | Q(project__lead_official_id=user.person_id))
        .exclude(status=ProblemStatus.CLOSED)
        .order_by("deadline", "pk")
    )


def waiting_for_leader(*, user):
    """What waits for the leader: problems at the lead-official rung they coordinate."""
    if not user.person_id:
        return problem_queryset(user=user).none()
    return leader_problems(user=user).filter(
        coordinating_leader_id=user.person_id,
        level=EscalationLevel.LEAD_OFFICIAL,
        status__in=ESCALATABLE_STATUSES,
    )


def awaiting_my_confirmation(*, user):
    """Problems the user raised that are reported solved: they close them or send them back."""
    return (
        problem_queryset(user=user)
        .with_list_relations()
        .filter(raised_by_id=user.pk, status=ProblemStatus.RESOLVED)
        .order_by("resolved_on", "pk")
    )


@dataclass
class DepartmentQueue:
    problems: object
    letters: object
    actions: object


def department_queue(*, user) -> DepartmentQueue:
    """A department's work: its unresolved problems, unanswered letters, open supervised actions."""
    if user.role != Role.DEPARTMENT_USER or not user.organisation_id:
        raise PermissionDenied(_("只有部门用户有部门待办。"))
    org = user.organisation_id
    return DepartmentQueue(
        problems=problem_queryset(user=user)
        .with_list_relations()
        .filter(responsible_department_id=org, status__in=ESCALATABLE_STATUSES)
        .order_by("deadline", "pk"),
        letters=letter_queryset(user=user)
        .filter(addressee_id=org, responded_on__isnull=True)
        .select_related("problem__project")
        .order_by("deadline", "pk"),
        actions=supervised_action_queryset(user=user)
        .filter(owner_id=org, status__in=OPEN_ACTION_STATUSES)
        .select_related("meeting")
        .order_by("deadline", "pk"),
    )


# --- a project's timeline ----------------------------------------------------------


@dataclass(frozen=True)
class TimelineEvent:
    date: datetime.date
    kind: str
    text: str
    problem: Problem | None = None
    letter: Letter | None = None
    action: SupervisedAction | None = None


def project_timeline(*, user, project: Project) -> list[TimelineEvent]:
    """Everything that happened about the project's problems, oldest first."""
    problems = list(
        problem_queryset(user=user)
        .filter(project=project)
        .select_related("responsible_department")
        .prefetch_related(
            Prefetch("actions", queryset=ProblemAction.objects.order_by("taken_on", "pk")),
            "escalations",
            Prefetch("letters", queryset=Letter.objects.select_related("addressee").order_by("issued_on", "pk")),
        )
    )
    events: list[TimelineEvent] = []
    for problem in problems:
        events.append(TimelineEvent(problem.raised_on, "raised", problem.description, problem=problem))
        for action in problem.actions.all():
            events.append(TimelineEvent(action.taken_on, "action", action.description, problem=problem))
        for escalation in problem.escalations.all():
            text = _("提请%(level)s：%(reason)s") % {
                "level": escalation.get_to_level_display(),
                "reason": escalation.reason,
            }
            events.append(TimelineEvent(escalation.escalated_on, "escalated", text, problem=problem))
        for letter in problem.letters.all():
            events.append(TimelineEvent(letter.issued_on, "letter", letter.title, problem=problem, letter=letter))
            if letter.responded_on:
                events.append(
                    TimelineEvent(letter.responded_on, "response", letter.response, problem=problem, letter=letter)
                )
        if problem.resolved_on:
            events.append(TimelineEvent(problem.resolved_on, "resolved", problem.resolution, problem=problem))
        if problem.closed_on:
            events.append(TimelineEvent(problem.closed_on, "closed", _("提出人确认销号"), problem=problem))
    for action in supervised_action_queryset(user=user).filter(projects=project).select_related("meeting", "owner"):
        events.append(TimelineEvent(action.meeting.held_on, "decision", action.decision, action=action))
    order = ["raised", "action", "escalated", "letter", "response", "decision", "resolved", "closed"]
    events.sort(key=lambda e: (e.date, order.index(e.kind)))
    return events


# --- figures --------------------------------------------------------------------


@dataclass
class FigureRow:
    key: str
    label: str
    total: int = 0
    open: int = 0
    overdue: int = 0
    resolved: int = 0
    cannot_resolve_now: int = 0
    days: list = field(default_factory=list)

    @property
    def average_days(self):
        return round(sum(self.days) / len(self.days), 1) if self.days else None

    def add(self, status, overdue: bool, days: int | None):
        self.total += 1
        self.open += status in ACTIVE_STATUSES
        self.overdue += overdue
        self.resolved += status in DONE_STATUSES
        self.cannot_resolve_now += status == ProblemStatus.CANNOT_RESOLVE_NOW
        if days is not None:
            self.days.append(days)


@dataclass
class ProblemFigures:
    total: FigureRow
    by_type: list[FigureRow]
    by_department: list[FigureRow]
    by_level: list[FigureRow]


def problem_figures(*, user, region: Region | None = None) -> ProblemFigures:
    """Open, resolved (resolved or closed), overdue, put aside, and the average days from
    raising to resolving, in total and by type, department and level. One query: the
    problems of a city run to thousands, not millions."""
    queryset = problem_queryset(user=user)
    if region is not None:
        queryset = queryset.filter(project__region__code__startswith=region.code_prefix)
    today = timezone.localdate()
    total = FigureRow("all", _("全部"))
    by_type = {kind.value: FigureRow(kind.value, str(kind.label)) for kind in ProblemType}
    by_level = {level.value: FigureRow(level.value, str(level.label)) for level in EscalationLevel}
    by_department: dict[int, FigureRow] = {}
    rows = queryset.order_by().values_list(
        "problem_type",
        "level",
        "status",
        "raised_on",
        "resolved_on",
        "level_due_date",
        "deadline",
        "responsible_department_id",
        "responsible_department__name",
    )
    for kind, level, status, raised_on, resolved_on, level_due, deadline, dept_id, dept_name in rows:
        overdue = status in ACTIVE_STATUSES and (level_due < today or deadline < today)
        days = (resolved_on - raised_on).days if resolved_on and status in DONE_STATUSES else None
        department = by_department.setdefault(dept_id, FigureRow(str(dept_id), dept_name))
        for row in (total, by_type[kind], by_level[level], department):
            row.add(status, overdue, days)
    departments = sorted(by_department.values(), key=lambda r: (-r.open, -r.total, r.label))
    return ProblemFigures(
        total=total, by_type=list(by_type.values()), by_department=departments, by_level=list(by_level.values())
    )


def not_started_with_problems(*, user, region: Region, year: int, month: int, project_set: str = "all") -> list[dict]:
    """哪些没有启动、主要问题是什么: the dashboard's 应开未开 projects (apps.statistics
    indicators, same region, period and project set) with their unclosed problems."""
    from apps.statistics.indicators import indicators_compute

    report = indicators_compute(user=user, region=region, year=year, month=month, project_set=project_set)
    ids = [row["project_id"] for row in report.not_started]
    problems = defaultdict(list)
    for problem in (
        problem_queryset(user=user)
        .filter(project_id__in=ids)
        .exclude(status=ProblemStatus.CLOSED)
        .select_related("responsible_department")
        .order_by("deadline", "pk")
    ):
        problems[problem.project_id].append(problem)
    return [{**row, "open_problems": problems.get(row["project_id"], [])} for row in report.not_started]


# --- letters --------------------------------------------------------------------


def letter_queryset(*, user, action: str = "view"):
    return Letter.objects.restrict(user, action).defer("document")


def letter_filterset(*, user, params, request=None) -> LetterFilterSet:
    queryset = letter_queryset(user=user).select_related("addressee", "problem", "problem__project")
    return LetterFilterSet(params, queryset=queryset, request=request)


def letter_get(*, user, pk: int, action: str = "view", with_document: bool = False) -> Letter:
    queryset = Letter.objects.restrict(user, "view").select_related("addressee", "problem__project", "issued_by")
    if not with_document:
        queryset = queryset.defer("document")
    letter = queryset.filter(pk=pk).first()
    if letter is None:
        raise Http404(_("函件不存在或不在您的权限范围内。"))
    if action != "view" and not letter_queryset(user=user, action=action).filter(pk=pk).exists():
        raise PermissionDenied(_("您无权反馈该函件。"))
    return letter


# --- meetings and the proposed agenda ------------------------------------------------


def meeting_queryset(*, user, action: str = "view"):
    return Meeting.objects.restrict(user, action)


def meeting_get(*, user, pk: int, action: str = "view") -> Meeting:
    meeting = meeting_queryset(user=user).select_related("region", "chair", "created_by").filter(pk=pk).first()
    if meeting is None:
        raise Http404(_("会议不存在或不在您的权限范围内。"))
    if action != "view" and not meeting_queryset(user=user, action=action).filter(pk=pk).exists():
        raise PermissionDenied(_("您无权修改该会议。"))
    return meeting


def meeting_can_change(*, user, meeting: Meeting) -> bool:
    return meeting_queryset(user=user, action="change").filter(pk=meeting.pk).exists()


def lagging_projects(*, user, region: Region, on: datetime.date):
    """Projects behind schedule on `on`: not completed, and either a milestone past its
    baseline date and not done (倒排工期节点逾期), or the planned start date passed without
    a start (应开未开). Annotated with the count of overdue milestones."""
    overdue_milestones = Count(
        "milestones", filter=Q(milestones__actual_date__isnull=True, milestones__baseline_date__lt=on)
    )
    late_milestone_ids = Milestone.objects.filter(actual_date__isnull=True, baseline_date__lt=on).values("project_id")
    not_started = Q(
        actual_start_date__isnull=True, planned_start_date__lt=on, stage__in=[Stage.RESERVE, Stage.PRELIMINARY]
    )
    return (
        Project.objects.restrict(user, "view")
        .filter(region__code__startswith=region.code_prefix)
        .exclude(stage=Stage.COMPLETED)
        .filter(Q(pk__in=late_milestone_ids) | not_started)
        .select_related("region", "lead_official", "lead_department")
        .annotate(overdue_milestones=overdue_milestones)
        .order_by("planned_start_date", "pk")
    )


@dataclass
class Agenda:
    """What KeyProjects proposes a meeting should take up."""

    level: EscalationLevel
    problems: list  # unresolved problems at the meeting's rung
    lagging_projects: list
    overdue_problems: list  # unresolved problems past a time limit, any rung
    overdue_actions: list  # supervised actions past their deadline
    overdue_letters: list  # letters unanswered past their deadline
    red_lights: list = field(default_factory=list)  # red project lights (apps/lights), dispatch only


def proposed_agenda(*, user, kind: str, region: Region, on: datetime.date) -> Agenda:
    """The agenda of a `kind` meeting of `region` held `on`: the problems at the meeting's
    rung of the ladder (the monthly dispatch: still with the lead officials), projects
    lagging behind schedule, and overdue problems, supervised actions and letters."""
    from apps.lights.selectors import red_lights_for_agenda

    level = MEETING_LEVEL[kind]
    problems = (
        problem_queryset(user=user).with_list_relations().filter(project__region__code__startswith=region.code_prefix)
    )
    return Agenda(
        level=level,
        problems=list(problems.filter(level=level, status__in=ESCALATABLE_STATUSES).order_by("level_since", "pk")),
        lagging_projects=list(lagging_projects(user=user, region=region, on=on)),
        overdue_problems=list(problems.filter(overdue_q(on)).order_by("level_due_date", "pk")),
        overdue_actions=list(
            supervised_action_queryset(user=user)
            .filter(meeting__region__code__startswith=region.code_prefix)
            .filter(status__in=OPEN_ACTION_STATUSES, deadline__lt=on)
            .select_related("owner", "meeting")
            .order_by("deadline", "pk")
        ),
        overdue_letters=list(
            letter_queryset(user=user)
            .filter(problem__project__region__code__startswith=region.code_prefix)
            .filter(responded_on__isnull=True, deadline__lt=on)
            .select_related("addressee", "problem__project")
            .order_by("deadline", "pk")
        ),
        red_lights=red_lights_for_agenda(user=user, region=region) if kind == MeetingKind.MONTHLY_DISPATCH else [],
    )


# --- supervised actions -------------------------------------------------------------


def supervised_action_queryset(*, user, action: str = "view"):
    return SupervisedAction.objects.restrict(user, action)


def supervised_action_filterset(*, user, params, request=None) -> SupervisedActionFilterSet:
    queryset = supervised_action_queryset(user=user).select_related("meeting", "owner", "owner_person")
    return SupervisedActionFilterSet(params, queryset=queryset, request=request)


def supervised_action_get(*, user, pk: int, action: str = "view") -> SupervisedAction:
    item = (
        supervised_action_queryset(user=user).select_related("meeting", "owner", "owner_person").filter(pk=pk).first()
    )
    if item is None:
        raise Http404(_("督办事项不存在或不在您的权限范围内。"))
    if action != "view" and not supervised_action_queryset(user=user, action=action).filter(pk=pk).exists():
        raise PermissionDenied(_("您无权办理该督办事项。"))
    return item


def supervised_action_can(*, user, item: SupervisedAction, action: str) -> bool:
    return supervised_action_queryset(user=user, action=action).filter(pk=item.pk).exists()
