"""End to end in headless Chromium, at desktop and phone widths: the attraction bureau
opens a lead, is refused an illegal transition, advances it, reads the investor contacts
(logged) and opens the figures; the county user sees the reserve pages.
Set KP_E2E_ARTIFACTS=<dir> to keep screenshots."""

import os

import pytest

from apps.accounts.models import Role
from apps.attraction.models import InvestorContact

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    folder = os.environ.get("KP_E2E_ARTIFACTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"attraction-{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1440, 390])
def test_bureau_works_a_lead(live_server, world, bureau_user, leads, page, width):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": width, "height": 900})
    lead = leads["lead_a"]
    InvestorContact.objects.create(lead=lead, name="王经理", phone="13800000000")
    page.goto(f"{live_server.url}/attraction/")
    page.fill("input[name=username]", bureau_user.username)
    page.fill("input[name=password]", "pass12345")
    page.click("button[type=submit]")
    expect(page.locator("#summary")).to_contain_text("共 2 条线索")
    shot(page, f"list-{width}")

    page.get_by_role("link", name=lead.name).click()
    expect(page.locator("#stage")).to_contain_text("线索")
    page.locator("#step-advance summary").click()
    page.select_option("#step-advance select[name=stage]", "negotiating")
    page.fill("#step-advance input[name=on]", "2026-11-30")
    page.click("#step-advance button[type=submit]")
    expect(page.locator("#step-advance")).to_contain_text("应先进入“研判”")
    page.select_option("#step-advance select[name=stage]", "assessing")
    page.fill("#step-advance input[name=on]", "2026-11-30")
    page.click("#step-advance button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("阶段已推进")
    expect(page.locator("#stage")).to_contain_text("研判")

    page.get_by_role("button", name="查看联系人（个人信息，查看将被记录）").click()
    expect(page.locator("#contact-list")).to_contain_text("13800000000")
    shot(page, f"detail-{width}")

    page.goto(f"{live_server.url}/attraction/figures/")
    expect(page.locator("#headline")).to_contain_text("开工率")
    shot(page, f"figures-{width}")
    page.get_by_role("link", name="2", exact=True).first.click()
    expect(page.locator("#summary")).to_contain_text("条线索")
    assert page.js_errors == []
    page.wait_for_load_state("networkidle")


def test_county_user_sees_the_reserve_and_dashboard_card(live_server, world, page):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/reserve/")
    page.fill("input[name=username]", world.users[Role.COUNTY_USER].username)
    page.fill("input[name=password]", "pass12345")
    page.click("button[type=submit]")
    expect(page.locator("#summary")).to_contain_text("共 0 个谋划项目")
    page.goto(f"{live_server.url}/reserve/figures/")
    expect(page.locator("#headline")).to_contain_text("储备项目")
    shot(page, "reserve-figures-390")
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator("#attraction-reserve")).to_contain_text("开工率")
    assert page.js_errors == []
    page.wait_for_load_state("networkidle")
