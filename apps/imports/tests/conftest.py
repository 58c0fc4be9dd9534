import pytest

from apps.accounts.models import Role
from tests import factories as f


@pytest.fixture
def people(world):
    """The reference data a plan sheet names: a partner unit besides the world's."""
    world.partner = f.DepartmentFactory(name="市自然资源局", region=world.city)
    return world


@pytest.fixture
def admin(world):
    return world.users[Role.CITY_ADMIN]


@pytest.fixture
def county_user(world):
    return world.users[Role.COUNTY_USER]
