"""In headless Chromium, at desktop and phone widths: a county user records a site visit and
turns a decision taken on site into a supervised action."""

import os

import pytest

from apps.accounts.models import Role
from apps.problems.models import SupervisedAction

# The `page` fixture of tests/e2e (and its skip when Chromium is missing).
from tests.e2e.conftest import page, pytest_collection_modifyitems  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1440, 390])
def test_county_user_records_a_visit_and_a_decision(live_server, world, page, width):  # noqa: F811
    from playwright.sync_api import expect

    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/briefs/visits/")
    page.fill("input[name=username]", world.users[Role.COUNTY_USER].username)
    page.fill("input[name=password]", "pass12345")
    page.click("button[type=submit]")
    expect(page.locator("#visit-list")).to_contain_text("暂无现场调度记录")
    page.get_by_role("link", name="记录现场调度").click()
    page.select_option("select[name=person]", str(world.leader.pk))
    page.fill("input[name=visited_on]", "2026-07-02")
    # Another county's project is refused by name.
    page.fill("textarea[name=projects]", "乙县水厂")
    page.click("#visit-form button[type=submit]")
    expect(page.locator("#visit-form")).to_contain_text("未找到或不在您范围内")
    page.fill("textarea[name=projects]", world.p_a.project_code)
    page.fill("textarea[name=findings]", "路基施工滞后")
    page.click("#visit-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("现场调度已记录")
    expect(page.locator("#visit-facts")).to_contain_text("甲区快速路")

    page.fill("#decision-form textarea[name=decision]", "7月底前完成路基施工")
    page.select_option("#decision-form select[name=owner]", str(world.dept.pk))
    page.fill("#decision-form input[name=workdays]", "10")
    page.click("#decision-form button[name=decide]")
    expect(page.locator(".messages")).to_contain_text("议定事项已列入督办")
    expect(page.locator("#visit-actions")).to_contain_text("2026-07-16")
    assert SupervisedAction.objects.get().decision == "7月底前完成路基施工"
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert not overflow, "the page scrolls sideways"
    shots = os.environ.get("KP_E2E_ARTIFACTS")
    if shots:
        os.makedirs(shots, exist_ok=True)
        page.screenshot(path=os.path.join(shots, f"visit-{width}.png"), full_page=True)
    assert page.js_errors == []
