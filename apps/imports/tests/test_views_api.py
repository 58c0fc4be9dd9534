"""The import pages, API and command: same scope and rules as the services."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.accounts.models import APIToken, Role
from apps.imports.models import BatchStatus, ImportBatch, RefusedUpload
from apps.projects.models import Project

from .test_plan_import import CODE, row
from .workbooks import PLAN_HEADER, xlsx


def upload(client, content, kind="plan", name="plan.xlsx"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("imports:list"), {"kind": kind, "file": file})


def test_upload_preview_commit_through_the_pages(client, people, admin):
    client.force_login(admin)
    response = upload(client, xlsx([PLAN_HEADER, row()]))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:detail", args=[batch.pk])
    page = client.get(response["Location"])
    assert "新增 1" in page.content.decode() and batch.status == BatchStatus.PREVIEWED
    client.post(reverse("imports:commit", args=[batch.pk]))
    assert Project.objects.filter(project_code=CODE).exists()
    client.post(reverse("imports:undo", args=[batch.pk]))
    assert not Project.objects.filter(project_code=CODE).exists()


def test_batches_are_their_uploaders(client, people, admin, county_user):
    client.force_login(admin)
    upload(client, xlsx([PLAN_HEADER, row()]))
    batch = ImportBatch.objects.get()
    client.force_login(county_user)
    for name in ("imports:detail", "imports:file", "imports:progress"):
        assert client.get(reverse(name, args=[batch.pk])).status_code == 404
    assert client.post(reverse("imports:commit", args=[batch.pk])).status_code == 404
    assert batch.file_name not in client.get(reverse("imports:list")).content.decode()
    client.force_login(people.users[Role.AUDITOR])
    assert client.get(reverse("imports:detail", args=[batch.pk])).status_code == 200
    assert client.get(reverse("imports:file", args=[batch.pk])).content == bytes(batch.content)


def test_roles_without_imports_get_403_and_anonymous_the_login(client, people):
    client.force_login(people.users[Role.CITY_LEADER])
    assert upload(client, xlsx([PLAN_HEADER, row()])).status_code == 403
    # A department (an attraction bureau) imports lead lists only: a plan is not offered.
    client.force_login(people.users[Role.DEPARTMENT_USER])
    upload(client, xlsx([PLAN_HEADER, row()]))
    assert not ImportBatch.objects.exists()
    client.logout()
    assert client.get(reverse("imports:list")).status_code == 302


def test_the_list_and_detail_pages_do_not_grow_queries_with_rows(client, people, admin, django_assert_max_num_queries):
    client.force_login(admin)
    rows = [PLAN_HEADER] + [
        row(n, f"项目{n}", f"2026-610302-48-01-9{n:05d}", **{"建设单位": "无名"}) for n in range(1, 60)
    ]
    upload(client, xlsx(rows))
    batch = ImportBatch.objects.get()
    with django_assert_max_num_queries(8):
        client.get(reverse("imports:detail", args=[batch.pk]))
    with django_assert_max_num_queries(8):
        client.get(reverse("imports:list"))


def test_api_preview_commit_and_errors(client, people, admin):
    _token, raw = APIToken.issue(user=admin, name="import")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    file = io.BytesIO(xlsx([PLAN_HEADER, row()]))
    file.name = "plan.xlsx"
    response = client.post("/api/v1/imports", {"kind": "plan", "file": file}, **headers)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["rows_new"], body["rows"][0]["status"]) == ("previewed", 1, "new")
    committed = client.post(f"/api/v1/imports/{body['id']}/commit", **headers)
    assert committed.status_code == 200 and committed.json()["status"] == "committed"
    assert Project.objects.filter(project_code=CODE).exists()
    again = client.post(f"/api/v1/imports/{body['id']}/commit", **headers)
    assert again.status_code == 422 and "待确认" in json.dumps(again.json(), ensure_ascii=False)


def test_api_scope_and_roles(client, people, admin, county_user):
    client.force_login(admin)
    file = io.BytesIO(xlsx([PLAN_HEADER, row()]))
    file.name = "plan.xlsx"
    batch_id = client.post("/api/v1/imports", {"kind": "plan", "file": file}).json()["id"]
    client.force_login(county_user)
    assert client.get(f"/api/v1/imports/{batch_id}").status_code == 404
    assert client.post(f"/api/v1/imports/{batch_id}/commit").status_code == 404
    client.force_login(people.users[Role.OWNER_REPORTER])
    file.seek(0)
    assert client.post("/api/v1/imports", {"kind": "plan", "file": file}).status_code == 403


def test_command_previews_then_commits(people, tmp_path, capsys):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(xlsx([PLAN_HEADER, row()]))
    call_command("import_workbook", str(path), kind="plan", user="admin")
    assert "新增 1" in capsys.readouterr().out and not Project.objects.filter(project_code=CODE).exists()
    call_command("import_workbook", str(path), kind="plan", user="admin", commit=True)
    assert Project.objects.filter(project_code=CODE).exists()


def test_command_reports_errors_and_writes_nothing(people, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "plan.xlsx"
    path.write_bytes(xlsx([PLAN_HEADER, row(**{"建设单位": "无名"})]))
    with pytest.raises(CommandError):
        call_command("import_workbook", str(path), kind="plan", user="admin", commit=True)
    assert not Project.objects.filter(project_code=CODE).exists()


def test_an_upload_over_the_cap_is_refused_on_the_page_and_the_api_while_streaming(client, people, admin, settings):
    settings.IMPORT_MAX_BYTES = 100
    client.force_login(admin)
    content = xlsx([PLAN_HEADER, row()])
    page = client.post(reverse("imports:list"), {"kind": "plan", "file": _named(content)}, follow=True)
    assert page.status_code == 200 and "超过上限" in page.content.decode()
    response = client.post("/api/v1/imports", {"kind": "plan", "file": _named(content)})
    assert response.status_code == 413 and "超过上限" in response.json()["detail"]
    assert not ImportBatch.objects.exists()
    # What is known of a refused upload is kept, never the file.
    refused = list(RefusedUpload.objects.order_by("id"))
    assert [(r.file_name, r.user, r.path) for r in refused] == [
        ("plan.xlsx", admin, reverse("imports:list")),
        ("plan.xlsx", admin, "/api/v1/imports"),
    ]
    assert all(len(r.sha256) == 64 and r.received_size > 100 for r in refused)


def test_a_declared_length_over_the_cap_is_refused_without_reading_the_body(client, people, admin, settings):
    settings.IMPORT_MAX_BYTES = 1000
    client.force_login(admin)
    declared = 1000 + 64 * 1024 + 1

    class Unreadable(io.BytesIO):
        def read(self, *args):
            raise AssertionError("the body was read")

    environ = {"CONTENT_LENGTH": str(declared), "CONTENT_TYPE": "multipart/form-data; boundary=x"}
    for path, status in ((reverse("imports:list"), 302), ("/api/v1/imports", 413)):
        response = client.generic("POST", path, b"", **environ, **{"wsgi.input": Unreadable()})
        assert response.status_code == status
    assert list(RefusedUpload.objects.values_list("declared_size", "file_name", "user")) == [
        (declared, "", admin.pk),
        (declared, "", admin.pk),
    ]
    assert "超过上限" in RefusedUpload.objects.first().reason


def _named(content, name="plan.xlsx"):
    file = io.BytesIO(content)
    file.name = name
    return file


def test_api_background_preview_and_commit_are_queued_and_polled(client, people, admin, settings):
    """background=true: 202 at once, then the batch's status and progress by polling; the
    job itself is held back first (no worker yet), then run (eagerly, as Celery does
    without Redis)."""
    from unittest import mock

    from apps.imports import tasks

    settings.IMPORTS_RUN_INLINE = False
    _token, raw = APIToken.issue(user=admin, name="import")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    file = io.BytesIO(xlsx([PLAN_HEADER, row()]))
    file.name = "plan.xlsx"
    with mock.patch.object(tasks.run_batch, "delay") as queued:
        response = client.post("/api/v1/imports", {"kind": "plan", "file": file, "background": "true"}, **headers)
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "pending" and body["working"] is True and body["progress"]["queued"] is True
    assert queued.call_args.args[:2] == (body["id"], "preview")
    assert client.post(f"/api/v1/imports/{body['id']}/commit?background=true", **headers).status_code == 422

    tasks.run_batch.delay(*queued.call_args.args)  # the worker picks it up
    polled = client.get(f"/api/v1/imports/{body['id']}", **headers).json()
    assert (polled["status"], polled["working"], polled["rows_new"]) == ("previewed", False, 1)

    committed = client.post(f"/api/v1/imports/{body['id']}/commit?background=true", **headers)
    assert committed.status_code == 202
    polled = client.get(f"/api/v1/imports/{body['id']}", **headers).json()
    assert polled["status"] == "committed" and polled["working"] is False
    assert Project.objects.filter(project_code=CODE).exists()


@pytest.mark.parametrize("over", [False, True])
def test_api_upload_above_the_inline_limit_is_always_a_job(client, people, admin, settings, over):
    """A file larger than IMPORT_INLINE_MAX_BYTES is previewed as a job (202 + status URL),
    even without background=true; one at the limit is still previewed in the request (201)."""
    from unittest import mock

    from apps.imports import tasks

    settings.IMPORTS_RUN_INLINE = False
    content = xlsx([PLAN_HEADER, row()])
    settings.IMPORT_INLINE_MAX_BYTES = len(content) - 1 if over else len(content)
    _token, raw = APIToken.issue(user=admin, name="import")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    with mock.patch.object(tasks.run_batch, "delay") as queued:
        response = client.post("/api/v1/imports", {"kind": "plan", "file": _named(content)}, **headers)
    body = response.json()
    assert body["status_url"] == f"/api/v1/imports/{body['id']}"
    if over:
        assert response.status_code == 202, response.content
        assert body["status"] == "pending" and body["working"] is True and body["rows"] == []
        assert queued.call_args.args[:2] == (body["id"], "preview")
        tasks.run_batch.delay(*queued.call_args.args)  # the worker picks it up
        body = client.get(body["status_url"], **headers).json()
    else:
        assert response.status_code == 201, response.content
        assert not queued.called
    assert (body["status"], body["working"], body["rows_new"]) == ("previewed", False, 1)


def test_api_large_upload_in_embedded_mode_is_previewed_by_the_eager_job(client, people, admin, settings):
    """`make run` (no Redis: Celery runs jobs eagerly): the large upload still answers 202,
    and the job has already run by the time the client polls."""
    settings.IMPORTS_RUN_INLINE = False
    settings.CELERY_TASK_ALWAYS_EAGER = True
    content = xlsx([PLAN_HEADER, row()])
    settings.IMPORT_INLINE_MAX_BYTES = len(content) - 1
    _token, raw = APIToken.issue(user=admin, name="import")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    response = client.post("/api/v1/imports", {"kind": "plan", "file": _named(content)}, **headers)
    assert response.status_code == 202, response.content
    polled = client.get(response.json()["status_url"], **headers).json()
    assert (polled["status"], polled["working"], polled["rows_new"]) == ("previewed", False, 1)
