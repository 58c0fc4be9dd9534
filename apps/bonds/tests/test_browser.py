"""End to end in headless Chromium, at desktop and phone widths: the finance bureau enters a
month's spending on an issue page, the batch leaves the failing list; a county user reads the
bond programme and a project's funding. Screenshots go to KP_E2E_SHOTS when set."""

import datetime
import os
from decimal import Decimal as D

import pytest

from apps.accounts.models import Role
from apps.bonds import services
from apps.funding import services as funding_services

from .test_services import _issue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, url, username):
    page.goto(url)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass12345")
    page.click("button[type=submit]")


def _shot(page, name):
    folder = os.environ.get("KP_E2E_SHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1440, 390])
def test_finance_enters_spending_and_county_reads(live_server, world, finance, make_bond_project, page, width):
    from playwright.sync_api import expect

    user = finance["city"]
    issue = _issue(user, world, datetime.date(2026, 3, 10))
    bond = make_bond_project(world.p_a)
    allocation = services.allocation_add(actor=user, issue_id=issue.pk, bond_project_id=bond.pk, amount=D(7000))
    services.spending_record(actor=user, allocation_id=allocation.pk, year=2026, month=6, cumulative=D(1000))
    funding_services.funding_record_save(
        actor=world.users[Role.CITY_ADMIN],
        project_id=world.p_a.pk,
        year=2026,
        fields={
            "planned_total": D(500),
            "planned_self_raised": D(500),
            "arrived_total": D(100),
            "arrived_self_raised": D(100),
        },
        expected_version=None,
    )
    page.set_viewport_size({"width": width, "height": 900})

    _login(page, f"{live_server.url}/bonds/", "finance")
    expect(page.locator("#failing")).to_contain_text(world.p_a.name)
    _shot(page, f"bonds-overview-{width}")
    page.goto(f"{live_server.url}/bonds/issues/{issue.pk}/")
    page.fill("input[name=cumulative]", "3500")
    page.fill("input[name=month]", "11")
    page.click("form[action$='/spending/record/'] button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("支出已保存")
    expect(page.locator("#allocations")).to_contain_text("50.00%")
    expect(page.locator("#allocations")).to_contain_text("达标")
    _shot(page, f"bonds-issue-{width}")
    page.goto(f"{live_server.url}/bonds/")
    expect(page.locator("#failing")).not_to_contain_text(world.p_a.name)
    # A refused entry: a decrease is refused with a Chinese message and changes nothing.
    page.goto(f"{live_server.url}/bonds/issues/{issue.pk}/")
    page.fill("input[name=cumulative]", "100")
    page.fill("input[name=month]", "11")
    page.click("form[action$='/spending/record/'] button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("累计支出不能少于")
    expect(page.locator("#allocations")).to_contain_text("50.00%")
    page.context.clear_cookies()  # log out (the menu folds away on a phone)

    _login(page, f"{live_server.url}/bonds/projects/{bond.pk}/", "county")
    expect(page.locator("#checks")).to_contain_text("本息覆盖倍数")
    _shot(page, f"bonds-project-{width}")
    page.goto(f"{live_server.url}/funding/project/{world.p_a.pk}/")
    expect(page.locator("#record-2026")).to_contain_text("本年实际到位资金")
    _shot(page, f"funding-project-{width}")
    page.goto(f"{live_server.url}/funding/")
    expect(page.locator("#records")).to_contain_text(world.p_a.name)
    _shot(page, f"funding-overview-{width}")
    # The page's content does not overflow sideways: wide tables scroll inside their box.
    overflow = page.evaluate("(m => m.scrollWidth - m.clientWidth)(document.querySelector('main'))")
    assert overflow <= 1, overflow
    assert page.js_errors == []
    page.wait_for_load_state("networkidle")
