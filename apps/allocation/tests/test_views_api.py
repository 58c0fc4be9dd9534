"""The allocation pages and /api/v1/allocations by role; the .xlsx table through apps/exports."""

import pytest

from apps.accounts.models import APIToken, Role
from apps.allocation.models import Plan
from apps.exports.models import ExportRecord


def bearer(user) -> dict:
    _, raw = APIToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def create(client, world, run, **overrides):
    payload = {
        "region": world.city.pk,
        "year": run.scheme.year + 1,
        "title": "奖补资金分配",
        "amount": "1000",
        "method": "factors",
        "base_share": "0.2",
        "factors": [{"key": "assessment_score", "weight": "1"}],
        "assessment_run": run.pk,
    } | overrides
    return client.post(
        "/api/v1/allocations", payload, content_type="application/json", **bearer(world.users[Role.CITY_ADMIN])
    )


def test_api_create_adjust_and_export(client, world, run):
    created = create(client, world, run)
    assert created.status_code == 201
    body = created.json()
    assert sum(float(s["final"]) for s in body["shares"]) == 1000
    assert {s["region_name"]: s["equal_split"] for s in body["shares"]} == {"甲区": "500.0000", "乙县": "500.0000"}
    share = body["shares"][0]
    admin = bearer(world.users[Role.CITY_ADMIN])
    adjust = f"/api/v1/allocations/{body['id']}/shares/{share['id']}/adjust"
    refused = client.post(adjust, {"adjustment": "10"}, content_type="application/json", **admin)
    assert refused.status_code == 422 and "原因" in str(refused.json()["errors"])
    exported = client.get(f"/api/v1/allocations/{body['id']}/export", **admin)
    assert exported.status_code == 200 and exported["Content-Type"].startswith("application/vnd.openxml")
    assert ExportRecord.objects.get().row_count == 2


@pytest.mark.parametrize("role", [Role.COUNTY_USER, Role.DEPARTMENT_USER, Role.OWNER_REPORTER])
def test_outside_the_city_404_and_no_writes(client, world, run, role):
    plan_id = create(client, world, run).json()["id"]
    user = world.users[role]
    assert client.get(f"/api/v1/allocations/{plan_id}", **bearer(user)).status_code == 404
    assert client.get(f"/api/v1/allocations/{plan_id}/export", **bearer(user)).status_code == 404
    client.force_login(user)
    assert client.get(f"/allocation/{plan_id}/").status_code == 404
    assert client.get("/allocation/").status_code == 404
    response = client.post(
        "/api/v1/allocations",
        {
            "region": world.city.pk,
            "year": 2026,
            "title": "x",
            "amount": "1",
            "method": "factors",
            "factors": [{"key": "bond_pace", "weight": 1}],
        },
        content_type="application/json",
        **bearer(user),
    )
    assert response.status_code == 403 and Plan.objects.count() == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"amount": "-5"},
        {"amount": "1e999"},
        {"method": "tiers", "tiers": [{"up_to_rank": "a"}]},
        {"factors": [{}]},
        {"region": 999999},
    ],
)
def test_bad_plans_are_422(client, world, run, overrides):
    assert create(client, world, run, **overrides).status_code == 422
    assert not Plan.objects.exists()


def test_pages(client, world, run):
    client.force_login(world.users[Role.CITY_ADMIN])
    response = client.post(
        "/allocation/new/",
        {
            "title": "债券额度",
            "year": "2027",
            "amount": "800",
            "method": "tiers",
            "assessment_run": run.pk,
            "tier_rank_1": "1",
            "tier_coef_1": "1.5",
            "tier_rank_2": "5",
            "tier_coef_2": "1",
        },
        follow=True,
    )
    page = response.content.decode()
    # Tiers 1.5 : 1 beside the equal split (400 each).
    assert "<strong>480</strong>" in page and "<strong>320</strong>" in page and page.count(">400<") == 2
    plan = Plan.objects.get(title="债券额度")
    first, second = plan.shares.order_by("region__code")
    response = client.post(
        f"/allocation/{plan.pk}/adjust/", {"share": first.pk, "adjustment": "-20", "reason": "结余"}, follow=True
    )
    assert "已调整" in response.content.decode()
    response = client.post(f"/allocation/{plan.pk}/adjust/", {"share": second.pk, "adjustment": "20"}, follow=True)
    assert "调整须写明原因" in response.content.decode()
    assert client.post(f"/allocation/{plan.pk}/adjust/", {"share": "x"}).status_code == 404
    response = client.post(
        "/allocation/new/", {"title": "x", "year": "y", "amount": "1", "method": "factors"}, follow=True
    )
    assert "有效的年度" in response.content.decode()
    client.force_login(world.users[Role.CITY_LEADER])
    assert "债券额度" in client.get("/allocation/").content.decode()
