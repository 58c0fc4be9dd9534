"""Large exports as Celery jobs (apps/exports/jobs.py): above EXPORT_ASYNC_ROWS rows the
page and the API answer with a job (run eagerly here, through a real worker in
apps/ops/tests/test_jobs_worker.py), whose file only its starter can see."""

from unittest import mock

import pytest

from apps.accounts.models import Role
from apps.exports import jobs
from apps.exports.models import ExportJob, ExportJobStatus, ExportRecord

from .conftest import MONTH, YEAR
from .sheets import body, csv_rows, rows
from .test_api import _auth


@pytest.fixture
def small_threshold(settings):
    settings.EXPORT_ASYNC_ROWS = 1  # the county's two projects are "large"


def test_small_exports_stay_a_direct_download(client, period, settings):
    settings.EXPORT_ASYNC_ROWS = 2
    response = client.get("/api/v1/exports/projects", {"format": "csv"}, **_auth("county"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert not ExportJob.objects.exists()


def test_a_large_export_from_the_page_runs_as_a_job_for_its_starter_only(client, city, period, small_threshold):
    client.force_login(city.users[Role.COUNTY_USER])
    response = client.get("/exports/projects.csv")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/jobs/{job.pk}/"
    assert job.status == ExportJobStatus.DONE and job.rows_expected == 2

    page = client.get(response["Location"]).content.decode()
    assert f"/exports/jobs/{job.pk}/file" in page and f"/exports/jobs/{job.pk}/progress" not in page  # no more polling
    download = client.get(f"/exports/jobs/{job.pk}/file")
    assert [row[1] for row in csv_rows(body(download))[1:]] == ["甲区快速路", "甲区产业园"]
    record = ExportRecord.objects.get()
    assert record.user.username == "county" and record.row_count == 2 and job.request_id == record.request_id

    client.force_login(city.users[Role.CITY_ADMIN])  # sees every project, not this file
    for url in (f"/exports/jobs/{job.pk}/", f"/exports/jobs/{job.pk}/progress", f"/exports/jobs/{job.pk}/file"):
        assert client.get(url).status_code == 404


def test_a_large_export_through_the_api_answers_202_then_status_then_file(client, city, period, small_threshold):
    response = client.get("/api/v1/exports/progress", {"year": YEAR, "month": MONTH}, **_auth("admin"))
    assert response.status_code == 202
    job = response.json()
    assert job["status"] == "done" and job["status_display"] == "已完成" and job["file_url"]

    status = client.get(job["status_url"], **_auth("admin")).json()
    assert status["rows_done"] == ExportRecord.objects.get().row_count
    assert rows(body(client.get(status["file_url"], **_auth("admin"))))[0][0] == (
        "示范市2026年1-10月重点项目推进情况表"
    )
    assert client.get(job["status_url"], **_auth("county")).status_code == 404
    assert client.get(status["file_url"], **_auth("county")).status_code == 404


def test_bad_options_are_refused_before_anything_is_queued(client, city, period, small_threshold):
    response = client.get("/api/v1/exports/progress", {"year": YEAR, "month": 13}, **_auth("admin"))
    assert response.status_code == 422
    assert not ExportJob.objects.exists()


def test_a_failed_job_keeps_a_chinese_reason_and_writes_no_record(client, city, period, small_threshold):
    broken = mock.Mock(side_effect=RuntimeError("disk full"))
    with mock.patch.dict(jobs.JOB_EXPORTS, {"project_list": (broken, False)}):
        response = client.get("/api/v1/exports/projects", **_auth("county"))
    job = response.json()
    assert job["status"] == "failed" and job["file_url"] is None
    assert "系统内部错误" in job["message"] and f"任务编号 {job['id']}" in job["message"]
    assert not ExportRecord.objects.exists()
    client.force_login(city.users[Role.COUNTY_USER])
    page = client.get(f"/exports/jobs/{job['id']}/").content.decode()
    assert (
        "系统内部错误" in page and f"/exports/jobs/{job['id']}/progress" not in page
    )  # a reason, not a spinner forever


def test_the_starter_deactivated_meanwhile_gets_no_file(city, period, small_threshold):
    county = city.users[Role.COUNTY_USER]
    job = ExportJob.objects.create(user=county, kind="project_list", params={}, rows_expected=2)
    county.is_active = False
    county.save()
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJobStatus.FAILED and "账号已停用" in job.message
    assert not ExportRecord.objects.exists()


def test_a_second_delivery_makes_nothing_more(city, period, small_threshold):
    job = ExportJob.objects.create(
        user=city.users[Role.COUNTY_USER], kind="project_list", params={"format": ["csv"]}, rows_expected=2
    )
    jobs.job_run(job.pk)
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJobStatus.DONE and ExportRecord.objects.count() == 1
    assert job.file_name.endswith(".csv")


def test_a_database_error_puts_the_job_back_in_the_queue_for_the_retry(city, period, small_threshold):
    from django.db import OperationalError

    job = ExportJob.objects.create(user=city.users[Role.COUNTY_USER], kind="project_list", rows_expected=2)
    failing = mock.Mock(side_effect=OperationalError)
    with mock.patch.dict(jobs.JOB_EXPORTS, {"project_list": (failing, False)}), pytest.raises(OperationalError):
        jobs.job_run(job.pk, final=False)
    job.refresh_from_db()
    assert job.status == ExportJobStatus.QUEUED
    jobs.job_run(job.pk)  # the retry
    job.refresh_from_db()
    assert job.status == ExportJobStatus.DONE


def test_a_queued_job_s_page_polls_its_progress(client, city, period):
    county = city.users[Role.COUNTY_USER]
    job = ExportJob.objects.create(user=county, kind="progress", rows_expected=40000)
    client.force_login(county)
    page = client.get(f"/exports/jobs/{job.pk}/").content.decode()
    assert f'hx-get="/exports/jobs/{job.pk}/progress"' in page and "排队中" in page and "40000" in page
