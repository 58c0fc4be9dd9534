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

RECORDERS = ("city_admin",)


def _check(actor) -> None:
    if actor.role not in RECORDERS or actor.region_id is None:
        raise PermissionDenied(_("只有市发改委管理员可以维护分管部门和现场调度记录。"))


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
    _check(actor)
    errors = {}
    if not person.is_city_leader:
        errors["person"] = _("现场调度的领导应为市级领导。")
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
