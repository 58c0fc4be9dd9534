"""Writes of funding records, disbursements and upper-level funding applications.

Keyword-only, one transaction each; scope checked on the locked row, validation before
save, a change record (with the project's id) in the same transaction.

Decisions where the rules are silent:
- A funding record is saved whole (both sides, every row); it is refused while either side
  breaks the FAI form's sum checks, naming the rows.
- Only the finance bureau of the project's region enters disbursements; cumulative paid may
  not exceed cumulative released for the same source.
- An application moves one step at a time (APPLICATION_STEPS); amounts cannot exceed the
  step before (released ≤ approved, spent ≤ released).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.models import ChangeAction
from apps.audit.services import change_record_write, snapshot
from apps.core.exceptions import check_version
from apps.projects.models import Project
from apps.regions.models import Organisation, OrganisationKind

from .models import (
    AMOUNT_FIELDS,
    APPLICATION_STEPS,
    FAI_CODES,
    GOVERNMENT_SOURCES,
    ApplicationStatus,
    Disbursement,
    FundingApplication,
    FundingRecord,
    Programme,
)
from .rules import fai_sum_errors

MIN_YEAR, MAX_YEAR = 2000, 2100
RECORD_FIELDS = (*AMOUNT_FIELDS, "is_ppp", "ppp_mode", "reits_candidate", "gap", "gap_arranged", "gap_note")
APPLICATION_FIELDS = ("programme", "year", "batch", "responsible_department", "deadline", "requested", "note")


def record_change(*, actor, action, instance, before, project_id):
    """The change record of a write (a deletion records no "after")."""
    after = None if action == ChangeAction.DELETE else snapshot(instance)
    change_record_write(
        actor=actor, action=action, instance=instance, before=before, after=after, project_id=project_id
    )


_record = record_change


def _project(actor, project_id: int, action: str) -> Project:
    """The project if the actor may act on its funding; 404-like refusal otherwise."""
    from .models import funding_scope_q

    q = funding_scope_q(actor, action)
    project = Project.objects.filter(q).filter(pk=project_id).first() if q is not None else None
    if project is None:
        raise PermissionDenied(_("您无权修改该项目的资金信息。"))
    return project


def _check_year(year, errors: dict) -> None:
    if year is None or not MIN_YEAR <= int(year) <= MAX_YEAR:
        errors["year"] = _("年度应在 %(min)s 到 %(max)s 之间。") % {"min": MIN_YEAR, "max": MAX_YEAR}


def field_errors(instance, exclude=()) -> dict[str, str]:
    """The model's own field checks (digits, places, choices, non-negative), first message each."""
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return {field: messages[0] for field, messages in error.message_dict.items()}
    return {}


def _check_amounts(values: dict, names, errors: dict) -> None:
    for name in names:
        value = values.get(name)
        if value is not None and Decimal(value) < 0:
            errors[name] = _("金额不能为负数。")


# --- funding records ------------------------------------------------------------------


def funding_record_errors(record: FundingRecord) -> dict[str, str]:
    """Field errors of a record: negative amounts, the sum checks of both sides, the gap."""
    errors = field_errors(record)
    if errors:
        return errors
    for side, label in (("planned", _("计划")), ("arrived", _("到位"))):
        amounts = {code: getattr(record, f"{side}_{code}") or Decimal(0) for code in FAI_CODES}
        for error in fai_sum_errors(amounts, side=label):
            errors.setdefault(f"{side}_{error.code}", error.message)
    if record.gap_arranged and not (record.gap_note or "").strip():
        errors["gap_note"] = _("缺口已有安排的，请填写安排说明。")
    if record.gap_arranged and not record.gap:
        errors["gap_arranged"] = _("没有资金缺口时不需要安排。")
    if record.is_ppp is False and (record.ppp_mode or "").strip():
        errors["ppp_mode"] = _("非PPP项目不填运作方式。")
    return errors


@transaction.atomic
def funding_record_save(
    *, actor, project_id: int, year: int, fields: dict, expected_version: int | None
) -> FundingRecord:
    """Create or replace the project's record for the year. Replacing a saved record needs the
    version the editor loaded (None: creating only; missing when replacing: refused naming
    `version`; stale: ConcurrentEditError)."""
    unknown = sorted(set(fields) - set(RECORD_FIELDS))
    if unknown:
        raise ValidationError({name: _("不支持修改该字段。") for name in unknown})
    errors: dict = {}
    _check_year(year, errors)
    if errors:
        raise ValidationError(errors)
    project = _project(actor, project_id, "change")
    record = FundingRecord.objects.select_for_update().filter(project=project, year=year).first()
    before = snapshot(record) if record else None
    if record is None:
        record = FundingRecord(project=project, year=year)
    else:
        _check_record_version(record, expected_version)
    for name, value in fields.items():
        setattr(record, name, Decimal(0) if value is None and name in AMOUNT_FIELDS else value)
    errors = funding_record_errors(record)
    if errors:
        raise ValidationError(errors)
    if before is not None:
        record.version += 1
    record.save()
    _record(
        actor=actor,
        action=ChangeAction.UPDATE if before else ChangeAction.CREATE,
        instance=record,
        before=before,
        project_id=project.pk,
    )
    return record


def _check_record_version(record: FundingRecord, expected_version: int | None) -> None:
    """Without the version the editor loaded the last writer would win: both are refused."""
    what = _("项目“%(project)s”%(year)s年资金来源记录") % {"project": record.project.name, "year": record.year}
    check_version(record, expected_version, what=what)


@transaction.atomic
def funding_record_delete(*, actor, record_id: int, expected_version: int) -> None:
    record = FundingRecord.objects.restrict(actor, "change").select_for_update().filter(pk=record_id).first()
    if record is None:
        raise PermissionDenied(_("您无权修改该项目的资金信息。"))
    _check_record_version(record, expected_version)
    before = snapshot(record)
    change_record_write(
        actor=actor,
        action=ChangeAction.DELETE,
        instance=record,
        before=before,
        after=None,
        project_id=record.project_id,
    )
    record.delete()


# --- disbursements --------------------------------------------------------------------


@transaction.atomic
def disbursement_add(
    *,
    actor,
    project_id: int,
    source: str,
    on_date: datetime.date,
    released: Decimal,
    paid: Decimal,
    note: str = "",
) -> Disbursement:
    """A finance bureau records money released to and paid by a project."""
    project = _project(actor, project_id, "finance")
    errors: dict = {}
    if source not in GOVERNMENT_SOURCES:
        errors["source"] = _("请选择财政性资金来源。")
    if on_date is None:
        errors["on_date"] = _("请填写日期。")
    elif on_date > timezone.localdate():
        errors["on_date"] = _("日期不能晚于今天。")
    released, paid = Decimal(released or 0), Decimal(paid or 0)
    _check_amounts({"released": released, "paid": paid}, ("released", "paid"), errors)
    if not errors and released == 0 and paid == 0:
        errors["released"] = _("拨付金额和支付金额不能都为零。")
    if not errors:
        totals = (
            Disbursement.objects.select_for_update()
            .filter(project=project, source=source)
            .order_by()
            .aggregate(released=Sum("released"), paid=Sum("paid"))
        )
        total_released = (totals["released"] or 0) + released
        total_paid = (totals["paid"] or 0) + paid
        if total_paid > total_released:
            errors["paid"] = _("累计支付（%(paid)s 万元）不能超过累计拨付（%(released)s 万元）。") % {
                "paid": total_paid,
                "released": total_released,
            }
    if errors:
        raise ValidationError(errors)
    item = Disbursement(
        project=project,
        source=source,
        on_date=on_date,
        released=released,
        paid=paid,
        note=(note or "").strip(),
        entered_by=actor,
    )
    errors = field_errors(item)
    if errors:
        raise ValidationError(errors)
    item.save()
    _record(actor=actor, action=ChangeAction.CREATE, instance=item, before=None, project_id=project.pk)
    return item


@transaction.atomic
def disbursement_delete(*, actor, disbursement_id: int) -> None:
    item = Disbursement.objects.restrict(actor, "finance").select_for_update().filter(pk=disbursement_id).first()
    if item is None:
        raise PermissionDenied(_("您无权修改该拨付记录。"))
    change_record_write(
        actor=actor,
        action=ChangeAction.DELETE,
        instance=item,
        before=snapshot(item),
        after=None,
        project_id=item.project_id,
    )
    item.delete()


# --- applications (向上争取) ------------------------------------------------------------


def _validate_application(application: FundingApplication) -> None:
    errors: dict = {}
    if application.programme not in Programme.values:
        errors["programme"] = _("请选择资金渠道。")
    _check_year(application.year, errors)
    department = application.responsible_department if application.responsible_department_id else None
    if department is None:
        errors["responsible_department"] = _("请选择责任部门。")
    elif department.kind != OrganisationKind.DEPARTMENT:
        errors["responsible_department"] = _("责任部门应为政府部门。")
    for name, message in field_errors(application).items():
        errors.setdefault(name, message)
    if application.requested is None:
        errors["requested"] = _("请填写申请金额。")
    elif not errors:
        if application.released > application.approved:
            errors["released"] = _("下达金额不能超过批复金额。")
        if application.spent > application.released:
            errors["spent"] = _("支出金额不能超过下达金额。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def application_create(*, actor, project_id: int, fields: dict) -> FundingApplication:
    unknown = sorted(set(fields) - set(APPLICATION_FIELDS))
    if unknown:
        raise ValidationError({name: _("不支持修改该字段。") for name in unknown})
    project = _project(actor, project_id, "change")
    application = FundingApplication(project=project, status=ApplicationStatus.PREPARED, **fields)
    _validate_application(application)
    application.save()
    _record(actor=actor, action=ChangeAction.CREATE, instance=application, before=None, project_id=project.pk)
    return application


def _lock_application(actor, application_id: int, expected_version: int) -> FundingApplication:
    """The application locked, checked against the version the editor loaded."""
    application = (
        FundingApplication.objects.restrict(actor, "change")
        .select_for_update(of=("self",))
        .select_related("project")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise PermissionDenied(_("您无权修改该申请。"))
    what = _("项目“%(project)s”的%(programme)s申请") % {
        "project": application.project.name,
        "programme": application.get_programme_display(),
    }
    check_version(application, expected_version, what=what)
    return application


@transaction.atomic
def application_update(*, actor, application_id: int, fields: dict, expected_version: int) -> FundingApplication:
    unknown = sorted(set(fields) - set(APPLICATION_FIELDS))
    if unknown:
        raise ValidationError({name: _("不支持修改该字段。") for name in unknown})
    application = _lock_application(actor, application_id, expected_version)
    before = snapshot(application)
    for name, value in fields.items():
        setattr(application, name, value)
    _validate_application(application)
    application.version += 1
    application.save()
    _record(
        actor=actor, action=ChangeAction.UPDATE, instance=application, before=before, project_id=application.project_id
    )
    return application


@transaction.atomic
def application_step(
    *,
    actor,
    application_id: int,
    to_status: str,
    on: datetime.date | None = None,
    amount: Decimal | None = None,
    document_number: str = "",
    expected_version: int,
) -> FundingApplication:
    """Move an application one step: submitted (date), approved (amount, 文号), rejected,
    released (amount, date), spent (amount). The amount is the step's own."""
    application = _lock_application(actor, application_id, expected_version)
    if to_status not in APPLICATION_STEPS[ApplicationStatus(application.status)]:
        raise ValidationError(
            {"status": _("当前状态“%(status)s”不能直接变为该状态。") % {"status": application.get_status_display()}}
        )
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": _("日期不能晚于今天。")})
    before = snapshot(application)
    amount_field = {
        ApplicationStatus.APPROVED: "approved",
        ApplicationStatus.RELEASED: "released",
        ApplicationStatus.SPENT: "spent",
    }.get(to_status)
    if amount_field:
        if amount is None:
            raise ValidationError({"amount": _("请填写金额。")})
        setattr(application, amount_field, Decimal(amount))
    if to_status == ApplicationStatus.SUBMITTED:
        application.submitted_on = on
    elif to_status in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED):
        application.decided_on = on
        if document_number:
            application.document_number = document_number.strip()
    elif to_status == ApplicationStatus.RELEASED:
        application.released_on = on
        if document_number:
            application.document_number = document_number.strip()
    application.status = to_status
    _validate_application(application)
    application.version += 1
    application.save()
    _record(
        actor=actor, action=ChangeAction.UPDATE, instance=application, before=before, project_id=application.project_id
    )
    return application


def department_choices():
    return Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT)
