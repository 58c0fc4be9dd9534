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
    missing = client.post(f"{API}/{pk}/steps/submit", {}, content_type="application/json")
    assert missing.status_code == 422 and missing.json()["errors"] == {"version": ["该字段为必填项。"]}
    stale = client.post(f"{API}/{pk}/steps/submit", {"version": 0}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["current_version"] == 1
    assert Bulletin.objects.get(pk=pk).status == BulletinStatus.DRAFT  # refused steps change nothing
    assert client.post(f"{API}/{pk}/steps/submit", {"version": 1}, content_type="application/json").status_code == 200
    # The drafter may not review: 403 with a Chinese message.
    refused = client.post(f"{API}/{pk}/steps/review", {"version": 2}, content_type="application/json")
    assert refused.status_code == 403 and "起草人以外" in refused.json()["detail"]
    client.force_login(town.admin2)
    assert (
        client.post(f"{API}/{pk}/steps/review", {"version": 2}, content_type="application/json").json()["status"]
        == "reviewed"
    )
    signed = client.post(f"{API}/{pk}/steps/sign", {"version": 3}, content_type="application/json").json()
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
    assert (
        client.post(f"{API}/{bulletin.pk}/steps/submit", {"version": 1}, content_type="application/json").status_code
        == 404
    )
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
    client.post(reverse("bulletins:step", args=[bulletin.pk, "submit"]), {"version": 2})
    client.force_login(town.admin2)
    client.post(reverse("bulletins:step", args=[bulletin.pk, "review"]), {"version": 3})
    client.post(reverse("bulletins:step", args=[bulletin.pk, "sign"]), {"version": 4})
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


def test_api_requirements_need_the_loaded_version(client, town):
    bulletin = services.bulletin_draft(actor=town.admin, region=town.city, kind=BulletinKind.MONTH, year=2026, month=6)
    client.force_login(town.admin)
    url = f"{API}/{bulletin.pk}/requirements"
    missing = client.put(url, {"requirements": "改"}, content_type="application/json")
    assert missing.status_code == 422 and missing.json()["errors"] == {"version": ["该字段为必填项。"]}
    stale = client.put(url, {"requirements": "改", "version": 0}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["current_version"] == 1
    assert Bulletin.objects.get(pk=bulletin.pk).requirements == bulletin.requirements
    done = client.put(url, {"requirements": "改", "version": 1}, content_type="application/json")
    assert done.status_code == 200 and done.json()["version"] == 2
    assert Bulletin.objects.get(pk=bulletin.pk).requirements == "改"


def test_page_forms_need_the_loaded_version(client, town):
    """The detail page's forms carry the version; a post without it or with a stale one is refused with a message."""
    bulletin = services.bulletin_draft(actor=town.admin, region=town.city, kind=BulletinKind.MONTH, year=2026, month=6)
    client.force_login(town.admin)
    html = client.get(reverse("bulletins:detail", args=[bulletin.pk])).content.decode()
    assert html.count(f'name="version" value="{bulletin.version}"') >= 2  # requirements and 送审
    requirements = reverse("bulletins:requirements", args=[bulletin.pk])
    step = reverse("bulletins:step", args=[bulletin.pk, "submit"])
    for url, data in ((requirements, {"requirements": "改"}), (step, {})):
        missing = client.post(url, data, follow=True).content.decode()
        assert "必须提交编辑时加载的版本号" in missing
        stale = client.post(url, {**data, "version": 0}, follow=True).content.decode()
        assert "已被他人修改" in stale
    stored = Bulletin.objects.get(pk=bulletin.pk)
    assert (stored.version, stored.status, stored.requirements) == (1, BulletinStatus.DRAFT, bulletin.requirements)
    client.post(requirements, {"requirements": "改", "version": 1})
    client.post(step, {"version": 2})
    stored = Bulletin.objects.get(pk=bulletin.pk)
    assert (stored.version, stored.status, stored.requirements) == (3, BulletinStatus.IN_REVIEW, "改")
