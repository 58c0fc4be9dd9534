"""End to end in headless Chromium at desktop and phone widths: the city administrator reads a
published quarter's ranking and a county's trace, computes an allocation plan by rank tiers
from it and adjusts a share; the county user sees only its own row."""

import os

import pytest

from apps.accounts.models import Role
from apps.assessment import services

from .conftest import started

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, url, username):
    page.goto(url)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass12345")
    page.click("button[type=submit]")


@pytest.mark.parametrize("width", [1440, 390])
def test_ranking_trace_and_allocation(live_server, world, scheme, page, width):
    from playwright.sync_api import expect

    admin = world.users[Role.CITY_ADMIN]
    started(world.county_a, 3)
    services.run_publish(actor=admin, run=services.run_compute(actor=admin, scheme=scheme, quarter=3))
    shots = os.environ.get("KP_E2E_ARTIFACTS")
    page.set_viewport_size({"width": width, "height": 900})
    login(page, f"{live_server.url}/assessment/", admin.username)
    expect(page.locator("#ranking")).to_contain_text("甲区")
    expect(page.locator("#red-board")).to_contain_text("甲区")
    if shots:
        page.screenshot(path=os.path.join(shots, f"assessment-{width}.png"), full_page=True)
    page.locator("#ranking a").last.click()
    expect(page.locator("#quarter-trace")).to_contain_text("现场评议70.00×10%")
    expect(page.locator("main")).to_contain_text("÷(最高1 − 最低0) = 60.00分")
    expect(page.locator("main")).to_contain_text("总投资1亿元及以上、当年1月1日至期末实际开工的项目个数")
    if shots:
        page.screenshot(path=os.path.join(shots, f"assessment-trace-{width}.png"), full_page=True)

    page.goto(f"{live_server.url}/allocation/")
    page.fill("input[name=title]", "奖补资金")
    page.fill("input[name=year]", str(scheme.year))
    page.fill("input[name=amount]", "500")
    page.select_option("select[name=method]", "tiers")
    page.select_option("select[name=assessment_run]", index=1)
    page.fill("input[name=tier_rank_1]", "1")
    page.fill("input[name=tier_coef_1]", "3")
    page.fill("input[name=tier_rank_2]", "9")
    page.fill("input[name=tier_coef_2]", "2")
    page.get_by_role("button", name="测算").click()
    expect(page.locator("#shares")).to_contain_text("考核第1名，系数3：500×3÷系数合计5 = 300.00万元")
    page.fill("#adjust input[name=adjustment]", "-10")
    page.fill("#adjust input[name=reason]", "结余")
    page.locator("#adjust button").click()
    expect(page.locator("#shares")).to_contain_text("结余")
    if shots:
        page.screenshot(path=os.path.join(shots, f"allocation-{width}.png"), full_page=True)

    page.context.clear_cookies()
    login(page, f"{live_server.url}/assessment/", world.users[Role.COUNTY_USER].username)
    expect(page.locator("#ranking")).to_contain_text("甲区")
    expect(page.locator("#ranking")).not_to_contain_text("乙县")
