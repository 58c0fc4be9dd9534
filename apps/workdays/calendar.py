"""The working-day calendar: chinesecalendar for official holidays and make-up working days
(调休), overridden by the administrator's table; a date known to neither is an error, never a
guess.

A date is known when it has an override, or its year is in the package's data, or its year
was entered (CalendarYear: then the days without an override follow the week).

Counting convention (as the commitment time limits count, 受理次日起算): `add(start, n)` is
the n-th working day after `start` (n = 0 gives `start`; a negative n counts backwards), and
`between(a, b)` counts the working days after `a` up to and including `b`, so
`between(a, add(a, n)) == n`.
"""

import datetime
from itertools import accumulate

import chinese_calendar
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The package's years, read from its data so that an upgrade widens them by itself.
PACKAGE_FIRST_YEAR = min(chinese_calendar.holidays).year
PACKAGE_LAST_YEAR = max(chinese_calendar.holidays).year


class WorkdayDataMissing(ValidationError):
    """No calendar data for `date`: the administrator must enter its year or the date."""

    def __init__(self, date: datetime.date):
        self.date = date
        super().__init__(
            _(
                "没有 %(date)s 的工作日数据：节假日数据包只含 %(first)s—%(last)s 年，"
                "请市发改委管理员在“工作日历”中录入 %(year)s 年的节假日安排或该日期。"
            )
            % {"date": date.isoformat(), "first": PACKAGE_FIRST_YEAR, "last": PACKAGE_LAST_YEAR, "year": date.year},
            code="workday_data_missing",
        )


class WorkCalendar:
    """One snapshot of the calendar: load it once per request or command and ask it many times."""

    def __init__(self, *, overrides: dict[datetime.date, bool], entered_years: set[int]):
        self.overrides = overrides
        self.entered_years = entered_years
        self._years: dict[int, tuple[list, list, list]] = {}
        # add() answers by (start, n): many deadlines share their start and offset (a snapshot
        # never changes, so an answer stays right; a missing day is raised again, not kept).
        self._added: dict[tuple[datetime.date, int], datetime.date] = {}

    @classmethod
    def load(cls) -> "WorkCalendar":
        from .models import CalendarYear, WorkdayOverride

        return cls(
            overrides=dict(WorkdayOverride.objects.values_list("date", "is_workday")),
            entered_years=set(CalendarYear.objects.values_list("year", flat=True)),
        )

    def _flag(self, day: datetime.date) -> bool | None:
        if day in self.overrides:
            return self.overrides[day]
        if PACKAGE_FIRST_YEAR <= day.year <= PACKAGE_LAST_YEAR:
            return chinese_calendar.is_workday(day)
        if day.year in self.entered_years:
            return day.weekday() < 5
        return None

    def _year(self, year: int):
        """(flags, working days up to each day, unknown days up to each day), index 0 = 1 January."""
        if year not in self._years:
            first = datetime.date(year, 1, 1)
            days = (datetime.date(year + 1, 1, 1) - first).days
            flags = [self._flag(first + datetime.timedelta(days=i)) for i in range(days)]
            self._years[year] = (
                flags,
                list(accumulate(1 if flag else 0 for flag in flags)),
                list(accumulate(1 if flag is None else 0 for flag in flags)),
            )
        return self._years[year]

    def is_workday(self, day: datetime.date) -> bool:
        flag = self._year(day.year)[0][day.timetuple().tm_yday - 1]
        if flag is None:
            raise WorkdayDataMissing(day)
        return flag

    def add(self, start: datetime.date, n: int) -> datetime.date:
        key = (start, n)
        if key not in self._added:
            self._added[key] = self._add(start, n)
        return self._added[key]

    def _add(self, start: datetime.date, n: int) -> datetime.date:
        step = datetime.timedelta(days=1 if n >= 0 else -1)
        day, left = start, abs(n)
        while left:
            day += step
            if self.is_workday(day):
                left -= 1
        return day

    def _upto(self, day: datetime.date) -> tuple[int, int]:
        """(working days, unknown days) from the first year asked about to `day`, per year."""
        _flags, work, unknown = self._year(day.year)
        index = day.timetuple().tm_yday - 1
        return work[index], unknown[index]

    def between(self, a: datetime.date, b: datetime.date) -> int:
        if b < a:
            return -self.between(b, a)
        work = unknown = 0
        for year in range(a.year, b.year + 1):
            _flags, year_work, year_unknown = self._year(year)
            work += year_work[-1]
            unknown += year_unknown[-1]
        # Take away what lies up to `a` and after `b`.
        a_work, a_unknown = self._upto(a)
        b_work, b_unknown = self._upto(b)
        _flags, last_work, last_unknown = self._year(b.year)
        work -= a_work + (last_work[-1] - b_work)
        unknown -= a_unknown + (last_unknown[-1] - b_unknown)
        if unknown:
            day = a
            while True:
                day += datetime.timedelta(days=1)
                self.is_workday(day)  # raises on the first unknown day
        return work
