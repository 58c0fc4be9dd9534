"""Writes of the project reserve. Keyword-only, one transaction each; scope checked at the
queryset (`reserve_scope_q`), validated before saving, a change record in the same transaction.

Decisions where the rules are silent:
- A department may change its own proposal only while it waits for 初审 or was returned; the
  government's review changes it afterwards.
- Returning needs a reason; a returned proposal is resubmitted (待初审) after changes.
- 退库 needs a reason and keeps the record; 恢复 puts it back in the reserve (已入库).
- Promotion: an admitted project at 具备申报条件 becomes a registry project with an annual plan,
  once; its estimated investment moves to the registry and leaves the reserve's figures.
"""

import datetime
from decimal import Decimal
from typing import TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.audit.models import ChangeAction
from apps.audit.services import change_record_write, snapshot
from apps.core.exceptions import check_version
from apps.projects import services as project_services
from apps.projects.models import Category, InvestorType, Stage
from apps.regions.models import Organisation, Region

from .models import CatalogueClass, Maturity, PlanningSource, ReserveProject, ReviewStatus, Tier

PROPOSERS = frozenset({Role.CITY_ADMIN, Role.COUNTY_USER, Role.DEPARTMENT_USER})
DEPARTMENT_EDITABLE = (ReviewStatus.SUBMITTED, ReviewStatus.RETURNED)


class ReserveFields(TypedDict, total=False):
    name: str
    region: Region
    planning_source: str
    proposer: Organisation
    category: str
    catalogue_class: str
    industry_code: str
    scope: str
    estimated_investment: Decimal
    maturity: str
    tier: str
    planned_start_year: int | None
    proposed_on: datetime.date
    source_lead: object | None  # attraction.InvestmentLead, for 招商转化


FIELDS = tuple(ReserveFields.__annotations__)


def _today():
    return timezone.localdate()


def _record(*, actor, action, item, before):
    change_record_write(
        actor=actor, action=action, instance=item, before=before, after=snapshot(item), project_id=item.project_id
    )


def _lock(*, actor: User, pk: int, right: str = "change") -> ReserveProject:
    item = ReserveProject.objects.restrict(actor, right).select_for_update().filter(pk=pk).first()
    if item is None:
        if ReserveProject.objects.restrict(actor, "view").filter(pk=pk).exists():
            raise PermissionDenied(_("您无权办理该储备项目。"))
        raise Http404(_("储备项目不存在或不在您的权限范围内。"))
    return item


def _lock_for_edit(*, actor: User, pk: int, expected_version: int, right: str = "change") -> ReserveProject:
    """The reserve project locked for a change, refused when someone saved it since the editor
    loaded `expected_version`. (A meeting decision is added beside it: the plain lock.)"""
    item = _lock(actor=actor, pk=pk, right=right)
    check_version(item, expected_version, what=_("储备项目“%(name)s”") % {"name": item.name})
    return item


def _save(item: ReserveProject) -> None:
    item.version += 1
    item.save()


def _validate(actor: User, item: ReserveProject) -> None:
    errors = {}
    item.name = (item.name or "").strip()
    if not item.name:
        errors["name"] = _("请填写项目名称。")
    choices = {
        "planning_source": PlanningSource,
        "category": Category,
        "catalogue_class": CatalogueClass,
        "maturity": Maturity,
        "tier": Tier,
    }
    for field, enum in choices.items():
        if getattr(item, field) not in enum.values:
            errors[field] = _("请选择有效的选项。")
    if item.estimated_investment is None or item.estimated_investment <= 0:
        errors["estimated_investment"] = _("估算总投资应大于 0（万元）。")
    if not item.region_id:
        errors["region"] = _("请选择所在县区。")
    elif actor.region_id and not actor.region.contains(item.region):
        errors["region"] = _("所选区划“%(region)s”超出您的管辖范围。") % {"region": item.region}
    if not item.proposer_id:
        errors["proposer"] = _("请选择谋划单位。")
    elif actor.role == Role.DEPARTMENT_USER and item.proposer_id != actor.organisation_id:
        errors["proposer"] = _("部门用户只能登记本单位谋划的项目。")
    if item.planning_source == PlanningSource.ATTRACTION and not item.source_lead_id:
        errors["planning_source"] = _("招商转化的项目请关联来源招商线索。")
    if item.source_lead_id:
        from apps.attraction.models import InvestmentLead

        if not InvestmentLead.objects.restrict(actor, "view").filter(pk=item.source_lead_id).exists():
            errors["source_lead"] = _("所选招商线索不存在或不在您的权限范围内。")
    if item.planned_start_year is not None and not 2000 <= item.planned_start_year <= 2100:
        errors["planned_start_year"] = _("计划开工年度应为四位年份。")
    try:
        # Lengths and digits the database would otherwise refuse.
        item.full_clean(exclude=["created_by", "region", "proposer", "source_lead", "project"], validate_unique=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, messages[0])
    if item.proposed_on is None:
        errors["proposed_on"] = _("请填写提出日期。")
    elif item.proposed_on > _today():
        errors["proposed_on"] = _("提出日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def reserve_propose(*, actor: User, fields: ReserveFields, source_lead=None) -> ReserveProject:
    """A planned project proposed into review (待初审)."""
    if actor.role not in PROPOSERS:
        raise PermissionDenied(_("您的角色不能登记谋划项目。"))
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise ValidationError({name: _("不支持该字段。") for name in unknown})
    item = ReserveProject(created_by=actor, status=ReviewStatus.SUBMITTED, **fields)
    if actor.role == Role.DEPARTMENT_USER and not item.proposer_id:
        item.proposer_id = actor.organisation_id
    if source_lead is not None:
        item.source_lead = source_lead
    _validate(actor, item)
    item.save()
    _record(actor=actor, action=ChangeAction.CREATE, item=item, before=None)
    return item


@transaction.atomic
def reserve_update(*, actor: User, pk: int, fields: ReserveFields, expected_version: int) -> ReserveProject:
    item = _lock_for_edit(actor=actor, pk=pk, expected_version=expected_version)
    if actor.role == Role.DEPARTMENT_USER and item.status not in DEPARTMENT_EDITABLE:
        raise PermissionDenied(_("已进入审核的项目由发改部门修改。"))
    if item.status == ReviewStatus.PROMOTED:
        raise ValidationError({"__all__": _("已转入年度计划的项目请在项目库中修改。")})
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise ValidationError({name: _("不支持该字段。") for name in unknown})
    before = snapshot(item)
    for name, value in fields.items():
        setattr(item, name, value)
    _validate(actor, item)
    _save(item)
    _record(actor=actor, action=ChangeAction.UPDATE, item=item, before=before)
    return item


def _step(*, actor, pk, right, allowed, apply, expected_version):
    item = _lock_for_edit(actor=actor, pk=pk, right=right, expected_version=expected_version)
    if item.status not in allowed:
        raise ValidationError(
            {"status": _("项目当前状态为“%(status)s”，不能办理此操作。") % {"status": item.get_status_display()}}
        )
    before = snapshot(item)
    apply(item)
    _save(item)
    _record(actor=actor, action=ChangeAction.UPDATE, item=item, before=before)
    return item


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写原因。")})
    return reason


@transaction.atomic
def reserve_first_review(
    *, actor: User, pk: int, approve: bool, reason: str = "", expected_version: int
) -> ReserveProject:
    """初审: pass on to 终审, or return with a reason."""
    reason = reason if approve else _reason(reason)

    def apply(item):
        item.status = ReviewStatus.FIRST_REVIEWED if approve else ReviewStatus.RETURNED
        item.first_reviewed_on = _today() if approve else None
        item.status_reason = "" if approve else reason

    return _step(
        actor=actor,
        pk=pk,
        right="first_review",
        allowed=(ReviewStatus.SUBMITTED,),
        apply=apply,
        expected_version=expected_version,
    )


@transaction.atomic
def reserve_final_review(
    *, actor: User, pk: int, approve: bool, reason: str = "", expected_version: int
) -> ReserveProject:
    """终审: into the reserve (入库), or return with a reason."""
    reason = reason if approve else _reason(reason)

    def apply(item):
        item.status = ReviewStatus.ADMITTED if approve else ReviewStatus.RETURNED
        item.admitted_on = _today() if approve else None
        item.status_reason = "" if approve else reason

    return _step(
        actor=actor,
        pk=pk,
        right="final_review",
        allowed=(ReviewStatus.FIRST_REVIEWED,),
        apply=apply,
        expected_version=expected_version,
    )


@transaction.atomic
def reserve_resubmit(*, actor: User, pk: int, expected_version: int) -> ReserveProject:
    def apply(item):
        item.status = ReviewStatus.SUBMITTED
        item.status_reason = ""

    return _step(
        actor=actor,
        pk=pk,
        right="change",
        allowed=(ReviewStatus.RETURNED,),
        apply=apply,
        expected_version=expected_version,
    )


@transaction.atomic
def reserve_withdraw(*, actor: User, pk: int, reason: str, expected_version: int) -> ReserveProject:
    """退库, with the reason; the record stays and may be restored."""
    reason = _reason(reason)
    if actor.role == Role.DEPARTMENT_USER:
        raise PermissionDenied(_("退库由发改部门办理。"))

    def apply(item):
        item.status = ReviewStatus.WITHDRAWN
        item.status_reason = reason

    return _step(
        actor=actor,
        pk=pk,
        right="change",
        allowed=(ReviewStatus.ADMITTED,),
        apply=apply,
        expected_version=expected_version,
    )


@transaction.atomic
def reserve_restore(*, actor: User, pk: int, expected_version: int) -> ReserveProject:
    if actor.role == Role.DEPARTMENT_USER:
        raise PermissionDenied(_("恢复入库由发改部门办理。"))

    def apply(item):
        item.status = ReviewStatus.ADMITTED
        item.status_reason = ""

    return _step(
        actor=actor,
        pk=pk,
        right="change",
        allowed=(ReviewStatus.WITHDRAWN,),
        apply=apply,
        expected_version=expected_version,
    )


@transaction.atomic
def reserve_promote(
    *,
    actor: User,
    pk: int,
    year: int,
    planned_investment: Decimal,
    planned_start_date: datetime.date,
    planned_end_date: datetime.date,
    owner_unit: Organisation,
    project_code: str = "",
    expected_version: int,
) -> ReserveProject:
    """An admitted project at 具备申报条件 into the annual plan: a registry project (前期 with
    its 项目代码, or 储备 without) with its plan for `year`, linked once."""
    if actor.role not in project_services.PROJECT_CREATORS:
        raise PermissionDenied(_("转入年度计划由发改部门办理。"))
    item = _lock_for_edit(actor=actor, pk=pk, expected_version=expected_version)
    if item.project_id is not None:
        raise ValidationError({"__all__": _("该项目已转入项目库，不能重复转入。")})
    if item.status != ReviewStatus.ADMITTED:
        raise ValidationError({"status": _("只有已入库的项目可以转入年度计划。")})
    if item.maturity != Maturity.READY:
        raise ValidationError({"maturity": _("项目成熟度须达到“具备申报条件”方可转入年度计划。")})
    if owner_unit is None:
        raise ValidationError({"owner_unit": _("请选择建设单位。")})
    code = (project_code or "").strip()
    investor_type = InvestorType.GOVERNMENT if item.category != Category.INDUSTRY else InvestorType.ENTERPRISE
    project = project_services.project_create(
        actor=actor,
        fields={
            "name": item.name,
            "project_code": code or None,
            "region": item.region,
            "category": item.category,
            "investor_type": investor_type,
            "stage": Stage.PRELIMINARY if code else Stage.RESERVE,
            "scope": item.scope,
            "total_investment": item.estimated_investment,
            "planned_start_date": planned_start_date,
            "planned_end_date": planned_end_date,
            "owner_unit": owner_unit,
        },
    )
    project_services.annual_plan_create(
        actor=actor, project_id=project.pk, fields={"year": year, "planned_investment": planned_investment}
    )
    before = snapshot(item)
    item.project = project
    item.status = ReviewStatus.PROMOTED
    item.tier = Tier.ANNUAL
    item.promoted_on = _today()
    _save(item)
    _record(actor=actor, action=ChangeAction.UPDATE, item=item, before=before)
    return item


@transaction.atomic
def reserve_review_decision(
    *, actor: User, pk: int, meeting_id: int, decision: str, owner: Organisation, deadline: datetime.date
):
    """A decision of a department's planning review (半天会) about a reserve project, tracked
    as a supervised action; the project is listed as reviewed at that meeting."""
    from apps.problems import services as problem_services

    item = _lock(actor=actor, pk=pk)
    action = problem_services.decision_record(
        actor=actor, meeting_id=meeting_id, decision=decision, owner=owner, deadline=deadline
    )
    before = snapshot(item)
    item.supervised_actions.add(action)
    item.reviewed_at.add(action.meeting)
    _record(actor=actor, action=ChangeAction.UPDATE, item=item, before=before)
    return action
