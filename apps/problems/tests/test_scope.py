"""The permission matrix of problems, letters, meetings and supervised actions: roles ×
objects × actions, through the pages and the API (session and bearer token).

Written out by hand from the `world` layout (see the root conftest and this package's):
- problems pa (project p_a, raised by the owner unit's reporter, the department responsible,
  the leader coordinating), pb (p_b, which the department partners; raised by the city
  administrator, the department responsible), pc (p_c, another department, raised by the
  administrator);
- a letter on each, addressed to the problem's responsible department;
- a city meeting organised by the administrator with one supervised action owned by the
  department about p_a.
Out of scope: 404; in scope but not allowed: 403; anonymous: login redirect / 401.
"""

import pytest
from django.urls import reverse

from apps.accounts.models import APIToken, Role
from apps.audit.models import ChangeRecord
from apps.problems.models import ActionStatus

ANON = "anonymous"
ROLES = [*Role, ANON]
KEYS = ("p_a", "p_b", "p_c")

SEES = {
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
HANDLES = {
    Role.CITY_ADMIN: {"p_a", "p_b", "p_c"},
    Role.CITY_LEADER: {"p_a"},
    Role.COUNTY_USER: {"p_a"},
    Role.DEPARTMENT_USER: {"p_a", "p_b"},
    Role.OWNER_REPORTER: set(),
    Role.AUDITOR: set(),
    Role.SYSTEM_ADMIN: set(),
    Role.SECURITY_ADMIN: set(),
    Role.AUDIT_ADMIN: set(),
}
RAISED = {Role.OWNER_REPORTER: {"p_a"}, Role.CITY_ADMIN: {"p_b", "p_c"}}
# Letters: seen with the problem; answered by the addressee and by the offices handling it.
RESPONDS = {
    Role.CITY_ADMIN: {"p_a", "p_b", "p_c"},
    Role.COUNTY_USER: {"p_a"},
    Role.DEPARTMENT_USER: {"p_a", "p_b"},
}
MEETING_VIEW = {Role.CITY_ADMIN, Role.CITY_LEADER, Role.COUNTY_USER, Role.DEPARTMENT_USER, Role.AUDITOR}
MEETING_CHANGE = {Role.CITY_ADMIN}
ACTION_VIEW = MEETING_VIEW | {Role.OWNER_REPORTER}  # the owner sees it through project p_a
ACTION_REPORT = {Role.CITY_ADMIN, Role.DEPARTMENT_USER}
ACTION_CLOSE = {Role.CITY_ADMIN}


def outcome(role, visible: bool, allowed: bool, ok):
    if role == ANON:
        return "anon"
    if not visible:
        return 404
    return ok if allowed else 403


@pytest.fixture
def setup(world, problems, make_letter, city_meeting, make_action):
    letters = {key: make_letter(problem=problem) for key, problem in problems.items()}
    action = make_action(meeting=city_meeting, owner=world.dept)
    action.projects.set([world.p_a])
    return {"problems": problems, "letters": letters, "meeting": city_meeting, "action": action}


def login(client, world, role, mode):
    if role == ANON:
        return {}
    user = world.users[role]
    if mode == "token":
        _, raw = APIToken.issue(user=user, name="test")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    client.force_login(user)
    return {}


def ui_status(response, expected):
    if expected == "anon":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == expected, response.content[:300]


def api_status(response, expected):
    assert response.status_code == (401 if expected == "anon" else expected), response.content[:300]


PROBLEM_STEPS = {
    # step: (right table, form data, UI success code, API path, API payload, API success code)
    "view": (SEES, None, 200, "", None, 200),
    "action": (
        HANDLES,
        {"taken_on": "2026-05-20", "description": "现场协调"},
        302,
        "/actions",
        {"description": "现场协调"},
        201,
    ),
    "escalate": (
        HANDLES,
        {"to_level": "special_meeting", "reason": "协调未果"},
        302,
        "/escalate",
        {"to_level": "special_meeting", "reason": "协调未果"},
        200,
    ),
    "resolve": (HANDLES, {"resolution": "已解决"}, 302, "/resolve", {"resolution": "已解决"}, 200),
    "confirm": (RAISED, {}, 302, "/confirm", {}, 200),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("step", list(PROBLEM_STEPS))
def test_problem_pages_answer_by_scope(client, world, setup, role, key, step):
    table, data, ok, *_ = PROBLEM_STEPS[step]
    problem = setup["problems"][key]
    if step == "confirm":
        problem.status = "resolved"
        problem.save()
    login(client, world, role, "session")
    expected = outcome(role, role != ANON and key in SEES[role], role != ANON and key in table.get(role, set()), ok)
    if step == "view":
        response = client.get(reverse("problems:detail", args=[problem.pk]))
    else:
        response = client.post(reverse("problems:step", args=[problem.pk, step]), data)
    ui_status(response, expected)
    written = ChangeRecord.objects.filter(content_type__app_label="problems").exists()
    assert written == (step != "view" and expected == ok)


@pytest.mark.parametrize("mode", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("step", list(PROBLEM_STEPS))
def test_problem_api_answers_by_scope(client, world, setup, mode, role, key, step):
    table, _data, _ok, path, payload, ok = PROBLEM_STEPS[step]
    problem = setup["problems"][key]
    if step == "confirm":
        problem.status = "resolved"
        problem.save()
    headers = login(client, world, role, mode)
    expected = outcome(role, role != ANON and key in SEES[role], role != ANON and key in table.get(role, set()), ok)
    url = f"/api/v1/problems/{problem.pk}{path}"
    if step == "view":
        response = client.get(url, **headers)
    else:
        response = client.post(url, payload, content_type="application/json", **headers)
    api_status(response, expected)
    written = ChangeRecord.objects.filter(content_type__app_label="problems").exists()
    assert written == (step != "view" and expected == ok)


@pytest.mark.parametrize("role", list(Role))
def test_lists_and_api_lists_contain_exactly_the_scope(client, world, setup, role):
    client.force_login(world.users[role])
    wanted = {setup["problems"][key].description for key in SEES[role]}
    unwanted = {p.description for p in setup["problems"].values()} - wanted
    page = client.get(reverse("problems:list")).content.decode()
    api = client.get("/api/v1/problems").json()
    assert {item["description"] for item in api["items"]} == wanted
    assert all(text in page for text in wanted) and not any(text in page for text in unwanted)
    letters = client.get("/api/v1/letters").json()
    assert {item["problem_id"] for item in letters["items"]} == {setup["problems"][k].pk for k in SEES[role]}


def test_a_department_sees_problems_it_is_responsible_for_on_projects_it_does_not_see(client, world, problems):
    from .factories import ProblemFactory

    foreign = ProblemFactory(project=world.p_c, responsible_department=world.dept, description="外单位项目上的问题")
    client.force_login(world.users[Role.DEPARTMENT_USER])
    assert client.get(reverse("problems:detail", args=[foreign.pk])).status_code == 200
    assert client.get(f"/api/v1/problems/{foreign.pk}").status_code == 200
    # ... but still not the project itself.
    assert client.get(reverse("projects:detail", args=[world.p_c.pk])).status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", KEYS)
def test_letters_view_and_respond_by_scope(client, world, setup, role, key):
    letter = setup["letters"][key]
    login(client, world, role, "session")
    visible = role != ANON and key in SEES[role]
    ui_status(client.get(reverse("problems:letter", args=[letter.pk])), outcome(role, visible, True, 200))
    ui_status(client.get(reverse("problems:letter_download", args=[letter.pk])), outcome(role, visible, True, 200))
    api_status(client.get(f"/api/v1/letters/{letter.pk}"), outcome(role, visible, True, 200))
    allowed = role != ANON and key in RESPONDS.get(role, set())
    response = client.post(
        f"/api/v1/letters/{letter.pk}/respond", {"response": "已办结"}, content_type="application/json"
    )
    api_status(response, outcome(role, visible, allowed, 200))
    letter.refresh_from_db()
    assert (letter.response == "已办结") == (visible and allowed)


@pytest.mark.parametrize("role", ROLES)
def test_meetings_and_supervised_actions_by_scope(client, world, setup, role):
    meeting, action = setup["meeting"], setup["action"]
    login(client, world, role, "session")
    sees = role in MEETING_VIEW
    ui_status(client.get(reverse("problems:meeting", args=[meeting.pk])), outcome(role, sees, True, 200))
    api_status(client.get(f"/api/v1/meetings/{meeting.pk}"), outcome(role, sees, True, 200))
    api_status(
        client.patch(f"/api/v1/meetings/{meeting.pk}", {"minutes": "会议纪要"}, content_type="application/json"),
        outcome(role, sees, role in MEETING_CHANGE, 200),
    )
    decision = {"decision": "限期完成征收", "owner": world.dept.pk, "deadline": "2026-06-30"}
    api_status(
        client.post(f"/api/v1/meetings/{meeting.pk}/decisions", decision, content_type="application/json"),
        outcome(role, sees, role in MEETING_CHANGE, 201),
    )

    sees_action = role in ACTION_VIEW
    page = client.get(reverse("problems:action", args=[action.pk]))
    ui_status(page, outcome(role, sees_action, True, 200))
    if page.status_code == 200:  # the meeting is linked only for those who may open it
        assert (reverse("problems:meeting", args=[meeting.pk]) in page.content.decode()) == sees
    api_status(
        client.post(
            f"/api/v1/supervised-actions/{action.pk}/report",
            {"progress": "已完成", "done": True},
            content_type="application/json",
        ),
        outcome(role, sees_action, role in ACTION_REPORT, 200),
    )
    action.refresh_from_db()
    assert (action.status == ActionStatus.DONE) == (role in ACTION_REPORT)
    api_status(
        client.post(f"/api/v1/supervised-actions/{action.pk}/close", content_type="application/json"),
        outcome(role, sees_action, role in ACTION_CLOSE, 200),
    )


@pytest.mark.parametrize("role", list(Role))
def test_raising_a_problem_through_page_and_api(client, world, role):
    """Everyone but the auditor raises problems on the projects they see."""
    client.force_login(world.users[role])
    data = {
        "problem_type": "funds",
        "description": "资本金缺口",
        "responsible_department": world.dept.pk,
        "deadline": "2026-07-01",
    }
    page = client.post(reverse("problems:create", args=[world.p_a.pk]), data)
    api = client.post("/api/v1/problems", {**data, "project": world.p_a.pk}, content_type="application/json")
    if role == Role.AUDITOR:
        assert (page.status_code, api.status_code) == (403, 403)
    elif "p_a" in SEES[role]:
        assert (page.status_code, api.status_code) == (302, 201)
        assert ChangeRecord.objects.filter(content_type__model="problem", action="create").count() == 2
    else:
        assert (page.status_code, api.status_code) == (404, 404)
