"""The permission matrix of monthly reports: roles × reports (of p_a, p_b, p_c) × actions,
through the pages and through the API (session and token).

Project visibility and changeability come from tests/scope_table.py; the verify rights are
written out here by hand from the `world` layout: the city administrator everywhere, the
county user in county A, the department user on the project its department leads (p_a),
nobody else. Out of scope: 404; in scope but not allowed: 403; anonymous: login / 401.
"""

import pytest
from django.urls import reverse

from apps.accounts.models import APIToken, Role
from apps.reporting.models import MonthlyReport, ReportRevision, ReportStatus, RevisionStatus
from tests import factories as f
from tests.scope_table import CHANGES, PROJECTS, SEES

from .conftest import MONTH, YEAR, make_report

ANONYMOUS = "anonymous"
JSON = "application/json"

VERIFIES = {
    Role.CITY_ADMIN: {"p_a", "p_b", "p_c"},
    Role.CITY_LEADER: set(),
    Role.COUNTY_USER: {"p_a"},
    Role.DEPARTMENT_USER: {"p_a"},
    Role.OWNER_REPORTER: set(),
    Role.AUDITOR: set(),
    Role.SYSTEM_ADMIN: set(),
    Role.SECURITY_ADMIN: set(),
    Role.AUDIT_ADMIN: set(),
}

# action: (which right it needs, the state the report must be in before)
ACTIONS = {
    "view": ("see", ReportStatus.SUBMITTED),
    "history": ("see", ReportStatus.SUBMITTED),
    "create": ("change", None),
    "edit": ("change", ReportStatus.DRAFT),
    "submit": ("change", ReportStatus.DRAFT),
    "verify": ("verify", ReportStatus.SUBMITTED),
    "return": ("verify", ReportStatus.SUBMITTED),
    "revise": ("change", ReportStatus.VERIFIED),
    "approve": ("verify", "revision"),
    "reject": ("verify", "revision"),
}
RIGHTS = {"see": SEES, "change": CHANGES, "verify": VERIFIES}
# The state each successful action leaves behind.
AFTER = {
    "submit": ReportStatus.SUBMITTED,
    "verify": ReportStatus.VERIFIED,
    "return": ReportStatus.RETURNED,
}


def allowed(role, project_key, action) -> int | str:
    """'ok', 404 or 403."""
    if project_key not in SEES[role]:
        return 404
    right = ACTIONS[action][0]
    return "ok" if project_key in RIGHTS[right][role] else 403


def prepare(world, project_key, action):
    """The report (and revision) the action works on; nothing for create."""
    project = getattr(world, project_key)
    state = ACTIONS[action][1]
    if state is None:
        return None, None
    if state == "revision":
        report = make_report(project, status=ReportStatus.VERIFIED)
        # The requester is another reporter of the project's owner unit, never the actor under test.
        requester = f.UserFactory(role=Role.OWNER_REPORTER, organisation=project.owner_unit)
        revision = ReportRevision.objects.create(
            report=report, reason="更正", proposed={"completed_investment": "55"}, requested_by=requester
        )
        return report, revision
    return make_report(project, status=state), None


def login(client, world, role, mode="session"):
    if role == ANONYMOUS:
        return {}
    if mode == "session":
        client.force_login(world.users[role])
        return {}
    _, raw = APIToken.issue(user=world.users[role], name="matrix")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def check_effect(action, report, revision, succeeded):
    """A refused action changes nothing; an allowed one does what it says."""
    if report is None:
        created = MonthlyReport.objects.filter(year=YEAR, month=MONTH).exists()
        assert created == succeeded
        return
    report.refresh_from_db()
    state = ACTIONS[action][1]
    if action in AFTER:
        assert report.status == (AFTER[action] if succeeded else state)
    if action == "edit":
        assert (report.problems == "已更新") == succeeded
    if action == "revise":
        assert report.revisions.exists() == succeeded
    if revision is not None:
        revision.refresh_from_db()
        want = {"approve": RevisionStatus.APPROVED, "reject": RevisionStatus.REJECTED}[action]
        assert revision.status == (want if succeeded else RevisionStatus.PENDING)


# --- pages -----------------------------------------------------------------------


def page_call(client, action, project, report, revision):
    data = {"version": report.version} if report else {}
    if action == "view":
        return client.get(reverse("reporting:detail", args=[report.pk]))
    if action == "history":
        return client.get(reverse("reporting:history", args=[project.pk]))
    if action == "create":
        return client.post(reverse("reporting:fill", args=[project.pk]), {"completed_investment": "12", "save": "1"})
    if action == "edit":
        body = {"completed_investment": "100", "problems": "已更新", "version": report.version, "save": "1"}
        return client.post(reverse("reporting:fill", args=[project.pk]), body)
    if action == "submit":
        return client.post(reverse("reporting:submit", args=[report.pk]), data)
    if action == "verify":
        return client.post(reverse("reporting:verify", args=[report.pk]), data)
    if action == "return":
        return client.post(reverse("reporting:return", args=[report.pk]), {**data, "reason": "请补充"})
    if action == "revise":
        body = {"reason": "更正", "completed_investment": "55", "version": report.version}
        return client.post(reverse("reporting:revision_request", args=[report.pk]), body)
    if action in ("approve", "reject"):
        return client.post(reverse("reporting:revision_decide", args=[revision.pk, action]), {"note": "意见"})
    raise AssertionError(action)


PAGE_SUCCESS = {"view": 200, "history": 200}


@pytest.mark.parametrize("role", [*Role, ANONYMOUS])
@pytest.mark.parametrize("project_key", PROJECTS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_pages_answer_by_scope(client, world, period, role, project_key, action):
    project = getattr(world, project_key)
    report, revision = prepare(world, project_key, action)
    login(client, world, role)
    response = page_call(client, action, project, report, revision)
    if role == ANONYMOUS:
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        check_effect(action, report, revision, succeeded=False)
        return
    want = allowed(role, project_key, action)
    if want == "ok":
        assert response.status_code == PAGE_SUCCESS.get(action, 302), response.content.decode()[:500]
    else:
        assert response.status_code == want
    check_effect(action, report, revision, succeeded=want == "ok" and action not in PAGE_SUCCESS)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("project_key", PROJECTS)
def test_fill_and_revision_forms_open_by_scope(client, world, period, role, project_key):
    project = getattr(world, project_key)
    client.force_login(world.users[role])
    fill = client.get(reverse("reporting:fill", args=[project.pk]))
    verified = make_report(project, status=ReportStatus.VERIFIED)
    revise = client.get(reverse("reporting:revision_request", args=[verified.pk]))
    want = allowed(role, project_key, "edit")
    assert fill.status_code == (200 if want == "ok" else want)
    assert revise.status_code == (200 if want == "ok" else want)


@pytest.mark.parametrize("role", list(Role))
def test_role_pages(client, world, period, role):
    client.force_login(world.users[role])
    fillers = {Role.CITY_ADMIN, Role.COUNTY_USER, Role.OWNER_REPORTER}
    verifiers = {Role.CITY_ADMIN, Role.COUNTY_USER, Role.DEPARTMENT_USER}
    assert client.get(reverse("reporting:mine")).status_code == (200 if role in fillers else 403)
    assert client.get(reverse("reporting:queue")).status_code == (200 if role in verifiers else 403)
    assert client.get(reverse("reporting:periods")).status_code == (200 if role == Role.CITY_ADMIN else 403)
    assert client.get(reverse("reporting:unreported")).status_code == 200
    assert client.get(reverse("reporting:reminders")).status_code == 200
    close = client.post(reverse("reporting:period_close", args=[period.pk]))
    assert close.status_code == (302 if role == Role.CITY_ADMIN else 403)
    remind = client.post(reverse("reporting:remind"))
    assert remind.status_code == (302 if role in (Role.CITY_ADMIN, Role.COUNTY_USER) else 403)


@pytest.mark.parametrize("role", list(Role))
def test_pages_list_exactly_the_scope(client, world, period, role):
    for key in PROJECTS:
        make_report(getattr(world, key), status=ReportStatus.SUBMITTED)
    client.force_login(world.users[role])
    names = {key: getattr(world, key).name for key in PROJECTS}
    if role in (Role.CITY_ADMIN, Role.COUNTY_USER, Role.DEPARTMENT_USER):
        queue = client.get(reverse("reporting:queue")).content.decode()
        assert {key for key in PROJECTS if names[key] in queue} == VERIFIES[role]
    if role in (Role.CITY_ADMIN, Role.COUNTY_USER, Role.OWNER_REPORTER):
        mine = client.get(reverse("reporting:mine")).content.decode()
        assert {key for key in PROJECTS if names[key] in mine} == CHANGES[role]
    MonthlyReport.objects.all().delete()
    unreported = client.get(reverse("reporting:unreported")).content.decode()
    assert {key for key in PROJECTS if names[key] in unreported} == SEES[role]


@pytest.mark.parametrize(
    "name", ["mine", "queue", "unreported", "periods", "reminders", "reminder_badge", "DETAIL", "HISTORY"]
)
def test_anonymous_is_sent_to_login(client, world, period, name):
    report = make_report(world.p_a)
    if name == "DETAIL":
        url = reverse("reporting:detail", args=[report.pk])
    elif name == "HISTORY":
        url = reverse("reporting:history", args=[world.p_a.pk])
    else:
        url = reverse(f"reporting:{name}")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- API -------------------------------------------------------------------------

API = "/api/v1/reports"
API_SUCCESS = {
    "view": 200,
    "history": 200,
    "create": 201,
    "edit": 200,
    "submit": 200,
    "verify": 200,
    "return": 200,
    "revise": 201,
    "approve": 200,
    "reject": 200,
}


def api_call(client, action, project, report, revision, auth):
    base = f"{API}/{report.pk}" if report else API
    version = {"version": report.version} if report else {}
    if action == "view":
        return client.get(base, **auth)
    if action == "history":
        return client.get(f"{base}/revisions", **auth)
    if action == "create":
        body = {"project": project.pk, "year": YEAR, "month": MONTH, "completed_investment": "12"}
        return client.post(API, body, content_type=JSON, **auth)
    if action == "edit":
        return client.patch(base, {**version, "problems": "已更新"}, content_type=JSON, **auth)
    if action in ("submit", "verify"):
        return client.post(f"{base}/{action}", version, content_type=JSON, **auth)
    if action == "return":
        return client.post(f"{base}/return", {**version, "reason": "请补充"}, content_type=JSON, **auth)
    if action == "revise":
        body = {"reason": "更正", "proposed": {"completed_investment": "55"}}
        return client.post(f"{base}/revisions", body, content_type=JSON, **auth)
    if action in ("approve", "reject"):
        return client.post(f"{API}/revisions/{revision.pk}/{action}", {"note": "意见"}, content_type=JSON, **auth)
    raise AssertionError(action)


@pytest.mark.parametrize("mode", ["session", "token"])
@pytest.mark.parametrize("role", [*Role, ANONYMOUS])
@pytest.mark.parametrize("project_key", PROJECTS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_api_answers_by_scope(client, world, period, mode, role, project_key, action):
    project = getattr(world, project_key)
    report, revision = prepare(world, project_key, action)
    auth = login(client, world, role, mode)
    response = api_call(client, action, project, report, revision, auth)
    want = 401 if role == ANONYMOUS else allowed(role, project_key, action)
    assert response.status_code == (API_SUCCESS[action] if want == "ok" else want), response.content.decode()
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json") and response.json()["detail"]
    check_effect(action, report, revision, succeeded=want == "ok" and action not in ("view", "history"))


@pytest.mark.parametrize("role", list(Role))
def test_api_lists_exactly_the_scope(client, world, period, role):
    for key in PROJECTS:
        make_report(getattr(world, key))
    client.force_login(world.users[role])
    body = client.get(API).json()
    listed = {item["project"]["name"] for item in body["items"]}
    assert listed == {getattr(world, key).name for key in SEES[role]}
    assert body["count"] == len(SEES[role])
    unreported = client.get(f"{API}/unreported").json()
    assert unreported["total"] == 0
    MonthlyReport.objects.all().delete()
    unreported = client.get(f"{API}/unreported", {"year": YEAR, "month": MONTH}).json()
    assert {p["name"] for p in unreported["projects"]} == {getattr(world, key).name for key in SEES[role]}


@pytest.mark.parametrize("role", [*Role, ANONYMOUS])
def test_api_periods_by_role(client, world, period, role):
    auth = login(client, world, role)
    listing = client.get(f"{API}/periods", **auth)
    opened = client.post(f"{API}/periods", {"year": 2026, "month": 12}, content_type=JSON, **auth)
    closed = client.post(f"{API}/periods/{period.pk}/close", content_type=JSON, **auth)
    if role == ANONYMOUS:
        assert (listing.status_code, opened.status_code, closed.status_code) == (401, 401, 401)
    elif role == Role.CITY_ADMIN:
        # One open period at a time: opening December is refused while October is open.
        assert (listing.status_code, opened.status_code, closed.status_code) == (200, 422, 200)
        assert client.post(f"{API}/periods", {"year": 2026, "month": 12}, content_type=JSON).status_code == 201
    else:
        assert (listing.status_code, opened.status_code, closed.status_code) == (200, 403, 403)
        assert "市发改委管理员" in opened.json()["detail"]
