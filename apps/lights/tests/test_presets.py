"""Each preset on hand-built histories: the boundary of each threshold, consecutive months,
two yellows → red, and the period as it stood (a later date does not rewrite a past month)."""

from decimal import Decimal

import pytest

from apps.lights.models import Colour, Light
from apps.problems.tests.factories import MeetingFactory, ProblemFactory, SupervisedActionFactory
from tests import factories as f

from .conftest import activate, colours, completed, day, lights_of, plan, project

pytestmark = pytest.mark.django_db


def test_yinchuan_start_yellow_in_the_planned_month_red_after_three(world, evaluate):
    rule = activate("yinchuan-2025-start")
    late = project(world, name="计划三月开工", planned_start_date=day("2026-03-15"))
    started_may = project(world, name="五月开工", planned_start_date=day("2026-03-20"))
    for month in (2, 3, 4, 5):
        evaluate(2026, month)
    started_may.actual_start_date = day("2026-05-10")
    started_may.save()
    for month in (2, 3, 4, 5):
        evaluate(2026, month)
    assert late.pk not in colours(rule, 2026, 2)
    assert colours(rule, 2026, 3)[late.pk] == Colour.YELLOW
    assert colours(rule, 2026, 4)[late.pk] == Colour.YELLOW
    may = lights_of(rule, 2026, 5)
    assert may[late.pk].colour == Colour.RED
    assert may[late.pk].reason == "计划2026年3月开工，已连续3个月未开工"
    assert may[late.pk].value == 3
    assert may[late.pk].version == rule.current_version
    assert may[late.pk].threshold == "未开工月数 ≥ 3"
    # Started in May: no light in May, but April (as it stood then) stays yellow.
    assert started_may.pk not in may
    assert colours(rule, 2026, 4)[started_may.pk] == Colour.YELLOW


@pytest.mark.parametrize(
    ("done", "colour"),
    [
        ("600", None),  # 50% = pace: green
        ("480.12", None),  # 9.99 points behind: green
        ("480", Colour.YELLOW),  # exactly 10 points: yellow
        ("240", Colour.YELLOW),  # exactly 30 points: still yellow
        ("239.88", Colour.RED),  # 30.01 points: red
        ("0", Colour.RED),
    ],
)
def test_yinchuan_investment_boundaries(world, evaluate, done, colour):
    rule = activate("yinchuan-2025-investment")
    subject = project(world)
    plan(subject, 2026, "1200")
    completed(subject, 2026, {1: "0", 6: done})
    evaluate(2026, 6)
    assert colours(rule, 2026, 6).get(subject.pk) == colour


def test_yinchuan_investment_reason_in_words(world, evaluate):
    rule = activate("yinchuan-2025-investment")
    subject = project(world)
    plan(subject, 2026, "1200")
    completed(subject, 2026, {3: "100", 5: "140"})
    evaluate(2026, 6)
    light = lights_of(rule, 2026, 6)[subject.pk]
    assert light.reason == "1-6月完成投资240.00万元，占年度计划1200.00万元的20.00%，时序进度50.00%，滞后30.00个百分点"
    assert light.value == Decimal("30.00")


def test_yinchuan_statistics_months_after_start(world, evaluate):
    rule = activate("yinchuan-2025-statistics")
    subject = project(world, actual_start_date=day("2026-04-10"), stage="under_construction")
    small = project(world, actual_start_date=day("2026-01-10"), total_investment=Decimal("499"))
    for month in (4, 5, 6, 7):
        evaluate(2026, month)
    assert subject.pk not in colours(rule, 2026, 4)
    assert colours(rule, 2026, 5)[subject.pk] == Colour.YELLOW
    assert colours(rule, 2026, 6)[subject.pk] == Colour.YELLOW
    assert colours(rule, 2026, 7)[subject.pk] == Colour.RED
    assert small.pk not in colours(rule, 2026, 7)  # below the 500万元 scope
    subject.in_statistics, subject.statistics_included_on = True, day("2026-06-05")
    subject.save()
    for month in (5, 6, 7):
        evaluate(2026, month)
    assert colours(rule, 2026, 5)[subject.pk] == Colour.YELLOW
    assert subject.pk not in colours(rule, 2026, 6)
    assert subject.pk not in colours(rule, 2026, 7)


@pytest.mark.parametrize(
    ("done", "colour"),
    [("600", None), ("599.99", Colour.YELLOW), ("300", Colour.YELLOW), ("299.99", Colour.RED)],
)
def test_sanya_relative_band_and_scope(world, evaluate, done, colour):
    rule = activate("sanya-2022-investment")
    subject = project(world)
    below_scope = project(world)
    plan(subject, 2026, "1200")
    plan(below_scope, 2026, "999.99")
    completed(subject, 2026, {6: done})
    evaluate(2026, 6)
    lit = colours(rule, 2026, 6)
    assert lit.get(subject.pk) == colour
    assert below_scope.pk not in lit


def _three_counties(world):
    county_c = f.county(world.city, 4, "丙县")
    rows = {
        world.county_a: ("112000", "100000", "10"),
        world.county_b: ("105000", "100000", "6"),
        county_c: ("99000", "100000", "5"),
    }
    for region, (fai, base, target) in rows.items():
        f.RegionStatFactory(region=region, year=2026, month=6, fai_ytd=Decimal(fai), comparable_base=Decimal(base))
        f.RegionTargetFactory(region=region, year=2026, growth_pct=Decimal(target))
    return county_c


def test_tianjin_growth_against_target_and_average(world, evaluate):
    rule = activate("tianjin-2022-fai")
    county_c = _three_counties(world)
    evaluate(2026, 6)
    lights = lights_of(rule, 2026, 6)
    # Growth 12 / 5 / −1, average 5.33: A meets both (green), B misses both (yellow), C negative (red).
    assert world.county_a.pk not in lights
    assert lights[world.county_b.pk].colour == Colour.YELLOW
    assert lights[county_c.pk].colour == Colour.RED
    assert lights[world.county_b.pk].reason == "1-6月固定资产投资同比增长5.0%，各县区平均5.33%，年度目标6.00%"


def test_tianjin_exactly_at_target_and_average_is_green(world, evaluate):
    rule = activate("tianjin-2022-fai")
    for region in (world.county_a, world.county_b):
        f.RegionStatFactory(
            region=region, year=2026, month=6, fai_ytd=Decimal("108000"), comparable_base=Decimal("100000")
        )
        f.RegionTargetFactory(region=region, year=2026, growth_pct=Decimal("8"))
    evaluate(2026, 6)
    assert lights_of(rule, 2026, 6) == {}


def test_haikou_two_yellows_make_a_red_and_green_resets(world, evaluate):
    rule = activate("haikou-2020-progress")
    subject = project(world)
    plan(subject, 2026, "1200")
    # Month 5: pace 41.67, done 40% → yellow; month 6: pace 50, 45% → yellow, the second → red;
    # month 7: pace 58.33, 60% → green; month 8: 66.67 vs 62.5 → yellow again (streak 1).
    completed(subject, 2026, {5: "480", 6: "60", 7: "180", 8: "30"})
    for month in (5, 6, 7, 8):
        evaluate(2026, month)
    assert colours(rule, 2026, 5)[subject.pk] == Colour.YELLOW
    june = lights_of(rule, 2026, 6)[subject.pk]
    assert (june.colour, june.streak) == (Colour.RED, 2)
    assert june.reason.endswith("；已连续2个月亮灯，升为红灯")
    assert june.threshold == "连续2个月亮灯"
    assert subject.pk not in colours(rule, 2026, 7)
    august = lights_of(rule, 2026, 8)[subject.pk]
    assert (august.colour, august.streak) == (Colour.YELLOW, 1)


def test_deadline_slips_blue_before_red_after(world, evaluate):
    rule = activate("deadline-problems")
    admin = world.users["city_admin"]
    # Period end 2026-06-30 (Tuesday). Working days from the deadline to it:
    cases = {
        "2026-06-29": Colour.RED,  # 1 past due
        "2026-06-30": Colour.BLUE,  # due on the last day: 0
        "2026-07-07": Colour.BLUE,  # 5 left (7/1, 7/2, 7/3, 7/6, 7/7)
        "2026-07-08": None,  # 6 left
    }
    problems = {
        deadline: ProblemFactory(
            project=world.p_a, raised_by=admin, raised_on=day("2026-06-01"), deadline=day(deadline)
        )
        for deadline in cases
    }
    resolved = ProblemFactory(
        project=world.p_a,
        raised_by=admin,
        raised_on=day("2026-06-01"),
        deadline=day("2026-06-10"),
        resolved_on=day("2026-06-20"),
    )
    evaluate(2026, 6)
    lit = colours(rule, 2026, 6)
    for deadline, colour in cases.items():
        assert lit.get(problems[deadline].pk) == colour, deadline
    assert resolved.pk not in lit
    assert lights_of(rule, 2026, 6)[problems["2026-06-29"].pk].reason == "办理时限2026-06-29，已超期1个工作日"


def test_deadline_slips_for_supervised_actions(world, evaluate):
    rule = activate("deadline-actions")
    meeting = MeetingFactory(region=world.city, held_on=day("2026-06-01"), created_by=world.users["city_admin"])
    overdue = SupervisedActionFactory(meeting=meeting, owner=world.dept, deadline=day("2026-06-15"))
    done = SupervisedActionFactory(
        meeting=meeting, owner=world.dept, deadline=day("2026-06-15"), done_on=day("2026-06-12")
    )
    evaluate(2026, 6)
    lit = colours(rule, 2026, 6)
    assert lit[overdue.pk] == Colour.RED
    assert done.pk not in lit


def test_evaluation_is_idempotent(world, evaluate):
    rule = activate("yinchuan-2025-start")
    first = evaluate(2026, 5)
    snapshot = sorted(Light.objects.filter(rule=rule).values_list("object_id", "colour", "value", "reason"))
    second = evaluate(2026, 5)
    assert first.lights == second.lights == 3  # the world's three projects planned for March
    assert sorted(Light.objects.filter(rule=rule).values_list("object_id", "colour", "value", "reason")) == snapshot


def test_campaign_deadline(world, evaluate):
    from apps.lights.services import rule_create

    admin = world.users["city_admin"]
    rule = rule_create(
        actor=admin,
        code="campaign-2026",
        name="2026年包抓项目集中开工",
        subject="project",
        region=world.city,
        is_active=True,
        measure="campaign_start_by",
        params={"start_by": "2026-06-30", "emphasised_since": "2025-10"},
        scope={"project_set": "leader"},
        levels=[
            {"colour": "red", "op": ">", "value": "0"},
            {"colour": "blue", "op": ">=", "value": "-29"},
        ],
    )
    evaluate(2026, 5)
    evaluate(2026, 6)
    evaluate(2026, 7)
    # p_a is the world's only leader project (planned 2026-03-01, not started).
    assert colours(rule, 2026, 5) == {}  # 5-31 is 30 days before: outside the 29-day blue band
    assert colours(rule, 2026, 6) == {world.p_a.pk: Colour.BLUE}
    july = lights_of(rule, 2026, 7)[world.p_a.pk]
    assert july.colour == Colour.RED
    assert july.reason == "按要求须于6月30日前开工，截至2026-07-31已逾期31天仍未开工"
