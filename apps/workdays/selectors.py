"""Reads of the calendar's own data, taking the acting user like every selector."""

from dataclasses import dataclass

from .calendar import PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR
from .models import CalendarYear, WorkdayOverride


@dataclass(frozen=True)
class Coverage:
    package_first: int
    package_last: int
    entered: list  # CalendarYear


def override_list(*, user, year: int | None = None):
    queryset = WorkdayOverride.objects.restrict(user)
    if year is not None:
        queryset = queryset.filter(date__year=year)
    return queryset.order_by("date")


def calendar_year_list(*, user):
    return CalendarYear.objects.restrict(user).order_by("year")


def coverage(*, user) -> Coverage:
    return Coverage(PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR, list(calendar_year_list(user=user)))


def can_change(*, user) -> bool:
    from apps.accounts.models import Role

    return user.is_authenticated and user.role == Role.CITY_ADMIN
