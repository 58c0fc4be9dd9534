"""Writes of problems, escalations, letters, meetings and supervised actions.

Each function is keyword-only and runs in one transaction; it checks the actor's scope,
validates before saving and writes its change record (problems and their children carry
their project's id, so they show in the project's history).

Decisions where the rules are silent:
- A problem climbs the ladder one rung at a time (逐级提请), never down, with a reason;
  a resolved or closed problem is not escalated. Reaching a level restarts its time limit.
- "Resolved" is the handler's claim; only the person who raised the problem closes it
  (销号) or sends it back. A closed problem is final.
- Letters are issued by the city administrator and county users (发改 offices) on problems
  they handle; numbers run per issuing region, year and kind, without gaps.
- A supervised action is done when its owner says so and closed when the meeting's
  organiser confirms; the organiser may send it back.
"""

import datetime
from collections.abc import Iterable
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.audit.models import ChangeAction
from apps.audit.services import change_record_write, snapshot
from apps.projects.models import Project
from apps.regions.models import Organisation, OrganisationKind, Person, Region

from . import letters as letter_documents
from .models import (
    ACTIVE_STATUSES,
    ESCALATABLE_STATUSES,
    LADDER,
    LETTER_NUMBER_MARK,
    ActionStatus,
    Escalation,
    EscalationLevel,
    Letter,
    LetterCounter,
    LetterKind,
    Meeting,
    MeetingKind,
    Problem,
    ProblemAction,
    ProblemStatus,
    ProblemType,
    SupervisedAction,
    level_time_limit,
    next_level,
)

PROBLEM_RAISERS = frozenset(
    {Role.CITY_ADMIN, Role.CITY_LEADER, Role.COUNTY_USER, Role.DEPARTMENT_USER, Role.OWNER_REPORTER}
)
LETTER_ISSUERS = frozenset({Role.CITY_ADMIN, Role.COUNTY_USER})
MEETING_ORGANISERS = frozenset({Role.CITY_ADMIN, Role.COUNTY_USER})


class ProblemFields(TypedDict, total=False):
    problem_type: str
    description: str
    responsible_department: Organisation
    responsible_person: Person | None
    coordinating_leader: Person | None
    deadline: datetime.date


PROBLEM_FIELDS = tuple(ProblemFields.__annotations__)


def _today() -> datetime.date:
    return timezone.localdate()


def _record(*, actor, action, instance, before, project_id=None):
    return change_record_write(
        actor=actor,
        action=action,
        instance=instance,
        before=before,
        after=snapshot(instance),
        project_id=project_id,
    )


def _required_text(value: str | None, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


# --- problems -------------------------------------------------------------------


def _validate_problem(problem: Problem) -> None:
    errors = {}
    if problem.problem_type not in ProblemType.values:
        errors["problem_type"] = _("请选择有效的问题类型。")
    if not (problem.description or "").strip():
        errors["description"] = _("请填写问题描述。")
    department = problem.responsible_department if problem.responsible_department_id else None
    if department is None:
        errors["responsible_department"] = _("请选择责任单位。")
    elif department.kind != OrganisationKind.DEPARTMENT:
        errors["responsible_department"] = _("责任单位应为政府部门。")
    if problem.coordinating_leader_id and not problem.coordinating_leader.is_city_leader:
        errors["coordinating_leader"] = _("协调领导应为市级领导。")
    if problem.deadline is None:
        errors["deadline"] = _("请填写办结时限。")
    elif problem.raised_on and problem.deadline < problem.raised_on:
        errors["deadline"] = _("办结时限不能早于提出日期。")
    if errors:
        raise ValidationError(errors)


def _apply_fields(problem: Problem, fields: dict) -> None:
    unknown = sorted(set(fields) - set(PROBLEM_FIELDS))
    if unknown:
        raise ValidationError({name: _("不支持修改该字段。") for name in unknown})
    for name, value in fields.items():
        setattr(problem, name, value)


def _enter_level(problem: Problem, level: str, on: datetime.date) -> None:
    problem.level = level
    problem.level_since = on
    problem.level_due_date = on + datetime.timedelta(days=level_time_limit(level))


@transaction.atomic
def problem_raise(*, actor: User, project_id: int, fields: ProblemFields) -> Problem:
    """A new problem of a project the actor sees, at the first rung (the lead official)."""
    if actor.role not in PROBLEM_RAISERS:
        raise PermissionDenied(_("您的角色不能提出问题。"))
    project = Project.objects.restrict(actor, "view").filter(pk=project_id).first()
    if project is None:
        raise PermissionDenied(_("您无权为该项目提出问题。"))
    today = _today()
    problem = Problem(project=project, raised_by=actor, raised_on=today, status=ProblemStatus.OPEN)
    _apply_fields(problem, fields)
    if not problem.coordinating_leader_id:
        problem.coordinating_leader_id = project.lead_official_id
    _enter_level(problem, EscalationLevel.LEAD_OFFICIAL, today)
    _validate_problem(problem)
    problem.save()
    _record(actor=actor, action=ChangeAction.CREATE, instance=problem, before=None, project_id=project.pk)
    return problem


def _lock_problem(*, actor: User, problem_id: int, action: str = "handle") -> Problem:
    problem = Problem.objects.restrict(actor, action).select_for_update(of=("self",)).filter(pk=problem_id).first()
    if problem is None:
        raise PermissionDenied(_("您无权办理该问题。"))
    return problem


def _refuse_if_closed(problem: Problem) -> None:
    if problem.status == ProblemStatus.CLOSED:
        raise ValidationError({"status": _("问题已销号，不能再修改。")})


def _save_problem(*, actor: User, problem: Problem, before: dict) -> Problem:
    problem.save()
    _record(actor=actor, action=ChangeAction.UPDATE, instance=problem, before=before, project_id=problem.project_id)
    return problem


@transaction.atomic
def problem_update(*, actor: User, problem_id: int, fields: ProblemFields) -> Problem:
    """Change the description, type, responsibility or deadline of an unclosed problem."""
    problem = _lock_problem(actor=actor, problem_id=problem_id)
    _refuse_if_closed(problem)
    before = snapshot(problem)
    _apply_fields(problem, fields)
    _validate_problem(problem)
    return _save_problem(actor=actor, problem=problem, before=before)


@transaction.atomic
def problem_action_add(
    *, actor: User, problem_id: int, description: str, taken_on: datetime.date | None = None
) -> ProblemAction:
    """Record a step taken; the first one starts the coordination (待协调 → 协调中)."""
    problem = _lock_problem(actor=actor, problem_id=problem_id)
    if problem.status in (ProblemStatus.CLOSED, ProblemStatus.RESOLVED):
        raise ValidationError({"status": _("问题已解决或已销号，不能再记录协调措施。")})
    taken_on = taken_on or _today()
    errors = {}
    if taken_on > _today():
        errors["taken_on"] = _("措施日期不能晚于今天。")
    if taken_on < problem.raised_on:
        errors["taken_on"] = _("措施日期不能早于问题提出日期。")
    if not (description or "").strip():
        errors["description"] = _("请填写采取的措施。")
    if errors:
        raise ValidationError(errors)
    action = ProblemAction.objects.create(
        problem=problem, taken_on=taken_on, description=description.strip(), recorded_by=actor
    )
    _record(actor=actor, action=ChangeAction.CREATE, instance=action, before=None, project_id=problem.project_id)
    if problem.status == ProblemStatus.OPEN:
        before = snapshot(problem)
        problem.status = ProblemStatus.IN_PROGRESS
        _save_problem(actor=actor, problem=problem, before=before)
    return action


@transaction.atomic
def problem_escalate(*, actor: User, problem_id: int, to_level: str, reason: str) -> Escalation:
    """Lift the problem to the next rung of the ladder, with a reason."""
    problem = _lock_problem(actor=actor, problem_id=problem_id)
    reason = _required_text(reason, "reason", _("提请上一级协调必须说明理由。"))
    if problem.status not in ESCALATABLE_STATUSES:
        raise ValidationError(
            {"status": _("问题状态为“%(status)s”，不能提请上一级。") % {"status": problem.get_status_display()}}
        )
    if to_level not in EscalationLevel.values:
        raise ValidationError({"to_level": _("请选择有效的协调层级。")})
    current = EscalationLevel(problem.level)
    target = EscalationLevel(to_level)
    following = next_level(current)
    if following is None:
        raise ValidationError({"to_level": _("问题已提请市委常委会研究，没有更高的协调层级。")})
    if LADDER.index(target) <= LADDER.index(current):
        raise ValidationError(
            {
                "to_level": _("问题当前在“%(current)s”层级，只能向上提请，不能提请“%(target)s”。")
                % {"current": current.label, "target": target.label}
            }
        )
    if target != following:
        raise ValidationError(
            {
                "to_level": _("问题须逐级提请：当前为“%(current)s”，下一级为“%(next)s”，不能直接提请“%(target)s”。")
                % {"current": current.label, "next": following.label, "target": target.label}
            }
        )
    today = _today()
    before = snapshot(problem)
    escalation = Escalation.objects.create(
        problem=problem, from_level=current, to_level=target, reason=reason, escalated_on=today, escalated_by=actor
    )
    _record(actor=actor, action=ChangeAction.CREATE, instance=escalation, before=None, project_id=problem.project_id)
    _enter_level(problem, target, today)
    if problem.status in (ProblemStatus.OPEN, ProblemStatus.CANNOT_RESOLVE_NOW):
        problem.status = ProblemStatus.IN_PROGRESS
    _save_problem(actor=actor, problem=problem, before=before)
    return escalation


@transaction.atomic
def problem_resolve(*, actor: User, problem_id: int, resolution: str) -> Problem:
    """The handler reports the problem solved; it waits for the raiser's confirmation."""
    problem = _lock_problem(actor=actor, problem_id=problem_id)
    resolution = _required_text(resolution, "resolution", _("请填写解决情况。"))
    if problem.status not in ESCALATABLE_STATUSES:
        raise ValidationError(
            {"status": _("问题状态为“%(status)s”，不能再标记为已解决。") % {"status": problem.get_status_display()}}
        )
    before = snapshot(problem)
    problem.status = ProblemStatus.RESOLVED
    problem.resolution = resolution
    problem.resolved_on = _today()
    return _save_problem(actor=actor, problem=problem, before=before)


@transaction.atomic
def problem_defer(*, actor: User, problem_id: int, reason: str) -> Problem:
    """暂不能解决: put aside with the reason (e.g. waiting for a national policy)."""
    problem = _lock_problem(actor=actor, problem_id=problem_id)
    reason = _required_text(reason, "reason", _("请说明暂不能解决的原因。"))
    if problem.status not in ACTIVE_STATUSES:
        raise ValidationError(
            {"status": _("问题状态为“%(status)s”，不能标记为暂不能解决。") % {"status": problem.get_status_display()}}
        )
    before = snapshot(problem)
    problem.status = ProblemStatus.CANNOT_RESOLVE_NOW
    problem.status_note = reason
    return _save_problem(actor=actor, problem=problem, before=before)


@transaction.atomic
def problem_reopen(*, actor: User, problem_id: int, reason: str) -> Problem:
    """Take up a problem put aside again (暂不能解决 → 协调中)."""
    problem = _lock_problem(actor=actor, problem_id=problem_id)
    reason = _required_text(reason, "reason", _("请说明重新协调的原因。"))
    if problem.status != ProblemStatus.CANNOT_RESOLVE_NOW:
        raise ValidationError({"status": _("只有暂不能解决的问题可以重新协调。")})
    before = snapshot(problem)
    problem.status = ProblemStatus.IN_PROGRESS
    problem.status_note = reason
    return _save_problem(actor=actor, problem=problem, before=before)


def _lock_for_raiser(*, actor: User, problem_id: int) -> Problem:
    problem = Problem.objects.restrict(actor, "view").select_for_update(of=("self",)).filter(pk=problem_id).first()
    if problem is None or problem.raised_by_id != actor.pk:
        raise PermissionDenied(_("只有问题提出人可以确认销号。"))
    return problem


@transaction.atomic
def problem_confirm(*, actor: User, problem_id: int) -> Problem:
    """The raiser confirms the solution: the problem is closed (销号)."""
    problem = _lock_for_raiser(actor=actor, problem_id=problem_id)
    if problem.status != ProblemStatus.RESOLVED:
        raise ValidationError({"status": _("问题尚未标记为已解决，不能确认销号。")})
    before = snapshot(problem)
    problem.status = ProblemStatus.CLOSED
    problem.closed_on = _today()
    return _save_problem(actor=actor, problem=problem, before=before)


@transaction.atomic
def problem_reject_resolution(*, actor: User, problem_id: int, reason: str) -> Problem:
    """The raiser does not accept the solution: back to 协调中 with the reason."""
    problem = _lock_for_raiser(actor=actor, problem_id=problem_id)
    reason = _required_text(reason, "reason", _("请说明不认可解决情况的原因。"))
    if problem.status != ProblemStatus.RESOLVED:
        raise ValidationError({"status": _("问题尚未标记为已解决。")})
    before = snapshot(problem)
    problem.status = ProblemStatus.IN_PROGRESS
    problem.resolved_on = None
    problem.status_note = reason
    return _save_problem(actor=actor, problem=problem, before=before)


# --- letters --------------------------------------------------------------------


def letter_issuer(actor: User) -> Region:
    """The region whose 发改 office the actor writes for (the city or a county)."""
    if actor.region_id is None:
        raise PermissionDenied(_("您的账号未关联区划，不能发函。"))
    return actor.region


def _next_number(*, issuer_code: str, year: int, kind: str) -> int:
    """The next number of the (issuer, year, kind) series, holding the counter row's lock
    until the caller's transaction ends: concurrent letters wait instead of sharing or
    skipping a number, and a failed letter rolls its number back."""
    counter = LetterCounter.objects.select_for_update().filter(issuer_code=issuer_code, year=year, kind=kind).first()
    if counter is None:
        try:
            # A savepoint: losing the race to create the row must not abort the transaction.
            with transaction.atomic():
                LetterCounter.objects.create(issuer_code=issuer_code, year=year, kind=kind, last_number=0)
        except IntegrityError:
            pass
        counter = LetterCounter.objects.select_for_update().get(issuer_code=issuer_code, year=year, kind=kind)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def letter_reference(*, issuer_prefix: str, kind: str, year: int, number: int) -> str:
    """示范市发改督〔2026〕12号"""
    return f"{issuer_prefix}发改{LETTER_NUMBER_MARK[LetterKind(kind)]}〔{year}〕{number}号"


@transaction.atomic
def letter_issue(
    *,
    actor: User,
    problem_id: int,
    kind: str,
    matter: str,
    deadline: datetime.date,
    addressee: Organisation | None = None,
) -> Letter:
    """Write, number and store a 交办函 / 提醒函 / 督办函 about a problem. The addressee
    defaults to the problem's responsible department."""
    if actor.role not in LETTER_ISSUERS:
        raise PermissionDenied(_("只有市发改委管理员和县区用户可以发函。"))
    problem = _lock_problem(actor=actor, problem_id=problem_id)
    _refuse_if_closed(problem)
    errors = {}
    if kind not in LetterKind.values:
        errors["kind"] = _("请选择有效的函件类型。")
    matter = (matter or "").strip()
    if not matter:
        errors["matter"] = _("请填写交办、提醒或督办的事项。")
    today = _today()
    if deadline is None:
        errors["deadline"] = _("请填写办理时限。")
    elif deadline < today:
        errors["deadline"] = _("办理时限不能早于今天。")
    addressee = addressee or problem.responsible_department
    if addressee.kind != OrganisationKind.DEPARTMENT:
        errors["addressee"] = _("主送单位应为政府部门。")
    if errors:
        raise ValidationError(errors)
    region = letter_issuer(actor)
    kind = LetterKind(kind)
    number = _next_number(issuer_code=region.code, year=today.year, kind=kind)
    reference = letter_reference(issuer_prefix=region.name, kind=kind, year=today.year, number=number)
    # An official letter is written in Chinese whatever language the issuer's pages use.
    with translation.override(settings.LANGUAGE_CODE):
        issuer_name = _("%(region)s发展和改革委员会") % {"region": region.name}
        title = _("关于%(project)s%(type)s问题的%(kind)s") % {
            "project": problem.project.name,
            "type": problem.get_problem_type_display(),
            "kind": kind.label,
        }
    letter = Letter(
        problem=problem,
        kind=kind,
        issuer_code=region.code,
        issuer_name=issuer_name,
        year=today.year,
        number=number,
        reference=reference,
        addressee=addressee,
        title=title,
        matter=matter,
        deadline=deadline,
        issued_on=today,
        issued_by=actor,
    )
    with translation.override(settings.LANGUAGE_CODE):
        letter.document = letter_documents.letter_docx(letter)
    letter.save()
    _record(actor=actor, action=ChangeAction.CREATE, instance=letter, before=None, project_id=problem.project_id)
    return letter


@transaction.atomic
def letter_respond(*, actor: User, letter_id: int, response: str, responded_on: datetime.date | None = None) -> Letter:
    """The addressee's answer, dated: on time when on or before the letter's deadline."""
    letter = (
        Letter.objects.restrict(actor, "respond")
        .select_for_update(of=("self",))
        .select_related("problem")
        .filter(pk=letter_id)
        .first()
    )
    if letter is None:
        raise PermissionDenied(_("您无权反馈该函件。"))
    response = _required_text(response, "response", _("请填写办理情况。"))
    responded_on = responded_on or _today()
    if responded_on > _today():
        raise ValidationError({"responded_on": _("反馈日期不能晚于今天。")})
    if responded_on < letter.issued_on:
        raise ValidationError({"responded_on": _("反馈日期不能早于发文日期。")})
    before = snapshot(letter)
    letter.response = response
    letter.responded_on = responded_on
    letter.responded_by = actor
    letter.save()
    _record(
        actor=actor, action=ChangeAction.UPDATE, instance=letter, before=before, project_id=letter.problem.project_id
    )
    return letter


# --- meetings -------------------------------------------------------------------


class MeetingFields(TypedDict, total=False):
    kind: str
    title: str
    held_on: datetime.date
    chair: Person | None
    attendees: str
    location: str
    minutes: str


MEETING_FIELDS = tuple(MeetingFields.__annotations__)


def _check_meeting_links(*, actor: User, problems: Iterable[Problem] | None, projects: Iterable[Project] | None):
    """Linked problems and projects must be ones the organiser sees."""
    if problems is not None:
        ids = {p.pk for p in problems}
        if ids and Problem.objects.restrict(actor, "view").filter(pk__in=ids).count() != len(ids):
            raise ValidationError({"problems": _("所选问题超出您的权限范围。")})
    if projects is not None:
        ids = {p.pk for p in projects}
        if ids and Project.objects.restrict(actor, "view").filter(pk__in=ids).count() != len(ids):
            raise ValidationError({"projects": _("所选项目超出您的权限范围。")})


def _validate_meeting(meeting: Meeting) -> None:
    errors = {}
    if meeting.kind not in MeetingKind.values:
        errors["kind"] = _("请选择有效的会议类型。")
    if not (meeting.title or "").strip():
        errors["title"] = _("请填写会议名称。")
    if meeting.held_on is None:
        errors["held_on"] = _("请填写会议日期。")
    if errors:
        raise ValidationError(errors)


def _meeting_record(*, actor, action, meeting, before):
    return _record(actor=actor, action=action, instance=meeting, before=before)


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    fields: MeetingFields,
    problems: Iterable[Problem] = (),
    projects: Iterable[Project] = (),
) -> Meeting:
    """A meeting of the organiser's region, with the problems and projects it takes up
    (usually the proposed agenda, see selectors.proposed_agenda)."""
    if actor.role not in MEETING_ORGANISERS or actor.region_id is None:
        raise PermissionDenied(_("只有市发改委管理员和县区用户可以组织会议。"))
    unknown = sorted(set(fields) - set(MEETING_FIELDS))
    if unknown:
        raise ValidationError({name: _("不支持修改该字段。") for name in unknown})
    problems, projects = list(problems), list(projects)
    _check_meeting_links(actor=actor, problems=problems, projects=projects)
    meeting = Meeting(region=actor.region, created_by=actor, **fields)
    _validate_meeting(meeting)
    meeting.save()
    meeting.problems.set(problems)
    meeting.projects.set(projects)
    _meeting_record(actor=actor, action=ChangeAction.CREATE, meeting=meeting, before=None)
    return meeting


def _lock_meeting(*, actor: User, meeting_id: int) -> Meeting:
    meeting = Meeting.objects.restrict(actor, "change").select_for_update().filter(pk=meeting_id).first()
    if meeting is None:
        raise PermissionDenied(_("您无权修改该会议。"))
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: User,
    meeting_id: int,
    fields: MeetingFields,
    problems: Iterable[Problem] | None = None,
    projects: Iterable[Project] | None = None,
) -> Meeting:
    """Change the meeting's facts or minutes; `problems`/`projects` replace the links when given."""
    meeting = _lock_meeting(actor=actor, meeting_id=meeting_id)
    unknown = sorted(set(fields) - set(MEETING_FIELDS))
    if unknown:
        raise ValidationError({name: _("不支持修改该字段。") for name in unknown})
    problems = list(problems) if problems is not None else None
    projects = list(projects) if projects is not None else None
    _check_meeting_links(actor=actor, problems=problems, projects=projects)
    before = snapshot(meeting)
    for name, value in fields.items():
        setattr(meeting, name, value)
    _validate_meeting(meeting)
    meeting.save()
    if problems is not None:
        meeting.problems.set(problems)
    if projects is not None:
        meeting.projects.set(projects)
    _meeting_record(actor=actor, action=ChangeAction.UPDATE, meeting=meeting, before=before)
    return meeting


# --- decisions and supervised actions ----------------------------------------------


@transaction.atomic
def decision_record(
    *,
    actor: User,
    meeting_id: int,
    decision: str,
    owner: Organisation,
    deadline: datetime.date,
    owner_person: Person | None = None,
    projects: Iterable[Project] = (),
    problems: Iterable[Problem] = (),
) -> SupervisedAction:
    """A decision of the meeting's minutes, which becomes a supervised action (督办事项)
    with its owner and deadline, linked to the projects and problems it is about."""
    meeting = _lock_meeting(actor=actor, meeting_id=meeting_id)
    errors = {}
    decision = (decision or "").strip()
    if not decision:
        errors["decision"] = _("请填写议定事项。")
    if owner is None:
        errors["owner"] = _("请选择责任单位。")
    elif owner.kind != OrganisationKind.DEPARTMENT:
        errors["owner"] = _("责任单位应为政府部门。")
    if deadline is None:
        errors["deadline"] = _("请填写完成时限。")
    elif deadline < meeting.held_on:
        errors["deadline"] = _("完成时限不能早于会议日期。")
    if errors:
        raise ValidationError(errors)
    projects, problems = list(projects), list(problems)
    _check_meeting_links(actor=actor, problems=problems, projects=projects)
    # A decision about a problem is also about its project.
    project_ids = {p.pk for p in projects} | {p.project_id for p in problems}
    action = SupervisedAction.objects.create(
        meeting=meeting, decision=decision, owner=owner, owner_person=owner_person, deadline=deadline
    )
    action.projects.set(project_ids)
    action.problems.set(problems)
    project_id = next(iter(project_ids)) if len(project_ids) == 1 else None
    _record(actor=actor, action=ChangeAction.CREATE, instance=action, before=None, project_id=project_id)
    return action


def _lock_action(*, actor: User, action_id: int, right: str) -> SupervisedAction:
    action = (
        SupervisedAction.objects.restrict(actor, right).select_for_update(of=("self",)).filter(pk=action_id).first()
    )
    if action is None:
        raise PermissionDenied(_("您无权办理该督办事项。"))
    return action


def _save_action(*, actor: User, action: SupervisedAction, before: dict) -> SupervisedAction:
    action.save()
    project_ids = list(action.projects.values_list("pk", flat=True))
    _record(
        actor=actor,
        action=ChangeAction.UPDATE,
        instance=action,
        before=before,
        project_id=project_ids[0] if len(project_ids) == 1 else None,
    )
    return action


@transaction.atomic
def supervised_action_report(*, actor: User, action_id: int, progress: str, done: bool = False) -> SupervisedAction:
    """The owner reports progress (待办理 → 办理中) or that the action is done (已办结待确认)."""
    action = _lock_action(actor=actor, action_id=action_id, right="report")
    progress = _required_text(progress, "progress", _("请填写办理进展。"))
    if action.status in (ActionStatus.DONE, ActionStatus.CLOSED):
        raise ValidationError({"status": _("督办事项已办结，不能再报送进展。")})
    before = snapshot(action)
    action.progress = progress
    if done:
        action.status = ActionStatus.DONE
        action.done_on = _today()
    else:
        action.status = ActionStatus.IN_PROGRESS
    return _save_action(actor=actor, action=action, before=before)


@transaction.atomic
def supervised_action_close(*, actor: User, action_id: int) -> SupervisedAction:
    """The organiser confirms a done action: 销号."""
    action = _lock_action(actor=actor, action_id=action_id, right="close")
    if action.status != ActionStatus.DONE:
        raise ValidationError({"status": _("责任单位尚未报告办结，不能销号。")})
    before = snapshot(action)
    action.status = ActionStatus.CLOSED
    action.closed_on = _today()
    return _save_action(actor=actor, action=action, before=before)


@transaction.atomic
def supervised_action_reopen(*, actor: User, action_id: int, reason: str) -> SupervisedAction:
    """The organiser does not accept the action as done: back to 办理中."""
    action = _lock_action(actor=actor, action_id=action_id, right="close")
    reason = _required_text(reason, "reason", _("请说明退回的原因。"))
    if action.status != ActionStatus.DONE:
        raise ValidationError({"status": _("只有已办结待确认的督办事项可以退回。")})
    before = snapshot(action)
    action.status = ActionStatus.IN_PROGRESS
    action.done_on = None
    action.progress = _("退回：%(reason)s") % {"reason": reason}
    return _save_action(actor=actor, action=action, before=before)
