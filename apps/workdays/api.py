"""Working-day endpoints (/api/v1/workdays): arithmetic for other systems, and the override
table. A date without calendar data answers 422 with the Chinese message naming it."""

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from apps.projects.schemas import ErrorOut

from . import selectors, services
from .schemas import (
    AddOut,
    BetweenOut,
    CalendarYearIn,
    CalendarYearOut,
    CoverageOut,
    DayOut,
    OverrideIn,
    OverrideOut,
)

router = Router(tags=["工作日历"])

READ_ERRORS = {401: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
MAX_DAYS = 800


@router.get("/add", response={200: AddOut, **READ_ERRORS}, summary="第 n 个工作日")
def add(request: HttpRequest, start: datetime.date, n: int):
    return {"start": start, "n": n, "date": services.workdays_add(start, n)}


@router.get("/between", response={200: BetweenOut, **READ_ERRORS}, summary="间隔工作日数")
def between(request: HttpRequest, start: datetime.date, end: datetime.date):
    return {"start": start, "end": end, "workdays": services.workdays_between(start, end)}


@router.get("/days", response={200: list[DayOut], **READ_ERRORS}, summary="逐日是否上班")
def days(request: HttpRequest, start: datetime.date, end: datetime.date):
    """At most 800 days."""
    if end < start or (end - start).days >= MAX_DAYS:
        raise ValidationError({"end": _("截止日期应不早于起始日期，且区间不超过 %(n)s 天。") % {"n": MAX_DAYS}})
    calendar = services.WorkCalendar.load()
    span = (end - start).days + 1
    dates = [start + datetime.timedelta(days=i) for i in range(span)]
    return [{"date": day, "is_workday": calendar.is_workday(day)} for day in dates]


@router.get("/coverage", response={200: CoverageOut, **READ_ERRORS}, summary="数据范围")
def coverage(request: HttpRequest):
    c = selectors.coverage(user=request.auth)
    return {"package_first": c.package_first, "package_last": c.package_last, "entered": c.entered}


@router.get("/overrides", response={200: list[OverrideOut], **READ_ERRORS}, summary="工作日调整列表")
def override_list(request: HttpRequest, year: Annotated[int | None, Query(ge=1900, le=2100)] = None):
    return list(selectors.override_list(user=request.auth, year=year))


@router.post("/overrides", response={201: OverrideOut, **WRITE_ERRORS}, summary="录入工作日调整")
def override_save(request: HttpRequest, payload: OverrideIn):
    """City administrator only. Saving a date again replaces it."""
    return Status(201, services.override_save(actor=request.auth, **payload.model_dump()))


@router.delete(
    "/overrides/{override_id}", response={204: None, **WRITE_ERRORS, 404: ErrorOut}, summary="删除工作日调整"
)
def override_delete(request: HttpRequest, override_id: int):
    if not selectors.can_change(user=request.auth):
        raise PermissionDenied(_("只有市发改委管理员可以维护工作日历。"))
    if not selectors.override_list(user=request.auth).filter(pk=override_id).exists():
        raise Http404
    services.override_delete(actor=request.auth, override_id=override_id)
    return Status(204, None)


@router.get("/years", response={200: list[CalendarYearOut], **READ_ERRORS}, summary="已录入年度")
def year_list(request: HttpRequest):
    return list(selectors.calendar_year_list(user=request.auth))


@router.post("/years", response={201: CalendarYearOut, **WRITE_ERRORS}, summary="标记年度已录入")
def year_save(request: HttpRequest, payload: CalendarYearIn):
    """City administrator only: the year's days without an override then follow the week."""
    return Status(201, services.calendar_year_save(actor=request.auth, **payload.model_dump()))
