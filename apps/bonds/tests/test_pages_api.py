"""Every bond and funding page and endpoint, by every role (pages with a session, the API
with a bearer token): in scope 200, out of scope 404, not allowed 403, anonymous
redirect/401; change records for writes through the API; query counts flat in the number of rows."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import APIToken, Role
from apps.audit.models import ChangeRecord
from apps.bonds import services
from apps.bonds.models import BondDocument
from apps.funding import services as funding_services
from tests.scope_table import SEES

from .conftest import PDF
from .test_services import _issue

pytestmark = pytest.mark.django_db
ROLES = list(Role)


@pytest.fixture
def programme(world, finance, make_bond_project):
    user = finance["city"]
    bonds = {key: make_bond_project(getattr(world, key)) for key in ("p_a", "p_b", "p_c")}
    issue = _issue(user, world, datetime.date(2026, 3, 10), amount=D(30000))
    allocations = {
        key: services.allocation_add(actor=user, issue_id=issue.pk, bond_project_id=bond.pk, amount=D(7000))
        for key, bond in bonds.items()
    }
    services.spending_record(actor=user, allocation_id=allocations["p_a"].pk, year=2026, month=6, cumulative=D(2000))
    admin = world.users[Role.CITY_ADMIN]
    applications = {
        key: funding_services.application_create(
            actor=admin,
            project_id=getattr(world, key).pk,
            fields={
                "programme": "central_budget",
                "year": 2026,
                "responsible_department": world.dept,
                "requested": D(100),
            },
        )
        for key in ("p_a", "p_b", "p_c")
    }
    return {"bonds": bonds, "issue": issue, "allocations": allocations, "applications": applications}


def token(user):
    _, raw = APIToken.issue(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


LIST_PAGES = [
    "bonds:index",
    "bonds:projects",
    "bonds:quotas",
    "bonds:issues",
    "bonds:spending",
    "bonds:adjustments",
    "bonds:repayments",
    "funding:index",
    "funding:disbursements",
    "funding:applications",
]


@pytest.mark.parametrize("role", ROLES)
def test_list_pages_render_for_every_role(client, world, programme, role):
    client.force_login(world.users[role])
    for name in LIST_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert b"<script>" not in response.content.replace(b"<script src", b"")


def test_anonymous_is_sent_to_login(client):
    for name in LIST_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_detail_pages_follow_the_project_scope(client, world, programme, role):
    client.force_login(world.users[role])
    for key in ("p_a", "p_b", "p_c"):
        expected = 200 if key in SEES[role] else 404
        urls = [
            reverse("bonds:project", args=[programme["bonds"][key].pk]),
            reverse("funding:project", args=[getattr(world, key).pk]),
            reverse("funding:application", args=[programme["applications"][key].pk]),
        ]
        for url in urls:
            assert client.get(url).status_code == expected, (url, role, key)


@pytest.mark.parametrize("role", ROLES)
def test_api_lists_follow_the_scope(client, world, programme, role):
    headers = token(world.users[role])
    seen = {getattr(world, key).pk for key in SEES[role]}
    projects = client.get("/api/v1/bonds/projects", **headers).json()
    assert {item["project"]["id"] for item in projects["items"]} == seen
    applications = client.get("/api/v1/funding/applications", **headers).json()
    assert {item["project"]["id"] for item in applications["items"]} == seen
    spending = client.get("/api/v1/bonds/spending?year=2026&month=11", **headers).json()
    assert {row["project"]["id"] for row in spending} == seen
    for key in ("p_a", "p_b", "p_c"):
        response = client.get(f"/api/v1/bonds/projects/{programme['bonds'][key].pk}", **headers)
        assert response.status_code == (200 if key in SEES[role] else 404)
    for path in (
        "/api/v1/bonds/quotas",
        "/api/v1/bonds/issues",
        "/api/v1/bonds/repayments",
        "/api/v1/bonds/figures",
        "/api/v1/bonds/adjustments",
        "/api/v1/funding/sources",
        "/api/v1/funding/arrivals",
        "/api/v1/funding/disbursements",
        "/api/v1/funding/disbursements/pace",
        "/api/v1/funding/applications/figures",
        "/api/v1/bonds/pools",
        "/api/v1/bonds/repayments/reminders",
    ):
        assert client.get(path, **headers).status_code == 200, path
    assert client.get("/api/v1/bonds/projects").status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_api_spending_write_is_the_finance_bureaus(client, world, programme, role):
    allocation = programme["allocations"]["p_a"]
    body = {"allocation": allocation.pk, "year": 2026, "month": 7, "cumulative": "2500"}
    response = client.post("/api/v1/bonds/spending", body, content_type="application/json", **token(world.users[role]))
    assert response.status_code == (403 if "p_a" in SEES[role] else 404)


def test_api_finance_writes_and_records(client, world, finance, programme):
    headers = token(finance["city"])
    allocation = programme["allocations"]["p_a"]
    response = client.post(
        "/api/v1/bonds/spending",
        {"allocation": allocation.pk, "year": 2026, "month": 9, "cumulative": "3500"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200, response.content
    assert response.json()["ratio"] == "50.00" and response.json()["status"] == "ok"
    bad = client.post(
        "/api/v1/bonds/spending",
        {"allocation": allocation.pk, "year": 2026, "month": 10, "cumulative": "1e30"},
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 422
    response = client.post(
        "/api/v1/funding/disbursements",
        {
            "project": world.p_a.pk,
            "source": "special_bonds",
            "on_date": "2026-06-01",
            "released": "7000",
            "paid": "2000",
        },
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    assert ChangeRecord.objects.filter(content_type__model="disbursement").count() == 1


def test_api_project_submit_and_upload(client, world, make_bond_project):
    headers = token(world.users[Role.OWNER_REPORTER])
    response = client.post(
        "/api/v1/bonds/projects",
        {
            "project": world.p_a.pk,
            "year": 2027,
            "field": "transport",
            "bond_amount": "7000",
            "capital_excl_bonds": "2000",
            "other_debt": "1000",
            "construction_start": "2027-03-01",
            "construction_end": "2028-10-31",
            "operation_start_year": 2028,
            "operation_end_year": 2057,
            "expected_income": "20000",
            "expected_cost": "5000",
            "debt_service": "10000",
        },
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert {c["key"]: c["passed"] for c in body["checks"]}["documents"] is False
    pk = body["id"]
    url, json = f"/api/v1/bonds/projects/{pk}", "application/json"
    # Changes need the loaded version: missing → 422 naming it, stale → 409, neither changes anything.
    missing = client.patch(url, {"law_firm": "某律所"}, content_type=json, **headers)
    assert missing.status_code == 422 and missing.json()["errors"] == {"version": ["该字段为必填项。"]}
    stale = client.patch(url, {"law_firm": "某律所", "version": 5}, content_type=json, **headers)
    assert stale.status_code == 409 and stale.json()["current_version"] == 1
    missing = client.post(f"{url}/submit", {}, content_type=json, **headers)
    assert missing.status_code == 422 and missing.json()["errors"] == {"version": ["该字段为必填项。"]}
    assert client.get(url, **headers).json()["law_firm"] != "某律所"
    patched = client.patch(url, {"law_firm": "某律所", "version": 1}, content_type=json, **headers)
    assert patched.status_code == 200 and patched.json()["version"] == 2
    assert client.post(f"{url}/submit", {"version": 2}, content_type=json, **headers).status_code == 422  # no files
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload(kind, **version):
        file = SimpleUploadedFile(f"{kind}.pdf", PDF, content_type="application/pdf")
        return client.post(f"{url}/documents", {"kind": kind, "file": file, **version}, **headers)

    # An upload changes the project: it needs the loaded version (missing 422, stale 409) and bumps it.
    missing = upload("plan")
    assert missing.status_code == 422 and "version" in missing.json()["errors"]
    assert upload("plan", version=1).status_code == 409
    assert not BondDocument.objects.filter(bond_project_id=pk).exists()
    for version, kind in enumerate(("plan", "financial", "legal"), start=2):
        response = upload(kind, version=version)
        assert response.status_code == 201 and response.json()["version"] == version + 1, response.content
    stale = client.post(f"{url}/submit", {"version": 2}, content_type=json, **headers)
    assert stale.status_code == 409 and stale.json()["current_version"] == 5
    response = client.post(f"{url}/submit", {"version": 5}, content_type=json, **headers)
    assert response.status_code == 200 and response.json()["status"] == "submitted" and response.json()["version"] == 6
    document = response.json()["documents"][0]
    download = client.get(f"/api/v1/bonds/projects/{pk}/documents/{document['id']}", **headers)
    assert download.status_code == 200 and download.content == PDF
    other = token(world.users[Role.COUNTY_USER].__class__.objects.get(username="county"))
    assert client.get(f"/api/v1/bonds/projects/{pk}/documents/{document['id']}", **other).status_code == 200


def test_hostile_api_input_is_a_422_not_a_500(client, world):
    headers = token(world.users[Role.CITY_ADMIN])
    for body in (
        {"project": world.p_a.pk, "year": 2026, "planned_total": "NaN"},
        {"project": world.p_a.pk, "year": 99999},
        {"project": world.p_a.pk, "year": 2026, "planned_total": "123456789012345678"},
        {"project": world.p_a.pk, "year": 2026, "planned_total": "-1"},
    ):
        response = client.post("/api/v1/funding/sources", body, content_type="application/json", **headers)
        assert response.status_code in (400, 422), (body, response.content)
    assert ChangeRecord.objects.count() == 0


def test_query_counts_do_not_grow_with_rows(client, world, finance, make_bond_project):
    from tests import factories as f

    user = finance["city"]
    client.force_login(user)
    issue = _issue(user, world, datetime.date(2026, 3, 10), amount=D(1000000))

    def add(n):
        for _ in range(n):
            project = f.ProjectFactory(region=world.county_a, owner_unit=world.owner)
            bond = make_bond_project(project)
            allocation = services.allocation_add(actor=user, issue_id=issue.pk, bond_project_id=bond.pk, amount=D(100))
            services.spending_record(actor=user, allocation_id=allocation.pk, year=2026, month=6, cumulative=D(30))

    counts = []
    for n in (2, 6):
        add(n)
        for url in (
            reverse("bonds:index"),
            reverse("bonds:spending"),
            reverse("bonds:projects"),
            "/api/v1/bonds/spending?year=2026&month=11",
            "/api/v1/bonds/figures?year=2026&month=11",
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append((url, len(queries)))
    half = len(counts) // 2
    assert counts[:half] == counts[half:]


def test_exports_in_the_official_layout(client, world, programme):
    import io

    from python_calamine import CalamineWorkbook

    from apps.exports.models import ExportRecord

    client.force_login(world.users[Role.COUNTY_USER])
    response = client.get(reverse("bonds:project_export"), {"format": "xlsx"})
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    text = [[str(cell) for cell in row] for row in sheet]
    assert text[0][0] == "专项债券项目表"
    assert any("申请专项债总额" in row for row in text) and any("覆盖倍数" in row for row in text)
    # The county user's scope: p_a only.
    names = {row[1] for row in text}
    assert world.p_a.name in names and world.p_b.name not in names
    funding_services.funding_record_save(
        actor=world.users[Role.CITY_ADMIN],
        project_id=world.p_a.pk,
        year=2026,
        fields={"arrived_total": D(10), "arrived_other": D(10), "planned_total": D(10), "planned_other": D(10)},
        expected_version=None,
    )
    response = client.get(reverse("funding:export"), {"format": "csv", "year": "2026"})
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert "本年实际到位资金" in body and "其中：中央预算内投资" in body and world.p_a.name in body
    assert ExportRecord.objects.filter(kind__in=["bonds", "funding"]).count() == 2
    assert client.get(reverse("bonds:project_export"), {"format": "pdf"}).status_code == 302


def test_pages_need_the_loaded_version(client, world, make_bond_project):
    """The edit form and the 申报 button carry the version; without it, or with a stale one, nothing changes."""
    from apps.bonds.models import BondProject

    bond = make_bond_project(world.p_a, submitted=False)
    client.force_login(world.users[Role.COUNTY_USER])
    edit = reverse("bonds:project_edit", args=[bond.pk])
    form = client.get(edit).context["form"]
    assert f'name="version" value="{bond.version}"' in client.get(edit).content.decode()
    data = {name: value for name, value in form.initial.items() if value is not None and name != "version"}
    data["law_firm"] = "某律所"
    assert "必须提交编辑时加载的版本号" in client.post(edit, data).content.decode()
    assert "已被他人修改" in client.post(edit, {**data, "version": bond.version + 3}).content.decode()
    assert BondProject.objects.get(pk=bond.pk).law_firm != "某律所"
    assert client.post(edit, {**data, "version": bond.version}).status_code == 302
    stored = BondProject.objects.get(pk=bond.pk)
    assert stored.law_firm == "某律所" and stored.version == bond.version + 1

    page = client.get(reverse("bonds:project", args=[bond.pk])).content.decode()
    assert f'name="version" value="{stored.version}"' in page
    submit = reverse("bonds:project_submit", args=[bond.pk])
    assert "必须提交编辑时加载的版本号" in client.post(submit, follow=True).content.decode()
    assert "已被他人修改" in client.post(submit, {"version": bond.version}, follow=True).content.decode()
    assert BondProject.objects.get(pk=bond.pk).status == stored.status
    client.post(submit, {"version": stored.version})
    assert BondProject.objects.get(pk=bond.pk).status == "submitted"


def test_review_and_pool_steps_need_the_loaded_version(client, world, make_bond_project):
    """Issue 12: recording a review or a pool result changes the bond project: the page forms and the
    API need the loaded version (missing refused naming it, stale refused), neither writes anything,
    and each recorded step bumps the version so a concurrent edit is detected."""
    from apps.bonds.models import BondProject, BondReview

    bond = make_bond_project(world.p_a)
    county, admin = world.users[Role.COUNTY_USER], world.users[Role.CITY_ADMIN]
    client.force_login(county)
    page = client.get(reverse("bonds:project", args=[bond.pk])).content.decode()
    assert page.count(f'name="version" value="{bond.version}"') >= 2  # the review and pool forms
    url = reverse("bonds:review_record", args=[bond.pk])
    step = {"level": "county", "side": "ndrc", "result": "passed", "reviewed_on": "2026-02-02"}
    count = ChangeRecord.objects.count()
    assert "必须提交编辑时加载的版本号" in client.post(url, step, follow=True).content.decode()
    stale = client.post(url, {**step, "version": bond.version + 1}, follow=True)
    assert "已被他人修改" in stale.content.decode()
    assert not BondReview.objects.exists() and ChangeRecord.objects.count() == count
    client.post(url, {**step, "version": bond.version})
    assert BondReview.objects.count() == 1
    assert BondProject.objects.get(pk=bond.pk).version == bond.version + 1  # the old version is now stale

    headers, json = token(admin), "application/json"
    body = {"bond_project": bond.pk, "level": "city", "side": "ndrc", "result": "passed"}
    missing = client.post("/api/v1/bonds/reviews", body, content_type=json, **headers)
    assert missing.status_code == 422 and "version" in missing.json()["errors"]
    stale = client.post("/api/v1/bonds/reviews", {**body, "version": bond.version}, content_type=json, **headers)
    assert stale.status_code == 409 and BondReview.objects.count() == 1
    done = client.post("/api/v1/bonds/reviews", {**body, "version": bond.version + 1}, content_type=json, **headers)
    assert done.status_code == 201

    pool = {"bond_project": bond.pk, "side": "ndrc", "result": "in"}
    missing = client.post("/api/v1/bonds/pools", pool, content_type=json, **headers)
    assert missing.status_code == 422 and "version" in missing.json()["errors"]
    stale = client.post("/api/v1/bonds/pools", {**pool, "version": bond.version + 1}, content_type=json, **headers)
    assert stale.status_code == 409 and BondProject.objects.get(pk=bond.pk).ndrc_pool != "in"
    done = client.post("/api/v1/bonds/pools", {**pool, "version": bond.version + 2}, content_type=json, **headers)
    assert done.status_code == 200 and done.json()["ndrc_pool"] == "in"
    assert BondProject.objects.get(pk=bond.pk).version == bond.version + 3
