"""The API's write flow: generate, intake, accept, approve, factors; errors as JSON naming the
field, 409 on a stale version, nothing written on bad input."""

import datetime

from apps.accounts.models import Role
from apps.approvals.models import ApprovalItem, FactorNeed, ItemStatus
from apps.audit.models import ChangeRecord

from .factories import ItemFactory, ItemTypeFactory

D = datetime.date
JSON = "application/json"


def test_generate_intake_accept_approve(client, catalogue):
    world = catalogue
    client.force_login(world.users[Role.CITY_ADMIN])
    created = client.post(
        f"/api/v1/approvals/projects/{world.p_a.pk}/checklist", {"start": "2026-09-21"}, content_type=JSON
    )
    assert created.status_code == 201
    items = {i["item_type"]["code"]: i for i in created.json()["created"]}
    assert len(items) == 12
    assert items["land_pre_review"]["planned_end_date"] == "2026-10-26"
    road = items["road_works_permit"]
    assert road["department"]["name"] == "市交通运输局" and road["depends_on"] == []

    client.force_login(world.users[Role.OWNER_REPORTER])
    refused = client.post(
        f"/api/v1/approvals/projects/{world.p_a.pk}/intakes",
        {"items": [road["id"], items["construction_permit"]["id"]], "received_on": "2026-09-21"},
        content_type=JSON,
    )
    assert refused.status_code == 422
    assert "construction_permit" not in refused.json()["errors"]["items"][0]
    assert "建筑工程施工许可证" in refused.json()["errors"]["items"][0]
    intake = client.post(
        f"/api/v1/approvals/projects/{world.p_a.pk}/intakes",
        {"items": [road["id"], items["soil_water_plan"]["id"]], "received_on": "2026-09-21"},
        content_type=JSON,
    )
    assert intake.status_code == 201
    assert sorted(intake.json()["items"]) == sorted([road["id"], items["soil_water_plan"]["id"]])

    client.force_login(world.users[Role.DEPARTMENT_USER])
    worklist = client.get("/api/v1/approvals/worklist").json()
    assert [i["id"] for i in worklist["items"]] == [road["id"]]
    bad = client.post(f"/api/v1/approvals/items/{road['id']}/accept", {"accepted_on": "2026-09-32"}, content_type=JSON)
    assert bad.status_code == 422 and "accepted_on" in bad.json()["errors"]
    accepted = client.post(
        f"/api/v1/approvals/items/{road['id']}/accept", {"accepted_on": "2026-09-22", "version": 2}, content_type=JSON
    )
    assert accepted.status_code == 200
    # 15 working days after 22 Sep 2026: 23, 24, 28, 29, 30 Sep, 8, 9, 10 (make-up), 12–16, 19, 20 Oct.
    assert accepted.json()["due_date"] == "2026-10-20"
    stale = client.post(
        f"/api/v1/approvals/items/{road['id']}/approve",
        {"decided_on": "2026-10-09", "document_number": "示交许〔2026〕3号", "version": 2},
        content_type=JSON,
    )
    assert stale.status_code == 409 and stale.json()["current_version"] == 3
    missing = client.post(
        f"/api/v1/approvals/items/{road['id']}/approve",
        {"decided_on": "2026-10-09", "document_number": "示交许〔2026〕3号"},
        content_type=JSON,
    )
    assert missing.status_code == 422 and missing.json()["errors"] == {"version": ["该字段为必填项。"]}
    assert ApprovalItem.objects.get(pk=road["id"]).document_number == ""  # the refused approvals changed nothing
    approved = client.post(
        f"/api/v1/approvals/items/{road['id']}/approve",
        {"decided_on": "2026-10-09", "document_number": "示交许〔2026〕3号", "version": 3},
        content_type=JSON,
    )
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["decided_on"]) == ("approved", "2026-10-09")
    assert client.get("/api/v1/approvals/worklist").json()["count"] == 0


def test_bad_input_writes_nothing(client, world):
    item = ItemFactory(project=world.p_a, item_type=ItemTypeFactory(), department=world.dept)
    client.force_login(world.users[Role.CITY_ADMIN])
    response = client.patch(
        f"/api/v1/approvals/items/{item.pk}",
        {"planned_start_date": "2026-10-09", "planned_end_date": "2026-10-01", "version": item.version},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"planned_end_date": ["计划办结日期不能早于计划申报日期。"]}
    body = {"department": world.owner.pk, "version": item.version}
    assert client.patch(f"/api/v1/approvals/items/{item.pk}", body, content_type=JSON).json()["errors"] == {
        "department": ["请选择有效的政府部门。"]
    }
    missing = client.patch(f"/api/v1/approvals/items/{item.pk}", {"committed_workdays": 3}, content_type=JSON)
    assert missing.status_code == 422 and missing.json()["errors"] == {"version": ["该字段为必填项。"]}
    stale = client.patch(
        f"/api/v1/approvals/items/{item.pk}", {"committed_workdays": 3, "version": item.version + 1}, content_type=JSON
    )
    assert stale.status_code == 409 and stale.json()["current_version"] == item.version
    item.refresh_from_db()
    assert item.planned_start_date is None and item.department == world.dept
    assert not ChangeRecord.objects.exists()


def test_factor_needs_api(client, world):
    client.force_login(world.users[Role.COUNTY_USER])
    created = client.post(
        f"/api/v1/approvals/projects/{world.p_a.pk}/factors",
        {"kind": "land", "quantity": "85.5", "department": world.dept.pk},
        content_type=JSON,
    )
    assert created.status_code == 201 and created.json()["unit"] == "亩"
    need_id = created.json()["id"]
    assert (
        client.post(
            f"/api/v1/approvals/projects/{world.p_b.pk}/factors", {"kind": "land"}, content_type=JSON
        ).status_code
        == 404
    )
    client.force_login(world.users[Role.DEPARTMENT_USER])
    missing = client.patch(f"/api/v1/approvals/factors/{need_id}", {"status": "secured"}, content_type=JSON)
    assert missing.status_code == 422 and missing.json()["errors"] == {"version": ["该字段为必填项。"]}
    stale = client.patch(f"/api/v1/approvals/factors/{need_id}", {"status": "secured", "version": 9}, content_type=JSON)
    assert stale.status_code == 409 and stale.json()["current_version"] == 1
    assert client.get(f"/api/v1/approvals/projects/{world.p_a.pk}/factors").json()[0]["status"] != "secured"
    patched = client.patch(
        f"/api/v1/approvals/factors/{need_id}", {"status": "secured", "version": 1}, content_type=JSON
    )
    assert patched.status_code == 200 and patched.json()["status"] == "secured"
    assert client.delete(f"/api/v1/approvals/factors/{need_id}?version=2").status_code == 403
    client.force_login(world.users[Role.OWNER_REPORTER])
    assert client.get(f"/api/v1/approvals/projects/{world.p_a.pk}/factors").json()[0]["status"] == "secured"
    assert (
        client.patch(
            f"/api/v1/approvals/factors/{need_id}", {"status": "blocked", "version": 2}, content_type=JSON
        ).status_code
        == 403
    )
    client.force_login(world.users[Role.CITY_ADMIN])
    missing = client.delete(f"/api/v1/approvals/factors/{need_id}")
    assert missing.status_code == 422 and missing.json()["errors"] == {"version": ["该字段为必填项。"]}
    stale = client.delete(f"/api/v1/approvals/factors/{need_id}?version=1")
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    assert FactorNeed.objects.filter(pk=need_id).exists()
    assert client.delete(f"/api/v1/approvals/factors/{need_id}?version=2").status_code == 204
    assert not FactorNeed.objects.exists()
    assert ChangeRecord.objects.filter(project_id=world.p_a.pk).count() == 3


def test_timeline_api(client, world):
    ItemFactory(
        project=world.p_a, item_type=ItemTypeFactory(name="环评"), department=world.dept,
        status=ItemStatus.APPROVED, submitted_on=D(2026, 9, 1), decided_on=D(2026, 9, 10),
        planned_start_date=D(2026, 9, 1), planned_end_date=D(2026, 9, 8),
    )  # fmt: skip
    client.force_login(world.users[Role.CITY_LEADER])
    lane = client.get(f"/api/v1/approvals/projects/{world.p_a.pk}/timeline").json()["lanes"][0]
    assert (lane["name"], lane["planned"], lane["actual"]) == (
        "环评",
        ["2026-09-01", "2026-09-08"],
        ["2026-09-01", "2026-09-10"],
    )
    assert ApprovalItem.objects.count() == 1
