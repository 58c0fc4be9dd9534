"""The counts behind each county's rate in the trace: "开工率 = 已开工 1 ÷ 应开工 2 = 50.0%", each
count linked to the dashboard's drill-down of that county and month, whose list has exactly
that many projects (for the city and for the county itself); frozen with the run."""

import datetime
from decimal import Decimal as D

import pytest

from apps.accounts.models import Role
from apps.assessment import services
from tests import factories as f

from .conftest import YEAR


def plan(region, planned: datetime.date, started: datetime.date | None = None, **fields):
    project = f.ProjectFactory(
        region=region, planned_start_date=planned, actual_start_date=started, stage="construction", **fields
    )
    f.AnnualPlanFactory(project=project, year=YEAR, planned_investment=D("2000"))
    return project


@pytest.fixture
def run(world, scheme):
    admin = world.users[Role.CITY_ADMIN]
    for key, method, params in (
        ("start_rate", "proportion", {"target": 100}),
        ("plan_completion_rate", "efficacy", {}),
        ("not_started", "deduction", {"per_item": 1, "cap": 10}),
        ("statistics_pending", "deduction", {"per_item": 1, "cap": 10}),
        ("provincial_projects", "proportion", {}),
    ):
        services.indicator_set(actor=admin, scheme=scheme, key=key, weight="10", method=method, params=params)
    plan(world.county_a, datetime.date(YEAR, 3, 1), datetime.date(YEAR, 3, 5), level="provincial")
    plan(world.county_a, datetime.date(YEAR, 6, 1))  # not started
    plan(world.county_a, datetime.date(YEAR, 8, 1), datetime.date(YEAR, 8, 20))  # started in August
    plan(world.county_b, datetime.date(YEAR, 2, 1), datetime.date(YEAR, 2, 2))
    return services.run_compute(actor=admin, scheme=scheme, quarter=3)


def county_rows(run, region, month_index: int) -> dict:
    result = run.results.get(region=region)
    return {row["key"]: row for row in result.trace["months"][month_index]["rows"]}


def test_the_start_rate_in_counts(world, run):
    july, september = county_rows(run, world.county_a, 0), county_rows(run, world.county_a, 2)
    # July: planned 3 (March, June, August all in YEAR), started 1 → 33.3%; September: 2 of 3.
    assert july["start_rate"]["basis"]["text"] == "开工率 = 已开工 1 ÷ 应开工 3 = 33.3%"
    assert september["start_rate"]["basis"]["text"] == "开工率 = 已开工 2 ÷ 应开工 3 = 66.7%"
    assert july["start_rate"]["raw"] == "33.3"
    assert september["not_started"]["basis"]["text"] == "应开未开项目 1个"
    assert september["provincial_projects"]["basis"]["text"] == "省级重点项目 1个"
    assert september["plan_completion_rate"]["basis"]["text"].startswith("年度计划完成率 = 累计完成投资 0")
    # Kept in the run's inputs: a later correction does not change them.
    assert run.inputs["bases"][2]["start_rate"][str(world.county_a.pk)] == september["start_rate"]["basis"]


@pytest.mark.parametrize("role", [Role.CITY_ADMIN, Role.COUNTY_USER])
def test_each_count_equals_its_drilldown_list(client, world, run, role):
    client.force_login(world.users[role])
    checked = 0
    for month_index in range(3):
        for key, row in county_rows(run, world.county_a, month_index).items():
            for part in (row.get("basis") or {}).get("parts", []):
                if not part["url"]:
                    continue
                response = client.get(part["url"])
                assert response.status_code == 200, (key, part)
                if "/dashboard/" in part["url"] and part["unit"] != "亿元":  # amounts link to their list too
                    assert response.context["page"].paginator.count == int(part["value"]), (key, part)
                    checked += 1
    # start rate 2, not started 1, statistics pending 1, provincial 1; × 3 months.
    assert checked == 15
