"""The pages answer by the same scope tables as the API (see test_scope), and the work
forms go through the services with their Chinese refusals."""

import pytest

from apps.accounts.models import Role
from apps.attraction.models import InvestorContact, LeadStage, PersonalDataRead

from .test_scope import ANON, BUREAU, CHANGES, KEYS, READS_CONTACTS, ROLES, SEES, expected, user_of


def login(client, world, bureau_user, role):
    if role != ANON:
        client.force_login(user_of(world, bureau_user, role))


def page_status(response, status):
    if status == 401:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == status, response.content[:300]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", KEYS)
def test_pages_by_scope(client, world, bureau_user, leads, role, key):
    lead = leads[key]
    InvestorContact.objects.create(lead=lead, name="王经理", phone="13800000000")
    login(client, world, bureau_user, role)
    page_status(client.get(f"/attraction/{lead.pk}/"), expected(role, key, SEES, 200))
    response = client.get(f"/attraction/{lead.pk}/contacts/")
    status = expected(role, key, READS_CONTACTS, 200)
    page_status(response, status)
    assert PersonalDataRead.objects.filter(lead=lead, channel="page").count() == (1 if status == 200 else 0)
    if status == 200:
        assert "13800000000" in response.content.decode()
    response = client.post(
        f"/attraction/{lead.pk}/advance/", {"stage": "assessing", "on": "2026-11-30", "version": lead.version}
    )
    page_status(response, expected(role, key, CHANGES, 302))


@pytest.mark.parametrize("role", [Role.CITY_ADMIN, Role.COUNTY_USER, BUREAU, Role.AUDITOR])
def test_list_and_figures_pages_show_the_scope(client, world, bureau_user, leads, role):
    login(client, world, bureau_user, role)
    body = client.get("/attraction/").content.decode()
    for key in KEYS:
        assert (f"/attraction/{leads[key].pk}/" in body) == (key in SEES[role])
    response = client.get("/attraction/figures/")
    assert response.status_code == 200
    assert "范围" in response.content.decode()
    drill = client.get("/attraction/?figure=total").content.decode()
    assert drill.count('href="/attraction/') >= len(SEES[role])


def test_a_refused_step_shows_the_chinese_message_and_changes_nothing(client, world, leads):
    client.force_login(world.users[Role.CITY_ADMIN])
    lead = leads["lead_a"]
    response = client.post(
        f"/attraction/{lead.pk}/advance/", {"stage": "negotiating", "on": "2026-11-30", "version": lead.version}
    )
    assert response.status_code == 422
    assert "应先进入“研判”" in response.content.decode()
    lead.refresh_from_db()
    assert lead.stage == LeadStage.LEAD
    response = client.post(
        f"/attraction/{lead.pk}/advance/", {"stage": "assessing", "on": "not-a-date", "version": lead.version}
    )
    assert response.status_code == 422


def test_register_a_lead_through_the_page(client, world, bureau_user, bureau):
    client.force_login(bureau_user)
    response = client.get("/attraction/new/")
    assert response.status_code == 200
    response = client.post(
        "/attraction/new/",
        {
            "name": "光伏组件项目",
            "investor_name": "某某光伏集团",
            "region": world.county_a.pk,
            "industry_code": "C3825",
            "category": "industry",
            "intended_investment": "60000",
            "source": "expo",
            "attraction_person": "李四",
            "received_on": "2026-11-30",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    lead = bureau.investment_leads.get()
    assert lead.attraction_unit == bureau and lead.stage == LeadStage.LEAD


def test_owners_and_the_other_department_cannot_register(client, world):
    for role in (Role.OWNER_REPORTER, Role.CITY_LEADER, Role.AUDITOR):
        client.force_login(world.users[role])
        assert client.get("/attraction/new/").status_code == 403


def test_dashboard_loads_the_attraction_and_reserve_card(client, world, bureau_user, leads):
    client.force_login(world.users[Role.CITY_ADMIN])
    assert 'hx-get="/attraction/dashboard-card/"' in client.get("/dashboard/").content.decode()
    body = client.get("/attraction/dashboard-card/").content.decode()
    assert "开工率" in body and "储备项目" in body and "?figure=started" in body
    client.force_login(world.users[Role.OWNER_REPORTER])
    assert client.get("/attraction/dashboard-card/").status_code == 200  # nothing in scope: zeros


@pytest.mark.parametrize("role", Role.values)
def test_the_read_log_is_for_the_administrator_and_auditors(client, world, leads, role):
    InvestorContact.objects.create(lead=leads["lead_a"], name="王经理", phone="13800000000")
    client.force_login(world.users[Role.COUNTY_USER])
    client.get(f"/attraction/{leads['lead_a'].pk}/contacts/")
    client.force_login(world.users[role])
    response = client.get("/attraction/personal-data-reads/")
    if role in (Role.CITY_ADMIN, Role.AUDITOR, Role.AUDIT_ADMIN):
        assert response.status_code == 200 and leads["lead_a"].name in response.content.decode()
        assert "13800000000" not in response.content.decode()
    else:
        assert response.status_code == 403
