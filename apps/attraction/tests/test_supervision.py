"""签约项目跟踪督办: decisions about signed leads become supervised actions of apps/problems."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.accounts.models import Role
from apps.attraction import services
from apps.attraction.models import LeadStage
from apps.problems.models import ActionStatus, Meeting, MeetingKind, SupervisedAction
from apps.problems.services import supervised_action_report

from .walk import walk_to

D = datetime.date


@pytest.fixture
def meeting(world):
    return Meeting.objects.create(
        kind=MeetingKind.MONTHLY_DISPATCH,
        title="11月招商项目调度会",
        region=world.city,
        held_on=D(2026, 11, 25),
        created_by=world.users[Role.CITY_ADMIN],
    )


def test_a_signed_lead_is_chased_by_a_supervised_action_with_owner_and_deadline(
    world, leads, meeting, bureau, bureau_user
):
    admin = world.users[Role.CITY_ADMIN]
    lead = walk_to(admin, leads["lead_a"], LeadStage.SIGNED)
    action = services.lead_supervise(
        actor=admin,
        lead_id=lead.pk,
        meeting_id=meeting.pk,
        decision="12月底前完成企业注册",
        owner=bureau,
        deadline=D(2026, 12, 31),
    )
    assert list(lead.supervised_actions.all()) == [action]
    assert (action.owner, action.deadline, action.status) == (bureau, D(2026, 12, 31), ActionStatus.OPEN)
    # The attraction bureau owns it and reports on it through the problems app, as for any action.
    supervised_action_report(actor=bureau_user, action_id=action.pk, progress="已提交注册材料")
    assert SupervisedAction.objects.get(pk=action.pk).status == ActionStatus.IN_PROGRESS


def test_only_signed_live_leads_are_supervised(world, leads, meeting, bureau):
    admin = world.users[Role.CITY_ADMIN]
    with pytest.raises(ValidationError, match="已签约"):
        services.lead_supervise(
            actor=admin,
            lead_id=leads["lead_a"].pk,
            meeting_id=meeting.pk,
            decision="跟进",
            owner=bureau,
            deadline=D(2026, 12, 31),
        )
    assert not SupervisedAction.objects.exists()


def test_a_started_lead_s_action_is_also_about_its_project(world, leads, meeting, bureau):
    admin = world.users[Role.CITY_ADMIN]
    lead = walk_to(admin, leads["lead_a"], LeadStage.STARTED)
    action = services.lead_supervise(
        actor=admin,
        lead_id=lead.pk,
        meeting_id=meeting.pk,
        decision="尽快报送完成投资",
        owner=bureau,
        deadline=D(2026, 12, 31),
    )
    assert list(action.projects.all()) == [lead.project]
