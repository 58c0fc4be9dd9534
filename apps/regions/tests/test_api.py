"""Reference data endpoints: regions, organisations, people."""

import pytest
from django.contrib.auth.models import AnonymousUser

from apps.accounts.models import APIToken, Role
from apps.regions import selectors
from tests import factories as f

API = "/api/v1"


@pytest.fixture
def auditor(client, world):
    client.force_login(world.users[Role.AUDITOR])
    return client


def test_regions_with_level_filter(auditor, world):
    body = auditor.get(f"{API}/regions").json()
    assert [r["code"] for r in body] == ["610000", "610300", "610302", "610303"]
    county_a = next(r for r in body if r["code"] == "610302")
    assert county_a == {
        "id": world.county_a.pk,
        "code": "610302",
        "name": "甲区",
        "level": "county",
        "parent_id": world.city.pk,
    }
    counties = auditor.get(f"{API}/regions", {"level": "county"}).json()
    assert [r["name"] for r in counties] == ["甲区", "乙县"]


def test_regions_with_unknown_level_is_422(auditor, world):
    response = auditor.get(f"{API}/regions", {"level": "village"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"level": ["取值无效。"]}


def test_organisations_with_kind_and_search(auditor, world):
    f.OrganisationFactory(name="甲区交通建设集团", short_name="甲交建", region=world.county_a)
    body = auditor.get(f"{API}/organisations").json()
    assert len(body) == 5
    departments = auditor.get(f"{API}/organisations", {"kind": "department"}).json()
    assert {o["name"] for o in departments} == {"市交通运输局", "市水利局"}
    assert all(o["credit_code"] is None and o["kind"] == "department" for o in departments)
    owner = next(o for o in body if o["id"] == world.owner.pk)
    assert owner == {
        "id": world.owner.pk,
        "name": "甲区城投公司",
        "short_name": "",
        "kind": "owner_unit",
        "credit_code": world.owner.credit_code,
        "region_id": world.county_a.pk,
    }
    assert [o["name"] for o in auditor.get(f"{API}/organisations", {"q": "甲交"}).json()] == ["甲区交通建设集团"]
    by_code = auditor.get(f"{API}/organisations", {"q": world.other_owner.credit_code}).json()
    assert [o["id"] for o in by_code] == [world.other_owner.pk]
    both = auditor.get(f"{API}/organisations", {"kind": "owner_unit", "q": "甲区"}).json()
    assert {o["name"] for o in both} == {"甲区城投公司", "甲区交通建设集团"}


def test_people_with_city_leader_filter(auditor, world):
    f.PersonFactory(name="李科长", position="科长", region=world.county_a, is_city_leader=False, phone="123")
    body = auditor.get(f"{API}/people").json()
    assert [p["name"] for p in body] == ["王副市长", "李科长"]
    assert body[0] == {
        "id": world.leader.pk,
        "name": "王副市长",
        "position": "副市长",
        "is_city_leader": True,
        "region_id": world.city.pk,
    }
    assert "phone" not in body[1]
    assert [p["name"] for p in auditor.get(f"{API}/people", {"is_city_leader": "true"}).json()] == ["王副市长"]
    assert [p["name"] for p in auditor.get(f"{API}/people", {"is_city_leader": "false"}).json()] == ["李科长"]


@pytest.mark.parametrize("path", ["regions", "organisations", "people"])
def test_reference_data_needs_authentication(client, world, path):
    response = client.get(f"{API}/{path}")
    assert response.status_code == 401
    assert response.json() == {"detail": "请先登录或提供有效的 API 令牌。"}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("path", ["regions", "organisations", "people"])
def test_reference_data_is_readable_by_every_role(client, world, role, path):
    _, raw = APIToken.issue(user=world.users[role], name="t")
    response = client.get(f"{API}/{path}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()


def test_selectors_give_nothing_to_anonymous_or_inactive_users(world):
    inactive = world.users[Role.AUDITOR]
    inactive.is_active = False
    for user in (None, AnonymousUser(), inactive):
        assert not selectors.region_list(user=user).exists()
        assert not selectors.organisation_list(user=user).exists()
        assert not selectors.person_list(user=user).exists()
