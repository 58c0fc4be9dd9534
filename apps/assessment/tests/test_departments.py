"""Departments assessed where the scheme says so: three lead departments computed by hand (one
with nothing due: 无数据, never 0), the counts behind each rate equal to the drill-down lists
they link to, the scoping matrix (a department its own trace, another 404; a county only when
the scheme opens them; the city and the auditor all), frozen publication and change records.

The quarter (Q3 of YEAR, review share 10%), department indicators: start rate 50 (比例赋分,
target 100) and problems resolved on time 50 (比例赋分, target 100), both missing → excluded.

交通局 (world.dept): two key projects planned to start in YEAR, one started in March → 1 ÷ 2
= 50.0% (25.00 points) all quarter; its problems: one due 30 June resolved on 20 June, one due
15 August still open → July 1 ÷ 1 = 100% (50 points), August and September 1 ÷ 2 = 50% (25).
Months 75.00, 50.00, 50.00; review 80 → 22.50 + 15.00 + 15.00 + 8.00 = 60.50.
水利局 (world.other_dept): one key project planned for February, started 5 August → July 0 ÷ 1
= 0 (0 points), August and September 100% (50); no problem due (excluded: 50 counted of 100).
Months 0.00, 100.00, 100.00; review 60 → 0 + 30 + 30 + 6 = 66.00: first.
住建局: leads a project without a plan of the year, no problem, no approval: 无数据.
"""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from apps.accounts.models import Role
from apps.assessment import selectors, services
from apps.assessment.indicators import department_read, departments_of
from apps.assessment.models import Result, Subject
from apps.audit.models import ChangeRecord
from apps.problems.models import ProblemStatus
from apps.problems.tests.factories import ProblemFactory
from tests import factories as f

from .conftest import YEAR
from .test_views_api import bearer


def day(month: int, dom: int) -> datetime.date:
    return datetime.date(YEAR, month, dom)


def key_project(world, department, planned: datetime.date, started: datetime.date | None = None):
    project = f.ProjectFactory(
        region=world.county_a,
        lead_department=department,
        planned_start_date=planned,
        actual_start_date=started,
        stage="construction" if started else "preliminary",
    )
    f.AnnualPlanFactory(project=project, year=YEAR, planned_investment=D("1000"))
    return project


@pytest.fixture
def housing(world):
    department = f.DepartmentFactory(name="市住房和城乡建设局", region=world.city)
    f.ProjectFactory(region=world.county_b, lead_department=department)  # no plan of YEAR: nothing due
    return department


@pytest.fixture
def department_scheme(world, scheme, housing):
    admin = world.users[Role.CITY_ADMIN]
    services.scheme_update(actor=admin, scheme=scheme, subjects="both")
    for key in ("start_rate", "problems_on_time"):
        services.indicator_set(
            actor=admin,
            scheme=scheme,
            subject="department",
            key=key,
            weight="50",
            method="proportion",
            params={"target": 100, "missing": "exclude"},
        )
    for department, review in ((world.dept, "80"), (world.other_dept, "60")):
        services.quarter_input_set(actor=admin, scheme=scheme, quarter=3, department=department, review_score=review)
    key_project(world, world.dept, day(3, 1), day(3, 10))
    key_project(world, world.dept, day(5, 1))
    key_project(world, world.other_dept, day(2, 1), day(8, 5))
    ProblemFactory(
        project=world.p_a,
        responsible_department=world.dept,
        deadline=day(6, 30),
        status=ProblemStatus.CLOSED,
        resolved_on=day(6, 20),
    )
    ProblemFactory(project=world.p_a, responsible_department=world.dept, deadline=day(8, 15))
    return scheme


@pytest.fixture
def run(world, department_scheme):
    return services.run_compute(actor=world.users[Role.CITY_ADMIN], scheme=department_scheme, quarter=3)


def department_results(run) -> dict:
    return {r.organisation_id: r for r in run.results.filter(subject=Subject.DEPARTMENT)}


def test_the_lead_departments_are_those_that_lead_projects(world, housing):
    f.DepartmentFactory(name="市统计局", region=world.city)  # leads nothing: not assessed
    assert departments_of(world.city) == sorted([world.dept, world.other_dept, housing], key=lambda d: d.name)


def test_three_departments_by_hand(world, housing, run):
    results = department_results(run)
    transport, water, none = results[world.dept.pk], results[world.other_dept.pk], results[housing.pk]
    assert transport.month_scores == ["75.00", "50.00", "50.00"]
    assert water.month_scores == ["0.00", "100.00", "100.00"]
    assert (transport.total, water.total) == (D("60.50"), D("66.00"))
    assert (water.rank, transport.rank) == (1, 2)
    assert transport.month_ranks == [1, 2, 2] and water.month_ranks == [2, 1, 1]
    assert none.total is None and none.rank is None and none.month_scores == [None, None, None]
    assert "无数据" in none.trace["quarter"]
    assert [row["raw"] for row in none.trace["months"][0]["rows"]] == [None, None]
    assert transport.trace["quarter"] == "第1月75.00×30% + 第2月50.00×30% + 第3月50.00×30% + 现场评议80.00×10% = 60.50"
    july = transport.trace["months"][0]["rows"]
    assert [(row["raw"], row["score"]) for row in july] == [("50.0", "25.00"), ("100.00", "50.00")]
    # The counties are ranked apart, as before.
    assert {r.region_id for r in run.results.filter(subject=Subject.COUNTY)} == {world.county_a.pk, world.county_b.pk}


def test_the_trace_shows_the_counts_behind_each_rate(world, run):
    rows = department_results(run)[world.dept.pk].trace["months"][1]["rows"]
    start, problems = rows[0]["basis"], rows[1]["basis"]
    assert start["text"] == "开工率 = 已开工 1 ÷ 应开工 2 = 50.0%"
    assert problems["text"] == "问题按期解决率 = 按期解决 1 ÷ 到期问题 2 = 50.00%"
    assert all(part["url"] is None for part in problems["parts"])  # no list of problems by deadline
    # Frozen with the run's inputs too.
    assert run.inputs["departments"]["bases"][1]["start_rate"][str(world.dept.pk)] == start


def test_trace_counts_equal_the_drilldown_lists(client, world, run):
    client.force_login(world.users[Role.CITY_ADMIN])
    checked = 0
    for result in run.results.all():
        for month in result.trace["months"]:
            for row in month["rows"]:
                for part in (row.get("basis") or {}).get("parts", []):
                    if part["url"] and "/dashboard/" in part["url"]:
                        response = client.get(part["url"])
                        assert response.status_code == 200
                        assert response.context["page"].paginator.count == int(part["value"]), part
                        checked += 1
    assert checked >= 12  # two counts × three months × two departments with projects
    url = department_results(run)[world.dept.pk].trace["months"][0]["rows"][0]["basis"]["parts"][0]["url"]
    assert "市交通运输局牵头的项目" in client.get(url).content.decode()  # the list names its set


def test_the_department_user_opens_its_own_drilldown(client, world, run):
    part = department_results(run)[world.dept.pk].trace["months"][2]["rows"][0]["basis"]["parts"][1]
    client.force_login(world.users[Role.DEPARTMENT_USER])
    response = client.get(part["url"])
    assert response.status_code == 200 and response.context["page"].paginator.count == 2


def test_a_department_with_nothing_due_reads_no_data(world, housing, department_scheme):
    values, bases = department_read(
        user=world.users[Role.CITY_ADMIN],
        city=world.city,
        departments=departments_of(world.city),
        keys=["start_rate", "plan_completion_rate", "problems_on_time", "approvals_on_time", "red_lights"],
        year=YEAR,
        month=9,
    )
    assert {key: by[housing.pk] for key, by in values.items()} == dict.fromkeys(values)
    assert values["red_lights"][world.dept.pk] == 0  # it leads key projects: none lit red
    assert bases["red_lights"][world.dept.pk]["text"] == "红灯 0盏"
    assert values["plan_completion_rate"][world.dept.pk] == D("0.0")


SCOPES = {
    # role → (sees 交通局's trace, sees 水利局's trace)
    Role.CITY_ADMIN: (True, True),
    Role.CITY_LEADER: (True, True),
    Role.AUDITOR: (True, True),
    Role.DEPARTMENT_USER: (True, False),  # anchored at 交通局
    Role.COUNTY_USER: (False, False),
    Role.OWNER_REPORTER: (False, False),
}


@pytest.mark.parametrize("role", list(SCOPES))
def test_scoping_matrix(client, world, run, role):
    user = world.users[role]
    client.force_login(user)
    for department, allowed in zip((world.dept, world.other_dept), SCOPES[role], strict=True):
        page = client.get(f"/assessment/periods/{run.pk}/departments/{department.pk}/")
        api = client.get(f"/api/v1/assessments/periods/{run.pk}/departments/{department.pk}", **bearer(user))
        assert (page.status_code, api.status_code) == ((200, 200) if allowed else (404, 404)), department
    if role == Role.DEPARTMENT_USER:
        rows = client.get(f"/api/v1/assessments/periods/{run.pk}/results", **bearer(user)).json()
        assert [(row["subject"], row["organisation_id"]) for row in rows] == [("department", world.dept.pk)]
        period = client.get(f"/assessment/periods/{run.pk}/").content.decode()
        assert "部门考核排名" in period and "市交通运输局" in period and "市水利局" not in period
        assert 'id="ranking"' not in period  # no empty county table


def test_a_county_sees_departments_when_the_scheme_opens_them(client, world, run, department_scheme):
    county = world.users[Role.COUNTY_USER]
    with pytest.raises(Http404):
        selectors.department_result_get(user=county, run=run, organisation_id=world.dept.pk)
    services.scheme_update(actor=world.users[Role.CITY_ADMIN], scheme=department_scheme, departments_open=True)
    assert selectors.department_result_get(user=county, run=run, organisation_id=world.dept.pk).total == D("60.50")
    # Still only its own county.
    with pytest.raises(Http404):
        selectors.result_get(user=county, run=run, region_id=world.county_b.pk)


def test_the_city_pages_and_api_list_the_departments(client, world, housing, run):
    admin = world.users[Role.CITY_ADMIN]
    services.run_publish(actor=admin, run=run)
    client.force_login(world.users[Role.CITY_LEADER])
    period = client.get(f"/assessment/periods/{run.pk}/").content.decode()
    assert 'id="department-ranking"' in period and "市住房和城乡建设局" in period and "无数据" in period
    assert 'id="department-ranking"' in client.get("/assessment/").content.decode()
    trace = client.get(f"/assessment/periods/{run.pk}/departments/{world.dept.pk}/").content.decode()
    assert "已开工 <a href=" in trace and "应开工 <a href=" in trace and "= 50.0%" in trace
    rows = client.get(f"/api/v1/assessments/periods/{run.pk}/results", **bearer(admin)).json()
    departments = [row for row in rows if row["subject"] == "department"]
    assert [(row["organisation_name"], row["rank"], row["total"]) for row in departments] == [
        ("市水利局", 1, "66.00"),
        ("市交通运输局", 2, "60.50"),
        ("市住房和城乡建设局", None, None),
    ]


def test_published_department_results_are_frozen(world, run):
    admin = world.users[Role.CITY_ADMIN]
    services.run_publish(actor=admin, run=run)
    # A correction after publication: 水利局's problem resolved, a new start for 交通局.
    ProblemFactory(project=world.p_c, responsible_department=world.other_dept, deadline=day(7, 1))
    key_project(world, world.dept, day(4, 1), day(4, 2))
    frozen = department_results(run)
    assert frozen[world.dept.pk].total == D("60.50")
    assert (
        frozen[world.dept.pk].trace["months"][0]["rows"][0]["basis"]["text"] == "开工率 = 已开工 1 ÷ 应开工 2 = 50.0%"
    )
    with pytest.raises(ValidationError):
        services.run_compute(actor=admin, scheme=run.scheme, quarter=3)  # needs a reason
    again = services.run_compute(actor=admin, scheme=run.scheme, quarter=3, reason="补录开工")
    moved = department_results(again)
    assert moved[world.dept.pk].trace["months"][0]["rows"][0]["basis"]["text"] == "开工率 = 已开工 2 ÷ 应开工 3 = 66.7%"
    assert moved[world.dept.pk].previous_rank is None  # Q2 was never published
    assert Result.objects.filter(run=run, subject=Subject.DEPARTMENT).count() == 3


def test_department_edits_write_change_records(world, department_scheme, run):
    kinds = list(ChangeRecord.objects.order_by("pk").values_list("content_type__model", "action"))
    assert kinds.count(("schemeindicator", "create")) == 3  # the county's one and the two departments'
    assert kinds.count(("quarterinput", "create")) == 4  # two counties, two departments
    assert ("scheme", "update") in kinds and kinds[-1] == ("run", "create")
    created = ChangeRecord.objects.order_by("pk").last()
    assert created.after["results"][f"d{world.dept.pk}"] == ["60.50", 2]


def test_department_inputs_are_refused_when_the_scheme_does_not_assess_them(world, scheme):
    admin = world.users[Role.CITY_ADMIN]
    with pytest.raises(ValidationError):
        services.quarter_input_set(actor=admin, scheme=scheme, quarter=3, department=world.dept, review_score=80)
    with pytest.raises(ValidationError):
        services.scheme_update(actor=admin, scheme=scheme, subjects="everyone")


def test_a_missing_department_review_is_refused_naming_it(world, department_scheme):
    admin = world.users[Role.CITY_ADMIN]
    department_scheme.inputs.filter(organisation=world.other_dept).delete()
    with pytest.raises(ValidationError) as error:
        services.run_compute(actor=admin, scheme=department_scheme, quarter=3)
    assert "以下部门未录入现场评议得分：市水利局" in str(error.value)
