"""What each role may do with the three leads of the `leads` fixture, through the API
(and, in test_pages, the pages). The tables are written out by hand from the fixture's
layout (see conftest), not computed from the scoping code."""

import datetime

import pytest

from apps.accounts.models import APIToken, Role
from apps.attraction.models import InvestorContact, PersonalDataRead

BUREAU = "bureau"  # the attraction bureau's department user (市招商局)
ANON = "anon"
ROLES = [*Role.values, BUREAU, ANON]
KEYS = ("lead_a", "lead_b", "lead_c")

SEES = {
    Role.CITY_ADMIN: {"lead_a", "lead_b", "lead_c"},
    Role.CITY_LEADER: {"lead_a", "lead_b", "lead_c"},
    Role.COUNTY_USER: {"lead_a"},
    Role.DEPARTMENT_USER: set(),  # 市交通运输局 attracts none of them
    Role.OWNER_REPORTER: set(),
    Role.AUDITOR: {"lead_a", "lead_b", "lead_c"},
    Role.SYSTEM_ADMIN: set(),
    Role.SECURITY_ADMIN: set(),
    Role.AUDIT_ADMIN: set(),
    BUREAU: {"lead_a", "lead_b"},
}
CHANGES = {
    Role.CITY_ADMIN: {"lead_a", "lead_b", "lead_c"},
    Role.CITY_LEADER: set(),
    Role.COUNTY_USER: {"lead_a"},
    Role.DEPARTMENT_USER: set(),
    Role.OWNER_REPORTER: set(),
    Role.AUDITOR: set(),
    Role.SYSTEM_ADMIN: set(),
    Role.SECURITY_ADMIN: set(),
    Role.AUDIT_ADMIN: set(),
    BUREAU: {"lead_a", "lead_b"},
}
# Investor contacts (personal data): the attraction unit, the landing county, the city administrator.
READS_CONTACTS = CHANGES


def user_of(world, bureau_user, role):
    return bureau_user if role == BUREAU else world.users[role]


def headers(world, bureau_user, role):
    if role == ANON:
        return {}
    _, raw = APIToken.issue(user=user_of(world, bureau_user, role), name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def expected(role, key, table, ok):
    if role == ANON:
        return 401
    if key not in SEES[role]:
        return 404
    return ok if key in table[role] else 403


@pytest.fixture
def setup(leads):
    for lead in leads.values():
        InvestorContact.objects.create(lead=lead, name="王经理", phone="13800000000")
    return leads


@pytest.mark.parametrize("role", ROLES)
def test_list_contains_exactly_the_scope(client, world, bureau_user, setup, role):
    response = client.get("/api/v1/investment-leads", **headers(world, bureau_user, role))
    if role == ANON:
        assert response.status_code == 401
        return
    ids = {item["id"] for item in response.json()["items"]}
    assert ids == {setup[key].pk for key in SEES[role]}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", KEYS)
def test_detail_advance_and_contacts_by_scope(client, world, bureau_user, setup, role, key):
    lead = setup[key]
    auth = headers(world, bureau_user, role)
    url = f"/api/v1/investment-leads/{lead.pk}"
    response = client.get(url, **auth)
    assert response.status_code == expected(role, key, {r: SEES[r] for r in SEES}, 200)

    response = client.get(f"{url}/contacts", **auth)
    status = expected(role, key, READS_CONTACTS, 200)
    assert response.status_code == status, response.content[:200]
    reads = PersonalDataRead.objects.filter(lead=lead)
    if status == 200:
        assert response.json()[0]["phone"] == "13800000000"
        read = reads.get()
        assert (read.user, read.contacts, read.channel) == (user_of(world, bureau_user, role), 1, "api")
    else:
        assert not reads.exists()
        assert "13800000000" not in response.content.decode()

    response = client.post(
        f"{url}/advance",
        {"stage": "assessing", "on": "2026-11-30", "version": lead.version},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == expected(role, key, CHANGES, 200), response.content[:200]


@pytest.mark.parametrize("role", ROLES)
def test_figures_cover_the_scope_only(client, world, bureau_user, setup, role):
    response = client.get("/api/v1/investment-leads/figures", **headers(world, bureau_user, role))
    if role == ANON:
        assert response.status_code == 401
        return
    body = response.json()
    total = next(figure for figure in body["figures"] if figure["code"] == "total")
    assert set(total["ids"]) == {setup[key].pk for key in SEES[role]}
    assert body["scope"]


def test_the_lead_detail_never_carries_contacts(client, world, setup):
    client.force_login(world.users[Role.CITY_ADMIN])
    response = client.get(f"/api/v1/investment-leads/{setup['lead_a'].pk}")
    assert response.status_code == 200 and "13800000000" not in response.content.decode()
    assert not PersonalDataRead.objects.exists()


def test_bad_input_is_a_chinese_422_and_writes_nothing(client, world, setup):
    client.force_login(world.users[Role.CITY_ADMIN])
    lead = setup["lead_a"]
    url = f"/api/v1/investment-leads/{lead.pk}"
    response = client.post(
        f"{url}/sign",
        {"amount": "-1", "signed_on": "2026-11-30", "counterpart": "", "version": lead.version},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "应先进入“研判”" in response.json()["errors"]["stage"][0]
    response = client.post(
        f"{url}/advance",
        {"stage": "nonsense", "on": "2026-11-30", "version": lead.version},
        content_type="application/json",
    )
    assert response.status_code == 422
    response = client.post(
        f"{url}/advance",
        {"stage": "assessing", "on": "2026-13-01", "version": lead.version},
        content_type="application/json",
    )
    assert response.status_code == 422
    response = client.post("/api/v1/investment-leads", {"name": "x"}, content_type="application/json")
    assert response.status_code == 422
    lead.refresh_from_db()
    assert lead.stage == "lead"


def test_register_through_the_api(client, world, bureau_user, bureau):
    _, raw = APIToken.issue(user=bureau_user, name="t")
    response = client.post(
        "/api/v1/investment-leads",
        {
            "name": "智能装备产业园",
            "investor_name": "某某智能装备集团",
            "region": world.county_a.pk,
            "industry_code": "C3491",
            "intended_investment": "80000",
            "source": "expo",
            "attraction_person": "李四",
            "received_on": "2026-11-30",
            "contacts": [{"name": "赵总", "phone": "029-88888888"}],
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["attraction_unit"]["id"] == bureau.pk and body["intended_investment"] == "80000"
    assert body["lateness"][0]["check"] == "respond" and body["late_status"] == "due_soon"


def test_hostile_inputs_are_422_and_write_nothing(client, world, leads):
    from apps.attraction.models import InvestmentLead, LeadContract
    from tests.factories import credit_code

    client.force_login(world.users[Role.CITY_ADMIN])
    lead = leads["lead_a"]
    url = f"/api/v1/investment-leads/{lead.pk}"
    InvestmentLead.objects.filter(pk=lead.pk).update(stage="negotiating")
    for payload in (
        {"amount": "1" * 30, "signed_on": "2026-11-30", "counterpart": "县政府", "version": lead.version},
        {"amount": "NaN", "signed_on": "2026-11-30", "counterpart": "县政府", "version": lead.version},
        {"amount": "100", "signed_on": "2026-11-30", "counterpart": "县" * 500, "version": lead.version},
    ):
        response = client.post(f"{url}/sign", payload, content_type="application/json")
        assert response.status_code == 422, (payload, response.content[:300])
    assert not LeadContract.objects.exists()
    InvestmentLead.objects.filter(pk=lead.pk).update(stage="signed")
    LeadContract.objects.create(lead=lead, amount=100, signed_on=datetime.date(2026, 11, 1), counterpart="县政府")
    response = client.post(
        f"{url}/registered",
        {"on": "2026-11-30", "credit_code": credit_code(5), "enterprise_name": "名" * 500, "version": lead.version},
        content_type="application/json",
    )
    assert response.status_code == 422 and "registered_name" in response.json()["errors"]
    response = client.post("/api/v1/investment-leads", {"name": "x" * 5000}, content_type="application/json")
    assert response.status_code == 422
    lead.refresh_from_db()
    assert lead.stage == "signed" and lead.registered_name == ""


@pytest.mark.parametrize("role", Role.values)
def test_read_log_api(client, world, bureau_user, setup, role):
    client.force_login(world.users[Role.CITY_ADMIN])
    client.get(f"/api/v1/investment-leads/{setup['lead_a'].pk}/contacts")
    response = client.get("/api/v1/investment-leads/personal-data-reads", **headers(world, bureau_user, role))
    if role in (Role.CITY_ADMIN, Role.AUDITOR, Role.AUDIT_ADMIN):
        assert response.status_code == 200
        assert [item["lead_id"] for item in response.json()["items"]] == [setup["lead_a"].pk]
    else:
        assert response.status_code == 403
