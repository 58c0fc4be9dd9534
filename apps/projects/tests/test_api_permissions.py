"""The API permission matrix: roles × projects × actions, by session and by token.

Expected outcomes are written out from the `world` fixture's layout (see conftest),
not computed from the scoping code under test.
"""

import pytest

from apps.accounts.models import APIToken, Role
from tests.scope_table import CHANGES, PROJECTS, SEES

ANONYMOUS = "anonymous"
ACTIONS = ("list", "detail", "patch", "delete", "history", "plans", "plan_create")
READS = {"detail", "history", "plans"}
SUCCESS = {"detail": 200, "patch": 200, "delete": 204, "history": 200, "plans": 200, "plan_create": 201}


def expected(role, project, action):
    """The status code, or for "list" whether the project is listed."""
    if role == ANONYMOUS:
        return 401
    if action == "list":
        return "listed" if project in SEES[role] else "absent"
    if project not in SEES[role]:
        return 404
    if action in READS:
        return SUCCESS[action]
    if action == "delete":
        return 204 if role == Role.CITY_ADMIN else 403
    if action == "plan_create" and role == Role.OWNER_REPORTER:
        return 403
    return SUCCESS[action] if project in CHANGES[role] else 403


def call(client, action, project, auth):
    base = f"/api/v1/projects/{project.pk}"
    json = "application/json"
    if action == "list":
        return client.get("/api/v1/projects", **auth)
    if action == "detail":
        return client.get(base, **auth)
    if action == "patch":
        return client.patch(base, {"version": project.version, "scope": "新建道路 6 公里"}, content_type=json, **auth)
    if action == "delete":
        return client.delete(f"{base}?version={project.version}", **auth)
    if action == "history":
        return client.get(f"{base}/history", **auth)
    if action == "plans":
        return client.get(f"{base}/annual-plans", **auth)
    if action == "plan_create":
        body = {"year": 2026, "planned_investment": "3000", "version": project.version}
        return client.post(f"{base}/annual-plans", body, content_type=json, **auth)
    raise AssertionError(action)


@pytest.mark.parametrize("mode", ["session", "token"])
@pytest.mark.parametrize("role", [*Role, ANONYMOUS])
@pytest.mark.parametrize("project_key", PROJECTS)
@pytest.mark.parametrize("action", ACTIONS)
def test_api_answers_by_scope(client, world, mode, role, project_key, action):
    project = getattr(world, project_key)
    auth = {}
    if role != ANONYMOUS and mode == "session":
        client.force_login(world.users[role])
    elif role != ANONYMOUS:
        _, raw = APIToken.issue(user=world.users[role], name="matrix")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    response = call(client, action, project, auth)
    want = expected(role, project_key, action)

    if action == "list" and want != 401:
        assert response.status_code == 200
        listed = project.pk in {item["id"] for item in response.json()["items"]}
        assert ("listed" if listed else "absent") == want
    else:
        assert response.status_code == want, response.content.decode()
    if response.status_code in (401, 403, 404):
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["detail"]


@pytest.mark.parametrize("role", list(Role))
def test_list_contains_exactly_the_scope(client, world, role):
    client.force_login(world.users[role])
    body = client.get("/api/v1/projects").json()
    names = {item["name"] for item in body["items"]}
    assert names == {getattr(world, key).name for key in SEES[role]}
    assert body["count"] == len(SEES[role])
