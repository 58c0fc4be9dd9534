"""The working-day service other apps use, and the writes of the calendar's own data.

Reads: `workdays_add(start, n)`, `workdays_between(a, b)`, `is_workday(day)`; each raises
WorkdayDataMissing (a ValidationError with a Chinese message) for a date without data. Pass
`calendar=` (a loaded WorkCalendar) when asking many times in one request.

Writes (city administrator only) run in one transaction and write their change record.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.audit.models import ChangeAction
from apps.audit.services import change_record_write, snapshot

from .calendar import WorkCalendar, WorkdayDataMissing
from .models import CalendarYear, WorkdayOverride

__all__ = [
    "WorkCalendar",
    "WorkdayDataMissing",
    "calendar_year_delete",
    "calendar_year_save",
    "is_workday",
    "override_delete",
    "override_save",
    "workdays_add",
    "workdays_between",
]


def is_workday(day: datetime.date, *, calendar: WorkCalendar | None = None) -> bool:
    return (calendar or WorkCalendar.load()).is_workday(day)


def workdays_add(start: datetime.date, n: int, *, calendar: WorkCalendar | None = None) -> datetime.date:
    """The n-th working day after `start` (counting starts the next day; n may be negative)."""
    return (calendar or WorkCalendar.load()).add(start, n)


def workdays_between(a: datetime.date, b: datetime.date, *, calendar: WorkCalendar | None = None) -> int:
    """Working days after `a` up to and including `b` (negative when b is before a)."""
    return (calendar or WorkCalendar.load()).between(a, b)


def _check_admin(actor: User) -> None:
    if actor.role != Role.CITY_ADMIN:
        raise PermissionDenied(_("只有市发改委管理员可以维护工作日历。"))


@transaction.atomic
def override_save(*, actor: User, date: datetime.date, is_workday: bool, name: str) -> WorkdayOverride:
    """Declare `date` a holiday or a make-up working day; saving a date again replaces it."""
    _check_admin(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写说明（如：春节、国庆节调休）。")})
    override = WorkdayOverride.objects.select_for_update().filter(date=date).first()
    before = snapshot(override) if override else None
    override = override or WorkdayOverride(date=date)
    override.is_workday = is_workday
    override.name = name
    return _save_recorded(actor=actor, instance=override, before=before)


def _save_recorded(*, actor: User, instance, before: dict | None):
    """Validate, save and record a calendar row (created when there was no `before`)."""
    instance.full_clean()
    instance.save()
    change_record_write(
        actor=actor,
        action=ChangeAction.UPDATE if before else ChangeAction.CREATE,
        instance=instance,
        before=before,
        after=snapshot(instance),
    )
    return instance


@transaction.atomic
def override_delete(*, actor: User, override_id: int) -> None:
    _check_admin(actor)
    override = WorkdayOverride.objects.select_for_update().filter(pk=override_id).first()
    if override is None:
        raise ValidationError({"__all__": _("该调整不存在。")})
    change_record_write(
        actor=actor, action=ChangeAction.DELETE, instance=override, before=snapshot(override), after=None
    )
    override.delete()


@transaction.atomic
def calendar_year_save(*, actor: User, year: int, source: str = "") -> CalendarYear:
    """Mark `year` entered: its days without an override follow the week."""
    _check_admin(actor)
    entry = CalendarYear.objects.select_for_update().filter(year=year).first()
    before = snapshot(entry) if entry else None
    entry = entry or CalendarYear(year=year)
    entry.source = (source or "").strip()
    return _save_recorded(actor=actor, instance=entry, before=before)


@transaction.atomic
def calendar_year_delete(*, actor: User, year_id: int) -> None:
    _check_admin(actor)
    entry = CalendarYear.objects.select_for_update().filter(pk=year_id).first()
    if entry is None:
        raise ValidationError({"__all__": _("该年度不存在。")})
    change_record_write(actor=actor, action=ChangeAction.DELETE, instance=entry, before=snapshot(entry), after=None)
    entry.delete()
