"""The production start, exercised: gunicorn (two workers, keyprojects/gunicorn.conf.py),
the session's Celery workers and celery beat, against the test database (PostgreSQL) and
Redis, with DEBUG off and collected static files served by WhiteNoise. A smoke flow over
HTTP: health, login, the project list, a report filled and submitted, an import previewed
and committed through the worker, the dashboard."""

import re
import time

import httpx
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from apps.accounts.models import User
from apps.audit.models import ChangeRecord
from apps.imports.models import BatchStatus, ImportBatch
from apps.imports.tests.test_plan_import import row
from apps.imports.tests.workbooks import PLAN_HEADER, xlsx
from apps.projects.models import Project
from apps.reporting.models import MonthlyReport, PeriodStatus, ReportingPeriod, ReportStatus
from tests import factories as f
from tests import processes

PORT = 8131
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "smoke-test-pass-2026"


class Browser:
    """An HTTP client that keeps cookies by hand: production cookies may be Secure, which a
    client would not send back over the plain loopback HTTP of this test."""

    def __init__(self):
        # generous: the first requests of fresh workers on a busy CI box can take long
        self.http = httpx.Client(base_url=BASE, timeout=120, follow_redirects=False)
        self.cookies: dict[str, str] = {}

    def request(self, method, url, **kwargs):
        headers = kwargs.pop("headers", {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method != "GET" and "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
            headers["Referer"] = BASE + "/"
        response = self.http.request(method, url, headers=headers, **kwargs)
        for name, value in response.cookies.items():
            self.cookies[name] = value
        return response

    def get(self, url, **kwargs):
        return self.request("GET", url, **kwargs)

    def post(self, url, **kwargs):
        return self.request("POST", url, **kwargs)

    def login(self, username):
        self.get("/accounts/login/")
        response = self.post(
            "/accounts/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.cookies["csrftoken"]},
        )
        assert response.status_code == 302, response.text[:500]


@pytest.fixture
def stack(worker_processes, transactional_db, process_logs, tmp_path):
    static_root = tmp_path / "static"
    processes.collectstatic(static_root)
    env = {"STATIC_ROOT": static_root, "WEB_CONCURRENCY": 2, "BEAT_HEARTBEAT_SECONDS": 1}
    started = [processes.gunicorn(PORT, process_logs, **env)]
    try:
        started.append(processes.celery_beat(process_logs, tmp_path / "beat-schedule", **env))
        yield started
    finally:
        for process in started:
            process.stop()


def wait_until(check, timeout=60, message=""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(message or "timed out")


def test_smoke_flow_under_gunicorn_celery_postgresql_redis(world, stack):
    f.DepartmentFactory(name="市自然资源局", region=world.city)
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, "smoketestsalt", iterations=1000)
    User.objects.filter(pk__in=[u.pk for u in world.users.values()]).update(password=hashed)
    ReportingPeriod.objects.create(year=2026, month=11, deadline="2026-12-05", status=PeriodStatus.OPEN)

    # health: every check, beat and worker heartbeats included
    def healthy():
        try:
            response = httpx.get(f"{BASE}/healthz?strict=1", timeout=60)
        except httpx.HTTPError:
            return None
        return response.status_code == 200 and response.json()

    health = wait_until(healthy, timeout=180, message="/healthz?strict=1 never answered 200")
    assert health["checks"]["cache"]["backend"] == "RedisCache"
    assert health["checks"]["worker"]["ok"] and health["checks"]["beat"]["ok"]

    owner = Browser()
    owner.login("owner")
    listing = owner.get("/projects/")
    assert listing.status_code == 200 and "甲区快速路" in listing.text
    assert "乙县水厂" not in listing.text  # scope holds under production settings
    # static files: hashed names, compressed, cached for ever
    css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', listing.text)
    assert css, "no hashed stylesheet in the page"
    static = owner.get(css.group(1), headers={"Accept-Encoding": "gzip"})
    assert static.status_code == 200 and static.headers.get("content-encoding") == "gzip"
    assert "immutable" in static.headers["cache-control"]

    # a report filled and submitted (API, session and CSRF)
    created = owner.post(
        "/api/v1/reports",
        json={"project": world.p_a.pk, "year": 2026, "month": 11, "completed_investment": "321.5"},
    )
    assert created.status_code == 201, created.text
    report_id = created.json()["id"]
    submitted = owner.post(f"/api/v1/reports/{report_id}/submit", json={"version": created.json()["version"]})
    assert submitted.status_code == 200, submitted.text
    report = MonthlyReport.objects.get(pk=report_id)
    assert report.status == ReportStatus.SUBMITTED
    assert ChangeRecord.objects.filter(content_type__model="monthlyreport", object_id=report_id).count() == 2

    # an import previewed and committed by the worker, progress shown meanwhile
    admin = Browser()
    admin.login("admin")
    admin.get("/imports/")
    upload = admin.post(
        "/imports/",
        data={"kind": "plan", "csrfmiddlewaretoken": admin.cookies["csrftoken"]},
        files={"file": ("plan.xlsx", xlsx([PLAN_HEADER, row()]), "application/octet-stream")},
    )
    assert upload.status_code == 302, upload.text[:500]
    batch = ImportBatch.objects.get()
    wait_until(lambda: ImportBatch.objects.get().status == BatchStatus.PREVIEWED, message="preview")
    wait_until(lambda: "新增 1" in admin.get(f"/imports/{batch.pk}/").text, message="preview page")
    commit = admin.post(f"/imports/{batch.pk}/commit/", data={"csrfmiddlewaretoken": admin.cookies["csrftoken"]})
    assert commit.status_code == 302
    wait_until(lambda: ImportBatch.objects.get().status == BatchStatus.COMMITTED, message="commit")
    assert Project.objects.filter(name="甲区新项目").exists()

    # the dashboard, twice (the second from the Redis cache)
    leader = Browser()
    leader.login("leader")
    for _ in range(2):
        page = leader.get("/dashboard/", params={"year": 2026, "month": 11})
        assert page.status_code == 200 and "年度重点项目" in page.text

    gunicorn_log = stack[0].output()
    assert "Traceback" not in gunicorn_log, gunicorn_log[-3000:]
