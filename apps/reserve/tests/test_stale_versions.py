"""Every write that changes a reserve project needs the version its editor loaded: a stale one
is refused naming the project, nothing written (the API answers 409)."""

import datetime
from decimal import Decimal

import pytest

from apps.accounts.models import Role
from apps.core.tests.versions import assert_stale_edit_refused
from apps.reserve import services

WRITES = {
    "reserve_update": lambda world: {"fields": {"scope": "新增停车位"}},
    "reserve_first_review": lambda world: {"approve": True},
    "reserve_final_review": lambda world: {"approve": True},
    "reserve_resubmit": lambda world: {},
    "reserve_withdraw": lambda world: {"reason": "规划调整"},
    "reserve_restore": lambda world: {},
    "reserve_promote": lambda world: {
        "year": 2027,
        "planned_investment": Decimal(4000),
        "planned_start_date": datetime.date(2027, 3, 1),
        "planned_end_date": datetime.date(2028, 12, 31),
        "owner_unit": world.owner,
    },
}


@pytest.mark.parametrize("name", list(WRITES))
def test_a_stale_version_is_refused_and_writes_nothing(world, items, name):
    item = items["r_a"]
    service = getattr(services, name)

    def call(version):
        service(actor=world.users[Role.CITY_ADMIN], pk=item.pk, expected_version=version, **WRITES[name](world))

    assert_stale_edit_refused(call, item, named=f"储备项目“{item.name}”")


def test_the_api_answers_409_to_a_stale_version(client, world, items):
    item = items["r_a"]
    client.force_login(world.users[Role.CITY_ADMIN])
    url = f"/api/v1/reserve/{item.pk}"
    response = client.post(f"{url}/first-review", {"approve": True, "version": 0}, content_type="application/json")
    assert response.status_code == 409 and item.name in response.json()["detail"]
    response = client.post(f"{url}/first-review", {"approve": True, "version": 1}, content_type="application/json")
    assert response.status_code == 200 and response.json()["version"] == 2
