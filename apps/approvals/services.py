"""Writes of approvals and factor support.

Each function is keyword-only and runs in one transaction; it checks the actor's scope
(apps.approvals.models.item_scope_q), validates before saving and writes its change record
with the project's id (so the project's history shows it).

Decisions where the rules are silent:
- The clock starts on acceptance: the due date is the committed number of working days after
  the acceptance date (受理次日起算, apps.workdays). An item accepted with gaps (容缺受理) keeps
  that due date when its documents are supplemented.
- Deemed approval (视为同意) applies only to items the department accepted in full: an item still
  waiting for supplementary documents is overdue but not deemed approved, since the delay may be
  the applicant's. It is dated the day after the due date (the limit ends with the due date),
  whenever the clock notices it.
- A date the calendar has no data for never becomes a guess: acceptance is recorded, the due
  date stays empty, the caller shows the calendar's error, and `commitment_clock_run` fills the
  due date once the administrator has entered the year.
- A serial item (with prerequisites on the checklist) is submitted only once they are approved
  or deemed approved; an intake routes all its items at once and refuses the set if one waits.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.audit.models import ChangeAction
from apps.audit.services import change_record_write, snapshot
from apps.core.exceptions import ConcurrentEditError
from apps.projects.models import Project
from apps.reporting.models import Reminder
from apps.workdays.services import WorkCalendar, WorkdayDataMissing

from .models import (
    CLOCK_STATUSES,
    DONE_STATUSES,
    OPEN_STATUSES,
    ApprovalItem,
    ApprovalItemType,
    ApprovalSettings,
    Establishment,
    FactorNeed,
    Intake,
    ItemStatus,
)

CHECKLIST_MANAGERS = frozenset({Role.CITY_ADMIN, Role.COUNTY_USER})
# What managing the checklist may change on an item; the steps belong to applicant and department.
MANAGED_FIELDS = (
    "department",
    "committed_workdays",
    "commitment_applies",
    "planned_start_date",
    "planned_end_date",
    "depends_on",
)
FACTOR_FIELDS = ("kind", "quantity", "secured_quantity", "description", "department", "status", "needed_by")
# A responsible department reports progress on a factor; it does not redefine the need.
FACTOR_DEPARTMENT_FIELDS = frozenset({"secured_quantity", "status", "description"})
PROJECT_CODE_ESTABLISHMENT = {
    "01": Establishment.APPROVAL,
    "02": Establishment.RATIFICATION,
    "03": Establishment.FILING,
}


@dataclass
class Outcome:
    """What a write did, and a calendar problem the page must show (never hidden)."""

    items: list = field(default_factory=list)
    calendar_error: str | None = None


def establishment_of(project: Project) -> str:
    """审批/核准/备案: segment 4 of the project code; without one, government projects are
    approved (审批) and the others filed (备案)."""
    if project.project_code:
        kind = PROJECT_CODE_ESTABLISHMENT.get(project.project_code.split("-")[3])
        if kind:
            return kind
    return Establishment.APPROVAL if project.investor_type == "government" else Establishment.FILING


def item_type_applies(item_type: ApprovalItemType, project: Project) -> bool:
    return (
        item_type.is_active
        and (not item_type.establishment or item_type.establishment == establishment_of(project))
        and (not item_type.investor_types or project.investor_type in item_type.investor_types)
        and (not item_type.categories or project.category in item_type.categories)
    )


def _record(*, actor, action, instance, before, project_id):
    return change_record_write(
        actor=actor,
        action=action,
        instance=instance,
        before=before,
        after=snapshot(instance) if action != ChangeAction.DELETE else None,
        project_id=project_id,
    )


def _check_version(item, expected_version: int | None) -> None:
    if expected_version is not None and item.version != expected_version:
        raise ConcurrentEditError(current=item.version, expected=expected_version)


def _lock_item(*, actor: User, item_id: int, action: str) -> ApprovalItem:
    item = (
        ApprovalItem.objects.restrict(actor, action)
        .select_for_update(of=("self",))
        .select_related("project", "item_type", "department")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        messages = {
            "manage": _("您无权修改该项目的审批清单。"),
            "apply": _("您无权为该项目申报审批事项。"),
            "handle": _("该事项不由您的部门办理。"),
        }
        raise PermissionDenied(messages[action])
    return item


def _save(*, actor, item: ApprovalItem, before: dict) -> ApprovalItem:
    item.full_clean()
    item.version += 1
    item.save()
    _record(actor=actor, action=ChangeAction.UPDATE, instance=item, before=before, project_id=item.project_id)
    return item


def _not_future(day: datetime.date | None, name: str, label: str) -> None:
    if day and day > timezone.localdate():
        raise ValidationError({name: _("%(label)s不能晚于今天。") % {"label": label}})


def _require(value, name: str, label: str):
    if value in (None, ""):
        raise ValidationError({name: _("请填写%(label)s。") % {"label": label}})
    return value


def _item_link(item) -> str:
    return reverse("approvals:item", args=[item.pk])


def _department_users(department_id) -> list[int]:
    if department_id is None:
        return []
    return list(
        User.objects.filter(role=Role.DEPARTMENT_USER, organisation_id=department_id, is_active=True).values_list(
            "pk", flat=True
        )
    )


def _notify(*, users, message: str, link: str) -> int:
    """One reminder per user and message; the same reminder is never sent twice."""
    message = message[:300]
    sent = set(Reminder.objects.filter(user_id__in=users, message=message, link=link).values_list("user_id", flat=True))
    created = Reminder.objects.bulk_create(
        [Reminder(user_id=pk, message=message, link=link) for pk in sorted(set(users) - sent)]
    )
    return len(created)


# --- checklist -----------------------------------------------------------------------------


def _project_for_checklist(*, actor: User, project_id: int) -> Project:
    if actor.role not in CHECKLIST_MANAGERS:
        raise PermissionDenied(_("只有市发改委管理员和县区用户可以编制审批清单。"))
    project = Project.objects.restrict(actor, "change").select_for_update().filter(pk=project_id).first()
    if project is None:
        raise PermissionDenied(_("您无权修改该项目的审批清单。"))
    return project


def _plan(
    items: list[ApprovalItem], *, deps: dict, ends: dict, start: datetime.date, calendar: WorkCalendar
) -> str | None:
    """Planned dates for `items`: each starts the day after its prerequisites' planned end
    (or on `start`) and ends its committed working days later. `ends` holds the planned ends
    known so far by item id. Returns the calendar's error if a date had no data (those items
    and their successors stay unplanned)."""
    error = None
    failed: set[int] = set()
    pending = list(items)
    while pending:
        progressed, waiting = False, []
        pending_ids = {item.pk for item in pending}
        for item in pending:
            item_deps = deps[item.pk]
            if any(pk in failed for pk in item_deps):
                failed.add(item.pk)
                progressed = True
                continue
            if any(pk in pending_ids and ends.get(pk) is None for pk in item_deps):
                waiting.append(item)
                continue
            progressed = True
            begin = max([start, *(ends[pk] + datetime.timedelta(days=1) for pk in item_deps if ends.get(pk))])
            try:
                end = calendar.add(begin, item.committed_workdays)
            except WorkdayDataMissing as missing:
                error = error or missing.messages[0]
                failed.add(item.pk)
                continue
            item.planned_start_date, item.planned_end_date = begin, end
            ends[item.pk] = end
        if not progressed:  # the rest wait on unplanned items outside this set
            break
        pending = waiting
    return error


def _dependency_ids(item_type: ApprovalItemType, by_type: dict[int, ApprovalItem]) -> list[int]:
    return [by_type[t.pk].pk for t in item_type.prerequisites.all() if t.pk in by_type]


def _new_item(project: Project, item_type: ApprovalItemType) -> ApprovalItem:
    return ApprovalItem(
        project=project,
        item_type=item_type,
        department_id=item_type.authority_id,
        committed_workdays=item_type.committed_workdays,
        commitment_applies=item_type.commitment_applies,
    )


def _add_items(*, actor, project, types: list, start: datetime.date | None) -> Outcome:
    """Create items of `types` on the project's checklist, linked to the prerequisites present
    on it (both ways for items added later), planned, each with its change record."""
    existing = {item.item_type_id: item for item in ApprovalItem.objects.filter(project=project)}
    new = [_new_item(project, t) for t in types]
    for item in new:
        item.full_clean(exclude=["depends_on"])
        item.save()
    by_type = {**existing, **{item.item_type_id: item for item in new}}
    deps = {}
    for item in new:
        deps[item.pk] = _dependency_ids(item.item_type, by_type)
        item.depends_on.set(deps[item.pk])
    new_type_ids = {item.item_type_id for item in new}
    # An existing item whose catalogue prerequisite was just added now waits for it too.
    for old in existing.values():
        added = [by_type[t].pk for t in old.item_type.prerequisites.values_list("pk", flat=True) if t in new_type_ids]
        if added:
            before = snapshot(old)
            old.depends_on.add(*added)
            _record(actor=actor, action=ChangeAction.UPDATE, instance=old, before=before, project_id=project.pk)
    ends = {item.pk: item.planned_end_date for item in by_type.values()}
    error = _plan(new, deps=deps, ends=ends, start=start or timezone.localdate(), calendar=WorkCalendar.load())
    for item in new:
        if item.planned_start_date:
            item.save(update_fields=["planned_start_date", "planned_end_date"])
        _record(actor=actor, action=ChangeAction.CREATE, instance=item, before=None, project_id=project.pk)
    return Outcome(items=new, calendar_error=error)


@transaction.atomic
def checklist_generate(*, actor: User, project_id: int, start: datetime.date | None = None) -> Outcome:
    """Add the catalogue's items that fit the project (by establishment, investor type and
    category) and are not on its checklist yet, with dependencies and planned dates from
    `start` (default today). Running it again adds nothing new."""
    project = _project_for_checklist(actor=actor, project_id=project_id)
    present = set(ApprovalItem.objects.filter(project=project).values_list("item_type_id", flat=True))
    types = [
        t
        for t in ApprovalItemType.objects.prefetch_related("prerequisites").order_by("sequence", "pk")
        if t.pk not in present and item_type_applies(t, project)
    ]
    return _add_items(actor=actor, project=project, types=types, start=start)


@transaction.atomic
def item_create(*, actor: User, project_id: int, item_type_id: int) -> Outcome:
    """Add one catalogue item to the project's checklist by hand (any active type)."""
    project = _project_for_checklist(actor=actor, project_id=project_id)
    item_type = ApprovalItemType.objects.filter(pk=item_type_id, is_active=True).first()
    if item_type is None:
        raise ValidationError({"item_type": _("请选择启用的审批事项类型。")})
    if ApprovalItem.objects.filter(project=project, item_type=item_type).exists():
        raise ValidationError({"item_type": _("该项目的审批清单中已有“%(name)s”。") % {"name": item_type.name}})
    return _add_items(actor=actor, project=project, types=[item_type], start=None)


def _check_no_cycle(item: ApprovalItem, depends_on: list[ApprovalItem]) -> None:
    """Refuse prerequisites that are the item itself, of another project, or wait for it."""
    for other in depends_on:
        if other.pk == item.pk:
            raise ValidationError({"depends_on": _("事项不能以自身为前置事项。")})
        if other.project_id != item.project_id:
            raise ValidationError({"depends_on": _("前置事项须属于同一项目。")})
    through = ApprovalItem.depends_on.through
    edges: dict[int, set[int]] = {}
    for src, dst in through.objects.filter(from_approvalitem__project_id=item.project_id).values_list(
        "from_approvalitem_id", "to_approvalitem_id"
    ):
        edges.setdefault(src, set()).add(dst)
    edges[item.pk] = {other.pk for other in depends_on}
    seen, stack = set(), [other.pk for other in depends_on]
    while stack:
        current = stack.pop()
        if current == item.pk:
            raise ValidationError({"depends_on": _("前置事项形成循环等待，请调整。")})
        if current not in seen:
            seen.add(current)
            stack.extend(edges.get(current, ()))


@transaction.atomic
def item_update(*, actor: User, item_id: int, fields: dict, expected_version: int | None = None) -> Outcome:
    """Edit an item on the checklist: department, time limit, commitment rule, planned dates,
    prerequisites. A new time limit on an accepted item moves its due date."""
    item = _lock_item(actor=actor, item_id=item_id, action="manage")
    _check_version(item, expected_version)
    unknown = sorted(set(fields) - set(MANAGED_FIELDS))
    if unknown:
        raise ValidationError({name: _("不支持修改该字段。") for name in unknown})
    before = snapshot(item)
    depends_on = fields.get("depends_on")
    for name, value in fields.items():
        if name != "depends_on":
            setattr(item, name, value)
    if depends_on is not None:
        depends_on = list(depends_on)
        _check_no_cycle(item, depends_on)
    outcome = Outcome(items=[item])
    if "committed_workdays" in fields and item.accepted_on and item.status in CLOCK_STATUSES:
        outcome.calendar_error = _schedule_due(item, WorkCalendar.load())
    item.full_clean(exclude=["depends_on"])
    after = snapshot(item)
    if depends_on is not None:
        after["depends_on"] = sorted(other.pk for other in depends_on)
    if after == before:
        return outcome
    item.version += 1
    item.save()
    if depends_on is not None:
        item.depends_on.set(depends_on)
    _record(actor=actor, action=ChangeAction.UPDATE, instance=item, before=before, project_id=item.project_id)
    return outcome


@transaction.atomic
def _require_version(expected_version: int | None) -> None:
    """A delete without the version the user loaded would let the last writer win."""
    if expected_version is None:
        raise ValidationError({"version": [_("修改时必须提交编辑时加载的版本号。")]})


def item_delete(*, actor: User, item_id: int, expected_version: int | None) -> None:
    """Remove an item not yet with the department (未申报 or 已撤回) from the checklist."""
    _require_version(expected_version)
    item = _lock_item(actor=actor, item_id=item_id, action="manage")
    _check_version(item, expected_version)
    if item.status not in (ItemStatus.NOT_STARTED, ItemStatus.WITHDRAWN):
        raise ValidationError({"__all__": _("已申报的事项不能从清单中删除，可由申请人撤回。")})
    for successor in item.successors.all():
        before = snapshot(successor)
        successor.depends_on.remove(item)
        _record(actor=actor, action=ChangeAction.UPDATE, instance=successor, before=before, project_id=item.project_id)
    _record(actor=actor, action=ChangeAction.DELETE, instance=item, before=snapshot(item), project_id=item.project_id)
    item.delete()


# --- the applicant's steps -----------------------------------------------------------------


def _waiting_for(item: ApprovalItem) -> list[str]:
    return [
        str(dep.item_type) for dep in item.depends_on.select_related("item_type") if dep.status not in DONE_STATUSES
    ]


def _submit(*, actor, item: ApprovalItem, submitted_on: datetime.date, intake: Intake | None) -> None:
    if item.status not in (ItemStatus.NOT_STARTED, ItemStatus.WITHDRAWN, ItemStatus.REJECTED):
        raise ValidationError(
            {
                "__all__": _("“%(item)s”当前为%(status)s，不能申报。")
                % {"item": item.item_type, "status": item.get_status_display()}
            }
        )
    if item.department_id is None:
        raise ValidationError({"department": _("“%(item)s”尚未指定审批部门。") % {"item": item.item_type}})
    waiting = _waiting_for(item)
    if waiting:
        raise ValidationError(
            {
                "__all__": _("“%(item)s”须待前置事项（%(waiting)s）批复后才能申报。")
                % {"item": item.item_type, "waiting": "、".join(waiting)}
            }
        )
    _not_future(submitted_on, "submitted_on", _("申报日期"))
    before = snapshot(item)
    item.status = ItemStatus.SUBMITTED
    item.submitted_on = submitted_on
    item.intake = intake
    for name in ("accepted_on", "due_date", "remind_on", "supplement_deadline", "supplemented_on", "decided_on"):
        setattr(item, name, None)
    item.missing_documents = item.document_number = item.decision_note = item.deemed_reason = ""
    _save(actor=actor, item=item, before=before)
    _notify(
        users=_department_users(item.department_id),
        message=_("新申报待受理：%(project)s · %(item)s") % {"project": item.project.name, "item": item.item_type},
        link=_item_link(item),
    )


@transaction.atomic
def item_submit(
    *, actor: User, item_id: int, submitted_on: datetime.date, expected_version: int | None = None
) -> ApprovalItem:
    """申报 one item (again after a rejection or withdrawal); its prerequisites must be done."""
    item = _lock_item(actor=actor, item_id=item_id, action="apply")
    _check_version(item, expected_version)
    _submit(actor=actor, item=item, submitted_on=_require(submitted_on, "submitted_on", _("申报日期")), intake=None)
    return item


@transaction.atomic
def intake_register(
    *,
    actor: User,
    project_id: int,
    item_ids: list[int],
    received_on: datetime.date,
    applicant: str = "",
    notes: str = "",
) -> Intake:
    """统一接件: register one application and route its items to their departments at once
    (并联). Every item must be ready (prerequisites done); otherwise nothing is registered."""
    project = Project.objects.restrict(actor, "change").filter(pk=project_id).first()
    if project is None:
        raise PermissionDenied(_("您无权为该项目申报审批事项。"))
    _require(received_on, "received_on", _("接件日期"))
    _not_future(received_on, "received_on", _("接件日期"))
    ids = sorted(set(item_ids or []))
    if not ids:
        raise ValidationError({"items": _("请选择要申报的审批事项。")})
    items = list(
        ApprovalItem.objects.restrict(actor, "apply")
        .select_for_update(of=("self",))
        .select_related("project", "item_type")
        .filter(project=project, pk__in=ids)
        .order_by("item_type__sequence", "pk")
    )
    if len(items) != len(ids):
        raise ValidationError({"items": _("所选事项不属于该项目。")})
    intake = Intake(
        project=project, received_on=received_on, applicant=applicant.strip(), notes=notes.strip(), received_by=actor
    )
    intake.full_clean()
    intake.save()
    errors = []
    for item in items:
        try:
            _submit(actor=actor, item=item, submitted_on=received_on, intake=intake)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"items": errors})
    change_record_write(
        actor=actor,
        action=ChangeAction.CREATE,
        instance=intake,
        before=None,
        after=snapshot(intake),
        project_id=project.pk,
    )
    return intake


@transaction.atomic
def item_withdraw(*, actor: User, item_id: int, expected_version: int | None = None) -> ApprovalItem:
    """撤回 an item the department has not decided yet; it stops the clock."""
    item = _lock_item(actor=actor, item_id=item_id, action="apply")
    _check_version(item, expected_version)
    if item.status not in OPEN_STATUSES:
        raise ValidationError({"__all__": _("只有办理中的事项可以撤回。")})
    before = snapshot(item)
    item.status = ItemStatus.WITHDRAWN
    item.due_date = item.remind_on = None
    return _save(actor=actor, item=item, before=before)


# --- the department's steps ----------------------------------------------------------------


def _schedule_due(item: ApprovalItem, calendar: WorkCalendar) -> str | None:
    """Due date = committed working days after acceptance; reminder some working days before.
    On missing calendar data both stay empty and the calendar's message is returned."""
    reminder = ApprovalSettings.current().reminder_workdays
    try:
        item.due_date = calendar.add(item.accepted_on, item.committed_workdays)
        item.remind_on = max(calendar.add(item.due_date, -reminder), item.accepted_on)
    except WorkdayDataMissing as missing:
        item.due_date = item.remind_on = None
        return missing.messages[0]
    return None


@transaction.atomic
def item_accept(
    *,
    actor: User,
    item_id: int,
    accepted_on: datetime.date,
    handler: str = "",
    missing_documents: str = "",
    supplement_deadline: datetime.date | None = None,
    expected_version: int | None = None,
) -> Outcome:
    """受理, or 容缺受理 when missing documents are listed (then a supplement deadline is required).
    Starts the clock."""
    item = _lock_item(actor=actor, item_id=item_id, action="handle")
    _check_version(item, expected_version)
    if item.status != ItemStatus.SUBMITTED:
        raise ValidationError({"__all__": _("只有已申报的事项可以受理。")})
    _require(accepted_on, "accepted_on", _("受理日期"))
    _not_future(accepted_on, "accepted_on", _("受理日期"))
    before = snapshot(item)
    gaps = (missing_documents or "").strip()
    item.status = ItemStatus.ACCEPTED_WITH_GAPS if gaps or supplement_deadline else ItemStatus.ACCEPTED
    item.accepted_on = accepted_on
    item.handler = (handler or "").strip()
    item.missing_documents = gaps
    item.supplement_deadline = supplement_deadline
    error = _schedule_due(item, WorkCalendar.load())
    _save(actor=actor, item=item, before=before)
    return Outcome(items=[item], calendar_error=error)


@transaction.atomic
def item_supplement(
    *, actor: User, item_id: int, supplemented_on: datetime.date, expected_version: int | None = None
) -> ApprovalItem:
    """The missing documents of an item accepted with gaps have arrived: it is accepted in full."""
    item = _lock_item(actor=actor, item_id=item_id, action="handle")
    _check_version(item, expected_version)
    if item.status != ItemStatus.ACCEPTED_WITH_GAPS:
        raise ValidationError({"__all__": _("只有容缺受理的事项需要补正材料。")})
    _require(supplemented_on, "supplemented_on", _("补正日期"))
    _not_future(supplemented_on, "supplemented_on", _("补正日期"))
    before = snapshot(item)
    item.status = ItemStatus.ACCEPTED
    item.supplemented_on = supplemented_on
    return _save(actor=actor, item=item, before=before)


@transaction.atomic
def item_decide(
    *,
    actor: User,
    item_id: int,
    approve: bool,
    decided_on: datetime.date,
    document_number: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> ApprovalItem:
    """批复 (with its document number) or 不予批准 (with the reason)."""
    item = _lock_item(actor=actor, item_id=item_id, action="handle")
    _check_version(item, expected_version)
    if item.status not in CLOCK_STATUSES:
        raise ValidationError({"__all__": _("只有已受理的事项可以办结。")})
    if approve and item.status == ItemStatus.ACCEPTED_WITH_GAPS:
        raise ValidationError({"__all__": _("容缺材料尚未补正，不能批复；请先登记补正。")})
    _require(decided_on, "decided_on", _("办结日期"))
    _not_future(decided_on, "decided_on", _("办结日期"))
    document_number, note = (document_number or "").strip(), (note or "").strip()
    if approve:
        _require(document_number, "document_number", _("批复文号"))
    else:
        _require(note, "note", _("不予批准的理由"))
    before = snapshot(item)
    item.status = ItemStatus.APPROVED if approve else ItemStatus.REJECTED
    item.decided_on = decided_on
    item.document_number = document_number
    item.decision_note = note
    item.remind_on = None
    return _save(actor=actor, item=item, before=before)


# --- the commitment clock ------------------------------------------------------------------


@dataclass
class ClockResult:
    deemed: list = field(default_factory=list)
    overdue: int = 0
    reminded: int = 0
    rescheduled: int = 0
    calendar_errors: list = field(default_factory=list)


def deemed_reason(item: ApprovalItem) -> str:
    return _("承诺时限 %(days)s 个工作日，%(due)s 到期未批复，依审批承诺制视为同意。") % {
        "days": item.committed_workdays,
        "due": item.due_date.isoformat(),
    }


@transaction.atomic
def commitment_clock_run(*, today: datetime.date | None = None, queryset=None, full: bool = True) -> ClockResult:
    """Run the commitment clock (the `approvals_tick` command; pages run the cheap part).

    1. (full) Fill due dates the calendar could not compute before.
    2. Items accepted in full, under the commitment rule and past their due date become
       deemed approved (视为同意), dated the day after the due date, with the reason in the
       change record (written by the system: no user).
    3. (full) Reminders to the handling department: due soon (from the reminder date) and overdue.
    `queryset` limits the items considered (a page passes the user's scope).
    """
    today = today or timezone.localdate()
    items = queryset if queryset is not None else ApprovalItem.objects.all()
    result = ClockResult()
    if full:
        calendar = WorkCalendar.load()
        for item in items.filter(
            status__in=CLOCK_STATUSES, accepted_on__isnull=False, due_date__isnull=True
        ).select_for_update(of=("self",)):
            before = snapshot(item)
            error = _schedule_due(item, calendar)
            if error:
                result.calendar_errors.append(error)
                continue
            _save(actor=None, item=item, before=before)
            result.rescheduled += 1
    candidates = (
        items.filter(status=ItemStatus.ACCEPTED, commitment_applies=True, due_date__lt=today)
        .select_for_update(of=("self",))
        .select_related("project", "item_type")
    )
    for item in candidates:
        before = snapshot(item)
        item.status = ItemStatus.DEEMED_APPROVED
        item.decided_on = item.due_date + datetime.timedelta(days=1)
        item.deemed_reason = deemed_reason(item)
        item.remind_on = None
        _save(actor=None, item=item, before=before)
        result.deemed.append(item)
        _notify(
            users=_department_users(item.department_id),
            message=_("视为同意：%(project)s · %(item)s 超过承诺时限（%(due)s 到期）未批复，已按审批承诺制视为同意。")
            % {"project": item.project.name, "item": item.item_type, "due": item.due_date.isoformat()},
            link=_item_link(item),
        )
    if full:
        overdue = items.filter(status__in=CLOCK_STATUSES, due_date__lt=today).select_related("project", "item_type")
        result.overdue = overdue.count()
        for item in overdue:
            result.reminded += _notify(
                users=_department_users(item.department_id),
                message=_("已超期：%(project)s · %(item)s 承诺办结日期 %(due)s，请尽快办结。")
                % {"project": item.project.name, "item": item.item_type, "due": item.due_date.isoformat()},
                link=_item_link(item),
            )
        soon = items.filter(status__in=CLOCK_STATUSES, remind_on__lte=today, due_date__gte=today).select_related(
            "project", "item_type"
        )
        for item in soon:
            result.reminded += _notify(
                users=_department_users(item.department_id),
                message=_("即将到期：%(project)s · %(item)s 承诺办结日期 %(due)s。")
                % {"project": item.project.name, "item": item.item_type, "due": item.due_date.isoformat()},
                link=_item_link(item),
            )
    return result


def commitment_clock_on_page(*, queryset) -> None:
    """The cheap part of the clock for a page or API read: deemed approvals among `queryset`
    (the user's visible items). One query when there is nothing to do, and no write
    transaction then (SQLite takes its write lock when a transaction begins)."""
    today = timezone.localdate()
    if queryset.filter(status=ItemStatus.ACCEPTED, commitment_applies=True, due_date__lt=today).exists():
        commitment_clock_run(today=today, queryset=queryset, full=False)


# --- factor needs --------------------------------------------------------------------------


def _apply_factor(need: FactorNeed, fields: dict) -> None:
    unknown = sorted(set(fields) - set(FACTOR_FIELDS))
    if unknown:
        raise ValidationError({name: _("不支持修改该字段。") for name in unknown})
    for name, value in fields.items():
        if name == "description" and value is None:
            value = ""
        setattr(need, name, value)


@transaction.atomic
def factor_need_create(*, actor: User, project_id: int, fields: dict) -> FactorNeed:
    project = _project_for_checklist(actor=actor, project_id=project_id)
    need = FactorNeed(project=project)
    _apply_factor(need, fields)
    need.full_clean()
    need.save()
    _record(actor=actor, action=ChangeAction.CREATE, instance=need, before=None, project_id=project.pk)
    return need


@transaction.atomic
def factor_need_update(*, actor: User, need_id: int, fields: dict, expected_version: int | None = None) -> FactorNeed:
    """Managers change everything; the responsible department its progress (status, secured, note)."""
    need = FactorNeed.objects.restrict(actor, "change").select_for_update(of=("self",)).filter(pk=need_id).first()
    if need is None:
        raise PermissionDenied(_("您无权修改该要素需求。"))
    _check_version(need, expected_version)
    before = snapshot(need)
    _apply_factor(need, fields)
    after = snapshot(need)
    if after == before:
        return need
    if actor.role == Role.DEPARTMENT_USER:
        refused = {
            name: _("责任部门只能更新保障进展。")
            for name in fields
            if name not in FACTOR_DEPARTMENT_FIELDS and before.get(name) != after.get(name)
        }
        if refused:
            raise ValidationError(refused)
    need.full_clean()
    need.version += 1
    need.save()
    _record(actor=actor, action=ChangeAction.UPDATE, instance=need, before=before, project_id=need.project_id)
    return need


@transaction.atomic
def factor_need_delete(*, actor: User, need_id: int, expected_version: int | None) -> None:
    _require_version(expected_version)
    need = FactorNeed.objects.restrict(actor, "delete").select_for_update(of=("self",)).filter(pk=need_id).first()
    if need is None:
        raise PermissionDenied(_("您无权删除该要素需求。"))
    _check_version(need, expected_version)
    _record(actor=actor, action=ChangeAction.DELETE, instance=need, before=snapshot(need), project_id=need.project_id)
    need.delete()


# --- the catalogue -------------------------------------------------------------------------

ITEM_TYPE_FIELDS = ("name", "authority", "committed_workdays", "commitment_applies", "is_active", "prerequisites")


@transaction.atomic
def item_type_update(*, actor: User, item_type_id: int, fields: dict) -> ApprovalItemType:
    """The city administrator edits a catalogue entry (existing checklists keep their copies)."""
    item_type = ApprovalItemType.objects.restrict(actor, "change").select_for_update().filter(pk=item_type_id).first()
    if item_type is None:
        raise PermissionDenied(_("只有市发改委管理员可以维护审批事项目录。"))
    unknown = sorted(set(fields) - set(ITEM_TYPE_FIELDS))
    if unknown:
        raise ValidationError({name: _("不支持修改该字段。") for name in unknown})
    before = snapshot(item_type)
    prerequisites = fields.get("prerequisites")
    for name, value in fields.items():
        if name != "prerequisites":
            setattr(item_type, name, value)
    item_type.full_clean(exclude=["prerequisites"])
    item_type.save()
    if prerequisites is not None:
        if any(p.pk == item_type.pk for p in prerequisites):
            raise ValidationError({"prerequisites": _("事项不能以自身为前置事项。")})
        item_type.prerequisites.set(prerequisites)
    change_record_write(
        actor=actor, action=ChangeAction.UPDATE, instance=item_type, before=before, after=snapshot(item_type)
    )
    return item_type
