"""The menu registry: each role sees the pages it uses, every entry opens for whoever sees
it, and base.html renders the groups without inline script."""

import re

import pytest

from apps.accounts.models import Role
from apps.core import navigation
from apps.core.navigation import NavEntry, nav_entries, nav_groups

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_every_menu_entry_opens_for_the_role_that_sees_it(client, world, role):
    user = world.users[role]
    client.force_login(user)
    urls = [item.url for group in nav_groups(user) for item in group.items]
    assert urls, role
    for url in urls:
        assert client.get(url).status_code == 200, (role, url)


def test_each_role_sees_only_what_it_uses(world):
    def names(role):
        return {entry.url_name for entry in nav_entries(world.users[role])}

    owner = names(Role.OWNER_REPORTER)
    assert {"reporting:mine", "imports:list", "projects:list"} <= owner
    assert not owner & {"reporting:queue", "audit:list", "reporting:periods", "dashboard:speech"}
    assert "reporting:queue" in names(Role.DEPARTMENT_USER) and "problems:queue" in names(Role.DEPARTMENT_USER)
    assert "projects:mine" in names(Role.CITY_LEADER) and "reporting:mine" not in names(Role.CITY_LEADER)
    assert "audit:list" in names(Role.AUDITOR) and "imports:list" not in names(Role.AUDITOR)
    assert "reporting:periods" in names(Role.CITY_ADMIN)


def test_groups_follow_the_registry_order_and_mark_the_current_page(world):
    groups = nav_groups(world.users[Role.CITY_ADMIN], "/reports/queue/?page=2")
    keys = [group.key for group in groups]
    assert keys == [key for key, _ in navigation.GROUPS if key in keys]
    active = [(group.key, item.url) for group in groups for item in group.items if item.active]
    assert active == [("reports", "/reports/queue/")]  # not also /reports/ (我的月报)
    assert next(group for group in groups if group.key == "reports").active


def test_a_new_page_is_one_entry(world, monkeypatch):
    monkeypatch.setattr(navigation, "ENTRIES", list(navigation.ENTRIES))
    navigation.register(NavEntry("亮灯", "workdays:calendar", "dispatch", frozenset({Role.AUDITOR})))
    auditor = [item.label for group in nav_groups(world.users[Role.AUDITOR]) for item in group.items]
    county = [item.label for group in nav_groups(world.users[Role.COUNTY_USER]) for item in group.items]
    assert "亮灯" in auditor and "亮灯" not in county
    with pytest.raises(ValueError):
        navigation.register(NavEntry("x", "workdays:calendar", "nowhere"))


def test_base_page_renders_the_menu_without_inline_script(client, world):
    client.force_login(world.users[Role.CITY_ADMIN])
    html = client.get("/dashboard/").content.decode()
    assert "data-nav-toggle" in html and "<details data-nav-group>" in html and "/reports/queue/" in html
    assert not re.search(r"\son\w+=", html.split("<main>")[0])  # no onchange/onclick in the header
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html.split("<main>")[0])


def test_english_menu_says_approvals_not_decide(client, world):
    client.force_login(world.users[Role.CITY_ADMIN])
    client.cookies["django_language"] = "en"
    html = client.get("/dashboard/").content.decode()
    assert ">Approvals</summary>" in html and "Decide" not in html.split("<main>")[0]
