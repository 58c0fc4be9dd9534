"""The calendar's writes (city administrator only, recorded) and its page and API."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.workdays import services
from apps.workdays.models import CalendarYear, WorkdayOverride

D = datetime.date


def test_admin_saves_overrides_and_years_with_change_records(world):
    admin = world.users[Role.CITY_ADMIN]
    override = services.override_save(actor=admin, date=D(2027, 2, 5), is_workday=False, name="春节")
    services.override_save(actor=admin, date=D(2027, 2, 5), is_workday=False, name="春节（除夕）")
    year = services.calendar_year_save(actor=admin, year=2027, source="国务院办公厅通知")
    services.override_delete(actor=admin, override_id=override.pk)
    records = list(ChangeRecord.objects.order_by("id").values_list("action", "before", "after"))
    assert [r[0] for r in records] == ["create", "update", "create", "delete"]
    assert records[1][1]["name"] == "春节" and records[1][2]["name"] == "春节（除夕）"
    assert records[2][2]["year"] == 2027
    assert records[3][2] is None
    assert not WorkdayOverride.objects.exists()
    assert CalendarYear.objects.get() == year


@pytest.mark.parametrize("role", [r for r in Role if r != Role.CITY_ADMIN])
def test_only_the_city_administrator_changes_the_calendar(world, role):
    with pytest.raises(PermissionDenied):
        services.override_save(actor=world.users[role], date=D(2027, 1, 1), is_workday=False, name="元旦")
    assert not WorkdayOverride.objects.exists()
    assert not ChangeRecord.objects.exists()


def test_an_override_needs_a_name(world):
    with pytest.raises(ValidationError) as error:
        services.override_save(actor=world.users[Role.CITY_ADMIN], date=D(2027, 1, 1), is_workday=False, name=" ")
    assert "name" in error.value.message_dict
    assert not WorkdayOverride.objects.exists()


def test_page_shows_the_missing_data_error_and_admin_enters_a_date(client, world):
    client.force_login(world.users[Role.CITY_ADMIN])
    url = reverse("workdays:calendar")
    page = client.get(url, {"start": "2026-12-31", "n": "1"}).content.decode()
    assert 'id="calendar-error"' in page and "2027-01-01" in page
    response = client.post(url, {"o-date": "2027-01-01", "o-is_workday": "", "o-name": "元旦"})
    assert response.status_code == 302
    assert WorkdayOverride.objects.get().name == "元旦"
    page = client.get(url, {"start": "2026-12-30", "n": "1"}).content.decode()
    assert 'id="calendar-result"' in page and "2026-12-31" in page


@pytest.mark.parametrize("role", [Role.COUNTY_USER, Role.DEPARTMENT_USER, Role.AUDITOR])
def test_others_read_the_page_but_may_not_post(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("workdays:calendar")).status_code == 200
    response = client.post(reverse("workdays:calendar"), {"o-date": "2027-01-01", "o-name": "元旦"})
    assert response.status_code == 403
    assert not WorkdayOverride.objects.exists()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("workdays:calendar"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_api_arithmetic_and_missing_data(client, world):
    client.force_login(world.users[Role.AUDITOR])
    assert client.get("/api/v1/workdays/add", {"start": "2026-02-12", "n": 3}).json()["date"] == "2026-02-24"
    assert client.get("/api/v1/workdays/between", {"start": "2026-02-13", "end": "2026-03-02"}).json()["workdays"] == 7
    missing = client.get("/api/v1/workdays/add", {"start": "2026-12-31", "n": 1})
    assert missing.status_code == 422
    assert "2027-01-01" in missing.json()["errors"]["__all__"][0]
    days = client.get("/api/v1/workdays/days", {"start": "2026-02-13", "end": "2026-02-15"}).json()
    assert [d["is_workday"] for d in days] == [True, True, False]


def test_api_writes_by_role(client, world):
    body = {"date": "2027-01-01", "is_workday": False, "name": "元旦"}
    client.force_login(world.users[Role.COUNTY_USER])
    assert client.post("/api/v1/workdays/overrides", body, content_type="application/json").status_code == 403
    client.force_login(world.users[Role.CITY_ADMIN])
    created = client.post("/api/v1/workdays/overrides", body, content_type="application/json")
    assert created.status_code == 201
    assert client.get("/api/v1/workdays/overrides", {"year": 2027}).json()[0]["name"] == "元旦"
    bad = client.post("/api/v1/workdays/overrides", {**body, "date": "2027-13-01"}, content_type="application/json")
    assert bad.status_code == 422 and "date" in bad.json()["errors"]
    assert client.post("/api/v1/workdays/years", {"year": 2027}, content_type="application/json").status_code == 201
    assert client.delete(f"/api/v1/workdays/overrides/{created.json()['id']}").status_code == 204
    assert client.delete("/api/v1/workdays/overrides/999999").status_code == 404
    client.logout()
    assert client.get("/api/v1/workdays/add", {"start": "2026-02-12", "n": 3}).status_code == 401
