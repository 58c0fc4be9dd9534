"""Jobs through real Celery workers and the real Redis (not eager): the import preview and
commit from the pages with their progress, a retry after a database failure, a failure
that ends with a Chinese reason, two workers racing for the same commit, the periodic jobs.
See tests/processes.py for when these are skipped."""

import io
import threading
import time

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.imports import runner, services
from apps.imports.models import BatchStatus, ImportBatch
from apps.imports.tests.test_plan_import import row
from apps.imports.tests.workbooks import PLAN_HEADER, xlsx
from apps.projects.models import Project
from apps.reporting.models import PeriodStatus, ReportingPeriod
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def plan_rows(count: int) -> bytes:
    rows = [row(n, name=f"甲区新项目{n:04d}", code=f"2026-610302-48-01-9{n:05d}") for n in range(1, count + 1)]
    return xlsx([PLAN_HEADER, *rows])


def upload(client, content):
    file = io.BytesIO(content)
    file.name = "plan.xlsx"
    return client.post(reverse("imports:list"), {"kind": "plan", "file": file})


def wait_for_batch(batch_id: int, status: str, timeout: float = 60) -> ImportBatch:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = ImportBatch.objects.get(pk=batch_id)
        if batch.status == status and runner.progress_get(batch_id) is None:
            return batch
        time.sleep(0.2)
    raise AssertionError(f"batch {batch_id}: {batch.status} {batch.message!r}, not {status}")


@pytest.fixture
def people(world):
    f.DepartmentFactory(name="市自然资源局", region=world.city)
    return world


def previewed_batch(people, rows: int) -> ImportBatch:
    admin = people.users[Role.CITY_ADMIN]
    batch = services.import_batch_create(actor=admin, kind="plan", file_name="plan.xlsx", content=plan_rows(rows))
    batch = services.import_batch_preview(batch_id=batch.pk)
    assert batch.status == BatchStatus.PREVIEWED, batch.message
    return batch


def test_pages_run_preview_and_commit_on_a_worker_with_progress(client, people, workers):
    admin = people.users[Role.CITY_ADMIN]
    client.force_login(admin)
    response = upload(client, plan_rows(40))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    # The upload returned before the preview ran: the page polls a progress bar.
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert 'id="progress"' in page or ImportBatch.objects.get().status == BatchStatus.PREVIEWED
    wait_for_batch(batch.pk, BatchStatus.PREVIEWED)
    assert "新增 40" in client.get(reverse("imports:detail", args=[batch.pk])).content.decode()

    client.post(reverse("imports:commit", args=[batch.pk]))
    batch = wait_for_batch(batch.pk, BatchStatus.COMMITTED)
    assert Project.objects.filter(name__startswith="甲区新项目").count() == 40
    assert batch.message == ""
    assert ChangeRecord.objects.filter(request_id=batch.request_id).count() >= 40
    # the progress endpoint tells the page to reload once the job is done
    assert client.get(reverse("imports:progress", args=[batch.pk]))["HX-Refresh"] == "true"


def test_two_workers_racing_for_the_same_commit_write_it_once(people, workers):
    app, started = workers
    batch = previewed_batch(people, 300)
    admin = people.users[Role.CITY_ADMIN]
    # The same job delivered twice (a producer's retry, a redelivery): each worker takes one.
    first = app.send_task("imports.run_batch", args=[batch.pk, "commit", admin.pk, None])
    second = app.send_task("imports.run_batch", args=[batch.pk, "commit", admin.pk, None])
    first.get(timeout=120)
    second.get(timeout=120)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    assert batch.message == ""  # the loser says nothing: the work is done
    assert Project.objects.filter(name__startswith="甲区新项目").count() == 300
    project_records = ChangeRecord.objects.filter(request_id=batch.request_id, content_type__model="project")
    assert project_records.count() == 300
    assert project_records.values("object_id").distinct().count() == 300
    for worker in started:  # both really took a delivery
        assert f"Task imports.run_batch[{first.id}] received" in worker.output() or (
            f"Task imports.run_batch[{second.id}] received" in worker.output()
        ), worker.output()[-2000:]


def _hold_lock(seconds: float, locked: threading.Event):
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as other:
        other.execute("LOCK TABLE imports_importbatch IN ACCESS EXCLUSIVE MODE")
        locked.set()
        time.sleep(seconds)
        other.rollback()


def _locked_for(seconds: float) -> threading.Thread:
    locked = threading.Event()
    thread = threading.Thread(target=_hold_lock, args=(seconds, locked))
    thread.start()
    assert locked.wait(10)
    return thread


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the failure is a lock timeout, a PostgreSQL setting (lock_timeout)"
)


@postgresql_only
def test_a_commit_that_meets_a_database_failure_is_retried_and_lands_once(people, workers, settings):
    app, started = workers
    batch = previewed_batch(people, 20)
    admin = people.users[Role.CITY_ADMIN]
    holder = _locked_for(3.5)  # the first try waits 2 s for the lock and fails; the retry comes 5 s later
    result = app.send_task("imports.run_batch", args=[batch.pk, "commit", admin.pk, None])
    holder.join()
    result.get(timeout=60)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    assert Project.objects.filter(name__startswith="甲区新项目").count() == 20
    assert ChangeRecord.objects.filter(request_id=batch.request_id, content_type__model="project").count() == 20
    logs = "".join(worker.output() for worker in started)
    assert "Retry in" in logs and "lock timeout" in logs


@postgresql_only
def test_a_job_that_keeps_failing_ends_with_a_chinese_reason(client, people, workers, settings):
    app, _ = workers
    batch = previewed_batch(people, 5)
    admin = people.users[Role.CITY_ADMIN]
    # Workers try JOB_MAX_RETRIES=3 more times, 5, 10, 20 s apart: longer than a test waits.
    # So the job arrives as its last try (as after three failures): it waits 2 s for the lock,
    # fails, and records its reason once the lock is gone (held 3 s).
    holder = _locked_for(3)
    result = app.send_task(
        "imports.run_batch", args=[batch.pk, "commit", admin.pk, None], retries=settings.JOB_MAX_RETRIES
    )
    holder.join()
    result.get(timeout=30)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PREVIEWED  # rolled back: the commit can be asked again
    assert "数据库暂时无法访问" in batch.message and "未写入任何数据" in batch.message
    assert not Project.objects.filter(name__startswith="甲区新项目").exists()
    client.force_login(admin)
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "数据库暂时无法访问" in page


def test_periodic_jobs_run_on_a_worker_and_a_second_run_changes_nothing(people, workers):
    app, _ = workers
    ReportingPeriod.objects.create(year=2026, month=10, deadline="2026-10-25", status=PeriodStatus.OPEN)
    first = app.send_task("ops.remind_unreported").get(timeout=60)
    assert first["period"] and first["unreported"] >= 1 and first["sent"] == 1  # the owner reporter of 甲区城投公司
    again = app.send_task("ops.remind_unreported").get(timeout=60)
    assert again["sent"] == 0 and again["unreported"] == first["unreported"]
    tick = app.send_task("ops.approvals_tick", kwargs={"today": "2026-12-01"}).get(timeout=60)
    assert set(tick) == {"deemed", "overdue", "rescheduled", "reminded", "calendar_errors"}
