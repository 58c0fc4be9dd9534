"""Fixtures of the dashboard tests; the data and its hand counts are in fixtures.py."""

import pytest

from .fixtures import MONTH, YEAR, build_town


@pytest.fixture
def town(world):
    return build_town(world)


@pytest.fixture
def period():
    return {"year": YEAR, "month": MONTH}
