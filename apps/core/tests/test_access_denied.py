"""A request for an existing object outside the user's scope answers 404 and is recorded as
an access-denied security event, on every path (pages, API, documents, exports), because the
record is made once where scoped fetches happen (RestrictedQuerySet) and judged once by the
request middleware. A 404 for an id that exists nowhere is not an intrusion: no event."""

import pytest
from django.db.models import Max
from django.urls import reverse

from apps.accounts.models import APIToken, Role
from apps.audit.models import SecurityEvent, SecurityEventKind
from apps.core.querysets import ScopeMiss
from apps.problems.models import Problem
from apps.problems.tests.factories import LetterFactory, ProblemFactory
from apps.projects.models import Project

pytestmark = pytest.mark.django_db


def denied():
    return list(SecurityEvent.objects.filter(kind=SecurityEventKind.ACCESS_DENIED))


def missing_id(model) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1000


@pytest.mark.parametrize("path", ["page", "api", "api_token"])
def test_an_existing_project_outside_the_scope_is_404_and_an_access_denied_event(client, world, path):
    county = world.users[Role.COUNTY_USER]  # sees p_a only; p_c is in another county
    headers = {"HTTP_X_REQUEST_ID": "corr-abc-123"}
    if path == "api_token":
        _, raw = APIToken.issue(user=county, name="t")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    else:
        client.force_login(county)
    url = reverse("projects:detail", args=[world.p_c.pk]) if path == "page" else f"/api/v1/projects/{world.p_c.pk}"
    response = client.get(url, **headers)
    assert response.status_code == 404
    assert "甲区快速路" not in response.content.decode() and "乙县学校" not in response.content.decode()
    [event] = denied()
    assert event.user == county and event.username == "county"
    assert event.detail["path"] == url and event.detail["status"] == 404
    assert event.detail["object_type"] == "projects.project" and event.detail["object_id"] == str(world.p_c.pk)
    assert event.correlation_id == "corr-abc-123"
    assert event.request_id == response["X-Request-ID"] != "corr-abc-123"


@pytest.mark.parametrize("path", ["page", "api"])
def test_a_truly_missing_object_is_404_without_an_access_denied_event(client, world, path):
    client.force_login(world.users[Role.COUNTY_USER])
    pk = missing_id(Project)
    url = reverse("projects:detail", args=[pk]) if path == "page" else f"/api/v1/projects/{pk}"
    assert client.get(url).status_code == 404
    assert denied() == []


def test_an_object_the_user_sees_is_no_event(client, world):
    client.force_login(world.users[Role.COUNTY_USER])
    assert client.get(reverse("projects:detail", args=[world.p_a.pk])).status_code == 200
    assert client.get(f"/api/v1/projects/{world.p_a.pk}").status_code == 200
    assert denied() == []


def test_a_document_download_outside_the_scope_is_an_event(client, world):
    letter = LetterFactory(
        problem=ProblemFactory(
            project=world.p_c, raised_by=world.users[Role.CITY_ADMIN], responsible_department=world.other_dept
        )
    )
    client.force_login(world.users[Role.COUNTY_USER])
    assert client.get(reverse("problems:letter_download", args=[letter.pk])).status_code == 404
    [event] = denied()
    assert event.detail["object_type"] == "problems.letter" and event.detail["object_id"] == str(letter.pk)


def test_a_role_without_any_business_scope_is_recorded_too(client, world):
    # The system administrator sees no projects at all (三员分立): its fetch is judged the same way.
    client.force_login(world.users[Role.SYSTEM_ADMIN])
    assert client.get(f"/api/v1/projects/{world.p_a.pk}").status_code in (403, 404)
    assert len(denied()) == 1


def test_a_nested_object_outside_the_scope_is_an_event_on_the_api(client, world):
    problem = ProblemFactory(
        project=world.p_c, raised_by=world.users[Role.CITY_ADMIN], responsible_department=world.other_dept
    )
    client.force_login(world.users[Role.OWNER_REPORTER])
    assert client.get(f"/api/v1/problems/{problem.pk}").status_code == 404
    assert client.get(f"/api/v1/problems/{missing_id(Problem)}").status_code == 404
    [event] = denied()
    assert event.detail["object_type"] == "problems.problem" and event.detail["object_id"] == str(problem.pk)


@pytest.mark.parametrize("pk", [2**63, 2**70, 10**30])
def test_huge_ids_never_give_a_server_error(client, world, pk):
    client.force_login(world.users[Role.COUNTY_USER])
    assert client.get(f"/api/v1/projects/{pk}").status_code in (404, 422)
    assert client.get(f"/projects/{pk}/").status_code == 404
    assert denied() == []


def test_a_failing_probe_keeps_the_404(client, world, monkeypatch):
    def broken(self):
        raise RuntimeError("database gone mid-probe")

    monkeypatch.setattr(ScopeMiss, "exists_unscoped", broken)
    client.force_login(world.users[Role.COUNTY_USER])
    assert client.get(f"/api/v1/projects/{world.p_c.pk}").status_code == 404
    assert client.get(reverse("projects:detail", args=[world.p_c.pk])).status_code == 404
    assert denied() == []


def test_a_scoped_fetch_outside_a_request_records_nothing(world):
    # Jobs and management commands fetch scoped objects too; without a request nothing is kept.
    county = world.users[Role.COUNTY_USER]
    assert Project.objects.restrict(county).filter(pk=world.p_c.pk).first() is None
    assert denied() == []


@pytest.mark.parametrize("existing", [True, False])
def test_a_region_outside_the_users_tree_is_an_access_denied_event(client, world, existing):
    """Regions are narrowed to the user's tree without a RestrictedQuerySet (statistics,
    bulletins): their misses are noted all the same."""
    from apps.regions.models import Region

    client.force_login(world.users[Role.COUNTY_USER])  # 甲区; 乙县 is outside
    region_id = world.county_b.pk if existing else missing_id(Region)
    assert client.get(f"/api/v1/indicators?region={region_id}").status_code == 404
    events = denied()
    if existing:
        [event] = events
        assert event.detail["object_type"] == "regions.region" and event.detail["object_id"] == str(region_id)
    else:
        assert events == []
