"""A date known only to the month (精度 月, stored as the month's last day) against the rules
that compare a planned start with a period. Every expected value is worked out by hand:
"planned to start in March 2026" is due at the end of March (not on 1 March), is not yet
overdue in mid-March, and a start in March is on time, not ahead of plan."""

import datetime
from decimal import Decimal

import pytest

from apps.accounts.models import Role
from apps.bulletins.periods import period_make
from apps.bulletins.snapshot import snapshot_take
from apps.lights.measures import Context, months_not_started
from apps.projects.models import DatePrecision, Project, Stage, earliest_possible_day, latest_possible_day
from apps.reporting.selectors import reporting_due_q
from apps.statistics.indicators import _conditions
from apps.statistics.tests.test_indicators import build_town
from tests import factories as f

MARCH_END = datetime.date(2026, 3, 31)


@pytest.mark.parametrize(
    ("said", "precision", "earliest", "latest"),
    [
        (datetime.date(2026, 3, 15), DatePrecision.DAY, datetime.date(2026, 3, 15), datetime.date(2026, 3, 15)),
        (datetime.date(2026, 3, 15), DatePrecision.MONTH, datetime.date(2026, 3, 1), MARCH_END),
        (datetime.date(2028, 2, 1), DatePrecision.MONTH, datetime.date(2028, 2, 1), datetime.date(2028, 2, 29)),
        (datetime.date(2026, 3, 15), DatePrecision.YEAR, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
        (datetime.date(2026, 3, 15), DatePrecision.BEFORE, datetime.date.min, datetime.date(2026, 12, 31)),
    ],
)
def test_a_dates_possible_days_by_precision(said, precision, earliest, latest):
    stored = latest_possible_day(said, precision)
    assert stored == latest
    assert earliest_possible_day(stored, precision) == earliest


@pytest.fixture
def planned_in_march(world):
    """A 前期 project planned to start "2026年3月", not started."""
    return f.ProjectFactory(
        name="三月开工项目",
        region=world.county_a,
        owner_unit=world.owner,
        stage=Stage.PRELIMINARY,
        planned_start_date=MARCH_END,
        planned_start_precision=DatePrecision.MONTH,
        planned_end_date=datetime.date(2027, 12, 31),
    )


def test_a_month_only_planned_start_is_overdue_only_after_its_month(planned_in_march):
    only = Project.objects.filter(pk=planned_in_march.pk)

    def overdue(end):
        return only.filter(_conditions(year=2026, end=end, threshold=Decimal(5000))["not_started"]).exists()

    # 应开未开: not on 1 or 15 March (the month is not over), from 31 March on.
    assert [overdue(datetime.date(2026, m, d)) for m, d in ((2, 28), (3, 1), (3, 15), (3, 31), (4, 30))] == [
        False,
        False,
        False,
        True,
        True,
    ]
    assert only.filter(_conditions(year=2026, end=MARCH_END, threshold=Decimal(5000))["planned_new"]).exists()
    # 应报项目: a 前期 project reports from the month it is planned to start in, March.
    assert not only.filter(reporting_due_q(year=2026, month=2)).exists()
    assert only.filter(reporting_due_q(year=2026, month=3)).exists()


def test_the_months_not_started_light_counts_from_the_planned_month(planned_in_march):
    def readings(month):
        context = Context(year=2026, month=month, params={}, scope={})
        return [r for r in months_not_started(context) if r.object_id == planned_in_march.pk]

    assert readings(2) == []
    # March: 1 month (the planned month itself), May: 3 (March, April, May).
    for month, months in ((3, 1), (5, 3)):
        (reading,) = readings(month)
        assert reading.values["value"] == Decimal(months)
        assert reading.template % reading.args == f"计划2026年3月开工，已连续{months}个月未开工"


def test_a_start_in_the_planned_month_is_on_time_not_ahead(world):
    """The bulletin's 提前开工 list: K2 (甲区产业园) planned "2026年3月"; started 10 March it
    is on time, started 20 February it is ahead (before the month's first day)."""
    town = build_town(world)
    admin = town.users[Role.CITY_ADMIN]
    period = period_make(kind="month", year=2026, month=6)
    Project.objects.filter(pk=town.k2.pk).update(
        planned_start_date=MARCH_END, planned_start_precision=DatePrecision.MONTH
    )

    def ahead():
        snapshot = snapshot_take(user=admin, region=town.city, period=period)
        return [row["name"] for row in snapshot["new_starts"]["ahead"]]

    Project.objects.filter(pk=town.k2.pk).update(actual_start_date=datetime.date(2026, 3, 10))
    assert "甲区产业园" not in ahead()
    Project.objects.filter(pk=town.k2.pk).update(actual_start_date=datetime.date(2026, 2, 20))
    assert "甲区产业园" in ahead()


@pytest.mark.parametrize(
    ("precision", "said"),
    [(DatePrecision.YEAR, "计划2026年内开工"), (DatePrecision.BEFORE, "计划2026年底前开工")],
)
def test_a_year_only_planned_start_is_said_by_its_year_not_an_invented_december(world, precision, said):
    """A year-only start is stored as 31 December: the light's reason and the bulletin say the
    year ("2026年内"), never "2026年12月", and the bulletin's list shows "2026年", not a day."""
    project = f.ProjectFactory(
        name="年内开工项目",
        region=world.county_a,
        owner_unit=world.owner,
        stage=Stage.PRELIMINARY,
        planned_start_date=datetime.date(2026, 12, 31),
        planned_start_precision=precision,
        planned_end_date=datetime.date(2028, 12, 31),
    )
    f.AnnualPlanFactory(project=project, year=2026)
    context = Context(year=2026, month=12, params={}, scope={})
    (reading,) = [r for r in months_not_started(context) if r.object_id == project.pk]
    assert reading.template % reading.args == f"{said}，已连续1个月未开工"

    from apps.bulletins.content import bulletin_content

    admin = world.users[Role.CITY_ADMIN]
    snapshot = snapshot_take(user=admin, region=world.city, period=period_make(kind="month", year=2026, month=12))
    (row,) = [row for row in snapshot["not_started"] if row["name"] == "年内开工项目"]
    assert row["planned_start_text"] == ("2026年" if precision == DatePrecision.YEAR else "2026年底前")
    text = "".join(block.text or "" for block in bulletin_content(snapshot, requirements="").blocks)
    assert f"年内开工项目（甲区，{said}" in text and "2026年12月开工" not in text


def test_lists_show_a_date_as_precisely_as_it_is_known(client, world):
    """The project list, 我的项目 and the dashboard's 应开未开 table: "2026年", never the
    stored 31 December."""
    from django.urls import reverse

    Project.objects.filter(pk=world.p_a.pk).update(
        planned_start_date=datetime.date(2026, 12, 31), planned_start_precision=DatePrecision.YEAR
    )
    client.force_login(world.users[Role.CITY_ADMIN])
    page = client.get(reverse("projects:list")).content.decode()
    assert "2026年" in page and "2026-12-31" not in page
