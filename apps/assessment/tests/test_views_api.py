"""The pages and /api/v1/assessments by role: the city sees every county and trace, a county
only its own (others 404), edits by the city administrator only; bad input never a 5xx."""

import pytest

from apps.accounts.models import APIToken, Role
from apps.assessment import services
from apps.assessment.models import Run, RunStatus

from .conftest import started


def bearer(user) -> dict:
    _, raw = APIToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def published(world, scheme):
    started(world.county_a, 3)
    admin = world.users[Role.CITY_ADMIN]
    return services.run_publish(actor=admin, run=services.run_compute(actor=admin, scheme=scheme, quarter=3))


def test_pages_for_the_city(client, world, scheme, published):
    client.force_login(world.users[Role.CITY_LEADER])
    page = client.get("/assessment/").content.decode()
    assert "甲区" in page and "乙县" in page and "红榜" in page
    assert client.get(f"/assessment/schemes/{scheme.pk}/").status_code == 200
    trace = client.get(f"/assessment/periods/{published.pk}/counties/{world.county_b.pk}/").content.decode()
    assert "60%×100.00 + 40%×100.00×(0 − 最低0)÷(最高1 − 最低0) = 60.00分" in trace
    # The trace says what the raw value counts (the scheme's only indicator), and nothing else's.
    assert "指标口径" in trace and "总投资1亿元及以上、当年1月1日至期末实际开工的项目个数。" in trace
    assert "问题按期解决率" not in trace


def test_a_county_sees_its_own_trace_only(client, world, published):
    client.force_login(world.users[Role.COUNTY_USER])
    page = client.get(f"/assessment/periods/{published.pk}/").content.decode()
    assert "甲区" in page and "乙县" not in page
    assert client.get(f"/assessment/periods/{published.pk}/counties/{world.county_a.pk}/").status_code == 200
    assert client.get(f"/assessment/periods/{published.pk}/counties/{world.county_b.pk}/").status_code == 404
    api = client.get(f"/api/v1/assessments/periods/{published.pk}/results", **bearer(world.users[Role.COUNTY_USER]))
    assert [row["region_id"] for row in api.json()] == [world.county_a.pk]
    other = f"/api/v1/assessments/periods/{published.pk}/results/{world.county_b.pk}"
    assert client.get(other, **bearer(world.users[Role.COUNTY_USER])).status_code == 404


@pytest.mark.parametrize("role", [Role.DEPARTMENT_USER, Role.OWNER_REPORTER, Role.SYSTEM_ADMIN])
def test_roles_without_an_assessment_scope_get_404(client, world, published, role):
    client.force_login(world.users[role])
    assert client.get("/assessment/").status_code == 404
    assert client.get(f"/assessment/periods/{published.pk}/").status_code == 404
    assert client.get(f"/api/v1/assessments/periods/{published.pk}", **bearer(world.users[role])).status_code in (
        404,
        405,
    )


def test_only_the_city_administrator_computes_through_the_api(client, world, scheme):
    payload = {"scheme": scheme.pk, "quarter": 3}
    county = client.post(
        "/api/v1/assessments/periods", payload, content_type="application/json", **bearer(world.users[Role.COUNTY_USER])
    )
    assert county.status_code == 403 and not Run.objects.exists()
    admin = bearer(world.users[Role.CITY_ADMIN])
    created = client.post("/api/v1/assessments/periods", payload, content_type="application/json", **admin)
    assert created.status_code == 201 and created.json()["status"] == RunStatus.DRAFT
    published = client.post(f"/api/v1/assessments/periods/{created.json()['id']}/publish", **admin)
    assert published.json()["status"] == RunStatus.PUBLISHED
    again = client.post("/api/v1/assessments/periods", payload, content_type="application/json", **admin)
    assert again.status_code == 422 and "原因" in str(again.json()["errors"])
    results = client.get(f"/api/v1/assessments/periods/{created.json()['id']}/results", **admin).json()
    assert {row["region_name"] for row in results} == {"甲区", "乙县"}
    assert results[0]["trace"]["months"][0]["rows"][0]["key"] == "yi_new_starts"


@pytest.mark.parametrize(
    "payload",
    [
        {"weight": "abc", "method": "efficacy"},
        {"weight": "10", "method": "nope"},
        {"weight": "1e999", "method": "efficacy"},
        {"weight": "10", "method": "rank_bands", "params": {"bands": [[1]]}},
    ],
)
def test_bad_indicators_are_422_not_500(client, world, scheme, payload):
    response = client.put(
        f"/api/v1/assessments/schemes/{scheme.pk}/indicators/start_rate",
        payload,
        content_type="application/json",
        **bearer(world.users[Role.CITY_ADMIN]),
    )
    assert response.status_code == 422


def test_pages_post_refusals_as_messages(client, world, scheme):
    client.force_login(world.users[Role.CITY_ADMIN])
    response = client.post(
        f"/assessment/schemes/{scheme.pk}/indicators/",
        {"key": "start_rate", "weight": "x", "method": "efficacy", "params": "[1"},
        follow=True,
    )
    assert response.status_code == 200 and "JSON" in response.content.decode()
    response = client.post("/assessment/periods/compute/", {"scheme": scheme.pk, "quarter": "9"}, follow=True)
    assert "季度应为1至4" in response.content.decode()
    response = client.post("/assessment/periods/compute/", {"scheme": scheme.pk, "quarter": "3"}, follow=True)
    assert "试算" in response.content.decode()
