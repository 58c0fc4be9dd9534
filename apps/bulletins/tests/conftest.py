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


@pytest.fixture
def engine_lights(db):
    """The lights engine with the Yinchuan 2025 investment-lag rule switched on (red above 30
    points behind the time schedule, yellow from 10): `engine_lights(year, month)` evaluates."""
    from apps.lights.models import LightRule, LightRuleVersion
    from apps.lights.presets import install
    from apps.lights.services import lights_evaluate

    install(LightRule, LightRuleVersion)  # a transactional test elsewhere may have flushed them
    LightRule.objects.filter(code="yinchuan-2025-investment").update(is_active=True)

    def evaluate(year: int, month: int):
        return lights_evaluate(year=year, month=month)

    return evaluate
