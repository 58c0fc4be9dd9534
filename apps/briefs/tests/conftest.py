import datetime

import pytest

from apps.statistics.tests.test_indicators import build_town

TODAY = datetime.date(2026, 7, 5)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


@pytest.fixture
def town(world):
    return build_town(world)
