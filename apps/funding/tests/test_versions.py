"""Issue 12: replacing or deleting a saved funding record needs the version the editor loaded
(API and page form). Missing → refused naming `version`; stale → 409 / the concurrent-edit
message; neither writes anything. Creating a new record needs none."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from apps.accounts.models import APIToken, Role
from apps.audit.models import ChangeRecord
from apps.funding import services
from apps.funding.models import FundingRecord

pytestmark = pytest.mark.django_db
JSON = "application/json"
MISSING = "修改时必须提交编辑时加载的版本号。"


def _headers(user):
    _, raw = APIToken.issue(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _changes():
    return ChangeRecord.objects.filter(content_type__model="fundingrecord").count()


def test_api_replace_and_delete_need_the_loaded_version(client, world):
    headers = _headers(world.users[Role.CITY_ADMIN])
    body = {"project": world.p_a.pk, "year": 2026, "gap": "10"}
    created = client.post("/api/v1/funding/sources", body, content_type=JSON, **headers)
    assert created.status_code == 200 and created.json()["version"] == 1  # a new record needs no version
    record_id, changes = created.json()["id"], _changes()

    missing = client.post("/api/v1/funding/sources", {**body, "gap": "20"}, content_type=JSON, **headers)
    assert missing.status_code == 422 and missing.json()["errors"] == {"version": [MISSING]}
    stale = client.post("/api/v1/funding/sources", {**body, "gap": "20", "version": 7}, content_type=JSON, **headers)
    assert stale.status_code == 409 and stale.json()["current_version"] == 1
    record = FundingRecord.objects.get(pk=record_id)
    assert record.gap == D(10) and record.version == 1 and _changes() == changes

    replaced = client.post("/api/v1/funding/sources", {**body, "gap": "20", "version": 1}, content_type=JSON, **headers)
    assert replaced.status_code == 200 and replaced.json()["version"] == 2 and D(replaced.json()["gap"]) == D(20)

    url = f"/api/v1/funding/sources/{record_id}"
    missing = client.delete(url, **headers)
    assert missing.status_code == 422 and "version" in missing.json()["errors"]
    assert client.delete(f"{url}?version=1", **headers).status_code == 409
    assert FundingRecord.objects.filter(pk=record_id).exists() and _changes() == changes + 1
    assert client.delete(f"{url}?version=2", **headers).status_code == 204
    assert not FundingRecord.objects.filter(pk=record_id).exists()


def test_service_refuses_a_replacement_without_or_with_a_stale_version(world):
    from django.core.exceptions import ValidationError

    from apps.core.exceptions import ConcurrentEditError

    admin = world.users[Role.CITY_ADMIN]
    record = services.funding_record_save(
        actor=admin, project_id=world.p_a.pk, year=2026, fields={"gap": D(1)}, expected_version=None
    )
    with pytest.raises(ValidationError) as error:
        services.funding_record_save(
            actor=admin, project_id=world.p_a.pk, year=2026, fields={"gap": D(2)}, expected_version=None
        )
    assert error.value.message_dict == {"version": [MISSING]}
    with pytest.raises(ConcurrentEditError):
        services.funding_record_save(
            actor=admin, project_id=world.p_a.pk, year=2026, fields={"gap": D(2)}, expected_version=2
        )
    with pytest.raises(ValidationError):
        services.funding_record_delete(actor=admin, record_id=record.pk, expected_version=None)
    record.refresh_from_db()
    assert record.gap == D(1) and record.version == 1


def test_page_form_carries_and_needs_the_version(client, world):
    client.force_login(world.users[Role.OWNER_REPORTER])
    url = reverse("funding:record_edit", args=[world.p_a.pk, 2026])
    data = {"planned_total": "0", "arrived_total": "0", "gap": "5", "gap_arranged": "", "gap_note": ""}
    assert client.post(url, data).status_code == 302  # a new record: no version needed
    record = FundingRecord.objects.get()
    assert f'name="version" value="{record.version}"' in client.get(url).content.decode()
    changes = _changes()

    missing = client.post(url, {**data, "gap": "6"})
    assert missing.status_code == 200 and MISSING in missing.content.decode()
    stale = client.post(url, {**data, "gap": "6", "version": record.version + 3})
    assert stale.status_code == 200 and "已被他人修改" in stale.content.decode()
    record.refresh_from_db()
    assert record.gap == D(5) and record.version == 1 and _changes() == changes

    assert client.post(url, {**data, "gap": "6", "version": record.version}).status_code == 302
    record.refresh_from_db()
    assert record.gap == D(6) and record.version == 2
