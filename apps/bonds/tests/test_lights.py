"""Bond batches in the lights engine, on hand-built batches (today 2026-11-15): the Shanxi
milestones (不达标 yellow at each threshold, 6 consecutive months orange, past 12 months not
spent red, the 3000万 floor) and Tianjin's 6-month window (relative lag, yellow ≤ 30% < red);
the lamps on the bond pages; a change of spending re-evaluates its batch."""

import datetime
from decimal import Decimal as D

import pytest
from django.test import TestCase
from django.urls import reverse

from apps.bonds import services
from apps.bonds.lights import PRESETS
from apps.lights.models import Colour, Light, LightRule, LightRuleVersion
from apps.lights.presets import install
from apps.lights.services import lights_evaluate

from .test_services import _issue

pytestmark = pytest.mark.django_db
day = datetime.date


@pytest.fixture(autouse=True)
def presets(db):
    install(LightRule, LightRuleVersion, PRESETS)


def activate(code):
    rule = LightRule.objects.get(code=code)
    rule.is_active = True
    rule.save(update_fields=["is_active"])
    return rule


def lit(rule, year, month):
    return {light.object_id: light for light in Light.objects.filter(rule=rule, year=year, month=month)}


@pytest.fixture
def batches(world, finance, make_bond_project):
    user = finance["city"]
    issue = _issue(user, world, day(2026, 3, 10), amount=D(30000))
    old = _issue(user, world, day(2025, 9, 10), amount=D(10000), name="2025年示范省政府专项债券（九期）")

    def allocate(issue, key, amount, year=2026):
        bond = make_bond_project(getattr(world, key), year=year)
        return services.allocation_add(
            actor=user, issue_id=issue.pk, bond_project_id=bond.pk, amount=D(amount), allocated_on=issue.issued_on
        )

    rows = {
        "on_pace": allocate(issue, "p_a", 7000),
        "behind": allocate(issue, "p_b", 7000),
        "small": allocate(issue, "p_c", 2000),
        "old": allocate(old, "p_a", 5000, year=2025),
    }
    # on_pace: exactly 25% at 3 months and 50% at 6; behind: 0.01 short of 25% and no more.
    services.spending_record(actor=user, allocation_id=rows["on_pace"].pk, year=2026, month=6, cumulative=D(1750))
    services.spending_record(actor=user, allocation_id=rows["on_pace"].pk, year=2026, month=9, cumulative=D(3500))
    services.spending_record(actor=user, allocation_id=rows["behind"].pk, year=2026, month=6, cumulative=D("1749.99"))
    services.spending_record(actor=user, allocation_id=rows["old"].pk, year=2026, month=6, cumulative=D(4999))
    return rows


def test_shanxi_milestones_streak_recovery_and_floor(batches):
    rule = activate("shanxi-2022-bond-pace")
    for month in range(5, 12):
        lights_evaluate(year=2026, month=month)
    may, june, october, november = (lit(rule, 2026, m) for m in (5, 6, 10, 11))
    on_pace, behind, small, old = (batches[k].pk for k in ("on_pace", "behind", "small", "old"))
    # May: 2 months after the March issue, before the first milestone: nothing assessed.
    assert behind not in may and on_pace not in may
    # June (3 months): 1749.99 ÷ 7000 = 24.9999% < 25% → 不达标, yellow; 1750 is exactly 25%.
    assert june[behind].colour == Colour.YELLOW and on_pace not in june
    assert june[behind].value == D("0.00")  # 0.0001 points, stored to two places
    assert "低于应达进度25%" in june[behind].reason and "已连续1个月不达标" in june[behind].reason
    # October: 5 failing months (June–October) still yellow; November: the 6th → 预警, orange.
    assert october[behind].colour == Colour.YELLOW
    assert november[behind].colour == Colour.ORANGE
    assert on_pace not in november  # 8 months: 50% required, 50% spent
    # The 2025 batch: 14 months after issue, 4999 of 5000 spent → 收回调整, red.
    assert november[old].colour == Colour.RED
    assert november[old].project_id == batches["old"].bond_project.project_id
    # 2000万 is not above the rule's 3000万 floor: never assessed.
    assert all(small not in lit(rule, 2026, m) for m in range(5, 12))


def test_tianjin_window_relative_lag(world, finance, batches):
    rule = activate("tianjin-2022-bond-window")
    services.spending_record(
        actor=finance["city"], allocation_id=batches["small"].pk, year=2026, month=5, cumulative=D("571.43")
    )
    lights_evaluate(year=2026, month=4)
    lights_evaluate(year=2026, month=5)
    april, may = lit(rule, 2026, 4), lit(rule, 2026, 5)
    small = batches["small"].pk
    # April: 1 month of 6 → 16.67% due, nothing spent: 100% behind → red.
    assert april[small].colour == Colour.RED
    # May: 2 of 6 → 33.33% due; 571.43 ÷ 2000 = 28.57% → 4.76 points = 14.28% behind → yellow.
    assert may[small].colour == Colour.YELLOW
    assert may[small].value == D("4.76")


def test_lamps_on_the_bond_pages_and_refresh_on_spending(client, world, finance, batches):
    rule = activate("shanxi-2022-bond-pace")
    lights_evaluate(year=2026, month=11)
    behind = batches["behind"]
    client.force_login(finance["city"])
    issue_page = client.get(reverse("bonds:issue", args=[behind.issue_id])).content.decode()
    assert f'id="allocation-{behind.pk}"><span class="lamp lamp-orange"' in issue_page
    project_page = client.get(reverse("bonds:project", args=[behind.bond_project_id])).content.decode()
    assert "lamp lamp-orange" in project_page
    assert client.get(reverse("bonds:allocation", args=[behind.pk])).status_code == 302
    # The batch catches up in November: after the commit its November light goes.
    assert behind.pk in lit(rule, 2026, 11)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.spending_record(
            actor=finance["city"], allocation_id=behind.pk, year=2026, month=11, cumulative=D(3500)
        )
    assert behind.pk not in lit(rule, 2026, 11)
