"""Cached indicator and dashboard payloads: a second ask is served from the cache; a counted
report, a project's dates, its plan or an official figure changed through the platform
shows at once; an unrelated change keeps the cache; scopes never share a payload."""

import datetime
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Role
from apps.ops import figures_cache
from apps.projects.models import AnnualPlan
from apps.reporting.models import PeriodStatus, ReportingPeriod
from tests import factories as f

API = "/api/v1"
JSON = "application/json"


@pytest.fixture
def city(world):
    """Plans for 2026 on two projects of the first county, an open October."""
    f.AnnualPlanFactory(project=world.p_a, year=2026, planned_investment=1000)
    f.AnnualPlanFactory(project=world.p_b, year=2026, planned_investment=3000)
    ReportingPeriod.objects.create(year=2026, month=10, deadline=datetime.date(2026, 10, 25), status=PeriodStatus.OPEN)
    return world


def figures(client, region, **params):
    response = client.get(
        f"{API}/indicators", {"region": region.pk, "year": 2026, "month": 10, "ids": "false", **params}
    )
    assert response.status_code == 200, response.content
    return {item["key"]: item["value"] for item in response.json()["indicators"]}


def queries_of(client, region) -> int:
    with CaptureQueriesContext(connection) as captured:
        figures(client, region)
    return len(captured)


@pytest.fixture
def admin(client, city):
    client.force_login(city.users[Role.CITY_ADMIN])
    return client


def test_second_ask_is_served_from_the_cache(admin, city):
    cold = queries_of(admin, city.city)
    warm = queries_of(admin, city.city)
    # warm: the session, the user, the region check and the figures' version; no indicator query
    assert warm <= 5 < cold


def test_a_counted_report_shows_at_once(admin, city):
    assert figures(admin, city.city)["completed_ytd"] is None or figures(admin, city.city)["completed_ytd"] == "0.00"
    created = admin.post(
        f"{API}/reports",
        {"project": city.p_a.pk, "year": 2026, "month": 10, "completed_investment": "2500"},
        content_type=JSON,
    ).json()
    assert figures(admin, city.city)["completed_ytd"] in (None, "0.00")  # a draft does not count
    admin.post(f"{API}/reports/{created['id']}/submit", {"version": created["version"]}, content_type=JSON)
    assert figures(admin, city.city)["completed_ytd"] == "0.25"  # 2,500 万元 = 0.25 亿元


def test_a_plan_change_shows_at_once(admin, city):
    assert figures(admin, city.city)["annual_planned_investment"] == "0.40"
    plan = AnnualPlan.objects.get(project=city.p_a, year=2026)
    city.p_a.refresh_from_db()
    response = admin.patch(
        f"{API}/projects/{city.p_a.pk}/annual-plans/{plan.pk}",
        {"planned_investment": "5000", "version": city.p_a.version},
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    assert figures(admin, city.city)["annual_planned_investment"] == "0.80"


def test_a_project_date_change_shows_at_once(admin, city):
    before = figures(admin, city.city)
    assert (before["planned_new_starts"], before["new_starts_started"]) == (2, 0)
    city.p_a.refresh_from_db()
    response = admin.patch(
        f"{API}/projects/{city.p_a.pk}",
        {"version": city.p_a.version, "stage": "under_construction", "actual_start_date": "2026-04-01"},
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    after = figures(admin, city.city)
    assert (after["new_starts_started"], after["start_rate"]) == (1, "50.0")


def test_an_official_figure_shows_at_once(admin, city):
    assert figures(admin, city.city)["fai_ytd"] is None
    response = admin.post(
        f"{API}/region-stats",
        {"region": city.city.pk, "year": 2026, "month": 10, "fai_ytd": "123456"},
        content_type=JSON,
    )
    assert response.status_code in (200, 201), response.content
    assert figures(admin, city.city)["fai_ytd"] == "12.35"


def test_an_unrelated_change_keeps_the_cache(admin, city):
    figures(admin, city.city)
    version = figures_cache.figures_version()
    response = admin.post(
        f"{API}/workdays/overrides", {"date": "2026-12-12", "is_workday": True, "name": "调休"}, content_type=JSON
    )
    assert response.status_code in (200, 201), response.content
    assert figures_cache.figures_version() == version
    assert queries_of(admin, city.city) <= 5


def test_scopes_do_not_share_a_payload(client, city):
    client.force_login(city.users[Role.CITY_ADMIN])
    assert figures(client, city.city)["key_projects_count"] == 2
    client.force_login(city.users[Role.OWNER_REPORTER])  # its own unit's projects only
    assert figures(client, city.city)["key_projects_count"] == 1
    client.force_login(city.users[Role.CITY_ADMIN])
    assert figures(client, city.city)["key_projects_count"] == 2


def test_dashboard_page_is_cached_and_fresh(admin, city):
    page = admin.get("/dashboard/", {"region": city.city.pk, "year": 2026, "month": 10})
    assert page.status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert admin.get("/dashboard/", {"region": city.city.pk, "year": 2026, "month": 10}).status_code == 200
    with CaptureQueriesContext(connection) as cold:
        admin.get("/dashboard/", {"region": city.city.pk, "year": 2026, "month": 9})
    assert len(warm) < len(cold)
    created = admin.post(
        f"{API}/reports",
        {"project": city.p_b.pk, "year": 2026, "month": 10, "completed_investment": "12000"},
        content_type=JSON,
    ).json()
    admin.post(f"{API}/reports/{created['id']}/submit", {"version": created["version"]}, content_type=JSON)
    text = admin.get("/dashboard/", {"region": city.city.pk, "year": 2026, "month": 10}).content.decode()
    assert "1.20" in text


@pytest.fixture
def one_version(monkeypatch):
    """The payload's version fixed, and the cache empty: the threads below ask for one key."""
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(figures_cache, "figures_version", lambda: 7)
    monkeypatch.setattr(figures_cache, "BUILD_POLL_SECONDS", 0.01)
    return cache


def _ask_at_once(user, build, asks=4):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(asks) as pool:
        futures = [pool.submit(figures_cache.cached_payload, "dashboard", user, build, region=1) for _ in range(asks)]
        return [future.result() for future in futures]


def test_leaders_missing_at_once_wait_for_one_computation(world, one_version):
    import threading

    builds = []

    def build():
        builds.append(threading.get_ident())
        time.sleep(0.3)  # long enough that every other ask arrives while it runs
        return {"figures": len(builds)}

    answers = _ask_at_once(world.users[Role.CITY_LEADER], build)
    assert len(builds) == 1 and answers == [{"figures": 1}] * 4
    assert (
        one_version.get(f"{figures_cache.payload_key('dashboard', world.users[Role.CITY_LEADER], region=1)}:building")
        is None
    )


def test_a_failed_computation_lets_a_waiter_compute_it(world, one_version):
    import threading

    calls = []
    first = threading.Event()

    def build():
        calls.append(1)
        if len(calls) == 1:
            first.set()
            time.sleep(0.2)
            raise RuntimeError("database went away")
        return {"figures": "computed again"}

    from concurrent.futures import ThreadPoolExecutor

    user = world.users[Role.CITY_LEADER]
    with ThreadPoolExecutor(2) as pool:
        failing = pool.submit(figures_cache.cached_payload, "dashboard", user, build, region=1)
        first.wait(5)
        waiting = pool.submit(figures_cache.cached_payload, "dashboard", user, build, region=1)
        with pytest.raises(RuntimeError):
            failing.result()
        assert waiting.result() == {"figures": "computed again"}
    assert len(calls) == 2
