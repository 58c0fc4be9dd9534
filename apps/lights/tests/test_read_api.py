"""The read API other apps call (selectors.light_for_projects / light_for_regions /
light_counts), the dashboard's lights (all from the engine's stored lights, each count linked
to its lights), and the evaluation's writes (only what moved; reads shared by the rules)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Role
from apps.lights import selectors, services
from apps.lights.models import Colour, Light

from .conftest import activate, colours, completed, lights_of, plan, project
from .test_presets import _three_counties

pytestmark = pytest.mark.django_db


@pytest.fixture
def lagging(world, evaluate):
    """June 2026 under Yinchuan's investment rule: p_a 30 points behind (yellow), p_b 50 (red),
    p_c on pace (green)."""
    rule = activate("yinchuan-2025-investment")
    for subject, done in ((world.p_a, "240"), (world.p_b, "0"), (world.p_c, "600")):
        plan(subject, 2026, "1200")
        completed(subject, 2026, {1: "0", 6: done})
    evaluate(2026, 6)
    return rule


def test_light_for_projects_gives_colour_and_reason_in_two_queries(world, lagging):
    admin = world.users[Role.CITY_ADMIN]
    with CaptureQueriesContext(connection) as queries:
        lights = selectors.light_for_projects(
            user=admin, projects=[world.p_a, world.p_b.pk, world.p_c], period=(2026, 6)
        )
    assert len(queries) <= 2
    assert lights[world.p_a.pk].colour == Colour.YELLOW
    assert lights[world.p_a.pk].reason == (
        "1-6月完成投资240.00万元，占年度计划1200.00万元的20.00%，时序进度50.00%，滞后30.00个百分点"
    )
    assert (lights[world.p_a.pk].rule_code, lights[world.p_a.pk].version) == ("yinchuan-2025-investment", 1)
    assert lights[world.p_b.pk].colour == Colour.RED and lights[world.p_b.pk].is_lit
    assert lights[world.p_c.pk].colour == Colour.GREEN and lights[world.p_c.pk].reason == ""
    assert f"project={world.p_a.pk}" in lights[world.p_a.pk].url and "month=6" in lights[world.p_a.pk].url
    # A month never evaluated claims no colour.
    never = selectors.light_for_projects(user=admin, projects=[world.p_a], period=(2026, 5))
    assert never[world.p_a.pk].colour == selectors.NOT_EVALUATED and not never[world.p_a.pk].is_lit


def test_light_for_projects_is_scoped_to_the_user(world, lagging):
    county = world.users[Role.COUNTY_USER]  # county A: p_a only
    lights = selectors.light_for_projects(user=county, projects=[world.p_a, world.p_b], period=(2026, 6))
    assert lights[world.p_a.pk].colour == Colour.YELLOW
    assert not lights[world.p_b.pk].is_lit and lights[world.p_b.pk].reason == ""


def test_the_worst_light_of_a_project_wins(world, lagging, evaluate):
    start = activate("yinchuan-2025-start")
    subject = project(world, planned_start_date=datetime.date(2026, 2, 1), actual_start_date=None)
    plan(subject, 2026, "1200")
    completed(subject, 2026, {6: "480"})  # 10 points behind: yellow by the investment rule
    evaluate(2026, 6)
    assert colours(start, 2026, 6)[subject.pk] == Colour.RED  # 5 months not started
    light = selectors.light_for_projects(user=world.users[Role.CITY_ADMIN], projects=[subject], period=(2026, 6))
    assert light[subject.pk].colour == Colour.RED and light[subject.pk].lit == 2
    assert light[subject.pk].reason == "计划2026年2月开工，已连续5个月未开工"


def test_light_for_regions_and_counts(world, evaluate):
    rule = activate("tianjin-2022-fai")
    county_c = _three_counties(world)
    evaluate(2026, 6)
    admin = world.users[Role.CITY_ADMIN]
    lights = selectors.light_for_regions(
        user=admin, regions=[world.county_a, world.county_b, county_c], period=(2026, 6)
    )
    assert lights[world.county_a.pk].colour == Colour.GREEN
    assert lights[world.county_b.pk].colour == Colour.YELLOW
    assert lights[county_c.pk].colour == Colour.RED and lights[county_c.pk].rule == rule.name
    counts = selectors.light_counts(user=admin, period=(2026, 6), region=world.city, subject="region")
    assert {cell.colour: cell.count for cell in counts if cell.count} == {"yellow": 1, "red": 1}
    assert counts.total == 2


def test_each_count_links_to_exactly_its_lights(client, world, lagging):
    admin = world.users[Role.CITY_ADMIN]
    counts = selectors.light_counts(
        user=admin, period=(2026, 6), region=world.city, measures=("investment_lag",), project_set="all"
    )
    by_colour = {cell.colour: cell for cell in counts}
    assert (by_colour["red"].count, by_colour["yellow"].count) == (1, 1)
    client.force_login(admin)
    page = client.get(by_colour["red"].url)
    assert page.status_code == 200
    assert [light.project_id for light in page.context["page"]] == [world.p_b.pk]
    # The leader set (p_a only) narrows the counts and their lists alike.
    leader = selectors.light_counts(user=admin, period=(2026, 6), region=world.city, project_set="leader")
    cells = {cell.colour: cell for cell in leader}
    assert (cells["red"].count, cells["yellow"].count) == (0, 1)
    listed = client.get(cells["yellow"].url).context["page"]
    assert [light.project_id for light in listed] == [world.p_a.pk]


def _card_lamps(html: str) -> list[tuple[str, str]]:
    card = html[html.index('class="kpi-lights"') :]
    card = card[: card.index("</p>")]
    return re.findall(r'class="lamp lamp-(\w+)" href="([^"]+)"', card)


def test_the_dashboard_shows_the_engines_lights_not_a_fixed_rule(client, world, lagging, evaluate):
    admin = world.users[Role.CITY_ADMIN]
    client.force_login(admin)
    html = client.get(reverse("dashboard:index"), {"year": 2026, "month": 6}).content.decode()
    lamps = dict(_card_lamps(html))
    assert set(lamps) == {"red", "yellow"}
    assert "已启用的" in html and "滞后时序进度超过" not in html
    red = client.get(lamps["red"].replace("&amp;", "&"))
    assert [light.project_id for light in red.context["page"]] == [world.p_b.pk]
    # The plan ranking shows each county's lights from the engine, linked.
    ranking = html[html.index('id="rank-plan"') :]
    assert f"region={world.county_b.pk}" in ranking and "colour=red" in ranking
    # The city changes the rule (red from 40 points): after re-evaluation the card follows.
    services.rule_version_derive(
        actor=admin,
        rule=lagging,
        reason="放宽红灯",
        levels=[
            {"colour": "red", "field": "value", "op": ">", "value": "60"},
            {"colour": "yellow", "field": "value", "op": ">=", "value": "10"},
        ],
    )
    evaluate(2026, 6)
    html = client.get(reverse("dashboard:index"), {"year": 2026, "month": 6}).content.decode()
    assert dict(_card_lamps(html)).keys() == {"yellow"}


def test_the_dashboard_says_when_the_month_was_not_evaluated(client, world, lagging):
    client.force_login(world.users[Role.CITY_ADMIN])
    html = client.get(reverse("dashboard:index"), {"year": 2026, "month": 4}).content.decode()
    assert "2026年4月尚未按" in html and "该月尚未评价" in html


def test_re_evaluation_writes_only_what_moved(world, lagging, evaluate):
    before = {light.object_id: (light.pk, light.colour) for light in Light.objects.filter(rule=lagging)}
    evaluate(2026, 6)
    assert {light.object_id: (light.pk, light.colour) for light in Light.objects.filter(rule=lagging)} == before
    completed(world.p_b, 2026, {1: "0", 6: "400"})  # 16.67 points: red → yellow
    completed(world.p_a, 2026, {1: "0", 6: "600"})  # on pace: its light goes
    evaluate(2026, 6)
    after = lights_of(lagging, 2026, 6)
    assert set(after) == {world.p_b.pk}
    assert after[world.p_b.pk].colour == Colour.YELLOW and after[world.p_b.pk].pk != before[world.p_b.pk][0]
    assert after[world.p_b.pk].value == Decimal("16.67")


def test_the_investment_rules_of_a_run_share_one_read(world, evaluate):
    for code in ("yinchuan-2025-investment", "sanya-2022-investment", "haikou-2020-progress"):
        activate(code)
    subject = project(world)
    plan(subject, 2026, "1200")
    completed(subject, 2026, {6: "240"})
    with CaptureQueriesContext(connection) as queries:
        evaluate(2026, 6)
    reads = [query["sql"] for query in queries if "reporting_completedinvestmentyear" in query["sql"]]
    assert len(reads) == 1
    assert Light.objects.filter(object_id=subject.pk, year=2026, month=6).count() == 3
