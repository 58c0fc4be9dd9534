"""Scope for every path: items (page, actions, API), the project page, lists; 404 outside the
scope, 403 in it but not allowed, login redirect / 401 for the anonymous. Expected outcomes are
the hand-written tables in conftest.py."""

import datetime

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.approvals.models import ItemStatus

from .conftest import APPLIES, HANDLES, MANAGES, SEES

KEYS = ("a", "b", "c", "c2")


def expected(role, key, allowed: dict, ok: int):
    if key not in SEES[role]:
        return 404
    return ok if key in allowed.get(role, set()) else 403


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("key", KEYS)
def test_item_pages_and_actions_by_scope(client, world, items, role, key):
    item = items[key]
    client.force_login(world.users[role])
    assert client.get(reverse("approvals:item", args=[item.pk])).status_code == expected(role, key, {role: KEYS}, 200)
    assert client.get(reverse("approvals:item_edit", args=[item.pk])).status_code == expected(role, key, MANAGES, 200)
    accept = client.post(
        reverse("approvals:item_action", args=[item.pk, "accept"]),
        {"accepted_on": "2026-09-22", "version": item.version},
    )
    assert accept.status_code == expected(role, key, HANDLES, 302)
    item.refresh_from_db()
    assert (item.status == ItemStatus.ACCEPTED) == (key in HANDLES.get(role, set()))
    withdraw = client.post(reverse("approvals:item_action", args=[item.pk, "withdraw"]), {"version": item.version})
    assert withdraw.status_code == expected(role, key, APPLIES, 302)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("key", KEYS)
def test_item_api_by_scope(client, world, items, role, key):
    item = items[key]
    client.force_login(world.users[role])
    assert client.get(f"/api/v1/approvals/items/{item.pk}").status_code == expected(role, key, {role: KEYS}, 200)
    accept = client.post(
        f"/api/v1/approvals/items/{item.pk}/accept",
        {"accepted_on": "2026-09-22", "version": item.version},
        content_type="application/json",
    )
    assert accept.status_code == expected(role, key, HANDLES, 200)
    item.refresh_from_db()
    patch = client.patch(
        f"/api/v1/approvals/items/{item.pk}",
        {"committed_workdays": 7, "version": item.version},
        content_type="application/json",
    )
    assert patch.status_code == expected(role, key, MANAGES, 200)


PROJECT_SEES = {  # tests/scope_table.py, by item project
    Role.CITY_ADMIN: {"p_a", "p_b", "p_c"},
    Role.CITY_LEADER: {"p_a", "p_b", "p_c"},
    Role.COUNTY_USER: {"p_a"},
    Role.DEPARTMENT_USER: {"p_a", "p_b"},
    Role.OWNER_REPORTER: {"p_a"},
    Role.AUDITOR: {"p_a", "p_b", "p_c"},
    Role.SYSTEM_ADMIN: set(),
    Role.SECURITY_ADMIN: set(),
    Role.AUDIT_ADMIN: set(),
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("key", ("p_a", "p_b", "p_c"))
def test_project_pages_by_scope(client, world, items, role, key):
    project = getattr(world, key)
    client.force_login(world.users[role])
    sees = key in PROJECT_SEES[role]
    # The department handling item c sees p_c's approval page (read-only) without seeing p_c.
    handles = role == Role.DEPARTMENT_USER and key == "p_c"
    page = client.get(reverse("approvals:project", args=[project.pk]))
    assert page.status_code == (200 if sees or handles else 404)
    assert client.get(f"/api/v1/approvals/projects/{project.pk}/items").status_code == (200 if sees else 404)
    manages = {Role.CITY_ADMIN: {"p_a", "p_b", "p_c"}, Role.COUNTY_USER: {"p_a"}}.get(role, set())
    generate = client.post(reverse("approvals:generate", args=[project.pk]))
    assert generate.status_code == (404 if not sees else 302 if key in manages else 403)
    intake = client.get(reverse("approvals:intake", args=[project.pk]))
    may_apply = key in manages or (role == Role.OWNER_REPORTER and key == "p_a")
    assert intake.status_code == (404 if not sees else 200 if may_apply else 403)


@pytest.mark.parametrize("role", list(Role))
def test_lists_contain_exactly_the_scope(client, world, items, role):
    client.force_login(world.users[role])
    names = {key: items[key].pk for key in KEYS}
    api = client.get("/api/v1/approvals/items").json()
    assert {i["id"] for i in api["items"]} == {names[k] for k in SEES[role]}
    worklist = client.get("/api/v1/approvals/worklist").json()
    own = {"a", "c"} if role == Role.DEPARTMENT_USER else SEES[role]
    assert {i["id"] for i in worklist["items"]} == {names[k] for k in own}
    page = client.get(reverse("approvals:worklist")).content.decode()
    for key in KEYS:
        link = f'href="/approvals/items/{names[key]}/"'
        assert (link in page) == (key in own), key


@pytest.mark.parametrize(
    "url", ["/approvals/", "/approvals/overdue/", "/approvals/figures/", "/approvals/items/1/", "/workdays/"]
)
def test_anonymous_is_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "url", ["/api/v1/approvals/items", "/api/v1/approvals/figures", "/api/v1/approvals/item-types"]
)
def test_anonymous_api_is_401(client, db, url):
    assert client.get(url).status_code == 401


def test_a_department_handling_an_item_sees_its_project_checklist_and_history_read_only(client, world, items):
    from apps.approvals import services

    dept = world.users[Role.DEPARTMENT_USER]
    services.item_accept(actor=dept, item_id=items["c"].pk, accepted_on=datetime.date(2026, 9, 22))
    client.force_login(dept)
    item_page = client.get(reverse("approvals:item", args=[items["c"].pk]))
    assert item_page.status_code == 200
    assert len(item_page.context["history"]) >= 1  # 受理 shows in its 变更记录
    project_page = client.get(reverse("approvals:project", args=[world.p_c.pk]))
    assert project_page.status_code == 200 and not project_page.context["can_manage"]
    assert not project_page.context["can_apply"]
    assert {item.pk for item in project_page.context["items"]} == {items["c"].pk}  # not other_dept's c2
    assert client.get(reverse("projects:detail", args=[world.p_c.pk])).status_code == 404


def test_item_pages_need_the_loaded_version(client, world, items):
    """An action or an edit posted without the version, or with a stale one, changes nothing."""
    from apps.approvals.models import ApprovalItem

    item = items["a"]
    client.force_login(world.users[Role.CITY_ADMIN])
    page = client.get(reverse("approvals:item_edit", args=[item.pk])).content.decode()
    assert f'name="version" value="{item.version}"' in page
    edit = reverse("approvals:item_edit", args=[item.pk])
    data = {"department": world.dept.pk, "committed_workdays": 9, "commitment_applies": "on"}
    assert "必须提交编辑时加载的版本号" in client.post(edit, data).content.decode()
    assert "已被他人修改" in client.post(edit, {**data, "version": item.version + 2}).content.decode()
    assert ApprovalItem.objects.get(pk=item.pk).committed_workdays != 9
    assert client.post(edit, {**data, "version": item.version}).status_code == 302
    assert ApprovalItem.objects.get(pk=item.pk).committed_workdays == 9

    item.refresh_from_db()
    withdraw = reverse("approvals:item_action", args=[item.pk, "withdraw"])
    assert "必须提交编辑时加载的版本号" in client.post(withdraw, follow=True).content.decode()
    assert "已被他人修改" in client.post(withdraw, {"version": item.version + 2}, follow=True).content.decode()
    assert ApprovalItem.objects.get(pk=item.pk).status == ItemStatus.SUBMITTED
    client.post(withdraw, {"version": item.version})
    assert ApprovalItem.objects.get(pk=item.pk).status != ItemStatus.SUBMITTED


def test_item_delete_page_needs_the_loaded_version(client, world, items):
    from apps.approvals.models import ApprovalItem

    item = items["a"]
    ApprovalItem.objects.filter(pk=item.pk).update(status=ItemStatus.NOT_STARTED)
    client.force_login(world.users[Role.CITY_ADMIN])
    page = client.get(reverse("approvals:item", args=[item.pk])).content.decode()
    assert f'name="version" value="{item.version}"' in page
    url = reverse("approvals:item_delete", args=[item.pk])
    assert "必须提交编辑时加载的版本号" in client.post(url, follow=True).content.decode()
    assert "已被他人修改" in client.post(url, {"version": item.version + 1}, follow=True).content.decode()
    assert ApprovalItem.objects.filter(pk=item.pk).exists()
    assert client.post(url, {"version": item.version}).status_code == 302
    assert not ApprovalItem.objects.filter(pk=item.pk).exists()
