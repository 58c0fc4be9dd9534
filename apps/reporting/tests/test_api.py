"""The reporting API: filters and paging, decimal strings, derived totals, conflicts, errors."""

import datetime

import pytest

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.reporting.models import MonthlyReport, ReportStatus
from tests import factories as f

from .conftest import MONTH, YEAR, make_report

API = "/api/v1/reports"
JSON = "application/json"


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users[Role.CITY_ADMIN])
    return client


@pytest.fixture
def owner_client(client, world):
    client.force_login(world.users[Role.OWNER_REPORTER])
    return client


def ids(response):
    return {item["id"] for item in response.json()["items"]}


def test_list_filters_and_paging(admin_client, world, period):
    a9 = make_report(world.p_a, month=9, status=ReportStatus.VERIFIED)
    a10 = make_report(world.p_a)
    b10 = make_report(world.p_b, status=ReportStatus.DRAFT)
    c10 = make_report(world.p_c)
    assert ids(admin_client.get(API)) == {a9.pk, a10.pk, b10.pk, c10.pk}
    assert ids(admin_client.get(API, {"project": world.p_a.pk})) == {a9.pk, a10.pk}
    assert ids(admin_client.get(API, {"region": world.county_b.pk})) == {b10.pk, c10.pk}
    assert ids(admin_client.get(API, {"region": world.city.pk})) == {a9.pk, a10.pk, b10.pk, c10.pk}
    assert ids(admin_client.get(API, {"year": 2026, "month": 9})) == {a9.pk}
    assert ids(admin_client.get(API, {"status": "draft"})) == {b10.pk}
    assert ids(admin_client.get(API, {"owner_unit": world.other_owner.pk})) == {b10.pk, c10.pk}
    page = admin_client.get(API, {"limit": 2, "offset": 1}).json()
    assert page["count"] == 4 and page["limit"] == 2 and page["offset"] == 1 and len(page["items"]) == 2
    bad = admin_client.get(API, {"status": "nonsense"})
    assert bad.status_code == 400 and bad.json()["errors"]["status"]


def test_detail_has_decimal_strings_and_derived_totals(admin_client, world, period):
    make_report(world.p_a, year=2025, month=12, amount="1000", status=ReportStatus.VERIFIED)
    make_report(world.p_a, month=9, amount="0.25", status=ReportStatus.VERIFIED)
    report = make_report(world.p_a, amount="1200.5", percent_complete="35")
    body = admin_client.get(f"{API}/{report.pk}").json()
    assert body["completed_investment"] == "1200.5"
    assert body["ytd"] == "1200.75" and body["since_start"] == "2200.75"
    assert body["project"]["name"] == world.p_a.name and body["project"]["region"]["code"] == world.county_a.code
    assert body["status"] == "submitted" and body["version"] == 1


def test_create_update_submit_through_the_api(owner_client, world, period):
    body = {"project": world.p_a.pk, "year": YEAR, "month": MONTH, "completed_investment": 12.5, "problems": "无"}
    created = owner_client.post(API, body, content_type=JSON)
    assert created.status_code == 201, created.content
    report = created.json()
    assert report["status"] == "draft" and report["completed_investment"] == "12.5" and report["ytd"] == "0"

    patched = owner_client.patch(
        f"{API}/{report['id']}", {"version": 1, "completed_investment": "20"}, content_type=JSON
    )
    assert patched.status_code == 200 and patched.json()["version"] == 2

    stale = owner_client.patch(f"{API}/{report['id']}", {"version": 1, "notes": "x"}, content_type=JSON)
    assert (
        stale.status_code == 409 and stale.json()["current_version"] == 2 and "已被他人修改" in stale.json()["detail"]
    )

    count = ChangeRecord.objects.count()
    for sent, field in (("", "payload"), ({}, "version")):  # no body, or no version: 422 naming it
        missing = owner_client.post(f"{API}/{report['id']}/submit", sent, content_type=JSON)
        assert missing.status_code == 422 and missing.json()["errors"] == {field: ["该字段为必填项。"]}
    stale = owner_client.post(f"{API}/{report['id']}/submit", {"version": 1}, content_type=JSON)
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    assert MonthlyReport.objects.get(pk=report["id"]).status == ReportStatus.DRAFT
    assert ChangeRecord.objects.count() == count
    submitted = owner_client.post(f"{API}/{report['id']}/submit", {"version": 2}, content_type=JSON)
    assert submitted.status_code == 200 and submitted.json()["ytd"] == "20"
    count = ChangeRecord.objects.count()
    again = owner_client.post(f"{API}/{report['id']}/submit", {"version": 3}, content_type=JSON)
    assert again.status_code == 200 and again.json()["version"] == submitted.json()["version"]
    assert ChangeRecord.objects.count() == count

    duplicate = owner_client.post(API, body, content_type=JSON)
    assert duplicate.status_code == 422 and "已存在" in duplicate.json()["errors"]["__all__"][0]


def test_api_validation_errors_are_chinese(owner_client, world, period):
    body = {"project": world.p_a.pk, "year": YEAR, "month": MONTH, "completed_investment": "-3"}
    response = owner_client.post(API, body, content_type=JSON)
    assert response.status_code == 422 and "金额不能为负数" in response.json()["errors"]["completed_investment"][0]
    response = owner_client.post(API, {**body, "completed_investment": "abc"}, content_type=JSON)
    assert response.status_code == 422 and response.json()["errors"]["completed_investment"] == ["请输入有效的数字。"]
    response = owner_client.post(API, {**body, "completed_investment": "1", "colour": "red"}, content_type=JSON)
    assert response.status_code == 422 and response.json()["errors"]["colour"] == ["不支持该字段。"]
    closed = owner_client.post(API, {**body, "completed_investment": "1", "month": 3}, content_type=JSON)
    assert closed.status_code == 422 and "未开启或已关闭" in closed.json()["errors"]["__all__"][0]
    assert not MonthlyReport.objects.exists()


def test_locked_report_and_return_reason(client, world, period):
    client.force_login(world.users[Role.COUNTY_USER])
    report = make_report(world.p_a)
    response = client.post(f"{API}/{report.pk}/return", {"reason": "", "version": 1}, content_type=JSON)
    assert response.status_code == 422 and "必须填写退回原因" in response.json()["errors"]["reason"][0]
    response = client.post(f"{API}/{report.pk}/return", {}, content_type=JSON)
    assert response.status_code == 422
    missing = client.post(f"{API}/{report.pk}/return", {"reason": "补充"}, content_type=JSON)
    assert missing.status_code == 422 and "version" in missing.json()["errors"]
    stale = client.post(f"{API}/{report.pk}/return", {"reason": "补充", "version": 7}, content_type=JSON)
    assert stale.status_code == 409
    missing = client.post(f"{API}/{report.pk}/verify", {}, content_type=JSON)
    assert missing.status_code == 422 and "version" in missing.json()["errors"]
    assert MonthlyReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED  # refused: nothing changed
    assert client.post(f"{API}/{report.pk}/verify", {"version": 1}, content_type=JSON).status_code == 200
    response = client.patch(f"{API}/{report.pk}", {"version": 2, "notes": "x"}, content_type=JSON)
    assert response.status_code == 422 and "已锁定" in response.json()["errors"]["__all__"][0]
    stale = client.post(f"{API}/{make_report(world.p_a, month=9).pk}/verify", {"version": 7}, content_type=JSON)
    assert stale.status_code == 409


def test_revision_flow_through_the_api(client, world, period):
    report = make_report(world.p_a, amount="100", status=ReportStatus.VERIFIED)
    client.force_login(world.users[Role.COUNTY_USER])
    body = {"reason": "更正", "proposed": {"completed_investment": "150", "actual_start_date": "2026-10-09"}}
    created = client.post(f"{API}/{report.pk}/revisions", body, content_type=JSON)
    assert created.status_code == 201, created.content
    revision = created.json()
    assert revision["proposed"] == {"completed_investment": "150", "actual_start_date": "2026-10-09"}
    own = client.post(f"{API}/revisions/{revision['id']}/approve", {"note": ""}, content_type=JSON)
    assert own.status_code == 403 and "不能审批自己提交" in own.json()["detail"]

    client.force_login(world.users[Role.CITY_ADMIN])
    approved = client.post(f"{API}/revisions/{revision['id']}/approve", content_type=JSON)
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved" and approved.json()["before"]["completed_investment"] == "100"
    detail = client.get(f"{API}/{report.pk}").json()
    assert detail["completed_investment"] == "150" and detail["status"] == "verified" and detail["version"] == 2
    # The approved start date starts the project (through the project service, with its record).
    project = client.get(f"/api/v1/projects/{world.p_a.pk}").json()
    assert project["actual_start_date"] == "2026-10-09" and project["stage"] == "under_construction"
    history = client.get(f"{API}/{report.pk}/revisions").json()
    assert [item["id"] for item in history] == [revision["id"]]


def test_unreported_endpoint(admin_client, world, period):
    make_report(world.p_b)
    body = admin_client.get(f"{API}/unreported").json()
    assert (body["year"], body["month"], body["total"]) == (YEAR, MONTH, 2)
    assert {row["name"]: row["count"] for row in body["by_region"]} == {"甲区": 1, "乙县": 1}
    assert {row["name"]: row["count"] for row in body["by_owner_unit"]} == {"甲区城投公司": 1, "乙县建设公司": 1}
    assert {p["name"] for p in body["projects"]} == {world.p_a.name, world.p_c.name}
    other = admin_client.get(f"{API}/unreported", {"year": 2026, "month": 1}).json()
    assert other["total"] == 0  # nobody was due before the planned start in March
    assert admin_client.get(f"{API}/unreported", {"year": 2026, "month": 13}).status_code == 422


def test_unreported_without_an_open_period_is_404(admin_client, world):
    response = admin_client.get(f"{API}/unreported")
    assert response.status_code == 404 and response.json()["detail"]


def test_periods_api(admin_client, world):
    created = admin_client.post(f"{API}/periods", {"year": 2026, "month": 11}, content_type=JSON)
    assert created.status_code == 201
    period = created.json()
    assert period["deadline"] == "2026-11-25" and period["status"] == "open"
    closed = admin_client.post(f"{API}/periods/{period['id']}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed" and closed.json()["closed_at"]
    listing = admin_client.get(f"{API}/periods").json()
    assert [p["month"] for p in listing] == [11]
    assert admin_client.post(f"{API}/periods/999999/close").status_code == 404
    explicit = admin_client.post(
        f"{API}/periods", {"year": 2026, "month": 12, "deadline": "2027-01-05"}, content_type=JSON
    )
    assert explicit.json()["deadline"] == "2027-01-05"


def test_token_user_outside_the_city_sees_nothing(client, world, period):
    from apps.accounts.models import APIToken

    elsewhere = f.UserFactory(role=Role.CITY_ADMIN, region=f.city("620100", "别市"))
    _, raw = APIToken.issue(user=elsewhere, name="t")
    report = make_report(world.p_a, actual_start_date=datetime.date(2026, 10, 1))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get(API, **auth).json()["count"] == 0
    assert client.get(f"{API}/{report.pk}", **auth).status_code == 404
    assert client.post(f"{API}/{report.pk}/verify", {"version": 1}, content_type=JSON, **auth).status_code == 404
