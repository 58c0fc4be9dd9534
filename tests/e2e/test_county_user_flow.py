"""End to end in headless Chromium: a county user filters, opens, edits a project and sees the history."""

import pytest

from apps.accounts.models import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_county_user_filters_opens_edits_and_sees_history(live_server, world, page):
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/projects/")
    page.fill("input[name=username]", world.users[Role.COUNTY_USER].username)
    page.fill("input[name=password]", "pass12345")
    page.click("button[type=submit]")

    # The county user sees only their county's project.
    expect(page.locator("#summary")).to_contain_text("共 1 个项目")
    expect(page.get_by_role("link", name="乙县水厂")).to_have_count(0)

    # Filter by text: htmx swaps the results in place and pushes the URL.
    page.fill("input[name=q]", "不存在的项目")
    page.click("form.filters button[type=submit]")
    expect(page.locator("#results")).to_contain_text("没有符合条件的项目")
    page.fill("input[name=q]", "快速路")
    page.click("form.filters button[type=submit]")
    expect(page.locator("#summary")).to_contain_text("共 1 个项目")
    assert "q=" in page.url

    page.get_by_role("link", name="甲区快速路").click()
    expect(page.locator("h1")).to_contain_text("甲区快速路")
    page.get_by_role("link", name="编辑").click()

    # A bad value is refused with a Chinese message and nothing is saved.
    page.fill("input[name=total_investment]", "-5")
    page.click("form.form button[type=submit]")
    expect(page.locator(".field.has-error")).to_contain_text("金额不能为负数")

    page.fill("input[name=total_investment]", "12800.5")
    page.fill("input[name=location]", "甲区东环路至北环路")
    page.click("form.form button[type=submit]")

    expect(page.locator(".messages")).to_contain_text("项目已保存")
    history = page.locator("#history")
    expect(history).to_contain_text("总投资（万元）")
    expect(history).to_contain_text("12800.5")
    expect(history).to_contain_text("甲区东环路至北环路")
    expect(history).to_contain_text(world.users[Role.COUNTY_USER].display_name)
