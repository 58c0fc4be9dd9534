"""Writes: a leader's departments in charge, site visits. Each is a change record."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.audit.models import ChangeAction
from apps.audit.services import change_record_write, snapshot
from apps.problems.models import Problem
from apps.projects.models import Project
from apps.regions.models import Organisation, OrganisationKind, Person

from .models import DepartmentCharge, SiteVisit

CHARGE_KEEPERS = ("city_admin",)
#: Who records site visits (the city's and the counties' 发改 offices), over their own projects.
RECORDERS = ("city_admin", "county_user")
#: Working days a decision taken on site is given when the recorder does not say.
DEFAULT_DECISION_WORKDAYS = 10


def _check(actor, roles=CHARGE_KEEPERS) -> None:
    if actor.role not in roles or actor.region_id is None:
        if roles == CHARGE_KEEPERS:
            raise PermissionDenied(_("只有市发改委管理员可以维护分管部门。"))
        raise PermissionDenied(_("只有市发改委管理员和县区用户可以记录现场调度。"))


@transaction.atomic
def department_charge_set(*, actor, person: Person, departments: list[Organisation]) -> list[DepartmentCharge]:
    """The departments in `person`'s charge become exactly `departments`."""
    _check(actor)
    if not person.is_city_leader:
        raise ValidationError({"person": _("只有市级领导可以分管部门。")})
    if any(item.kind != OrganisationKind.DEPARTMENT for item in departments):
        raise ValidationError({"departments": _("分管的应为政府部门。")})
    wanted = {item.pk for item in departments}
    for charge in DepartmentCharge.objects.filter(person=person).exclude(department_id__in=wanted):
        before = snapshot(charge)
        charge_id = charge.pk
        charge.delete()
        charge.pk = charge_id
        change_record_write(actor=actor, action=ChangeAction.DELETE, instance=charge, before=before, after=None)
    have = set(DepartmentCharge.objects.filter(person=person).values_list("department_id", flat=True))
    for department_id in sorted(wanted - have):
        charge = DepartmentCharge.objects.create(person=person, department_id=department_id)
        change_record_write(
            actor=actor, action=ChangeAction.CREATE, instance=charge, before=None, after=snapshot(charge)
        )
    return list(DepartmentCharge.objects.filter(person=person))


@transaction.atomic
def site_visit_record(
    *,
    actor,
    person: Person,
    visited_on: datetime.date,
    project_ids: list[int],
    done: bool = True,
    attendees: str = "",
    findings: str = "",
    decisions: str = "",
    problem_ids: list[int] = (),
) -> SiteVisit:
    """A visit planned (done=False) or held, over projects the actor may see."""
    _check(actor, RECORDERS)
    errors = {}
    if person is None or not person.is_city_leader:
        errors["person"] = _("现场调度的领导应为市级领导。")
    if visited_on is None:
        errors["visited_on"] = _("请填写调度日期。")
    projects = list(Project.objects.restrict(actor, "view").filter(pk__in=list(project_ids)))
    if not projects or len(projects) != len(set(project_ids)):
        errors["projects"] = _("请选择您范围内的调度项目。")
    problems = list(Problem.objects.restrict(actor, "view").filter(pk__in=list(problem_ids)))
    if len(problems) != len(set(problem_ids)):
        errors["problems"] = _("现场提出的问题不存在或不在您的范围内。")
    if errors:
        raise ValidationError(errors)
    visit = SiteVisit.objects.create(
        person=person,
        visited_on=visited_on,
        done=done,
        attendees=attendees.strip(),
        findings=findings.strip(),
        decisions=decisions.strip(),
        created_by=actor,
    )
    visit.projects.set(projects)
    visit.problems.set(problems)
    change_record_write(actor=actor, action=ChangeAction.CREATE, instance=visit, before=None, after=snapshot(visit))
    return visit


def _lock_visit(*, actor, visit_id: int) -> SiteVisit:
    from .selectors import site_visit_queryset

    visit = site_visit_queryset(user=actor, action="change").select_for_update(of=("self",)).filter(pk=visit_id).first()
    if visit is None:
        raise PermissionDenied(_("您无权修改该现场调度记录。"))
    return visit


@transaction.atomic
def site_visit_update(*, actor, visit_id: int, done: bool, attendees: str, findings: str, decisions: str) -> SiteVisit:
    """Complete a planned visit once held, or correct what was recorded."""
    visit = _lock_visit(actor=actor, visit_id=visit_id)
    before = snapshot(visit)
    visit.done, visit.attendees, visit.findings, visit.decisions = (
        done,
        attendees.strip(),
        findings.strip(),
        decisions.strip(),
    )
    visit.save()
    change_record_write(actor=actor, action=ChangeAction.UPDATE, instance=visit, before=before, after=snapshot(visit))
    return visit


@transaction.atomic
def site_visit_decide(
    *,
    actor,
    visit_id: int,
    decision: str,
    owner: Organisation | None,
    workdays: int | None,
    project_ids: list[int] = (),
    owner_person: Person | None = None,
):
    """A decision taken on site becomes a supervised action (apps.problems): owner, and a
    deadline `workdays` working days after the visit on the working-day clock. The visit's
    decisions hang on one meeting record, a 专题会议 chaired by the leader on the visit's day
    with its projects, made with the first decision. Each write is a change record."""
    from apps.problems import services as problem_services
    from apps.problems.models import MeetingKind
    from apps.workdays.services import workdays_add

    visit = _lock_visit(actor=actor, visit_id=visit_id)
    errors = {}
    if not visit.done:
        errors["decision"] = _("现场调度尚未开展，不能记录议定事项。")
    if workdays is None or not 1 <= workdays <= 250:
        errors["workdays"] = _("完成时限应为1到250个工作日。")
    visit_projects = {project.pk: project for project in visit.projects.all()}
    unknown = [pk for pk in project_ids if pk not in visit_projects]
    if unknown:
        errors["projects"] = _("议定事项的项目应为本次调度的项目。")
    if errors:
        raise ValidationError(errors)
    deadline = workdays_add(visit.visited_on, workdays)  # WorkdayDataMissing (a ValidationError) names the date
    if visit.meeting_id is None:
        before = snapshot(visit)
        visit.meeting = problem_services.meeting_create(
            actor=actor,
            fields={
                "kind": MeetingKind.SPECIAL_MEETING,
                "title": _("%(person)s现场调度（%(day)s）") % {"person": visit.person.name, "day": visit.visited_on},
                "held_on": visit.visited_on,
                "chair": visit.person,
                "attendees": visit.attendees,
                "location": _("项目现场"),
                "minutes": visit.findings,
            },
            projects=list(visit_projects.values()),
        )
        visit.save(update_fields=["meeting"])
        change_record_write(
            actor=actor, action=ChangeAction.UPDATE, instance=visit, before=before, after=snapshot(visit)
        )
    projects = [visit_projects[pk] for pk in project_ids] or list(visit_projects.values())
    return problem_services.decision_record(
        actor=actor,
        meeting_id=visit.meeting_id,
        decision=decision,
        owner=owner,
        deadline=deadline,
        owner_person=owner_person,
        projects=projects,
    )
