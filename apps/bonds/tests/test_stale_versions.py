"""Every write of a bond project needs the version its editor loaded: a stale one is refused
naming the project, nothing written (the API answers 409)."""

import pytest

from apps.accounts.models import Role
from apps.bonds import services
from apps.core.tests.versions import assert_stale_edit_refused

from .conftest import PDF

WRITES = {
    "bond_project_update": (False, Role.CITY_ADMIN, {"fields": {"law_firm": "某律所"}}),
    "bond_project_submit": (False, Role.CITY_ADMIN, {}),
    "bond_document_upload": (False, Role.CITY_ADMIN, {"kind": "legal", "filename": "法律意见书.pdf", "content": PDF}),
    "bond_review_record": (True, Role.COUNTY_USER, {"level": "county", "side": "ndrc", "result": "passed"}),
    "bond_pool_record": (True, Role.CITY_ADMIN, {"side": "ndrc", "result": "in"}),
}


@pytest.mark.parametrize("name", list(WRITES))
def test_a_stale_version_is_refused_and_writes_nothing(world, make_bond_project, name):
    submitted, role, arguments = WRITES[name]
    bond = make_bond_project(world.p_a, submitted=submitted)
    service = getattr(services, name)

    def call(version):
        service(actor=world.users[role], bond_project_id=bond.pk, expected_version=version, **arguments)

    assert_stale_edit_refused(call, bond, named=f"专项债券项目“{world.p_a.name}”")


def test_the_api_answers_409_to_a_stale_version(client, world, make_bond_project):
    bond = make_bond_project(world.p_a, submitted=False)
    client.force_login(world.users[Role.CITY_ADMIN])
    response = client.patch(
        f"/api/v1/bonds/projects/{bond.pk}",
        {"law_firm": "某律所", "version": bond.version - 1},
        content_type="application/json",
    )
    assert response.status_code == 409 and "已被他人修改" in response.json()["detail"]
