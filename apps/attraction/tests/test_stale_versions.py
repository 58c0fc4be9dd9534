"""Every write that changes a lead (its fields, its stage) needs the version its editor loaded:
a stale one is refused naming the lead, nothing written (the API answers 409)."""

import datetime
from decimal import Decimal

import pytest

from apps.accounts.models import Role
from apps.attraction import services
from apps.core.tests.versions import assert_stale_edit_refused

D = datetime.date
WRITES = {
    "lead_update": {"fields": {"attraction_person": "王五"}},
    "lead_advance": {"stage": "assessing", "on": D(2026, 11, 30)},
    "lead_sign": {"amount": Decimal(30000), "signed_on": D(2026, 11, 30), "counterpart": "甲区人民政府"},
    "lead_mark_registered": {"on": D(2026, 11, 30), "credit_code": "91610000MA6TG0XX3K", "enterprise_name": "某公司"},
    "lead_start": {"on": D(2026, 11, 30), "project_code": "2026-610302-48-01-770009"},
    "lead_exit": {"reason": "other", "on": D(2026, 11, 30), "note": "投资方放弃"},
}


@pytest.mark.parametrize("name", list(WRITES))
def test_a_stale_version_is_refused_and_writes_nothing(world, leads, name):
    lead = leads["lead_a"]
    service = getattr(services, name)

    def call(version):
        service(actor=world.users[Role.CITY_ADMIN], lead_id=lead.pk, expected_version=version, **WRITES[name])

    assert_stale_edit_refused(call, lead, named=f"招商线索“{lead.name}”")


def test_the_api_answers_409_to_a_stale_version(client, world, leads):
    lead = leads["lead_a"]
    client.force_login(world.users[Role.CITY_ADMIN])
    url = f"/api/v1/investment-leads/{lead.pk}"
    payload = {"stage": "assessing", "on": "2026-11-30"}
    response = client.post(f"{url}/advance", {**payload, "version": 0}, content_type="application/json")
    assert response.status_code == 409 and lead.name in response.json()["detail"]
    response = client.post(f"{url}/advance", {**payload, "version": 1}, content_type="application/json")
    assert response.status_code == 200 and response.json()["version"] == 2
    response = client.patch(url, {"attraction_person": "王五", "version": 1}, content_type="application/json")
    assert response.status_code == 409
