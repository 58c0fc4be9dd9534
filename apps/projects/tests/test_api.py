"""The project REST API: filters, paging, writes with their change records, errors, auth."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import APIToken, Role
from apps.audit.models import ChangeRecord
from apps.projects.models import AnnualPlan, Milestone, Project, Stage
from tests import factories as f

API = "/api/v1"
JSON = "application/json"


@pytest.fixture
def admin(client, world):
    client.force_login(world.users[Role.CITY_ADMIN])
    return client


@pytest.fixture
def county(client, world):
    client.force_login(world.users[Role.COUNTY_USER])
    return client


def ids(response):
    return [item["id"] for item in response.json()["items"]]


def create_body(world, **overrides):
    body = {
        "name": "甲区污水处理厂",
        "project_code": "2026-610302-48-01-900001",
        "region": world.county_a.pk,
        "location": "甲区东郊",
        "level": "municipal",
        "category": "ecology",
        "investor_type": "government",
        "stage": "preliminary",
        "scope": "日处理 5 万吨",
        "total_investment": "12345.67",
        "planned_start_date": "2026-04-01",
        "planned_end_date": "2027-12-31",
        "lead_official": world.leader.pk,
        "lead_department": world.dept.pk,
        "owner_unit": world.owner.pk,
        "partner_units": [world.other_dept.pk, world.dept.pk],
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not ...}


# --- list -----------------------------------------------------------------------


def test_list_answers_count_total_and_items(admin, world):
    world.p_b.total_investment = Decimal("2500.5000")
    world.p_b.save()
    body = admin.get(f"{API}/projects").json()
    assert body["count"] == 3
    assert body["total_investment"] == "22500.5"
    assert (body["limit"], body["offset"]) == (50, 0)
    item = next(i for i in body["items"] if i["id"] == world.p_a.pk)
    assert item["region"] == {"id": world.county_a.pk, "code": "610302", "name": "甲区"}
    assert item["lead_official"] == {"id": world.leader.pk, "name": "王副市长"}
    assert item["lead_department"] == {"id": world.dept.pk, "name": "市交通运输局"}
    assert item["owner_unit"]["credit_code"] == world.owner.credit_code
    assert item["total_investment"] == "10000" and item["version"] == 1
    assert item["planned_start_date"] == "2026-03-01"
    other = next(i for i in body["items"] if i["id"] == world.p_b.pk)
    assert other["total_investment"] == "2500.5" and other["lead_official"] is None


def test_list_filters_by_region_subtree(admin, world):
    assert set(ids(admin.get(f"{API}/projects", {"region": world.city.pk}))) == {
        world.p_a.pk,
        world.p_b.pk,
        world.p_c.pk,
    }
    assert set(ids(admin.get(f"{API}/projects", {"region": world.county_b.pk}))) == {world.p_b.pk, world.p_c.pk}


def test_list_filters_by_several_stages(admin, world):
    world.p_b.stage = Stage.RESERVE
    world.p_b.save()
    world.p_c.stage = Stage.UNDER_CONSTRUCTION
    world.p_c.save()
    response = admin.get(f"{API}/projects", {"stage": ["reserve", "under_construction"]})
    assert set(ids(response)) == {world.p_b.pk, world.p_c.pk}
    assert response.json()["count"] == 2


def test_list_searches_name_and_code(admin, world):
    assert set(ids(admin.get(f"{API}/projects", {"q": "乙县"}))) == {world.p_b.pk, world.p_c.pk}
    assert ids(admin.get(f"{API}/projects", {"q": world.p_c.project_code[-6:]})) == [world.p_c.pk]


def test_list_filters_by_planned_start_year_and_sorts(admin, world):
    world.p_c.planned_start_date = datetime.date(2027, 5, 1)
    world.p_c.save()
    assert ids(admin.get(f"{API}/projects", {"planned_start_year": 2027})) == [world.p_c.pk]
    by_name = admin.get(f"{API}/projects", {"sort": "name"}).json()["items"]
    assert [i["name"] for i in by_name] == sorted(i["name"] for i in by_name)
    by_start = ids(admin.get(f"{API}/projects", {"sort": "-planned_start_date"}))
    assert by_start[0] == world.p_c.pk


def test_list_filters_only_within_scope(county, world):
    response = county.get(f"{API}/projects", {"q": "乙县"})
    assert response.json()["count"] == 0 and response.json()["total_investment"] == "0"


def test_list_pages_with_limit_and_offset(admin, world):
    everything = ids(admin.get(f"{API}/projects", {"sort": "name"}))
    first = admin.get(f"{API}/projects", {"sort": "name", "limit": 2}).json()
    second = admin.get(f"{API}/projects", {"sort": "name", "limit": 2, "offset": 2}).json()
    assert first["count"] == second["count"] == 3
    assert [i["id"] for i in first["items"]] + [i["id"] for i in second["items"]] == everything
    assert (second["limit"], second["offset"]) == (2, 2)
    assert admin.get(f"{API}/projects", {"limit": 10000}).json()["limit"] == 500


def test_list_with_invalid_filter_is_400_in_chinese(admin, world):
    response = admin.get(f"{API}/projects", {"stage": "demolished", "planned_start_year": "明年", "region": 999999})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "筛选条件有误。"
    assert set(body["errors"]) == {"stage", "planned_start_year", "region"}
    assert "有效" in body["errors"]["stage"][0]
    assert body["errors"]["planned_start_year"] == ["输入一个数字。"]


def test_list_refuses_a_region_outside_the_users_area(county, world):
    response = county.get(f"{API}/projects", {"region": world.county_b.pk})
    assert response.status_code == 400 and "region" in response.json()["errors"]


def test_list_query_count_does_not_grow_with_rows(admin, world):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = admin.get(f"{API}/projects", {"limit": 500})
        assert response.status_code == 200
        return len(queries), response.json()["count"]

    few, rows = count_queries()
    assert rows == 3
    for n in range(27):
        f.ProjectFactory(
            region=world.county_b,
            owner_unit=world.other_owner,
            lead_official=world.leader,
            lead_department=world.other_dept,
            partner_units=[world.dept],
            name=f"乙县项目{n}",
        )
    many, rows = count_queries()
    assert rows == 30
    assert many == few


# --- detail ---------------------------------------------------------------------


def test_detail_has_partners_plans_and_milestones(admin, world):
    world.p_a.partner_units.set([world.other_dept])
    f.AnnualPlanFactory(project=world.p_a, year=2027, planned_investment=Decimal("4000.2500"))
    f.MilestoneFactory(project=world.p_a, name="主体完工", sequence=2, baseline_date=datetime.date(2099, 6, 1))
    body = admin.get(f"{API}/projects/{world.p_a.pk}").json()
    assert body["partner_units"] == [{"id": world.other_dept.pk, "name": "市水利局"}]
    assert body["annual_plans"][0]["year"] == 2027
    assert body["annual_plans"][0]["planned_investment"] == "4000.25"
    assert body["milestones"][0]["name"] == "主体完工" and body["milestones"][0]["status"] == "on_track"
    assert body["scope"] == world.p_a.scope and body["version"] == 1


def test_detail_out_of_scope_is_404_json(county, world):
    response = county.get(f"{API}/projects/{world.p_c.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "对象不存在或不在您的权限范围内。"}
    assert county.get(f"{API}/projects/999999").status_code == 404


# --- create ---------------------------------------------------------------------


def test_create_saves_and_writes_one_change_record(county, world):
    before_records = ChangeRecord.objects.count()
    response = county.post(f"{API}/projects", create_body(world), content_type=JSON, HTTP_X_REQUEST_ID="req-api-1")
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    project = Project.objects.get(pk=body["id"])
    assert project.total_investment == Decimal("12345.67")
    assert body["total_investment"] == "12345.67"
    assert body["partner_units"] == [
        {"id": world.dept.pk, "name": "市交通运输局"},
        {"id": world.other_dept.pk, "name": "市水利局"},
    ]
    assert ChangeRecord.objects.count() == before_records + 1
    record = ChangeRecord.objects.get(action="create")
    assert record.object_id == project.pk and record.project_id == project.pk
    assert record.before is None
    assert record.after["name"] == "甲区污水处理厂"
    assert record.after["total_investment"] == "12345.67"
    assert record.after["partner_units"] == sorted([world.dept.pk, world.other_dept.pk])
    assert (
        record.correlation_id == "req-api-1"
        and len(record.request_id) == 32
        and record.user == world.users[Role.COUNTY_USER]
    )


def test_create_accepts_a_json_number_for_money(county, world):
    response = county.post(f"{API}/projects", create_body(world, total_investment=8800.5), content_type=JSON)
    assert response.status_code == 201
    assert response.json()["total_investment"] == "8800.5"


def test_create_with_only_the_required_fields_makes_a_reserve_project(county, world):
    body = {
        "name": "储备项目",
        "region": world.county_a.pk,
        "category": "industry",
        "investor_type": "enterprise",
        "total_investment": "100",
        "owner_unit": world.owner.pk,
    }
    response = county.post(f"{API}/projects", body, content_type=JSON)
    assert response.status_code == 201
    assert response.json()["stage"] == "reserve" and response.json()["project_code"] is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"project_code": "2026-61-01"}, "project_code", "项目代码格式应为"),
        ({"planned_end_date": "2026-01-01"}, "planned_end_date", "计划竣工日期不能早于计划开工日期。"),
        ({"total_investment": "-1"}, "total_investment", "金额不能为负数。"),
        ({"name": ...}, "name", "该字段为必填项。"),
        ({"owner_unit": ...}, "owner_unit", "该字段为必填项。"),
        ({"total_investment": "一亿"}, "total_investment", "请输入有效的数字。"),
        ({"planned_start_date": "2026/04/01"}, "planned_start_date", "请输入有效的日期（YYYY-MM-DD）。"),
        ({"stage": "demolished"}, "stage", "取值无效。"),
        ({"owner_unit": 999999}, "owner_unit", "所选对象不存在。"),
        ({"partner_units": [999999]}, "partner_units", "所选对象不存在。"),
        ({"lead_official": 999999}, "lead_official", "所选对象不存在。"),
        ({"region": 999999}, "region", "所选对象不存在。"),
        ({"region": "__county_b__"}, "region", "超出您的管辖范围"),
        ({"project_code": None}, "project_code", "非储备阶段的项目必须填写项目代码。"),
        ({"nickname": "x"}, "nickname", "不支持该字段。"),
    ],
)
def test_create_refuses_invalid_input_with_422_and_writes_nothing(county, world, overrides, field, message):
    if overrides.get("region") == "__county_b__":
        overrides = {"region": world.county_b.pk}
    projects, records = Project.objects.count(), ChangeRecord.objects.count()
    response = county.post(f"{API}/projects", create_body(world, **overrides), content_type=JSON)
    assert response.status_code == 422, response.content.decode()
    body = response.json()
    assert body["detail"] == "提交的数据有误。"
    assert any(message in text for text in body["errors"][field]), body
    assert Project.objects.count() == projects
    assert ChangeRecord.objects.count() == records


def test_create_by_a_role_that_cannot_create_is_403(client, world):
    client.force_login(world.users[Role.CITY_LEADER])
    response = client.post(f"{API}/projects", create_body(world), content_type=JSON)
    assert response.status_code == 403
    assert response.json()["detail"] == "您的角色不能新建项目。"


def test_malformed_json_is_400(county, world):
    response = county.post(f"{API}/projects", "{not json", content_type=JSON)
    assert response.status_code == 400 and response.json()["detail"]


# --- update ---------------------------------------------------------------------


def test_patch_bumps_version_and_records_before_and_after(county, world):
    url = f"{API}/projects/{world.p_a.pk}"
    response = county.patch(url, {"version": 1, "total_investment": "15000.50", "stage": "reserve"}, content_type=JSON)
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert body["version"] == 2 and body["total_investment"] == "15000.5" and body["stage"] == "reserve"
    world.p_a.refresh_from_db()
    assert world.p_a.version == 2 and world.p_a.total_investment == Decimal("15000.5")
    record = ChangeRecord.objects.get(action="update")
    assert record.before["total_investment"] == "10000" and record.after["total_investment"] == "15000.5"
    assert record.before["stage"] == "preliminary" and record.after["stage"] == "reserve"
    assert set(record.changed_fields) == {"total_investment", "stage", "version"}


def test_patch_can_clear_nullable_fields_and_set_partners(county, world):
    url = f"{API}/projects/{world.p_a.pk}"
    body = {"version": 1, "lead_official": None, "partner_units": [world.other_dept.pk]}
    response = county.patch(url, body, content_type=JSON)
    assert response.status_code == 200
    assert response.json()["lead_official"] is None
    assert response.json()["partner_units"] == [{"id": world.other_dept.pk, "name": "市水利局"}]


def test_patch_with_a_stale_version_is_409_and_changes_nothing(county, world):
    url = f"{API}/projects/{world.p_a.pk}"
    assert county.patch(url, {"version": 1, "scope": "第一次修改"}, content_type=JSON).status_code == 200
    records = ChangeRecord.objects.count()
    response = county.patch(url, {"version": 1, "scope": "第二次修改"}, content_type=JSON)
    assert response.status_code == 409
    body = response.json()
    assert body["current_version"] == 2
    assert "该记录已被他人修改" in body["detail"]
    world.p_a.refresh_from_db()
    assert world.p_a.scope == "第一次修改" and world.p_a.version == 2
    assert ChangeRecord.objects.count() == records


def test_patch_needs_a_version(county, world):
    response = county.patch(f"{API}/projects/{world.p_a.pk}", {"scope": "x"}, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["errors"] == {"version": ["该字段为必填项。"]}


def test_patch_refuses_null_for_a_required_field(county, world):
    response = county.patch(f"{API}/projects/{world.p_a.pk}", {"version": 1, "name": None}, content_type=JSON)
    assert response.status_code == 422 and "name" in response.json()["errors"]
    world.p_a.refresh_from_db()
    assert world.p_a.name == "甲区快速路"


def test_owner_reporter_may_change_facts_but_not_money(client, world):
    client.force_login(world.users[Role.OWNER_REPORTER])
    url = f"{API}/projects/{world.p_a.pk}"
    response = client.patch(url, {"version": 1, "total_investment": "1"}, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["errors"] == {"total_investment": ["您的角色无权修改此项。"]}
    response = client.patch(url, {"version": 1, "location": "甲区北环"}, content_type=JSON)
    assert response.status_code == 200 and response.json()["location"] == "甲区北环"


def test_patch_by_a_viewer_is_403(client, world):
    client.force_login(world.users[Role.CITY_LEADER])
    response = client.patch(f"{API}/projects/{world.p_a.pk}", {"version": 1, "scope": "x"}, content_type=JSON)
    assert response.status_code == 403
    assert response.json()["detail"]


# --- delete ---------------------------------------------------------------------


def test_delete_by_city_admin(admin, world):
    f.AnnualPlanFactory(project=world.p_c)
    url = f"{API}/projects/{world.p_c.pk}"
    stale = admin.delete(f"{url}?version=7")
    assert stale.status_code == 409 and stale.json()["current_version"] == 1
    response = admin.delete(f"{url}?version=1")
    assert response.status_code == 204
    assert not Project.objects.filter(pk=world.p_c.pk).exists()
    assert ChangeRecord.objects.filter(action="delete", project_id=world.p_c.pk).count() == 2


# --- annual plans and milestones ------------------------------------------------


def test_annual_plan_create_update_delete(county, world):
    url = f"{API}/projects/{world.p_a.pk}/annual-plans"
    created = county.post(url, {"year": 2026, "planned_investment": "3000.50", "goal": "完成征地"}, content_type=JSON)
    assert created.status_code == 201, created.content.decode()
    plan = created.json()
    assert plan["planned_investment"] == "3000.5" and plan["project_version"] == 2
    assert county.get(url).json() == [{k: plan[k] for k in ("id", "year", "planned_investment", "goal")}]

    missing = county.patch(f"{url}/{plan['id']}", {"planned_investment": 3500}, content_type=JSON)
    assert missing.status_code == 422 and "version" in missing.json()["errors"]  # the version is required
    changed = county.patch(f"{url}/{plan['id']}", {"planned_investment": 3500, "version": 2}, content_type=JSON)
    assert changed.status_code == 200
    assert changed.json()["planned_investment"] == "3500" and changed.json()["project_version"] == 3
    stale = county.patch(f"{url}/{plan['id']}", {"goal": "x", "version": 2}, content_type=JSON)
    assert stale.status_code == 409 and stale.json()["current_version"] == 3

    missing = county.delete(f"{url}/{plan['id']}")
    assert missing.status_code == 422 and missing.json()["errors"] == {"version": ["该字段为必填项。"]}
    stale = county.delete(f"{url}/{plan['id']}?version=2")
    assert stale.status_code == 409 and stale.json()["current_version"] == 3
    assert AnnualPlan.objects.filter(pk=plan["id"]).exists()  # refused deletes change nothing
    assert county.delete(f"{url}/{plan['id']}?version=3").status_code == 204
    assert not AnnualPlan.objects.exists()
    world.p_a.refresh_from_db()
    assert world.p_a.version == 4
    actions = list(ChangeRecord.objects.filter(project_id=world.p_a.pk).order_by("id").values_list("action", flat=True))
    assert actions == ["create", "update", "delete"]


def test_annual_plan_outside_the_project_years_is_422(county, world):
    url = f"{API}/projects/{world.p_a.pk}/annual-plans"
    response = county.post(url, {"year": 2030, "planned_investment": "1"}, content_type=JSON)
    assert response.status_code == 422
    assert "不在项目建设起止年限" in response.json()["errors"]["year"][0]
    response = county.post(url, {"year": 2026, "planned_investment": "-1"}, content_type=JSON)
    assert response.json()["errors"]["planned_investment"] == ["金额不能为负数。"]
    assert not AnnualPlan.objects.exists() and not ChangeRecord.objects.exists()


def test_plan_of_another_project_is_404(admin, world):
    plan = f.AnnualPlanFactory(project=world.p_b)
    response = admin.patch(
        f"{API}/projects/{world.p_a.pk}/annual-plans/{plan.pk}", {"goal": "x", "version": 1}, content_type=JSON
    )
    assert response.status_code == 404


def test_milestone_create_update_delete(county, world):
    url = f"{API}/projects/{world.p_a.pk}/milestones"
    body = {"name": "开工", "sequence": 1, "baseline_date": "2099-06-30"}
    created = county.post(url, body, content_type=JSON)
    assert created.status_code == 201, created.content.decode()
    milestone = created.json()
    assert milestone["status"] == "on_track" and milestone["project_version"] == 2

    missing = county.patch(f"{url}/{milestone['id']}", {"forecast_date": "2099-09-30"}, content_type=JSON)
    assert missing.status_code == 422 and "version" in missing.json()["errors"]  # the version is required
    changed = county.patch(f"{url}/{milestone['id']}", {"forecast_date": "2099-09-30", "version": 2}, content_type=JSON)
    assert changed.status_code == 200 and changed.json()["status"] == "at_risk"
    bad = county.patch(f"{url}/{milestone['id']}", {"actual_date": "2999-01-01", "version": 3}, content_type=JSON)
    assert bad.status_code == 422 and "actual_date" in bad.json()["errors"]
    assert county.get(url).json()[0]["forecast_date"] == "2099-09-30"

    missing = county.delete(f"{url}/{milestone['id']}")
    assert missing.status_code == 422 and missing.json()["errors"] == {"version": ["该字段为必填项。"]}
    stale = county.delete(f"{url}/{milestone['id']}?version=2")
    assert stale.status_code == 409 and stale.json()["current_version"] == 3
    assert Milestone.objects.filter(pk=milestone["id"]).exists()  # refused deletes change nothing
    assert county.delete(f"{url}/{milestone['id']}?version=3").status_code == 204
    assert not Milestone.objects.exists()


def test_milestone_needs_its_date(county, world):
    response = county.post(f"{API}/projects/{world.p_a.pk}/milestones", {"name": "开工"}, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["errors"] == {"baseline_date": ["该字段为必填项。"]}


# --- history --------------------------------------------------------------------


def test_history_is_newest_first(county, world):
    url = f"{API}/projects/{world.p_a.pk}"
    county.patch(url, {"version": 1, "scope": "第一次"}, content_type=JSON, HTTP_X_REQUEST_ID="req-1")
    county.post(f"{url}/annual-plans", {"year": 2026, "planned_investment": "1"}, content_type=JSON)
    county.patch(url, {"version": 3, "scope": "第二次"}, content_type=JSON)
    history = county.get(f"{url}/history").json()
    assert [r["action"] for r in history] == ["update", "create", "update"]
    assert [r["object_type"] for r in history] == ["项目", "年度计划", "项目"]
    newest, oldest = history[0], history[-1]
    assert newest["after"]["scope"] == "第二次" and newest["before"]["scope"] == "第一次"
    assert oldest["correlation_id"] == "req-1" and oldest["request_id"] != "req-1" and oldest["user_name"] == "county"
    assert oldest["client_ip"] == "127.0.0.1"
    assert oldest["changed_fields"] == ["scope", "version"]
    assert oldest["action_label"] == "修改" and oldest["object_repr"] == "甲区快速路"
    assert datetime.datetime.fromisoformat(newest["time"]) >= datetime.datetime.fromisoformat(oldest["time"])
    assert county.get(f"{url}/history", {"limit": 1}).json() == history[:1]


# --- authentication -------------------------------------------------------------


def test_anonymous_is_401_json(client, world):
    response = client.get(f"{API}/projects")
    assert response.status_code == 401
    assert response.json() == {"detail": "请先登录或提供有效的 API 令牌。"}
    assert client.post(f"{API}/projects", create_body(world), content_type=JSON).status_code == 401


def test_bearer_token_works_and_revoked_token_is_401(client, world):
    token, raw = APIToken.issue(user=world.users[Role.COUNTY_USER], name="报表系统")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    response = client.get(f"{API}/projects", **auth)
    assert response.status_code == 200 and ids(response) == [world.p_a.pk]
    # A token client sends no CSRF token, and needs none.
    strict = Client(enforce_csrf_checks=True)
    created = strict.post(f"{API}/projects", create_body(world), content_type=JSON, **auth)
    assert created.status_code == 201
    assert ChangeRecord.objects.get(action="create").user == world.users[Role.COUNTY_USER]

    token.revoked = True
    token.save()
    assert client.get(f"{API}/projects", **auth).status_code == 401
    assert client.get(f"{API}/projects", HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401


def test_token_of_an_inactive_user_is_401(client, world):
    user = world.users[Role.AUDITOR]
    _, raw = APIToken.issue(user=user, name="t")
    user.is_active = False
    user.save()
    assert client.get(f"{API}/projects", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_session_writes_need_the_csrf_token(world):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.users[Role.COUNTY_USER])
    assert strict.get(f"{API}/projects").status_code == 200
    url = f"{API}/projects/{world.p_a.pk}"
    refused = strict.patch(url, {"version": 1, "scope": "x"}, content_type=JSON)
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    strict.get("/accounts/login/")  # sets the csrftoken cookie
    csrf = strict.cookies["csrftoken"].value
    accepted = strict.patch(url, {"version": 1, "scope": "x"}, content_type=JSON, HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 200


# --- OpenAPI --------------------------------------------------------------------


def test_openapi_lists_the_endpoints(client):
    schema = client.get(f"{API}/openapi.json").json()
    paths = schema["paths"]
    for path, method in [
        ("/api/v1/projects", "get"),
        ("/api/v1/projects", "post"),
        ("/api/v1/projects/{project_id}", "get"),
        ("/api/v1/projects/{project_id}", "patch"),
        ("/api/v1/projects/{project_id}", "delete"),
        ("/api/v1/projects/{project_id}/history", "get"),
        ("/api/v1/projects/{project_id}/annual-plans", "post"),
        ("/api/v1/projects/{project_id}/annual-plans/{plan_id}", "patch"),
        ("/api/v1/projects/{project_id}/milestones/{milestone_id}", "delete"),
        ("/api/v1/regions", "get"),
        ("/api/v1/organisations", "get"),
        ("/api/v1/people", "get"),
    ]:
        assert method in paths[path], (path, method)
    list_params = {p["name"] for p in paths["/api/v1/projects"]["get"]["parameters"]}
    assert {"q", "region", "stage", "planned_start_year", "sort", "limit", "offset"} <= list_params
    assert client.get(f"{API}/docs").status_code == 200


def test_statistics_inclusion_round_trips_and_is_validated(client, world):
    from apps.accounts.models import Role

    client.force_login(world.users[Role.CITY_ADMIN])
    url = f"/api/v1/projects/{world.p_a.pk}"
    refused = client.patch(url, {"version": 1, "in_statistics": True}, content_type="application/json")
    assert refused.status_code == 422
    assert "入统日期" in refused.json()["errors"]["statistics_included_on"][0]
    ok = client.patch(
        url,
        {"version": 1, "in_statistics": True, "statistics_included_on": "2026-04-30"},
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert ok.json()["in_statistics"] is True and ok.json()["statistics_included_on"] == "2026-04-30"
