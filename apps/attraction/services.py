"""Writes of investment leads: registration, stage transitions, the contract, follow-up
reports, funds arrived, notices, exit, investor contacts, the link to the registry and the
supervised actions that chase signed leads.

Each function is keyword-only and runs in one transaction; it checks the actor's scope
(`lead_scope_q`, "change"), validates before saving and writes its change record.

Decisions where the rules are silent:
- A lead moves forward one stage at a time; 供地 may be skipped (an investor renting a
  standard factory gets no land). It never moves back; 退出 is possible from any stage
  before 达产 and is final.
- 签约 needs the contract; 注册 the registered enterprise's credit code; 开工 the link to a
  registry project (an existing one, or one created here), once; 入统 is the project's flag
  in the registry, so a lead enters 入统 only when its project is in statistics.
- 限期开工通知书 may be issued once the agreed start is `start_grace_months` past; exit for
  "限期通知后仍未开工" needs such a notice whose deadline has passed.
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
from apps.projects.models import InvestorType, Project, Stage
from apps.regions.models import Organisation, OrganisationKind, Region

from .models import (
    FINAL_STAGES,
    PIPELINE,
    SIGNED_OR_LATER,
    STARTED_OR_LATER,
    ExitReason,
    InvestmentLead,
    InvestorContact,
    LeadContract,
    LeadFollowUp,
    LeadFundsArrival,
    LeadNotice,
    LeadSource,
    LeadStage,
    LeadStageEvent,
    NoticeKind,
    rules,
    stage_index,
)

LEAD_REGISTRARS = frozenset({Role.CITY_ADMIN, Role.COUNTY_USER, Role.DEPARTMENT_USER})
# Stages a lead may pass over on its way forward.
SKIPPABLE = frozenset({LeadStage.LAND_SUPPLIED})
# Stages with their own service (they need more than a date).
SPECIAL_STAGES = {
    LeadStage.SIGNED: "lead_sign",
    LeadStage.REGISTERED: "lead_mark_registered",
    LeadStage.STARTED: "lead_start",
}


class LeadFields(TypedDict, total=False):
    name: str
    investor_name: str
    investor_credit_code: str
    is_leading_enterprise: bool
    investor_origin: str
    region: Region
    industry_code: str
    encouraged_industry: bool
    category: str
    intended_investment: Decimal
    source: str
    attraction_unit: Organisation
    attraction_person: str
    content: str
    received_on: datetime.date


LEAD_FIELDS = tuple(LeadFields.__annotations__)


def _today() -> datetime.date:
    return timezone.localdate()


def _record(*, actor, action, instance, before, lead=None):
    lead = lead or instance
    return change_record_write(
        actor=actor,
        action=action,
        instance=instance,
        before=before,
        after=snapshot(instance) if action != ChangeAction.DELETE else None,
        project_id=getattr(lead, "project_id", None),
    )


def _lock(*, actor: User, lead_id: int) -> InvestmentLead:
    lead = InvestmentLead.objects.restrict(actor, "change").select_for_update().filter(pk=lead_id).first()
    if lead is None:
        if InvestmentLead.objects.restrict(actor, "view").filter(pk=lead_id).exists():
            raise PermissionDenied(_("您无权修改该招商线索。"))
        raise Http404(_("招商线索不存在或不在您的权限范围内。"))
    return lead


def _lock_for_edit(*, actor: User, lead_id: int, expected_version: int) -> InvestmentLead:
    """The lead locked for a change of its own fields or stage, refused when someone saved it
    since the editor loaded `expected_version`. (Reports, funds, notices and contacts are added
    beside the lead and overwrite nothing: they take the plain lock.)"""
    lead = _lock(actor=actor, lead_id=lead_id)
    check_version(lead, expected_version, what=_("招商线索“%(name)s”") % {"name": lead.name})
    return lead


def _save_lead(lead: InvestmentLead) -> None:
    lead.version += 1
    lead.save()


def _check_date(value, field: str, *, not_before: datetime.date | None = None, label_before: str = "") -> None:
    if value is None:
        raise ValidationError({field: _("请填写日期。")})
    if value > _today():
        raise ValidationError({field: _("日期不能晚于今天。")})
    if not_before is not None and value < not_before:
        raise ValidationError(
            {field: _("日期不能早于%(what)s（%(date)s）。") % {"what": label_before, "date": not_before.isoformat()}}
        )


def _validate_lead(actor: User, lead: InvestmentLead) -> None:
    errors = {}
    for name in ("name", "investor_name", "attraction_person"):
        setattr(lead, name, (getattr(lead, name) or "").strip())
    lead.investor_credit_code = (lead.investor_credit_code or "").strip().upper()
    try:
        lead.full_clean(exclude=["created_by", "stage_since", "project"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if lead.source and lead.source not in LeadSource.values:
        errors["source"] = [_("请选择有效的线索来源。")]
    unit = lead.attraction_unit if lead.attraction_unit_id else None
    if unit is not None and unit.kind != OrganisationKind.DEPARTMENT:
        errors["attraction_unit"] = [_("招商单位应为政府部门（如招商局、投资促进中心）。")]
    if actor.role == Role.DEPARTMENT_USER and unit is not None and unit.pk != actor.organisation_id:
        errors["attraction_unit"] = [_("部门用户只能登记本单位招商的线索。")]
    if lead.region_id and actor.region_id and not actor.region.contains(lead.region):
        errors["region"] = [_("所选区划“%(region)s”超出您的管辖范围。") % {"region": lead.region}]
    if lead.received_on and lead.received_on > _today():
        errors["received_on"] = [_("线索获取日期不能晚于今天。")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def lead_register(*, actor: User, fields: LeadFields, contacts: list[dict] = ()) -> InvestmentLead:
    """A new lead at 线索, with its investor contacts."""
    if actor.role not in LEAD_REGISTRARS:
        raise PermissionDenied(_("您的角色不能登记招商线索。"))
    unknown = sorted(set(fields) - set(LEAD_FIELDS))
    if unknown:
        raise ValidationError({name: _("不支持该字段。") for name in unknown})
    lead = InvestmentLead(created_by=actor, **fields)
    if actor.role == Role.DEPARTMENT_USER and not lead.attraction_unit_id:
        lead.attraction_unit_id = actor.organisation_id
    _validate_lead(actor, lead)
    lead.stage = LeadStage.LEAD
    lead.stage_since = lead.received_on
    lead.save()
    _record(actor=actor, action=ChangeAction.CREATE, instance=lead, before=None)
    _event(actor=actor, lead=lead, stage=LeadStage.LEAD, on=lead.received_on)
    for contact in contacts:
        _contact_save(actor=actor, lead=lead, contact=InvestorContact(lead=lead), fields=contact)
    return lead


@transaction.atomic
def lead_update(*, actor: User, lead_id: int, fields: LeadFields, expected_version: int) -> InvestmentLead:
    lead = _lock_for_edit(actor=actor, lead_id=lead_id, expected_version=expected_version)
    unknown = sorted(set(fields) - set(LEAD_FIELDS))
    if unknown:
        raise ValidationError({name: _("不支持该字段。") for name in unknown})
    if "received_on" in fields and fields["received_on"] != lead.received_on and lead.stage != LeadStage.LEAD:
        raise ValidationError({"received_on": _("线索已进入研判，获取日期不能再修改。")})
    before = snapshot(lead)
    for name, value in fields.items():
        setattr(lead, name, value)
    _validate_lead(actor, lead)
    if lead.stage == LeadStage.LEAD:
        lead.stage_since = lead.received_on
        lead.stage_events.filter(stage=LeadStage.LEAD).update(entered_on=lead.received_on)
    _save_lead(lead)
    _record(actor=actor, action=ChangeAction.UPDATE, instance=lead, before=before)
    return lead


def _event(*, actor, lead, stage, on, note=""):
    event = LeadStageEvent.objects.create(lead=lead, stage=stage, entered_on=on, note=note, recorded_by=actor)
    _record(actor=actor, action=ChangeAction.CREATE, instance=event, before=None, lead=lead)
    return event


def _check_transition(lead: InvestmentLead, stage: str) -> None:
    current, target = LeadStage(lead.stage), LeadStage(stage)
    if current == LeadStage.EXITED:
        raise ValidationError({"stage": _("该线索已退出，不能再推进。")})
    if current == LeadStage.AT_CAPACITY:
        raise ValidationError({"stage": _("该项目已达产，招商流程已结束。")})
    if target == LeadStage.EXITED:
        return
    if stage_index(target) <= stage_index(current):
        raise ValidationError(
            {
                "stage": _("线索当前处于“%(current)s”，不能回到或停留在“%(target)s”。")
                % {"current": current.label, "target": target.label}
            }
        )
    passed = PIPELINE[stage_index(current) + 1 : stage_index(target)]
    missing = [s for s in passed if s not in SKIPPABLE]
    if missing:
        raise ValidationError(
            {
                "stage": _("不能从“%(current)s”直接进入“%(target)s”：应先进入“%(next)s”。")
                % {"current": current.label, "target": target.label, "next": missing[0].label}
            }
        )


def _enter(*, actor, lead: InvestmentLead, stage: str, on: datetime.date, note: str = "", before=None) -> None:
    before = before if before is not None else snapshot(lead)
    _check_date(on, "on", not_before=lead.stage_since, label_before=_("上一阶段日期"))
    lead.stage = stage
    lead.stage_since = on
    # The whole lead again: lengths and codes set by the stage's own service (注册's enterprise).
    lead.full_clean(exclude=["created_by"], validate_unique=False)
    _save_lead(lead)
    _record(actor=actor, action=ChangeAction.UPDATE, instance=lead, before=before)
    _event(actor=actor, lead=lead, stage=stage, on=on, note=note)


@transaction.atomic
def lead_advance(
    *, actor: User, lead_id: int, stage: str, on: datetime.date, note: str = "", expected_version: int
) -> InvestmentLead:
    """Move a lead to `stage` (研判, 在谈, 供地, 入统, 投产, 达产). 签约, 注册 and 开工
    have their own services: they need the contract, the enterprise or the project."""
    lead = _lock_for_edit(actor=actor, lead_id=lead_id, expected_version=expected_version)
    if stage not in LeadStage.values:
        raise ValidationError({"stage": _("请选择有效的阶段。")})
    if stage in SPECIAL_STAGES:
        raise ValidationError(
            {"stage": _("“%(stage)s”需填写专门信息，请使用对应的办理功能。") % {"stage": LeadStage(stage).label}}
        )
    if stage == LeadStage.EXITED:
        raise ValidationError({"stage": _("退出请填写退出原因。")})
    _check_transition(lead, stage)
    if stage == LeadStage.IN_STATISTICS:
        project = lead.project
        if project is None or not project.in_statistics:
            raise ValidationError(
                {"stage": _("入统以项目库为准：请先在项目库中将对应项目标记为已入统（填写入统日期）。")}
            )
        # The registry's date is the one counted.
        on = project.statistics_included_on
    _enter(actor=actor, lead=lead, stage=stage, on=on, note=note)
    return lead


@transaction.atomic
def lead_sign(
    *,
    actor: User,
    lead_id: int,
    amount: Decimal,
    signed_on: datetime.date,
    counterpart: str,
    commitments: str = "",
    agreed_start_date: datetime.date | None = None,
    signed_at_event: str = "",
    expected_version: int,
) -> InvestmentLead:
    """在谈 → 签约, with the contract."""
    lead = _lock_for_edit(actor=actor, lead_id=lead_id, expected_version=expected_version)
    _check_transition(lead, LeadStage.SIGNED)
    errors = {}
    if amount is None or amount <= 0:
        errors["amount"] = _("合同投资额应大于 0（万元）。")
    if not (counterpart or "").strip():
        errors["counterpart"] = _("请填写签约主体。")
    if agreed_start_date and signed_on and agreed_start_date < signed_on:
        errors["agreed_start_date"] = _("约定开工日期不能早于签约日期。")
    if errors:
        raise ValidationError(errors)
    _check_date(signed_on, "signed_on", not_before=lead.stage_since, label_before=_("上一阶段日期"))
    contract = LeadContract(
        lead=lead,
        amount=amount,
        signed_on=signed_on,
        counterpart=counterpart.strip(),
        commitments=(commitments or "").strip(),
        agreed_start_date=agreed_start_date,
        signed_at_event=(signed_at_event or "").strip(),
    )
    contract.full_clean()
    contract.save()
    _record(actor=actor, action=ChangeAction.CREATE, instance=contract, before=None, lead=lead)
    _enter(actor=actor, lead=lead, stage=LeadStage.SIGNED, on=signed_on)
    return lead


@transaction.atomic
def lead_mark_registered(
    *, actor: User, lead_id: int, on: datetime.date, credit_code: str, enterprise_name: str, expected_version: int
) -> InvestmentLead:
    """签约 → 注册: the enterprise registered locally (统一社会信用代码 checked)."""
    lead = _lock_for_edit(actor=actor, lead_id=lead_id, expected_version=expected_version)
    _check_transition(lead, LeadStage.REGISTERED)
    before = snapshot(lead)
    lead.registered_credit_code = (credit_code or "").strip().upper()
    lead.registered_name = (enterprise_name or "").strip()
    errors = {}
    if not lead.registered_credit_code:
        errors["credit_code"] = _("请填写注册企业的统一社会信用代码。")
    else:
        try:
            InvestmentLead._meta.get_field("registered_credit_code").run_validators(lead.registered_credit_code)
        except ValidationError as error:
            errors["credit_code"] = error.messages
    if not lead.registered_name:
        errors["enterprise_name"] = _("请填写注册企业名称。")
    if errors:
        raise ValidationError(errors)
    _enter(actor=actor, lead=lead, stage=LeadStage.REGISTERED, on=on, before=before)
    return lead


def _owner_unit(*, lead: InvestmentLead) -> Organisation:
    """The registered enterprise as the project's construction unit (found by credit code)."""
    unit = Organisation.objects.filter(credit_code=lead.registered_credit_code).first()
    if unit is None:
        unit = Organisation(
            name=lead.registered_name[:100],
            kind=OrganisationKind.OWNER_UNIT,
            credit_code=lead.registered_credit_code,
            region=lead.region,
        )
        unit.full_clean()
        unit.save()
    return unit


@transaction.atomic
def lead_start(
    *,
    actor: User,
    lead_id: int,
    on: datetime.date,
    project_id: int | None = None,
    project_code: str = "",
    note: str = "",
    expected_version: int,
) -> InvestmentLead:
    """注册/供地 → 开工, linking the lead to a registry project, once: an existing project the
    actor may change (`project_id`), or a new one built from the lead (its 项目代码 required).
    From then on investment, funds and 入统 are counted on the project only."""
    lead = _lock_for_edit(actor=actor, lead_id=lead_id, expected_version=expected_version)
    _check_transition(lead, LeadStage.STARTED)
    if lead.project_id is not None:
        raise ValidationError({"project": _("该线索已转为项目库项目，不能重复转换。")})
    _check_date(on, "on", not_before=lead.stage_since, label_before=_("上一阶段日期"))
    before = snapshot(lead)
    if project_id is not None:
        project = Project.objects.restrict(actor, "change").select_for_update().filter(pk=project_id).first()
        if project is None:
            raise ValidationError({"project": _("所选项目不存在或您无权修改。")})
        if InvestmentLead.objects.filter(project=project).exists():
            raise ValidationError({"project": _("所选项目已对应另一条招商线索，一个项目只能计算一次。")})
        if not lead.region.contains(project.region):
            raise ValidationError({"project": _("所选项目不在线索的落地县区。")})
        project = project_services.project_record_start(actor=actor, project_id=project.pk, start_date=on)
    else:
        if actor.role not in project_services.PROJECT_CREATORS:
            raise PermissionDenied(_("您的角色不能在项目库新建项目，请由县区或市发改委转入项目库，或选择已有项目。"))
        if not (project_code or "").strip():
            raise ValidationError(
                {"project_code": _("新建项目库项目须填写项目代码（全国投资项目在线审批监管平台赋码）。")}
            )
        contract = getattr(lead, "contract", None)
        try:
            project = project_services.project_create(
                actor=actor,
                fields={
                    "name": lead.name,
                    "project_code": project_code.strip(),
                    "region": lead.region,
                    "category": lead.category,
                    "investor_type": InvestorType.ENTERPRISE,
                    "stage": Stage.UNDER_CONSTRUCTION,
                    "scope": lead.content,
                    "total_investment": contract.amount if contract else lead.intended_investment,
                    "actual_start_date": on,
                    "owner_unit": _owner_unit(lead=lead),
                },
            )
        except ValidationError as error:
            # The registry's messages, under the lead's field names.
            raise ValidationError(
                {
                    ("project_code" if name == "project_code" else "project"): msgs
                    for name, msgs in error.message_dict.items()
                }
            ) from error
    lead.project = project
    _enter(actor=actor, lead=lead, stage=LeadStage.STARTED, on=on, note=note, before=before)
    return lead


@transaction.atomic
def lead_exit(
    *, actor: User, lead_id: int, reason: str, on: datetime.date, note: str = "", expected_version: int
) -> InvestmentLead:
    """Any stage before 达产 → 退出, with the reason (and for an overdue start, after the notice)."""
    lead = _lock_for_edit(actor=actor, lead_id=lead_id, expected_version=expected_version)
    _check_transition(lead, LeadStage.EXITED)
    if reason not in ExitReason.values:
        raise ValidationError({"reason": _("请选择有效的退出原因。")})
    note = (note or "").strip()
    if reason == ExitReason.OTHER and not note:
        raise ValidationError({"note": _("退出原因为“其他”时请填写说明。")})
    if reason in (ExitReason.NOT_REGISTERED, ExitReason.START_OVERDUE) and lead.stage not in SIGNED_OR_LATER:
        raise ValidationError({"reason": _("该退出原因只适用于已签约的项目。")})
    if reason == ExitReason.START_OVERDUE:
        if lead.stage in STARTED_OR_LATER:
            raise ValidationError({"reason": _("该项目已开工，不能以“逾期未开工”退出。")})
        notice = lead.notices.filter(kind=NoticeKind.START_DEADLINE).order_by("-issued_on").first()
        if notice is None:
            raise ValidationError({"reason": _("须先发出限期开工通知书，限期届满仍未开工方可退出。")})
        if notice.deadline and on <= notice.deadline:
            raise ValidationError(
                {"reason": _("限期开工通知书的期限（%(date)s）尚未届满。") % {"date": notice.deadline.isoformat()}}
            )
    before = snapshot(lead)
    lead.exit_reason = reason
    lead.exit_note = note
    _enter(actor=actor, lead=lead, stage=LeadStage.EXITED, on=on, note=note, before=before)
    return lead


@transaction.atomic
def lead_follow_up(*, actor: User, lead_id: int, on: datetime.date, content: str) -> LeadFollowUp:
    """The two-weekly progress report (跟进报告)."""
    lead = _lock(actor=actor, lead_id=lead_id)
    if lead.stage in FINAL_STAGES:
        raise ValidationError({"content": _("已退出或已达产的线索无需再报送跟进情况。")})
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": _("请填写进展情况。")})
    _check_date(on, "on", not_before=lead.received_on, label_before=_("线索获取日期"))
    report = LeadFollowUp.objects.create(lead=lead, reported_on=on, content=content, recorded_by=actor)
    _record(actor=actor, action=ChangeAction.CREATE, instance=report, before=None, lead=lead)
    return report


@transaction.atomic
def lead_funds_add(
    *, actor: User, lead_id: int, on: datetime.date, amount: Decimal, note: str = ""
) -> LeadFundsArrival:
    """Funds of a signed lead that arrived (到位资金)."""
    lead = _lock(actor=actor, lead_id=lead_id)
    contract = getattr(lead, "contract", None)
    if contract is None:
        raise ValidationError({"amount": _("签约后才能登记到位资金。")})
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("到位金额应大于 0（万元）。")})
    _check_date(on, "on", not_before=contract.signed_on, label_before=_("签约日期"))
    arrival = LeadFundsArrival(lead=lead, arrived_on=on, amount=amount, note=(note or "").strip(), recorded_by=actor)
    arrival.full_clean()
    arrival.save()
    _record(actor=actor, action=ChangeAction.CREATE, instance=arrival, before=None, lead=lead)
    return arrival


@transaction.atomic
def lead_notice_issue(
    *, actor: User, lead_id: int, kind: str, on: datetime.date, deadline: datetime.date | None, content: str = ""
) -> LeadNotice:
    """限期开工通知书 (once the start is `start_grace_months` late) or 项目退出通知书."""
    from . import selectors

    lead = _lock(actor=actor, lead_id=lead_id)
    if kind not in NoticeKind.values:
        raise ValidationError({"kind": _("请选择有效的通知类型。")})
    _check_date(on, "on")
    if kind == NoticeKind.START_DEADLINE:
        if lead.stage not in SIGNED_OR_LATER or lead.stage in STARTED_OR_LATER:
            raise ValidationError({"kind": _("限期开工通知书只发给已签约尚未开工的项目。")})
        due = selectors.notice_due_date(lead)
        if on < due:
            raise ValidationError(
                {
                    "kind": _("约定开工日期后满 %(months)s 个月（%(date)s）仍未开工，方可发出限期开工通知书。")
                    % {"date": due.isoformat(), "months": rules()["start_grace_months"]}
                }
            )
        if deadline is None or deadline <= on:
            raise ValidationError({"deadline": _("请填写晚于发出日期的开工限期。")})
    elif lead.stage != LeadStage.EXITED:
        raise ValidationError({"kind": _("项目退出通知书在线索退出后发出。")})
    notice = LeadNotice.objects.create(
        lead=lead, kind=kind, issued_on=on, deadline=deadline, content=(content or "").strip(), issued_by=actor
    )
    _record(actor=actor, action=ChangeAction.CREATE, instance=notice, before=None, lead=lead)
    return notice


# --- investor contacts (personal data) ------------------------------------------------

CONTACT_FIELDS = ("name", "position", "phone", "email")


def _contact_save(*, actor, lead, contact: InvestorContact, fields: dict) -> InvestorContact:
    unknown = sorted(set(fields) - set(CONTACT_FIELDS))
    if unknown:
        raise ValidationError({name: _("不支持该字段。") for name in unknown})
    before = snapshot(contact) if contact.pk else None
    for name, value in fields.items():
        setattr(contact, name, (value or "").strip())
    if not contact.name:
        raise ValidationError({"name": _("请填写联系人姓名。")})
    phone = contact.phone.replace("-", "").replace(" ", "")
    if contact.phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        raise ValidationError({"phone": _("联系电话应为 7—12 位数字（可含“-”）。")})
    contact.full_clean()
    contact.save()
    _record(
        actor=actor,
        action=ChangeAction.UPDATE if before else ChangeAction.CREATE,
        instance=contact,
        before=before,
        lead=lead,
    )
    return contact


@transaction.atomic
def contact_add(*, actor: User, lead_id: int, fields: dict) -> InvestorContact:
    lead = _lock(actor=actor, lead_id=lead_id)
    return _contact_save(actor=actor, lead=lead, contact=InvestorContact(lead=lead), fields=fields)


@transaction.atomic
def contact_delete(*, actor: User, lead_id: int, contact_id: int) -> None:
    lead = _lock(actor=actor, lead_id=lead_id)
    contact = lead.contacts.filter(pk=contact_id).first()
    if contact is None:
        raise ValidationError({"contact": _("联系人不存在。")})
    before = snapshot(contact)
    _record(actor=actor, action=ChangeAction.DELETE, instance=contact, before=before, lead=lead)
    contact.delete()


# --- supervision of signed leads --------------------------------------------------------


@transaction.atomic
def lead_supervise(
    *,
    actor: User,
    lead_id: int,
    meeting_id: int,
    decision: str,
    owner: Organisation,
    deadline: datetime.date,
    owner_person=None,
) -> object:
    """签约项目跟踪督办: a decision of a meeting about a signed lead, tracked as a supervised
    action (apps/problems) with its owner and deadline; linked to the lead's project once
    it has one."""
    from apps.problems import services as problem_services

    lead = _lock(actor=actor, lead_id=lead_id)
    if lead.stage not in SIGNED_OR_LATER or lead.stage in FINAL_STAGES:
        raise ValidationError({"decision": _("跟踪督办适用于已签约、尚未达产或退出的项目。")})
    projects = [lead.project] if lead.project_id else []
    action = problem_services.decision_record(
        actor=actor,
        meeting_id=meeting_id,
        decision=decision,
        owner=owner,
        deadline=deadline,
        owner_person=owner_person,
        projects=projects,
    )
    before = snapshot(lead)
    lead.supervised_actions.add(action)
    _record(actor=actor, action=ChangeAction.UPDATE, instance=lead, before=before)
    return action


# --- reminders ------------------------------------------------------------------------------


def lead_reminders_send(*, today: datetime.date | None = None) -> int:
    """站内提醒 for every lead with a deadline missed (逾期, 应发限期通知, 应启动退出): to the
    attraction unit's department users and the landing county's users. The same unread
    reminder is not sent twice. Returns the number of reminders written (a job: issue 13
    runs it on Celery; `manage.py remind_leads` runs it by hand)."""
    from django.db.models import Q
    from django.urls import reverse

    from apps.reporting.models import Reminder

    from . import selectors

    context = selectors.LateContext(today)
    leads = selectors.with_lateness(
        selectors.with_lateness_relations(InvestmentLead.objects.exclude(stage__in=FINAL_STAGES)), context
    )
    late = [lead for lead in leads if lead.late_status in ("late", "notice_due", "exit_due")]
    if not late:
        return 0
    users = list(
        User.objects.filter(is_active=True)
        .filter(
            Q(role=Role.DEPARTMENT_USER, organisation_id__in={lead.attraction_unit_id for lead in late})
            | Q(role=Role.COUNTY_USER, region__isnull=False)
        )
        .select_related("region")
    )
    wanted = []
    for lead in late:
        problems = "；".join(c.message for c in lead.lateness if c.status in ("late", "notice_due", "exit_due"))
        message = f"招商线索“{lead.name}”{lead.late_status_label}：{problems}"[:300]
        link = reverse("attraction:detail", args=[lead.pk])
        for user in users:
            if user.organisation_id == lead.attraction_unit_id or (
                user.role == Role.COUNTY_USER and user.region.contains(lead.region)
            ):
                wanted.append((user.pk, message, link))
    waiting = set(
        Reminder.objects.filter(
            user_id__in={pk for pk, _m, _l in wanted}, read_at__isnull=True, link__startswith="/attraction/"
        ).values_list("user_id", "message")
    )
    created = Reminder.objects.bulk_create(
        [
            Reminder(user_id=pk, message=message, link=link)
            for pk, message, link in wanted
            if (pk, message) not in waiting
        ]
    )
    return len(created)
