"""Every write of a funding record or an application that changes a saved one needs the
version its editor loaded: a stale one is refused naming the record, nothing written (409)."""

from decimal import Decimal as D

import pytest

from apps.accounts.models import Role
from apps.core.tests.versions import assert_stale_edit_refused
from apps.funding import services

from .test_services import GOOD

APPLICATION = {"programme": "central_budget", "year": 2026, "requested": D(5000)}


def _record(world):
    admin = world.users[Role.CITY_ADMIN]
    return services.funding_record_save(
        actor=admin, project_id=world.p_a.pk, year=2026, fields=GOOD, expected_version=None
    )


def _application(world):
    fields = {**APPLICATION, "responsible_department": world.dept}
    return services.application_create(actor=world.users[Role.CITY_ADMIN], project_id=world.p_a.pk, fields=fields)


WRITES = {
    "funding_record_save": (
        _record,
        lambda world, record: {"project_id": world.p_a.pk, "year": 2026, "fields": {"gap_note": "x"}},
        "2026年资金来源记录",
    ),
    "funding_record_delete": (_record, lambda world, record: {"record_id": record.pk}, "2026年资金来源记录"),
    "application_update": (
        _application,
        lambda world, app: {"application_id": app.pk, "fields": {"note": "补充说明"}},
        "中央预算内投资申请",
    ),
    "application_step": (
        _application,
        lambda world, app: {"application_id": app.pk, "to_status": "submitted"},
        "中央预算内投资申请",
    ),
}


@pytest.mark.parametrize("name", list(WRITES))
def test_a_stale_version_is_refused_and_writes_nothing(world, name):
    make, arguments, what = WRITES[name]
    instance = make(world)
    service = getattr(services, name)

    def call(version):
        service(actor=world.users[Role.CITY_ADMIN], expected_version=version, **arguments(world, instance))

    assert_stale_edit_refused(call, instance, named=f"项目“{world.p_a.name}”")
    assert_stale_edit_refused(call, instance, named=what)


def test_the_api_answers_409_to_a_stale_version(client, world):
    application = _application(world)
    client.force_login(world.users[Role.CITY_ADMIN])
    url = f"/api/v1/funding/applications/{application.pk}"
    response = client.post(f"{url}/step", {"to_status": "submitted", "version": 0}, content_type="application/json")
    assert response.status_code == 409 and "已被他人修改" in response.json()["detail"]
    response = client.patch(url, {"note": "x", "version": 0}, content_type="application/json")
    assert response.status_code == 409
    response = client.patch(url, {"note": "x", "version": 1}, content_type="application/json")
    assert response.status_code == 200 and response.json()["version"] == 2
