"""Investment leads in the lights engine, on hand-built leads (November 2026 evaluated on its
last day, Monday 30th): red when exit or a notice is due, yellow when late, blue when due
soon, nothing when on track, final or received later; the lamps on the lead pages."""

import datetime

import pytest
from django.test import TestCase
from django.urls import reverse

from apps.attraction.lights import PRESETS
from apps.attraction.models import LeadStage
from apps.lights.models import Colour, Light, LightRule, LightRuleVersion
from apps.lights.presets import install
from apps.lights.services import lights_evaluate

from .factories import lead_with_history

pytestmark = pytest.mark.django_db
D = datetime.date
S = LeadStage


@pytest.fixture
def rule(db):
    install(LightRule, LightRuleVersion, PRESETS)
    found = LightRule.objects.get(code="attraction-deadlines")
    found.is_active = True
    found.save(update_fields=["is_active"])
    return found


def lit(rule, month=11):
    return {light.object_id: light for light in Light.objects.filter(rule=rule, year=2026, month=month)}


@pytest.fixture
def pipeline(world, bureau):
    common = {"region": world.county_a, "attraction_unit": bureau}
    signed = {
        S.LEAD: D(2026, 8, 1),
        S.ASSESSING: D(2026, 8, 3),
        S.NEGOTIATING: D(2026, 8, 10),
        S.SIGNED: D(2026, 10, 15),
    }
    return {
        # Signed 15 Oct, not registered 30 days later (14 Nov): exit due.
        "exit": lead_with_history(events=signed, contract=(10000, D(2026, 10, 15)), **common),
        # Received Thu 26 Nov, to be answered in 1 working day (Fri 27): late on Mon 30.
        "late": lead_with_history(events={S.LEAD: D(2026, 11, 26)}, **common),
        # Received Mon 30 Nov: due Tue 1 Dec, within 7 days.
        "soon": lead_with_history(events={S.LEAD: D(2026, 11, 30)}, **common),
        # In talks since 25 Nov: report due 9 Dec, more than 7 days away.
        "on_track": lead_with_history(
            events={S.LEAD: D(2026, 11, 10), S.ASSESSING: D(2026, 11, 11), S.NEGOTIATING: D(2026, 11, 25)}, **common
        ),
        "exited": lead_with_history(events={S.LEAD: D(2026, 9, 1), S.EXITED: D(2026, 9, 20)}, **common),
        "december": lead_with_history(events={S.LEAD: D(2026, 12, 1)}, **common),
    }


def test_lead_lateness_colours(rule, pipeline):
    lights_evaluate(year=2026, month=11)
    found = lit(rule)
    ids = {key: lead.pk for key, lead in pipeline.items()}
    assert found[ids["exit"]].colour == Colour.RED and found[ids["exit"]].value == 4
    assert "签约满 30 日未注册企业" in found[ids["exit"]].reason
    assert found[ids["late"]].colour == Colour.YELLOW and found[ids["late"]].value == 2
    assert "2026-11-27" in found[ids["late"]].reason
    assert found[ids["soon"]].colour == Colour.BLUE
    for key in ("on_track", "exited", "december"):
        assert ids[key] not in found
    assert found[ids["late"]].region_id == pipeline["late"].region_id
    assert found[ids["late"]].project_id is None


def test_lamps_on_lead_pages_and_refresh_on_change(client, rule, pipeline, bureau_user):
    lights_evaluate(year=2026, month=11)
    client.force_login(bureau_user)
    listing = client.get(reverse("attraction:list")).content.decode()
    assert listing.count("lamp lamp-red") == 1 and listing.count("lamp lamp-yellow") == 1
    late = pipeline["late"]
    detail = client.get(reverse("attraction:detail", args=[late.pk])).content.decode()
    assert "lamp lamp-yellow" in detail and "招商线索跟踪督办期限" in detail
    # Assessed on 27 Nov after all: the lead moves on, its light is re-evaluated after the commit.
    with TestCase.captureOnCommitCallbacks(execute=True):
        late.stage_events.create(stage=S.ASSESSING, entered_on=D(2026, 11, 27), recorded_by=late.created_by)
        late.stage, late.stage_since = S.ASSESSING, D(2026, 11, 27)
        late.save()
    # Assessing since Fri 27: 3 working days → Wed 2 Dec, due soon on the 30th: blue.
    assert lit(rule)[late.pk].colour == Colour.BLUE


def test_a_past_month_replays_the_stage_the_lead_had_then(rule, world, bureau):
    """October 2026 evaluated on Saturday 31st, after the leads moved on in November: each is
    judged by the stage it had on 31 October, not by today's."""
    common = {"region": world.county_a, "attraction_unit": bureau}
    # A 线索 from Mon 26 Oct, answered only on 5 Nov: in October it was late to respond (due Tue 27).
    slow = lead_with_history(
        events={S.LEAD: D(2026, 10, 26), S.ASSESSING: D(2026, 11, 5), S.NEGOTIATING: D(2026, 11, 9)}, **common
    )
    # Signed 1 Sep, never registered, exited 20 Nov: open in October, with exit due (30 days: 1 Oct).
    exited_later = lead_with_history(
        events={
            S.LEAD: D(2026, 8, 1),
            S.ASSESSING: D(2026, 8, 3),
            S.NEGOTIATING: D(2026, 8, 10),
            S.SIGNED: D(2026, 9, 1),
            S.EXITED: D(2026, 11, 20),
        },
        contract=(10000, D(2026, 9, 1)),
        **common,
    )
    # Exited in September: final by the end of October, not lit.
    exited_before = lead_with_history(events={S.LEAD: D(2026, 9, 1), S.EXITED: D(2026, 9, 20)}, **common)
    slow.follow_ups.create(reported_on=D(2026, 11, 12), content="在谈", recorded_by=slow.created_by)

    lights_evaluate(year=2026, month=10)
    found = lit(rule, month=10)
    assert found[slow.pk].colour == Colour.YELLOW and found[slow.pk].value == 2
    assert "未响应研判" in found[slow.pk].reason and "2026-10-27" in found[slow.pk].reason
    assert found[exited_later.pk].colour == Colour.RED and found[exited_later.pk].value == 4
    assert "签约满 30 日未注册企业" in found[exited_later.pk].reason
    assert exited_before.pk not in found
    # Today's stage is unchanged by the replay, and November judges the leads as they are now.
    slow.refresh_from_db()
    assert slow.stage == S.NEGOTIATING
    lights_evaluate(year=2026, month=11)
    assert exited_later.pk not in lit(rule)
