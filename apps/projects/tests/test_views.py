import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.projects.models import Project
from tests import factories as f


def form_data(project, **overrides):
    data = {
        "version": project.version,
        "name": project.name,
        "project_code": project.project_code or "",
        "region": project.region_id,
        "location": project.location,
        "level": project.level,
        "category": project.category,
        "investor_type": project.investor_type,
        "stage": project.stage,
        "scope": project.scope,
        "total_investment": str(project.total_investment),
        "planned_start_date": project.planned_start_date.isoformat(),
        "planned_end_date": project.planned_end_date.isoformat(),
        "actual_start_date": "",
        "actual_end_date": "",
        "lead_official": project.lead_official_id or "",
        "lead_department": project.lead_department_id or "",
        "owner_unit": project.owner_unit_id,
        "partner_units": [unit.pk for unit in project.partner_units.all()],
    }
    data.update(overrides)
    return data


@pytest.fixture
def county_client(client, world):
    client.force_login(world.users[Role.COUNTY_USER])
    return client


def test_edit_saves_and_history_shows_the_change(county_client, world):
    url = reverse("projects:edit", args=[world.p_a.pk])
    response = county_client.post(
        url, form_data(world.p_a, total_investment="15000.50"), REMOTE_ADDR="10.1.2.3", HTTP_X_REQUEST_ID="req-42"
    )
    assert response.status_code == 302
    record = ChangeRecord.objects.get(action="update")
    assert record.client_ip == "10.1.2.3" and record.correlation_id == "req-42" and record.request_id != "req-42"
    page = county_client.get(reverse("projects:detail", args=[world.p_a.pk])).content.decode()
    assert "总投资（万元）" in page and "10000" in page and "15000.5" in page
    assert "req-42" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"project_code": "2026-61-1"}, "项目代码格式应为"),
        ({"total_investment": "-3"}, "金额不能为负数"),
        ({"planned_end_date": "2025-01-01"}, "计划竣工日期不能早于计划开工日期"),
        ({"total_investment": "abc"}, "输入一个数字"),
    ],
)
def test_edit_shows_chinese_errors_and_writes_nothing(county_client, world, overrides, message):
    response = county_client.post(reverse("projects:edit", args=[world.p_a.pk]), form_data(world.p_a, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    world.p_a.refresh_from_db()
    assert world.p_a.version == 1 and world.p_a.total_investment == Decimal("10000")
    assert not ChangeRecord.objects.exists()


def test_second_editor_is_refused_with_a_clear_message(client, world):
    admin = world.users[Role.CITY_ADMIN]
    county = world.users[Role.COUNTY_USER]
    stale = form_data(world.p_a)  # both loaded version 1
    client.force_login(admin)
    assert (
        client.post(reverse("projects:edit", args=[world.p_a.pk]), {**stale, "location": "管理员改"}).status_code == 302
    )
    client.force_login(county)
    response = client.post(reverse("projects:edit", args=[world.p_a.pk]), {**stale, "location": "县区改"})
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    world.p_a.refresh_from_db()
    assert world.p_a.location == "管理员改"
    assert ChangeRecord.objects.count() == 1


def test_create_through_the_form(county_client, world):
    data = form_data(world.p_a, name="县区新项目", project_code="2026-610302-48-01-999999", version="")
    response = county_client.post(reverse("projects:create"), data)
    project = Project.objects.get(name="县区新项目")
    assert response.status_code == 302 and response["Location"] == reverse("projects:detail", args=[project.pk])
    assert ChangeRecord.objects.filter(action="create", object_id=project.pk).count() == 1


def test_owner_reporter_form_disables_government_fields(client, world):
    client.force_login(world.users[Role.OWNER_REPORTER])
    body = client.get(reverse("projects:edit", args=[world.p_a.pk])).content.decode()
    total_input = body.split('name="total_investment"')[1].split(">")[0]
    scope_input = body.split('name="scope"')[1].split(">")[0]
    assert "disabled" in total_input and "disabled" not in scope_input
    # A tampered POST cannot change a disabled field: the form keeps the stored value.
    data = form_data(world.p_a, total_investment="1", scope="围挡完成")
    assert client.post(reverse("projects:edit", args=[world.p_a.pk]), data).status_code == 302
    world.p_a.refresh_from_db()
    assert world.p_a.total_investment == Decimal("10000") and world.p_a.scope == "围挡完成"


def test_list_filters_sorting_and_totals(client, world):
    f.ProjectFactory(
        name="甲区大项目", region=world.county_a, total_investment=Decimal("250000"), stage="reserve", project_code=None
    )
    client.force_login(world.users[Role.CITY_ADMIN])
    url = reverse("projects:list")
    body = client.get(url, {"region": world.county_a.pk}).content.decode()
    assert "甲区快速路" in body and "甲区大项目" in body and "乙县水厂" not in body
    assert "<strong>2</strong>" in body and "<strong>26.00</strong>" in body  # 260000 万元 = 26 亿元
    body = client.get(url, {"region": world.city.pk, "stage": ["reserve"]}).content.decode()
    assert "甲区大项目" in body and "甲区快速路" not in body
    body = client.get(url, {"q": "水厂"}).content.decode()
    assert "乙县水厂" in body and "甲区快速路" not in body
    body = client.get(url, {"q": world.p_c.project_code}).content.decode()
    assert "乙县学校" in body and "乙县水厂" not in body
    body = client.get(url, {"lead_official": world.leader.pk}).content.decode()
    assert "甲区快速路" in body and "乙县水厂" not in body
    body = client.get(url, {"sort": "-total_investment"}).content.decode()
    assert body.index("甲区大项目") < body.index("甲区快速路")
    body = client.get(url, {"planned_start_year": 2030}).content.decode()
    assert "没有符合条件的项目" in body


def test_htmx_request_gets_only_the_results(client, world):
    client.force_login(world.users[Role.CITY_ADMIN])
    response = client.get(reverse("projects:list"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "甲区快速路" in body and "<html" not in body


def test_county_user_region_filter_offers_only_own_subtree(county_client, world):
    response = county_client.get(reverse("projects:list"), {"region": world.county_b.pk})
    assert "乙县水厂" not in response.content.decode()
    assert "筛选条件有误" in response.content.decode()


def _list_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["projects:list", "projects:mine"])
def test_list_query_count_does_not_grow_with_rows(client, world, url_name):
    client.force_login(world.users[Role.CITY_LEADER])
    url = reverse(url_name)
    _list_queries(client, url)  # warm: the first visit creates the statistics settings row
    small = _list_queries(client, url)
    for _ in range(30):
        owner = f.OrganisationFactory(region=world.county_b)
        f.ProjectFactory(
            region=world.county_b, owner_unit=owner, lead_official=world.leader, lead_department=world.dept
        )
    assert _list_queries(client, url) == small


def test_detail_query_count_does_not_grow_with_history(client, world):
    from apps.projects import services

    admin = world.users[Role.CITY_ADMIN]
    client.force_login(admin)
    url = reverse("projects:detail", args=[world.p_a.pk])
    services.project_update(
        actor=admin, project_id=world.p_a.pk, expected_version=1, fields={"location": "a", "lead_department": None}
    )
    small = _list_queries(client, url)
    for version in range(2, 12):
        services.project_update(
            actor=admin,
            project_id=world.p_a.pk,
            expected_version=version,
            fields={"location": f"v{version}", "lead_department": world.other_dept if version % 2 else world.dept},
        )
        f.MilestoneFactory(project=world.p_a, name=f"节点{version}")
    assert _list_queries(client, url) == small


def test_exports_follow_filters_and_neutralise_formulas(client, world):
    f.ProjectFactory(
        name='=HYPERLINK("http://x")', region=world.county_a, scope="+1+1", total_investment=Decimal("5.5")
    )
    client.force_login(world.users[Role.CITY_ADMIN])
    response = client.get(reverse("projects:export", args=["csv"]), {"region": world.county_a.pk})
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][1] == "项目名称"
    names = [row[1] for row in rows[1:]]
    assert sorted(names) == sorted(["甲区快速路", '\'=HYPERLINK("http://x")'])
    response = client.get(reverse("projects:export", args=["xlsx"]), {"region": world.county_a.pk})
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert "重大项目清单" in sheet[0][0] and "单位：万元" in sheet[1][0]
    data_names = [row[1] for row in sheet[3:] if row[0] != ""]
    assert '=HYPERLINK("http://x")' in data_names and "甲区快速路" in data_names
    total_row = next(row for row in sheet if row[1] == "合计")
    assert Decimal(str(total_row[10])) == Decimal("10005.5")


def test_language_switch_to_english(client, world):
    client.force_login(world.users[Role.CITY_ADMIN])
    client.post(reverse("set_language"), {"language": "en", "next": "/projects/"})
    body = client.get(reverse("projects:list")).content.decode()
    assert "Project registry" in body and "项目库" not in body.split("<main>")[1]


def test_chinese_is_the_default_whatever_the_browser_says(client, world):
    client.force_login(world.users[Role.CITY_ADMIN])
    body = client.get(reverse("projects:list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "项目库" in body and "Project registry" not in body


def test_leader_page_puts_unstarted_first_and_counts_overdue_milestones(client, world):
    import datetime

    built = f.ProjectFactory(
        name="在建的路",
        region=world.county_b,
        lead_official=world.leader,
        stage="under_construction",
        actual_start_date=datetime.date(2026, 4, 1),
    )
    f.MilestoneFactory(project=world.p_a, name="用地批复", baseline_date=datetime.date(2020, 1, 1))
    f.MilestoneFactory(
        project=world.p_a, name="已完成", baseline_date=datetime.date(2020, 1, 1), actual_date=datetime.date(2020, 2, 1)
    )
    f.MilestoneFactory(project=built, name="未来", baseline_date=datetime.date(2099, 1, 1))
    client.force_login(world.users[Role.CITY_LEADER])
    response = client.get(reverse("projects:mine"))
    projects = list(response.context["projects"])
    assert [p.name for p in projects] == ["甲区快速路", "在建的路"]  # preliminary before under construction
    assert [p.overdue_milestones for p in projects] == [1, 0]


def test_money_is_shown_without_trailing_zeros_in_forms(client, world):
    client.force_login(world.users[Role.CITY_ADMIN])
    body = client.get(reverse("projects:edit", args=[world.p_a.pk])).content.decode()
    assert 'name="total_investment" value="10000"' in body


def test_owner_unit_is_searched_by_name_on_the_page_and_by_id_in_links(client, world):
    client.force_login(world.users[Role.CITY_ADMIN])
    url = reverse("projects:list")
    body = client.get(url, {"owner_unit_name": "城投"}).content.decode()
    assert "甲区快速路" in body and "乙县水厂" not in body
    body = client.get(url, {"owner_unit": world.other_owner.pk}).content.decode()
    assert "乙县水厂" in body and "甲区快速路" not in body


def test_child_edit_form_requires_the_loaded_version(client, world):
    """Annual plans and milestones: a form without the version, or with a stale one, saves nothing."""
    from apps.projects.models import AnnualPlan

    plan = f.AnnualPlanFactory(project=world.p_a, goal="旧")
    client.force_login(world.users[Role.CITY_ADMIN])
    url = reverse("projects:child_edit", args=[world.p_a.pk, "plans", plan.pk])
    page = client.get(url).content.decode()
    assert f'name="version" value="{world.p_a.version}"' in page
    data = {"year": plan.year, "planned_investment": "1", "goal": "新"}
    assert client.post(url, data).status_code == 200  # no version: refused
    assert client.post(url, {**data, "version": world.p_a.version + 5}).status_code == 200  # stale
    assert AnnualPlan.objects.get(pk=plan.pk).goal == "旧"
    assert client.post(url, {**data, "version": world.p_a.version}).status_code == 302
    assert AnnualPlan.objects.get(pk=plan.pk).goal == "新"


def test_child_delete_form_requires_the_loaded_version(client, world):
    """The delete buttons post the project version; without it, or with a stale one, nothing is deleted."""
    from apps.projects.models import AnnualPlan, Milestone

    plan = f.AnnualPlanFactory(project=world.p_a)
    milestone = f.MilestoneFactory(project=world.p_a)
    client.force_login(world.users[Role.CITY_ADMIN])
    page = client.get(reverse("projects:detail", args=[world.p_a.pk])).content.decode()
    assert page.count(f'name="version" value="{world.p_a.version}"') >= 3  # project, plan and milestone deletes
    for kind, child, model in (("plans", plan, AnnualPlan), ("milestones", milestone, Milestone)):
        world.p_a.refresh_from_db()
        url = reverse("projects:child_delete", args=[world.p_a.pk, kind, child.pk])
        missing = client.post(url, follow=True)
        assert "必须提交编辑时加载的版本号" in missing.content.decode()
        stale = client.post(url, {"version": world.p_a.version + 5}, follow=True)
        assert "已被他人修改" in stale.content.decode()
        assert model.objects.filter(pk=child.pk).exists()
        assert client.post(url, {"version": world.p_a.version}).status_code == 302
        assert not model.objects.filter(pk=child.pk).exists()


def test_a_dates_precision_is_shown_and_set_on_the_form_and_page(county_client, world):
    import datetime

    from apps.projects.models import DatePrecision

    project = world.p_a
    Project.objects.filter(pk=project.pk).update(
        planned_start_date=datetime.date(2026, 12, 31), planned_start_precision=DatePrecision.YEAR
    )
    project.refresh_from_db()
    page = county_client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "2026年" in page and "（精度：年）" in page
    form = county_client.get(reverse("projects:edit", args=[project.pk])).content.decode()
    assert 'name="planned_start_precision"' in form and '<option value="year" selected>' in form

    # The user says the actual start is "not later than 2025" and the planned start a day.
    data = form_data(
        project,
        stage="under_construction",
        actual_start_date="2025-06-01",
        actual_start_precision="before",
        planned_start_date="2025-03-01",
        planned_start_precision="day",
        planned_end_precision="year",
    )
    assert county_client.post(reverse("projects:edit", args=[project.pk]), data).status_code == 302
    project.refresh_from_db()
    assert (project.actual_start_date, project.actual_start_precision) == (datetime.date(2025, 12, 31), "before")
    assert (project.planned_start_date, project.planned_start_precision) == (datetime.date(2025, 3, 1), "day")
    assert project.planned_end_precision == "year" and project.planned_end_date.month == 12
    record = ChangeRecord.objects.get(action="update", object_id=project.pk)
    assert record.before["planned_start_precision"] == "year" and record.after["planned_start_precision"] == "day"
    assert record.before["actual_start_precision"] == "day" and record.after["actual_start_precision"] == "before"
    page = county_client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "2025年底前" in page and "（精度：不晚于）" in page and "2025-03-01" in page

    # A form posted without the precision (a script) and a changed date: a day again.
    data = form_data(project, stage="under_construction", actual_start_date="2025-06-02")
    data.pop("planned_end_precision", None)
    assert county_client.post(reverse("projects:edit", args=[project.pk]), data).status_code == 302
    project.refresh_from_db()
    assert (project.actual_start_date, project.actual_start_precision) == (datetime.date(2025, 6, 2), "day")
    assert project.planned_end_precision == "year"  # not sent, date unchanged: kept


def test_the_api_reads_and_sets_a_dates_precision(client, world):
    admin = world.users[Role.CITY_ADMIN]
    client.force_login(admin)
    url = f"/api/v1/projects/{world.p_a.pk}"
    body = client.get(url).json()
    assert body["planned_start_precision"] == "day"

    def patch(**fields):
        version = client.get(url).json()["version"]
        return client.patch(url, {"version": version, **fields}, content_type="application/json")

    # 年 keeps the year, 月 the month of the date sent, each stored as the period's last day.
    for sent, precision, stored in (("2026-04-01", "year", "2026-12-31"), ("2028-02-10", "month", "2028-02-29")):
        response = patch(planned_start_date=sent, planned_start_precision=precision)
        assert response.status_code == 200, response.content
        assert (response.json()["planned_start_date"], response.json()["planned_start_precision"]) == (
            stored,
            precision,
        )
    assert patch(planned_start_precision="week").status_code == 422


def test_a_month_precision_is_set_on_the_form_and_shown_on_the_page(county_client, world):
    import datetime

    project = world.p_a
    data = form_data(
        project,
        planned_start_date="2026-03-15",
        planned_start_precision="month",
        planned_end_date="2027-04-01",
        planned_end_precision="month",
    )
    assert county_client.post(reverse("projects:edit", args=[project.pk]), data).status_code == 302
    project.refresh_from_db()
    assert (project.planned_start_date, project.planned_start_precision) == (datetime.date(2026, 3, 31), "month")
    assert (project.planned_end_date, project.planned_end_precision) == (datetime.date(2027, 4, 30), "month")
    assert project.earliest_date("planned_start") == datetime.date(2026, 3, 1)
    record = ChangeRecord.objects.get(action="update", object_id=project.pk)
    assert record.after["planned_start_precision"] == "month" and record.after["planned_start_date"] == "2026-03-31"
    page = county_client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "2026年3月 <small" in page and "（精度：月）" in page and "2027年4月" in page
    form = county_client.get(reverse("projects:edit", args=[project.pk])).content.decode()
    assert '<option value="month" selected>' in form

    # A planned end in the same month as a month-only start is possible (1 March to 31 March);
    # one before the month's first day is not.
    data = form_data(project, planned_end_date="2026-03-05", planned_end_precision="day")
    assert county_client.post(reverse("projects:edit", args=[project.pk]), data).status_code == 302
    project.refresh_from_db()
    data = form_data(project, planned_end_date="2026-02-28", planned_end_precision="day")
    response = county_client.post(reverse("projects:edit", args=[project.pk]), data)
    assert response.status_code == 200 and "计划竣工日期不能早于计划开工日期" in response.content.decode()
