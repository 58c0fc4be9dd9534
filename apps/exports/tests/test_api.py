"""/api/v1/exports: files with the same scope, options and records as the pages."""

from apps.accounts.models import APIToken, User
from apps.exports.models import ExportRecord
from apps.regions.models import Organisation

from .conftest import MONTH, YEAR
from .sheets import body, csv_rows, rows


def _auth(username):
    _token, raw = APIToken.issue(user=User.objects.get(username=username), name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_project_list_csv_through_the_api_is_scoped_and_recorded(client, period):
    response = client.get("/api/v1/exports/projects", {"format": "csv"}, **_auth("county"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert [row[1] for row in csv_rows(body(response))[1:]] == ["甲区快速路", "甲区产业园"]
    assert ExportRecord.objects.get().user.username == "county"


def test_progress_and_template_through_the_api(client, period):
    response = client.get("/api/v1/exports/progress", {"year": YEAR, "month": MONTH}, **_auth("admin"))
    assert rows(body(response))[0][0] == "示范市2026年1-10月重点项目推进情况表"
    response = client.get("/api/v1/exports/template", {"year": YEAR, "month": MONTH}, **_auth("owner"))
    assert rows(body(response))[0][0] == "甲区城投公司2026年10月重点项目月度进展填报表"


def test_api_errors(client, period):
    assert client.get("/api/v1/exports/projects").status_code == 401
    other_owner = Organisation.objects.get(name="乙县建设公司")
    params = {"year": YEAR, "month": MONTH, "owner_unit": other_owner.pk}
    assert client.get("/api/v1/exports/template", params, **_auth("county")).status_code == 404
    response = client.get("/api/v1/exports/progress", {"year": YEAR, "month": 13}, **_auth("admin"))
    assert response.status_code == 422
    response = client.get("/api/v1/exports/projects", {"group": "x"}, **_auth("admin"))
    assert response.status_code == 422 and "group" in response.json()["errors"]
    assert client.get("/api/v1/exports/template", {"year": YEAR, "month": MONTH}, **_auth("dept")).status_code == 403
    assert ExportRecord.objects.count() == 0


def test_records_list_for_the_auditor(client, period):
    client.get("/api/v1/exports/projects", {"format": "csv"}, **_auth("county"))
    data = client.get("/api/v1/exports/records", **_auth("auditor")).json()
    assert data["count"] == 1 and data["items"][0]["user_name"] and data["items"][0]["kind"] == "project_list"
    assert client.get("/api/v1/exports/records", **_auth("owner")).json()["count"] == 0
