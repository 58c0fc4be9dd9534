"""The UI permission matrix: roles × projects × actions.

Expected outcomes are written out from the `world` fixture's layout (see conftest),
not computed from the scoping code under test.
"""

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from tests.scope_table import CHANGES, PROJECTS, SEES


def expected(role, project, action):
    if project not in SEES[role]:
        return 404
    if action == "view":
        return 200
    if action == "delete":
        return 302 if role == Role.CITY_ADMIN else 403
    if action == "plan" and role == Role.OWNER_REPORTER:
        return 403
    return 200 if project in CHANGES[role] else 403


ACTIONS = {
    "view": ("get", "projects:detail", {}),
    "edit": ("get", "projects:edit", {}),
    "milestone": ("get", "projects:child_create", {"kind": "milestones"}),
    "plan": ("post", "projects:child_create", {"kind": "plans"}),
    "delete": ("post", "projects:delete", {}),
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("project_key", PROJECTS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_project_pages_answer_by_scope(client, world, role, project_key, action):
    project = getattr(world, project_key)
    client.force_login(world.users[role])
    method, name, extra = ACTIONS[action]
    url = reverse(name, kwargs={"pk": project.pk, **extra})
    data = {"version": project.version} if action == "delete" else {"year": "", "planned_investment": ""}
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == expected(role, project_key, action)


@pytest.mark.parametrize("role", list(Role))
def test_list_and_exports_contain_exactly_the_scope(client, world, role):
    client.force_login(world.users[role])
    names = {key: getattr(world, key).name for key in PROJECTS}
    wanted = {names[key] for key in SEES[role]}
    unwanted = set(names.values()) - wanted

    page = client.get(reverse("projects:list")).content.decode()
    csv_text = client.get(reverse("projects:export", args=["csv"])).content.decode("utf-8-sig")
    for body in (page, csv_text):
        assert all(name in body for name in wanted)
        assert not any(name in body for name in unwanted)
    xlsx = client.get(reverse("projects:export", args=["xlsx"]))
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize(
    "url",
    ["/projects/", "/projects/export.csv", "/projects/new/", "/projects/mine/", "/changes/", "PROJECT"],
)
def test_anonymous_is_sent_to_login(client, world, url):
    if url == "PROJECT":
        url = reverse("projects:detail", args=[world.p_a.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", list(Role))
def test_only_admin_and_county_user_may_create(client, world, role):
    client.force_login(world.users[role])
    response = client.get(reverse("projects:create"))
    assert response.status_code == (200 if role in (Role.CITY_ADMIN, Role.COUNTY_USER) else 403)


@pytest.mark.parametrize("role", list(Role))
def test_leader_page_only_for_leaders(client, world, role):
    client.force_login(world.users[role])
    response = client.get(reverse("projects:mine"))
    if role == Role.CITY_LEADER:
        assert response.status_code == 200
        body = response.content.decode()
        assert world.p_a.name in body  # led by this leader
        assert world.p_b.name not in body and world.p_c.name not in body
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", list(Role))
def test_change_log_page_shows_only_visible_history(client, world, role):
    from apps.projects import services

    admin = world.users[Role.CITY_ADMIN]
    for key in PROJECTS:
        project = getattr(world, key)
        services.project_update(
            actor=admin, project_id=project.pk, expected_version=project.version, fields={"location": f"地点-{key}"}
        )
    client.force_login(world.users[role])
    body = client.get(reverse("audit:list")).content.decode()
    all_history = role in (Role.AUDITOR, Role.CITY_ADMIN, Role.AUDIT_ADMIN)
    for key in PROJECTS:
        visible = all_history or key in SEES[role]
        assert (f"地点-{key}" in body) == visible
