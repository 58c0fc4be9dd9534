import pytest

from apps.accounts.models import Role
from apps.statistics.tests.test_indicators import build_town
from tests import factories as f


@pytest.fixture
def town(world):
    w = build_town(world)
    # A second city administrator: review and sign-off are by someone other than the drafter.
    w.admin2 = f.UserFactory(username="admin2", role=Role.CITY_ADMIN, region=w.city)
    w.admin = w.users[Role.CITY_ADMIN]
    return w
