"""The pages, the API and the command, by role."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.accounts.models import Role
from apps.bulletins import services
from apps.bulletins.models import Bulletin, BulletinKind, BulletinStatus
from apps.documents.readback import open_docx

TODAY = datetime.date(2026, 7, 5)
API = "/api/v1/bulletins"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


def test_api_draft_steps_and_files(client, town):
    client.force_login(town.admin)
    response = client.post(API, {"kind": "month", "year": 2026, "month": 6}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["snapshot"]["figures"]["completed_ytd"]["value"] == "0.58"
    pk = body["id"]
    assert client.post(f"{API}/{pk}/steps/submit", {}, content_type="application/json").status_code == 200
    # The drafter may not review: 403 with a Chinese message.
    refused = client.post(f"{API}/{pk}/steps/review", {}, content_type="application/json")
    assert refused.status_code == 403 and "起草人以外" in refused.json()["detail"]
    client.force_login(town.admin2)
    assert client.post(f"{API}/{pk}/steps/review", {}, content_type="application/json").json()["status"] == "reviewed"
    signed = client.post(f"{API}/{pk}/steps/sign", {}, content_type="application/json").json()
    assert signed["status"] == "published" and signed["reference"] == "示范市发改通〔2026〕1号"
    docx = client.get(f"{API}/{pk}/files/docx")
    assert docx.status_code == 200 and "示范市发改通〔2026〕1号" in "\n".join(
        p.text for p in open_docx(docx.content).paragraphs
    )
    assert client.get(f"{API}/{pk}/files/docx").content == docx.content
    assert client.get(f"{API}/{pk}/files/exe").status_code == 404
    listed = client.get(API).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == pk


def test_api_bad_input_is_422_and_writes_nothing(client, town):
    client.force_login(town.admin)
    for payload in (
        {"kind": "weekly", "year": 2026, "month": 6},
        {"kind": "half_month", "year": 2026, "month": 6},
        {"kind": "month", "year": 2026, "month": 13},
        {"kind": "month", "year": "x", "month": 6},
    ):
        response = client.post(API, payload, content_type="application/json")
        assert response.status_code == 422, payload
    assert not Bulletin.objects.exists()


@pytest.mark.parametrize("role", [Role.DEPARTMENT_USER, Role.OWNER_REPORTER, Role.CITY_LEADER, Role.AUDITOR])
def test_only_offices_draft(client, town, role):
    client.force_login(town.users[role])
    response = client.post(API, {"kind": "month", "year": 2026, "month": 6}, content_type="application/json")
    assert response.status_code in (403, 404)
    assert not Bulletin.objects.exists()


def test_outside_scope_is_404(client, town):
    bulletin = services.bulletin_draft(actor=town.admin, region=town.city, kind=BulletinKind.MONTH, year=2026, month=6)
    client.force_login(town.users[Role.COUNTY_USER])
    assert client.get(f"{API}/{bulletin.pk}").status_code == 404  # a city draft
    assert client.get(reverse("bulletins:detail", args=[bulletin.pk])).status_code == 404
    assert client.post(f"{API}/{bulletin.pk}/steps/submit", {}, content_type="application/json").status_code == 404
    response = client.post(
        API, {"kind": "month", "year": 2026, "month": 6, "region": town.city.pk}, content_type="application/json"
    )
    assert response.status_code == 404


def test_pages_draft_preview_and_unread(client, town):
    client.force_login(town.admin)
    page = client.get(reverse("bulletins:list"))
    assert page.status_code == 200 and "生成草稿" in page.content.decode()
    response = client.post(reverse("bulletins:create"), {"kind": "month", "year": 2026, "month": 6})
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("bulletins:detail", args=[bulletin.pk])
    html = client.get(reverse("bulletins:detail", args=[bulletin.pk])).content.decode()
    assert "欠时序进度35.5个百分点" in html and "送审" in html and "审核通过" not in html
    client.post(
        reverse("bulletins:requirements", args=[bulletin.pk]),
        {"requirements": "抓紧开工。", "version": bulletin.version},
    )
    client.post(reverse("bulletins:step", args=[bulletin.pk, "submit"]))
    client.force_login(town.admin2)
    client.post(reverse("bulletins:step", args=[bulletin.pk, "review"]))
    client.post(reverse("bulletins:step", args=[bulletin.pk, "sign"]))
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.PUBLISHED and bulletin.requirements == "抓紧开工。"
    county = town.users[Role.COUNTY_USER]
    client.force_login(county)
    listing = client.get(reverse("bulletins:list")).content.decode()
    assert "未读" in listing and "生成草稿" in listing  # a county user drafts its own
    client.get(reverse("bulletins:detail", args=[bulletin.pk]))
    assert 'class="unread"' not in client.get(reverse("bulletins:list")).content.decode()
    xlsx = client.get(reverse("bulletins:file", args=[bulletin.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_command_writes_the_files(town, tmp_path):
    out = io.StringIO()
    call_command("bulletin", "--region", "610300", "--year", "2026", "--month", "6", "--out", str(tmp_path), stdout=out)
    docx = tmp_path / "bulletin-610300-2026-06.docx"
    assert docx.is_file() and (tmp_path / "bulletin-610300-2026-06.xlsx").is_file()
    assert "关于2026年6月示范市重大项目推进情况的通报" in out.getvalue()
    call_command(
        "bulletin",
        "--region",
        "610300",
        "--year",
        "2026",
        "--month",
        "7",
        "--half",
        "1",
        "--out",
        str(tmp_path),
        stdout=out,
    )
    assert (tmp_path / "bulletin-610300-2026-07-h1.docx").is_file()
    assert Bulletin.objects.filter(kind=BulletinKind.HALF_MONTH, half=1).count() == 1
