"""End to end in headless Chromium at desktop and phone widths: the city administrator reads
the 红黄灯 list, follows the dashboard's county count to its lights, opens a project's light
with its reason, drafts a stricter rule, replays it on
a past month (nothing saved) and saves it as a new version."""

import os

import pytest

from apps.accounts.models import Role

from .conftest import activate

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1440, 390])
def test_list_project_light_replay_and_new_version(live_server, world, page, width):
    from playwright.sync_api import expect

    from apps.lights.services import lights_evaluate

    rule = activate("yinchuan-2025-start")
    lights_evaluate(year=2026, month=4)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/lights/")
    page.fill("input[name=username]", world.users[Role.CITY_ADMIN].username)
    page.fill("input[name=password]", "pass12345")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("2026年4月红黄灯")
    expect(page.locator("#lights-table")).to_contain_text("计划2026年3月开工，已连续2个月未开工")
    shots = os.environ.get("KP_E2E_ARTIFACTS")
    if shots:
        page.screenshot(path=os.path.join(shots, f"lights-list-{width}.png"), full_page=True)

    page.locator("#by-region a").first.click()
    expect(page.locator("#summary")).to_contain_text("共 1 盏灯")

    # The dashboard's lights are the engine's: its county count opens exactly those lights.
    page.goto(f"{live_server.url}/dashboard/?year=2026&month=4")
    expect(page.locator("#light-rule")).to_contain_text("2026年4月的评价结果")
    if shots:
        page.screenshot(path=os.path.join(shots, f"lights-dashboard-{width}.png"), full_page=True)
    page.locator("#lights-by-county tbody tr", has_text="乙县").locator("a").first.click()
    expect(page.locator("#summary")).to_contain_text("共 2 盏灯")
    expect(page.locator("#lights-table")).to_contain_text("乙县水厂")
    page.goto(f"{live_server.url}/lights/?year=2026&month=4&region={world.county_a.pk}")
    page.get_by_role("link", name="甲区快速路").click()
    expect(page.locator("#lights")).to_contain_text("计划2026年3月开工，已连续2个月未开工")
    if shots:
        page.screenshot(path=os.path.join(shots, f"lights-project-{width}.png"), full_page=True)

    page.goto(f"{live_server.url}/lights/rules/{rule.pk}/")
    page.select_option("select[name=level1_colour]", "red")
    page.fill("input[name=level1_value]", "2")
    page.select_option("select[name=level0_colour]", "")
    page.fill("input[name=year]", "2026")
    page.fill("input[name=month]", "4")
    page.get_by_role("button", name="回放（不保存）").click()
    expect(page.locator("#replay-result")).to_contain_text("变色 3")
    expect(page.locator("#versions")).not_to_contain_text("v2")
    if shots:
        page.screenshot(path=os.path.join(shots, f"lights-rule-{width}.png"), full_page=True)
    page.fill("input[name=reason]", "两个月未开工即亮红灯")
    page.get_by_role("button", name="保存为新版本").click()
    expect(page.locator(".messages")).to_contain_text("已保存为第2版")
    expect(page.locator("#versions")).to_contain_text("两个月未开工即亮红灯")
    page.wait_for_load_state("networkidle")
