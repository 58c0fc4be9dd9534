"""Working-day arithmetic against dates counted by hand on the official calendars.

2025 Spring Festival: off 28 Jan – 4 Feb, make-up working days Sun 26 Jan and Sat 8 Feb.
2025 National Day: off 1–8 Oct, make-up Sun 28 Sep and Sat 11 Oct.
2026 Spring Festival: off 15–23 Feb, make-up Sat 14 Feb and Sat 28 Feb.
2026 Mid-Autumn and National Day: off 25–27 Sep and 1–7 Oct, make-up Sun 20 Sep and Sat 10 Oct.
"""

import datetime

import pytest

from apps.workdays.calendar import WorkCalendar
from apps.workdays.models import CalendarYear, WorkdayOverride
from apps.workdays.services import WorkdayDataMissing, is_workday, workdays_add, workdays_between

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2026, 2, 12), 3, D(2026, 2, 24)),  # Fri 13, make-up Sat 14, then Tue 24 after the holiday
        (D(2026, 2, 24), -3, D(2026, 2, 12)),  # the same span backwards
        (D(2026, 2, 26), 2, D(2026, 2, 28)),  # Fri 27, make-up Sat 28
        (D(2025, 1, 24), 1, D(2025, 1, 26)),  # make-up Sunday 26 Jan
        (D(2025, 1, 24), 2, D(2025, 1, 27)),
        (D(2025, 1, 27), 1, D(2025, 2, 5)),  # 28 Jan – 4 Feb off
        (D(2025, 9, 26), 2, D(2025, 9, 29)),  # make-up Sun 28 Sep, then Mon 29
        (D(2025, 9, 30), 1, D(2025, 10, 9)),  # 1–8 Oct off
        (D(2025, 9, 30), 3, D(2025, 10, 11)),  # Thu 9, Fri 10, make-up Sat 11
        (D(2026, 9, 21), 5, D(2026, 9, 29)),  # Tue–Thu, 25–27 Sep off, Mon 28, Tue 29
        (D(2026, 9, 21), 0, D(2026, 9, 21)),
    ],
)
def test_add_over_holidays_and_make_up_days(start, n, expected):
    assert workdays_add(start, n) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (D(2026, 2, 13), D(2026, 3, 2), 7),  # 14, 24, 25, 26, 27, 28 (make-up), 2 Mar
        (D(2025, 1, 27), D(2025, 2, 10), 5),  # 5, 6, 7, 8 (make-up), 10 Feb
        (D(2025, 9, 26), D(2025, 10, 12), 6),  # 28 Sep (make-up), 29, 30 Sep; 9, 10, 11 Oct (make-up)
        (D(2026, 2, 13), D(2026, 2, 13), 0),
        (D(2026, 3, 2), D(2026, 2, 13), -7),
        (D(2025, 12, 30), D(2026, 1, 5), 3),  # 31 Dec, (1–3 Jan off), make-up Sun 4 Jan, Mon 5
    ],
)
def test_between_counts_days_after_a_up_to_b(a, b, expected):
    assert workdays_between(a, b) == expected


def test_a_2027_date_present_only_in_the_override_table():
    WorkdayOverride.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦")
    WorkdayOverride.objects.create(date=D(2027, 1, 2), is_workday=False, name="周末")
    WorkdayOverride.objects.create(date=D(2027, 1, 3), is_workday=False, name="周末")
    WorkdayOverride.objects.create(date=D(2027, 1, 4), is_workday=True, name="上班")
    # Thu 31 Dec 2026 is a working day in the package; 1–3 Jan 2027 are off by the table.
    assert workdays_add(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert workdays_between(D(2026, 12, 30), D(2027, 1, 4)) == 2
    assert is_workday(D(2027, 1, 4)) is True


def test_a_date_with_no_data_is_an_error_naming_it():
    WorkdayOverride.objects.create(date=D(2027, 1, 4), is_workday=True, name="上班")
    with pytest.raises(WorkdayDataMissing) as error:
        workdays_add(D(2026, 12, 31), 1)  # 1 Jan 2027: no override, year not entered
    assert error.value.date == D(2027, 1, 1)
    assert "2027-01-01" in error.value.messages[0]
    assert "2027 年" in error.value.messages[0]
    with pytest.raises(WorkdayDataMissing):
        workdays_between(D(2026, 12, 30), D(2027, 1, 6))
    with pytest.raises(WorkdayDataMissing):
        is_workday(D(2003, 6, 2))  # before the package's first year


def test_an_entered_year_follows_the_week_where_not_overridden():
    CalendarYear.objects.create(year=2027, source="测试")
    WorkdayOverride.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦")
    # 1 Jan (Fri) off by the table; 4–8 Jan Mon–Fri; 9–10 weekend; 11 Jan the fifth after 4 Jan.
    assert workdays_add(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert workdays_add(D(2027, 1, 4), 5) == D(2027, 1, 11)
    assert workdays_between(D(2026, 12, 31), D(2027, 1, 11)) == 6


def test_an_override_wins_over_the_package():
    WorkdayOverride.objects.create(date=D(2026, 3, 2), is_workday=False, name="本地调整")
    # after make-up Sat 28 Feb: Sun 1 Mar off, Mon 2 Mar off by the table, Tue 3 Mar
    assert workdays_add(D(2026, 2, 28), 1) == D(2026, 3, 3)


def test_one_loaded_calendar_answers_many_questions_without_queries(django_assert_num_queries):
    with django_assert_num_queries(2):
        calendar = WorkCalendar.load()
    with django_assert_num_queries(0):
        assert calendar.between(D(2026, 2, 13), D(2026, 3, 2)) == 7
        assert calendar.add(D(2025, 9, 30), 3) == D(2025, 10, 11)
