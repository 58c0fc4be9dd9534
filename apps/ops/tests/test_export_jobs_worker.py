"""Large exports (apps/exports/jobs.py) requested through the API and the page, made by the
real Celery workers of apps/ops/tests/conftest.py through the real Redis (not eager): the
starter sees the job queued, then its rows and the file; nobody else sees either; a job that
fails ends with a Chinese reason, not a spinner. See tests/processes.py for when these are
skipped."""

import time
from contextlib import contextmanager

import pytest

import apps.exports.tasks  # noqa: F401 - registered before the remote control below finalizes the Celery app
from apps.accounts.models import Role, User
from apps.exports.models import ExportJob, ExportJobStatus, ExportRecord
from apps.exports.tests.sheets import body, csv_rows
from apps.exports.tests.test_api import _auth

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def large(settings):
    settings.EXPORT_ASYNC_ROWS = 0  # every export with a row is "large": a job (read by this web process)


@contextmanager
def queue_held(app, workers):
    """The workers stop taking jobs (Celery's remote control) until the block ends, so that
    the test sees a job while it waits and can change the world before a worker takes it."""
    replies = app.control.cancel_consumer("celery", reply=True, timeout=10, limit=len(workers))
    assert len(replies) == len(workers), replies
    try:
        yield
    finally:
        replies = app.control.add_consumer("celery", reply=True, timeout=10, limit=len(workers))
        assert len(replies) == len(workers), replies


def wait_for_job(client, status_url: str, auth: dict, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(status_url, **auth).json()
        if job["status"] in (ExportJobStatus.DONE, ExportJobStatus.FAILED):
            return job
        time.sleep(0.1)
    raise AssertionError(f"export job still {job['status']}: {job}")


def test_an_api_export_is_made_by_a_worker_and_only_its_starter_sees_it(client, world, workers, large):
    app, started = workers
    county = _auth("county")
    with queue_held(app, started):
        response = client.get("/api/v1/exports/projects", {"format": "csv"}, **county)
        assert response.status_code == 202
        job = response.json()
        # Waiting for a worker: the starter's status says so, with the rows to come.
        waiting = client.get(job["status_url"], **county).json()
        assert (waiting["status"], waiting["status_display"]) == ("queued", "排队中")
        assert waiting["rows_expected"] == 1 and waiting["file_url"] is None
        client.force_login(world.users[Role.COUNTY_USER])
        page = client.get(f"/exports/jobs/{job['id']}/").content.decode()
        assert f'hx-get="/exports/jobs/{job["id"]}/progress"' in page and "排队中" in page  # the page polls

    done = wait_for_job(client, job["status_url"], county)
    assert done["status"] == "done" and done["message"] == "" and done["rows_done"] == 1
    assert [row[1] for row in csv_rows(body(client.get(done["file_url"], **county)))[1:]] == ["甲区快速路"]
    fragment = client.get(f"/exports/jobs/{job['id']}/progress").content.decode()
    assert f"/exports/jobs/{job['id']}/file" in fragment and "hx-get" not in fragment  # polling stops
    record = ExportRecord.objects.get()
    assert record.user.username == "county" and record.request_id == ExportJob.objects.get().request_id
    logs = "".join(worker.output() for worker in started)
    assert "Task exports.run_job[" in logs and "succeeded" in logs, logs[-2000:]

    # The city administrator sees every project, but not this user's file: 404 on every path.
    admin = _auth("admin")
    assert client.get(job["status_url"], **admin).status_code == 404
    assert client.get(done["file_url"], **admin).status_code == 404
    client.force_login(world.users[Role.CITY_ADMIN])
    for url in (f"/exports/jobs/{job['id']}/", f"/exports/jobs/{job['id']}/progress", done["file_url"]):
        assert client.get(url.replace("/api/v1/exports", "/exports")).status_code == 404


def test_a_page_export_that_fails_on_the_worker_shows_a_chinese_reason(client, world, workers, large):
    app, started = workers
    county = world.users[Role.COUNTY_USER]
    client.force_login(county)
    with queue_held(app, started):
        response = client.get("/exports/projects.csv")
        job = ExportJob.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/exports/jobs/{job.pk}/"
        # The account is suspended before a worker takes the job (restored afterwards, below).
        User.objects.filter(pk=county.pk).update(is_active=False)

    deadline = time.monotonic() + 30
    while ExportJob.objects.get(pk=job.pk).status in (ExportJobStatus.QUEUED, ExportJobStatus.RUNNING):
        assert time.monotonic() < deadline, "the job never ended"
        time.sleep(0.1)
    User.objects.filter(pk=county.pk).update(is_active=True)
    job.refresh_from_db()
    assert job.status == ExportJobStatus.FAILED and job.message == "未导出：导出人的账号已停用，未生成文件。"
    assert not ExportRecord.objects.exists() and job.content is None

    client.force_login(county)
    fragment = client.get(f"/exports/jobs/{job.pk}/progress").content.decode()
    assert "导出人的账号已停用" in fragment and "hx-get" not in fragment  # a reason, not a spinner forever
    assert client.get(f"/exports/jobs/{job.pk}/file").status_code == 404
    status = client.get(f"/api/v1/exports/jobs/{job.pk}", **_auth("county")).json()
    assert status["status"] == "failed" and status["status_display"] == "失败" and "账号已停用" in status["message"]
