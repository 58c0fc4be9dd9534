"""Writes to projects, annual plans and milestones.

Each function is keyword-only, runs in one transaction, checks the actor's
scope, validates the whole object before saving and writes its change record.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.audit.models import ChangeAction
from apps.audit.services import change_record_write, snapshot
from apps.core.exceptions import ConcurrentEditError
from apps.regions.models import Organisation, Region

from .models import AnnualPlan, DatePrecision, Milestone, Project, Stage, latest_possible_day


class ProjectFields(TypedDict, total=False):
    name: str
    project_code: str | None
    region: Region
    location: str
    level: str
    category: str
    investor_type: str
    stage: str
    scope: str
    total_investment: Decimal
    planned_start_date: datetime.date | None
    planned_end_date: datetime.date | None
    actual_start_date: datetime.date | None
    actual_end_date: datetime.date | None
    planned_start_precision: str
    planned_end_precision: str
    actual_start_precision: str
    lead_official: object | None
    lead_department: Organisation | None
    owner_unit: Organisation
    partner_units: Iterable[Organisation]


# A construction unit's reporter keeps its project's facts current but does not
# re-assign responsibility, money or identity: those are the government's.
OWNER_REPORTER_FIELDS = frozenset(
    {
        "location",
        "scope",
        "stage",
        "planned_start_date",
        "planned_end_date",
        "actual_start_date",
        "actual_end_date",
        "planned_start_precision",
        "planned_end_precision",
        "actual_start_precision",
    }
)
PROJECT_CREATORS = frozenset({Role.CITY_ADMIN, Role.COUNTY_USER})


def project_editable_fields(*, user: User) -> frozenset[str] | None:
    """Fields the user may change on projects they can change; None means all."""
    if user.role == Role.OWNER_REPORTER:
        return OWNER_REPORTER_FIELDS
    return None


def annual_plans_editable_by(*, user: User) -> bool:
    """Annual plans are the government's plan figures; reporters do not set them."""
    return user.role != Role.OWNER_REPORTER


def _check_region_in_scope(*, actor: User, region: Region | None) -> None:
    if region is None or actor.region_id is None:
        return
    if not actor.region.contains(region):
        raise ValidationError({"region": _("所选区划“%(region)s”超出您的管辖范围。") % {"region": region}})


def _check_allowed_changes(*, actor: User, before: dict, after: dict) -> None:
    allowed = project_editable_fields(user=actor)
    if allowed is None:
        return
    errors = {
        name: _("您的角色无权修改此项。")
        for name in after
        if name not in allowed and name != "version" and before.get(name) != after.get(name)
    }
    if errors:
        raise ValidationError(errors)


DATED = {
    "planned_start_date": "planned_start_precision",
    "planned_end_date": "planned_end_precision",
    "actual_start_date": "actual_start_precision",
}


def _apply(project: Project, fields: ProjectFields) -> list[Organisation] | None:
    partner_units = None
    for name, value in fields.items():
        if name == "partner_units":
            partner_units = list(value)
        else:
            if name in DATED and DATED[name] not in fields and getattr(project, name) != value:
                # A date entered by hand without a precision is a day (an import may have known only its year).
                setattr(project, DATED[name], DatePrecision.DAY)
            setattr(project, name, value)
    for date_name, precision_name in DATED.items():
        if precision_name in fields:
            _apply_precision(project, date_name, precision_name, fields[precision_name])
    if project.project_code == "":
        project.project_code = None
    return partner_units


def _apply_precision(project: Project, date_name: str, precision_name: str, precision: str | None) -> None:
    """A date said to the month (月), the year (年) or as "not later than" a year (不晚于) keeps
    only its month or year and is stored as that period's last day, as imports store them
    (models.DatePrecision)."""
    precision = precision or DatePrecision.DAY
    if precision not in DatePrecision.values:
        raise ValidationError({precision_name: _("日期精度应为 日、月、年 或 不晚于。")})
    setattr(project, precision_name, precision)
    value = getattr(project, date_name)
    if value is not None:
        setattr(project, date_name, latest_possible_day(value, precision))


@transaction.atomic
def project_create(*, actor: User, fields: ProjectFields) -> Project:
    if actor.role not in PROJECT_CREATORS:
        raise PermissionDenied(_("您的角色不能新建项目。"))
    project = Project()
    partner_units = _apply(project, fields)
    _check_region_in_scope(actor=actor, region=fields.get("region"))
    project.full_clean()
    project.save()
    if partner_units is not None:
        project.partner_units.set(partner_units)
    change_record_write(
        actor=actor,
        action=ChangeAction.CREATE,
        instance=project,
        before=None,
        after=snapshot(project),
        project_id=project.pk,
    )
    return project


def _lock_for_change(*, actor: User, project_id: int, action: str = "change") -> Project:
    project = Project.objects.restrict(actor, action).select_for_update().filter(pk=project_id).first()
    if project is None:
        raise PermissionDenied(_("您无权修改该项目。"))
    return project


@transaction.atomic
def project_update(*, actor: User, project_id: int, expected_version: int, fields: ProjectFields) -> Project:
    """Change a project. Refused with ConcurrentEditError when someone saved since `expected_version`."""
    project = _lock_for_change(actor=actor, project_id=project_id)
    _check_version(project, expected_version)
    before = snapshot(project)
    partner_units = _apply(project, fields)
    after = snapshot(project)
    if partner_units is not None:
        after["partner_units"] = sorted(unit.pk for unit in partner_units)
    if after == before:
        return project
    _check_allowed_changes(actor=actor, before=before, after=after)
    if "region" in fields:
        _check_region_in_scope(actor=actor, region=project.region)
    project.full_clean()
    _check_plans_within_span(project)
    return _save_update(actor=actor, project=project, before=before, partner_units=partner_units)


@transaction.atomic
def project_record_start(*, actor: User, project_id: int, start_date: datetime.date) -> Project:
    """Record that a project has started (actual start date, stage 在建), as reported in a
    monthly report its verifier just accepted. The caller has checked the verify right;
    here the actor must at least see the project. A project that has started already is
    left as it is."""
    project = Project.objects.restrict(actor, "view").select_for_update().filter(pk=project_id).first()
    if project is None:
        raise PermissionDenied(_("您无权修改该项目。"))
    if project.actual_start_date:
        return project
    before = snapshot(project)
    project.actual_start_date = start_date
    if project.stage in (Stage.RESERVE, Stage.PRELIMINARY):
        project.stage = Stage.UNDER_CONSTRUCTION
    project.full_clean()
    return _save_update(actor=actor, project=project, before=before)


def _save_update(*, actor: User, project: Project, before: dict, partner_units=None) -> Project:
    """Save a validated change with the next version and its change record."""
    project.version += 1
    project.save()
    if partner_units is not None:
        project.partner_units.set(partner_units)
    change_record_write(
        actor=actor,
        action=ChangeAction.UPDATE,
        instance=project,
        before=before,
        after=snapshot(project),
        project_id=project.pk,
    )
    return project


def _check_version(project: Project, expected_version: int | None) -> None:
    """Refuse a write based on a version other than the stored one (None: not checked)."""
    if expected_version is not None and project.version != expected_version:
        raise ConcurrentEditError(current=project.version, expected=expected_version)


def _check_plans_within_span(project: Project) -> None:
    span = project.span_years
    if span is None:
        return
    outside = sorted(project.annual_plans.exclude(year__in=list(span)).values_list("year", flat=True))
    if outside:
        years = "、".join(str(y) for y in outside)
        raise ValidationError(
            {
                "planned_end_date": _("已有 %(years)s 年度计划不在新的建设起止年限内，请先调整年度计划。")
                % {"years": years}
            }
        )


@transaction.atomic
def project_delete(*, actor: User, project_id: int, expected_version: int) -> None:
    if actor.role != Role.CITY_ADMIN:
        raise PermissionDenied(_("只有市发改委管理员可以删除项目。"))
    project = _lock_for_change(actor=actor, project_id=project_id, action="delete")
    _check_version(project, expected_version)
    # The children go with the project; each gets its own record so nothing vanishes unlogged.
    for child in [*project.annual_plans.all(), *project.milestones.all()]:
        change_record_write(
            actor=actor,
            action=ChangeAction.DELETE,
            instance=child,
            before=snapshot(child),
            after=None,
            project_id=project.pk,
        )
    change_record_write(
        actor=actor,
        action=ChangeAction.DELETE,
        instance=project,
        before=snapshot(project),
        after=None,
        project_id=project.pk,
    )
    project.delete()


def _touch(project: Project) -> None:
    """A change to a plan or milestone is a change to the project: bump its version."""
    Project.objects.filter(pk=project.pk).update(version=project.version + 1)
    project.version += 1


def _child_write(*, actor: User, project_id: int, expected_version: int | None, model, pk=None, fields=None):
    project = _lock_for_change(actor=actor, project_id=project_id)
    if pk is not None and expected_version is None:
        # An update or delete without the version the editor loaded would let the last writer win.
        raise ValidationError({"version": [_("修改时必须提交编辑时加载的版本号。")]})
    _check_version(project, expected_version)
    if model is AnnualPlan and not annual_plans_editable_by(user=actor):
        raise PermissionDenied(_("建设单位不能修改年度计划。"))
    if pk is None:
        instance, before, action = model(project=project), None, ChangeAction.CREATE
    else:
        instance = model.objects.filter(project=project, pk=pk).first()
        if instance is None:
            raise PermissionDenied(_("记录不存在。"))
        before, action = snapshot(instance), ChangeAction.UPDATE if fields is not None else ChangeAction.DELETE
    if action == ChangeAction.DELETE:
        change_record_write(
            actor=actor, action=action, instance=instance, before=before, after=None, project_id=project.pk
        )
        instance.delete()
        _touch(project)
        return None
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.project = project
    instance.full_clean()
    instance.save()
    record = change_record_write(
        actor=actor, action=action, instance=instance, before=before, after=snapshot(instance), project_id=project.pk
    )
    if record is not None:
        _touch(project)
    return instance


@transaction.atomic
def annual_plan_create(
    *, actor: User, project_id: int, expected_version: int | None = None, fields: dict
) -> AnnualPlan:
    return _child_write(
        actor=actor, project_id=project_id, expected_version=expected_version, model=AnnualPlan, fields=fields
    )


@transaction.atomic
def annual_plan_update(
    *, actor: User, project_id: int, plan_id: int, expected_version: int, fields: dict
) -> AnnualPlan:
    return _child_write(
        actor=actor,
        project_id=project_id,
        expected_version=expected_version,
        model=AnnualPlan,
        pk=plan_id,
        fields=fields,
    )


@transaction.atomic
def annual_plan_delete(*, actor: User, project_id: int, plan_id: int, expected_version: int | None) -> None:
    _child_write(actor=actor, project_id=project_id, expected_version=expected_version, model=AnnualPlan, pk=plan_id)


@transaction.atomic
def milestone_create(*, actor: User, project_id: int, expected_version: int | None = None, fields: dict) -> Milestone:
    return _child_write(
        actor=actor, project_id=project_id, expected_version=expected_version, model=Milestone, fields=fields
    )


@transaction.atomic
def milestone_update(
    *, actor: User, project_id: int, milestone_id: int, expected_version: int, fields: dict
) -> Milestone:
    return _child_write(
        actor=actor,
        project_id=project_id,
        expected_version=expected_version,
        model=Milestone,
        pk=milestone_id,
        fields=fields,
    )


@transaction.atomic
def milestone_delete(*, actor: User, project_id: int, milestone_id: int, expected_version: int | None) -> None:
    _child_write(
        actor=actor, project_id=project_id, expected_version=expected_version, model=Milestone, pk=milestone_id
    )
