"""The hostile corpus through the real upload paths (the page and the API) with the real
limits: every file ends as a Chinese refusal, never a 5xx or a dead process, and nothing
is written. The parser's own limits (memory, time) are tested apart with lowered limits."""

import io

import pytest
from django.urls import reverse

from apps.audit.models import ChangeRecord
from apps.imports.models import BatchStatus, ImportBatch, RefusedUpload
from apps.imports.reading import FileRefused
from apps.imports.sandbox import read_isolated
from apps.projects.models import AnnualPlan, Project
from apps.reporting.models import MonthlyReport

from .hostile import corpus
from .workbooks import PLAN_HEADER, rewrite_zip, xlsx


@pytest.fixture(scope="module")
def files():
    return corpus()


def _business_counts():
    return [model.objects.count() for model in (Project, AnnualPlan, MonthlyReport, ChangeRecord)]


def _named(content, name):
    file = io.BytesIO(content)
    file.name = name
    return file


def test_the_corpus_is_large_and_varied(files):
    assert len(files) >= 80
    assert len({label for label, _name, _content in files}) == len(files)


def test_every_hostile_file_is_refused_through_the_page(client, people, admin, files):
    client.force_login(admin)
    before = _business_counts()
    outcomes = {}
    for label, name, content in files:
        response = client.post(reverse("imports:list"), {"kind": "plan", "file": _named(content, name)})
        assert response.status_code < 500, label
        if not content:  # the form refuses an empty file itself
            assert response.status_code == 200 and response.context["form"].errors["file"], label
            continue
        if response.status_code == 302 and response["Location"] == reverse("imports:list"):
            # Refused before a batch existed (the 1 KB file name): recorded as a refused upload.
            refused = RefusedUpload.objects.latest("id")
            outcomes[label] = (302, 200, BatchStatus.INVALID, refused.reason)
            continue
        batch = ImportBatch.objects.latest("id")
        page = client.get(response["Location"])
        outcomes[label] = (response.status_code, page.status_code, batch.status, batch.message)
    assert all(code == 302 and shown == 200 for code, shown, _status, _message in outcomes.values())
    not_refused = {
        label: status for label, (_c, _s, status, message) in outcomes.items() if status != BatchStatus.INVALID
    }
    assert not_refused == {}
    assert all(message for *_codes, message in outcomes.values())
    assert _business_counts() == before
    # A refused file is not kept: its name, size, SHA-256 and the reason are.
    refused = ImportBatch.objects.filter(message__contains="行数超过上限", file_name="计划.ods")
    assert refused.count() == 3
    assert all(b.file_size > 0 and len(b.sha256) == 64 and bytes(b.content) == b"" for b in refused)


def test_every_hostile_file_is_refused_through_the_api(client, people, admin, files):
    client.force_login(admin)
    before = _business_counts()
    statuses = {}
    for label, name, content in files:
        response = client.post("/api/v1/imports", {"kind": "plan", "file": _named(content, name)})
        statuses[label] = response.status_code
        assert response.status_code < 500, label
        body = response.json()
        if response.status_code == 201:
            assert body["status"] == BatchStatus.INVALID and body["message"], label
        elif response.status_code == 422:
            assert body["errors"]["file"], label
        else:
            assert response.status_code == 400 and "文件名过长" in body["detail"], label
    assert set(statuses.values()) <= {201, 400, 422}
    assert _business_counts() == before


def test_uploads_over_the_real_cap_are_refused_on_both_paths(client, people, admin, settings):
    client.force_login(admin)
    over = b"PK\x03\x04" + b"\0" * settings.IMPORT_MAX_BYTES  # one byte too many, within the form overhead
    page = client.post(reverse("imports:list"), {"kind": "plan", "file": _named(over, "大.xlsx")}, follow=True)
    api = client.post("/api/v1/imports", {"kind": "plan", "file": _named(over, "大.xlsx")})
    assert page.status_code == 200 and "超过上限" in page.content.decode()
    assert api.status_code == 413
    assert not ImportBatch.objects.exists()
    assert RefusedUpload.objects.filter(file_name="大.xlsx").count() == 2


def test_a_parser_over_its_memory_limit_is_a_refusal(settings):
    # Within every extent cap (90,000 rows × 50 columns), but calamine's dense grid of it
    # does not fit in 120 MB: the child dies, the caller gets a refusal.
    content = rewrite_zip(
        xlsx([["项目名称", "总投资"]]),
        lambda name, data: (
            data.replace(b"</sheetData>", b'<row r="90000"><c r="AX90000"><v>1</v></c></row></sheetData>')
            if name == "xl/worksheets/sheet1.xml"
            else data
        ),
    )
    settings.IMPORT_PARSER_MEMORY_MB = 120
    with pytest.raises(FileRefused, match=r"资源上限|内存上限"):
        read_isolated(content, "大.xlsx")
    settings.IMPORT_PARSER_MEMORY_MB = 1024
    assert len(read_isolated(content, "大.xlsx").sheets[0].rows) == 90000


def test_a_parser_over_its_time_limit_is_a_refusal(settings):
    settings.IMPORT_PARSER_SECONDS = 0.01
    with pytest.raises(FileRefused, match="超过时限"):
        read_isolated(xlsx([PLAN_HEADER]), "a.xlsx")
