"""Fixtures of the problems tests, on top of the shared `world` (see the root conftest).

Today is frozen at TODAY (2026-05-20) through `timezone.localdate`, so time limits and
overdue flags can be worked out by hand. Problems: one per project of the world, raised
by a user who sees the project, the world's department responsible for pa and pb.
"""

import datetime

import pytest
from django.utils import timezone

from apps.accounts.models import Role

# Re-exported so that this package's browser test gets the `page` fixture of tests/e2e.
from tests.e2e.conftest import page, pytest_collection_modifyitems  # noqa: F401

from .factories import TODAY, LetterFactory, MeetingFactory, ProblemFactory, SupervisedActionFactory

__all__ = ["TODAY"]


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    real_localdate = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real_localdate(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return TODAY


@pytest.fixture
def users(world):
    return world.users


@pytest.fixture
def problems(world):
    """pa (dept responsible), pb (dept responsible; dept only partners the project), pc (other dept)."""
    owner_user = world.users[Role.OWNER_REPORTER]
    admin = world.users[Role.CITY_ADMIN]
    return {
        "p_a": ProblemFactory(
            project=world.p_a, raised_by=owner_user, responsible_department=world.dept, coordinating_leader=world.leader
        ),
        "p_b": ProblemFactory(project=world.p_b, raised_by=admin, responsible_department=world.dept),
        "p_c": ProblemFactory(project=world.p_c, raised_by=admin, responsible_department=world.other_dept),
    }


@pytest.fixture
def make_letter():
    return LetterFactory


@pytest.fixture
def city_meeting(world):
    return MeetingFactory(region=world.city, created_by=world.users[Role.CITY_ADMIN])


@pytest.fixture
def make_action():
    return SupervisedActionFactory


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)
