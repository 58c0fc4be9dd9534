"""A city meeting dispatches projects of every county: a county user reading it learns
only of the projects and problems of its own scope, in the meeting and in its decisions."""

import pytest

from apps.accounts.models import Role
from apps.problems.tests.factories import MeetingFactory, ProblemFactory, SupervisedActionFactory

JSON = "application/json"


@pytest.mark.django_db
def test_city_meeting_shows_only_visible_projects_and_problems(client, world):
    meeting = MeetingFactory(region=world.city, created_by=world.users[Role.CITY_ADMIN])
    mine, theirs = ProblemFactory(project=world.p_a), ProblemFactory(project=world.p_c)
    meeting.projects.set([world.p_a, world.p_c])
    meeting.problems.set([mine, theirs])
    action = SupervisedActionFactory(meeting=meeting, owner=world.dept)
    action.projects.set([world.p_a, world.p_c])
    action.problems.set([mine, theirs])

    client.force_login(world.users[Role.COUNTY_USER])
    seen = client.get(f"/api/v1/meetings/{meeting.pk}")
    assert seen.status_code == 200, seen.content
    assert seen.json()["project_ids"] == [world.p_a.pk] and seen.json()["problem_ids"] == [mine.pk]
    listed = client.get("/api/v1/supervised-actions").json()
    items = listed["items"] if isinstance(listed, dict) else listed
    decision = next(item for item in items if item["id"] == action.pk)
    assert decision["project_ids"] == [world.p_a.pk] and decision["problem_ids"] == [mine.pk]

    client.force_login(world.users[Role.CITY_ADMIN])
    everything = client.get(f"/api/v1/meetings/{meeting.pk}").json()
    assert everything["project_ids"] == sorted([world.p_a.pk, world.p_c.pk])
