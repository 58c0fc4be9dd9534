"""Fixtures of the approvals tests. The browser fixture is the e2e one (tests/e2e/conftest.py)."""

import datetime

import pytest

from apps.accounts.models import Role
from apps.approvals.catalogue import catalogue_seed
from apps.approvals.models import ItemStatus
from tests import factories as f
from tests.e2e.conftest import page, pytest_collection_modifyitems  # noqa: F401

from .factories import ItemFactory, ItemTypeFactory

D = datetime.date


@pytest.fixture
def catalogue(world):
    """The seeded catalogue; its 交通运输 items go to world.dept, 水利 items to world.other_dept."""
    catalogue_seed()
    return world


@pytest.fixture
def items(world):
    """One submitted item per scope case (see tests/scope_table.py for the projects):
    a: p_a handled by dept; b: p_b handled by other_dept; c: p_c handled by dept (dept sees it
    only as its handler); c2: p_c handled by other_dept (dept does not see it)."""
    kind = ItemTypeFactory(code="eia_test", name="环评（测试）")
    other = ItemTypeFactory(code="swp_test", name="水保（测试）")
    common = {"status": ItemStatus.SUBMITTED, "submitted_on": D(2026, 9, 21)}
    return {
        "a": ItemFactory(project=world.p_a, item_type=kind, department=world.dept, **common),
        "b": ItemFactory(project=world.p_b, item_type=kind, department=world.other_dept, **common),
        "c": ItemFactory(project=world.p_c, item_type=kind, department=world.dept, **common),
        "c2": ItemFactory(project=world.p_c, item_type=other, department=world.other_dept, **common),
    }


# Written out from the fixture's layout, not computed from item_scope_q.
SEES = {
    Role.CITY_ADMIN: {"a", "b", "c", "c2"},
    Role.CITY_LEADER: {"a", "b", "c", "c2"},
    Role.COUNTY_USER: {"a"},
    Role.DEPARTMENT_USER: {"a", "b", "c"},
    Role.OWNER_REPORTER: {"a"},
    Role.AUDITOR: {"a", "b", "c", "c2"},
    Role.SYSTEM_ADMIN: set(),
    Role.SECURITY_ADMIN: set(),
    Role.AUDIT_ADMIN: set(),
}
HANDLES = {Role.DEPARTMENT_USER: {"a", "c"}}
MANAGES = {Role.CITY_ADMIN: {"a", "b", "c", "c2"}, Role.COUNTY_USER: {"a"}}
APPLIES = {**MANAGES, Role.OWNER_REPORTER: {"a"}}


def dept_user(world, organisation, username):
    return f.UserFactory(username=username, role=Role.DEPARTMENT_USER, organisation=organisation)
