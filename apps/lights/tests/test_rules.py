"""Rule edits (versions, permissions, change records), replay, consequences and re-evaluation
on change."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.lights.models import Colour, Light, LightAction, LightRule, LightRuleVersion
from apps.lights.services import rule_replay, rule_set_active, rule_version_save
from apps.problems.models import SupervisedAction

from .conftest import activate, colours, completed, day, lights_of, plan, project

pytestmark = pytest.mark.django_db

START_LEVELS = [
    {"colour": "red", "field": "value", "op": ">=", "value": "3"},
    {"colour": "yellow", "field": "value", "op": ">=", "value": "1"},
]


def _definition(rule, **changes):
    version = rule.current_version
    base = {
        "measure": version.measure,
        "params": version.params,
        "scope": version.scope,
        "levels": version.levels,
        "memory": version.memory,
        "actions": version.actions,
        "source_title": version.source_title,
        "source_url": version.source_url,
    }
    return base | changes


def test_a_new_version_keeps_old_lights_naming_the_old_version(world, evaluate):
    rule = activate("yinchuan-2025-start")
    admin = world.users[Role.CITY_ADMIN]
    evaluate(2026, 4)  # the world's projects: planned 2026-03-01 → 2 months, yellow
    assert set(colours(rule, 2026, 4).values()) == {Colour.YELLOW}
    v2 = rule_version_save(
        actor=admin,
        rule=rule,
        reason="两个月未开工即亮红灯",
        **_definition(rule, levels=[{"colour": "red", "op": ">=", "value": "2"}]),
    )
    assert v2.number == 2
    assert Light.objects.filter(rule=rule, year=2026, month=4).first().version.number == 1
    evaluate(2026, 5)
    assert {light.version.number for light in Light.objects.filter(rule=rule, year=2026, month=5)} == {2}
    assert set(colours(rule, 2026, 5).values()) == {Colour.RED}
    records = ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(LightRuleVersion), object_id=v2.pk
    )
    assert records.get().after["levels"] == [{"colour": "red", "op": ">=", "value": "2"}]
    assert ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(LightRule), object_id=rule.pk
    ).exists()


@pytest.mark.parametrize(
    "role", [Role.COUNTY_USER, Role.CITY_LEADER, Role.DEPARTMENT_USER, Role.OWNER_REPORTER, Role.AUDITOR]
)
def test_only_the_city_administrator_edits_rules(world, role):
    rule = LightRule.objects.get(code="yinchuan-2025-start")
    with pytest.raises(PermissionDenied):
        rule_version_save(actor=world.users[role], rule=rule, reason="试图修改", **_definition(rule))
    with pytest.raises(PermissionDenied):
        rule_set_active(actor=world.users[role], rule=rule, is_active=True)
    assert rule.versions.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"levels": []}, "levels"),
        ({"levels": [{"colour": "purple", "op": ">", "value": "1"}]}, "levels"),
        ({"levels": [{"colour": "red", "op": "=>", "value": "1"}]}, "levels"),
        ({"levels": [{"colour": "red", "op": ">", "value": "abc"}]}, "levels"),
        ({"levels": [{"colour": "red", "field": "nope", "op": ">", "value": "1"}]}, "levels"),
        ({"memory": {"consecutive": 1}}, "memory"),
        ({"measure": "region_fai_growth"}, "measure"),
        ({"measure": "nonexistent"}, "measure"),
        ({"scope": {"min_annual_plan": "-5"}}, "scope"),
        ({"scope": {"project_set": "everything"}}, "scope"),
        ({"actions": {"red": "the_mayor"}}, "actions"),
    ],
)
def test_bad_definitions_are_refused_in_chinese_and_write_nothing(world, changes, field):
    rule = LightRule.objects.get(code="yinchuan-2025-start")
    before = ChangeRecord.objects.count()
    with pytest.raises(ValidationError) as error:
        rule_version_save(actor=world.users[Role.CITY_ADMIN], rule=rule, reason="试", **_definition(rule, **changes))
    assert field in error.value.message_dict
    assert rule.versions.count() == 1 and ChangeRecord.objects.count() == before


def test_a_reason_is_required(world):
    rule = LightRule.objects.get(code="yinchuan-2025-start")
    with pytest.raises(ValidationError):
        rule_version_save(actor=world.users[Role.CITY_ADMIN], rule=rule, reason="  ", **_definition(rule))


def test_replay_of_a_draft_saves_nothing_and_compares(world, evaluate):
    rule = activate("yinchuan-2025-start")
    admin = world.users[Role.CITY_ADMIN]
    evaluate(2026, 4)
    lights_before = Light.objects.count()
    draft = _definition(rule, levels=[{"colour": "red", "op": ">=", "value": "2"}])
    replay = rule_replay(actor=admin, rule=rule, year=2026, month=4, definition=draft)
    assert replay.counts()["red"] == 3 and replay.counts()["yellow"] == 0
    assert replay.changes == {"added": 0, "removed": 0, "changed": 3}
    assert Light.objects.count() == lights_before and rule.versions.count() == 1
    as_saved = rule_replay(actor=admin, rule=rule, year=2026, month=4)
    assert as_saved.changes == {"added": 0, "removed": 0, "changed": 0}


def test_replay_honours_memory_without_stored_history(world):
    """A draft with "two yellows make a red" replayed on June reads May by itself."""
    rule = LightRule.objects.get(code="haikou-2020-progress")
    subject = project(world)
    plan(subject, 2026, "1200")
    completed(subject, 2026, {5: "480", 6: "60"})
    replay = rule_replay(actor=world.users[Role.CITY_ADMIN], rule=rule, year=2026, month=6)
    lit = {outcome.reading.object_id: outcome for outcome in replay.lit}
    assert lit[subject.pk].colour == Colour.RED and lit[subject.pk].escalated
    assert replay.stored == {}


def test_replay_refuses_a_future_month(world):
    rule = LightRule.objects.get(code="yinchuan-2025-start")
    with pytest.raises(ValidationError):
        rule_replay(actor=world.users[Role.CITY_ADMIN], rule=rule, year=2027, month=1)


def test_sanya_consequences_once_per_step_with_change_records(world, evaluate):
    rule = activate("sanya-2022-investment")
    rule.current_version.created_by = world.users[Role.CITY_ADMIN]
    rule.current_version.save()
    subject = world.p_a  # owner: 甲区城投公司, lead department: 市交通运输局, lead official: 王副市长
    plan(subject, 2026, "1200")
    # May: pace 41.67, 30% done → yellow; June: pace 50, 35% → yellow again; July: 35% of 58.33 → red? 40%.
    completed(subject, 2026, {5: "360", 6: "60"})
    evaluate(2026, 5)
    evaluate(2026, 5)  # re-running the period repeats nothing
    evaluate(2026, 6)
    completed(subject, 2026, {5: "360", 6: "60", 7: "0"})
    evaluate(2026, 7)  # 420 / 1200 = 35% of 58.33% pace: 40% below → yellow, third time
    plan_cut = subject.annual_plans.get(year=2026)
    plan_cut.planned_investment = Decimal("3000")
    plan_cut.save()
    evaluate(2026, 8)  # 420 / 3000 = 14% of 66.67%: 79% below → red
    steps = dict(LightAction.objects.filter(rule=rule).values_list("month", "step"))
    assert steps == {5: "yellow", 6: "repeat_yellow", 7: "repeat_yellow", 8: "red"}
    actions = {link.month: link.action for link in LightAction.objects.filter(rule=rule).select_related("action")}
    assert actions[5].owner == world.owner and actions[5].owner_person is None
    assert actions[6].owner == world.dept
    assert actions[8].owner == world.dept and actions[8].owner_person == world.leader
    assert "三亚2022" in actions[8].decision and "红灯" in actions[8].decision
    assert list(actions[8].projects.all()) == [subject]
    assert SupervisedAction.objects.count() == 4
    record = ChangeRecord.objects.get(
        content_type=ContentType.objects.get_for_model(SupervisedAction), object_id=actions[8].pk
    )
    assert record.after["cause"] == {"rule": "sanya-2022-investment", "version": 1, "step": "red"}
    assert record.project_id == subject.pk


def test_a_change_re_evaluates_the_project_after_commit(world, evaluate, django_capture_on_commit_callbacks):
    rule = activate("yinchuan-2025-start")
    evaluate(2026, 5)
    assert world.p_a.pk in colours(rule, 2026, 5)
    with django_capture_on_commit_callbacks(execute=True):
        world.p_a.actual_start_date = day("2026-05-06")
        world.p_a.stage = "under_construction"
        world.p_a.save()
    assert world.p_a.pk not in colours(rule, 2026, 5)
    assert world.p_b.pk in colours(rule, 2026, 5)  # untouched


def test_a_county_sees_its_own_lights(world, evaluate):
    activate("yinchuan-2025-start")
    evaluate(2026, 5)
    county = Light.objects.restrict(world.users[Role.COUNTY_USER])
    assert set(county.values_list("project_id", flat=True)) == {world.p_a.pk}
    city = Light.objects.restrict(world.users[Role.CITY_ADMIN])
    assert set(city.values_list("project_id", flat=True)) == {world.p_a.pk, world.p_b.pk, world.p_c.pk}
    department = Light.objects.restrict(world.users[Role.DEPARTMENT_USER])
    assert set(department.values_list("project_id", flat=True)) == {world.p_a.pk, world.p_b.pk}
    owner = Light.objects.restrict(world.users[Role.OWNER_REPORTER])
    assert set(owner.values_list("project_id", flat=True)) == {world.p_a.pk}
    assert lights_of(LightRule.objects.get(code="yinchuan-2025-start"), 2026, 5)[world.p_a.pk].region == world.county_a
