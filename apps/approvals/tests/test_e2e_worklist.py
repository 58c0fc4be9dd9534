"""End to end in headless Chromium: a department user works through the worklist."""

import datetime

import pytest

from apps.accounts.models import Role
from apps.approvals.models import ItemStatus

from .factories import ItemFactory, ItemTypeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
D = datetime.date


@pytest.fixture
def worklist_items(world):
    ItemFactory(  # overdue, the rule does not apply: stays on top
        project=world.p_b,
        item_type=ItemTypeFactory(name="涉路工程许可", commitment_applies=False),
        department=world.dept,
        status=ItemStatus.ACCEPTED,
        submitted_on=D(2026, 9, 18),
        accepted_on=D(2026, 9, 21),
        due_date=D(2026, 9, 29),
    )
    # Accepted in the past below: without the commitment rule the clock leaves it to the department.
    ItemFactory(
        project=world.p_a,
        item_type=ItemTypeFactory(name="环评（测试）", commitment_applies=False),
        department=world.dept,
        status=ItemStatus.SUBMITTED,
        submitted_on=D(2026, 9, 21),
    )
    ItemFactory(  # another department's: not on this worklist
        project=world.p_a, item_type=ItemTypeFactory(name="水保（测试）"), department=world.other_dept,
        status=ItemStatus.SUBMITTED, submitted_on=D(2026, 9, 21),
    )  # fmt: skip


# The data fixtures come before `page`: once Playwright runs, ORM calls in the test would open a
# connection in another context that outlives the test (PostgreSQL then refuses to drop the database).
def test_department_accepts_and_approves_from_the_worklist(live_server, world, worklist_items, page):
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/approvals/")
    page.fill("input[name=username]", world.users[Role.DEPARTMENT_USER].username)
    page.fill("input[name=password]", "pass12345")
    page.click("button[type=submit]")

    rows = page.locator("#items tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("涉路工程许可")
    expect(rows.nth(0)).to_contain_text("已超期")
    expect(rows.nth(1)).to_contain_text("环评（测试）")
    expect(page.locator("#items")).not_to_contain_text("水保（测试）")

    page.get_by_role("link", name="环评（测试）").click()
    accept = page.locator("#accept-form")
    accept.locator("input[name=accepted_on]").fill("2026-09-22")
    accept.locator("input[name=handler]").fill("李四")
    accept.get_by_role("button", name="受理").click()
    expect(page.locator(".messages")).to_contain_text("事项已受理")
    # 5 working days after Tue 22 Sep 2026: 23, 24 (25–27 off), 28, 29, 30 Sep.
    expect(page.locator("#steps")).to_contain_text("2026-09-30")

    decide = page.locator("#decide-form")
    decide.locator("input[name=decided_on]").fill("2026-09-25")
    decide.get_by_role("button", name="批复").click()
    expect(page.locator(".messages")).to_contain_text("批复文号")  # required: refused, nothing written
    decide = page.locator("#decide-form")
    decide.locator("input[name=decided_on]").fill("2026-09-28")
    decide.locator("input[name=document_number]").fill("示环批〔2026〕8号")
    decide.get_by_role("button", name="批复").click()
    expect(page.locator(".messages")).to_contain_text("事项已批复")
    expect(page.locator("#history")).to_contain_text("示环批〔2026〕8号")
    expect(page.locator("h1 .st")).to_have_text("已批复")

    page.goto(f"{live_server.url}/approvals/")
    expect(page.locator("#items tbody tr")).to_have_count(1)
    expect(page.locator("#items")).not_to_contain_text("环评（测试）")
    assert page.js_errors == []
    page.wait_for_load_state("networkidle")  # no request left running into the database teardown


@pytest.fixture
def timeline_item(world):
    ItemFactory(project=world.p_a, item_type=ItemTypeFactory(name="环评（测试）"), department=world.dept,
                status=ItemStatus.SUBMITTED, submitted_on=D(2026, 9, 21), planned_start_date=D(2026, 9, 21),
                planned_end_date=D(2026, 9, 29))  # fmt: skip


def test_project_timeline_renders(live_server, world, timeline_item, page):
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/approvals/project/{world.p_a.pk}/")
    page.fill("input[name=username]", world.users[Role.CITY_ADMIN].username)
    page.fill("input[name=password]", "pass12345")
    page.click("button[type=submit]")
    expect(page.locator("#timeline[data-rendered='1'] canvas")).to_have_count(1)
    expect(page.locator("#checklist")).to_contain_text("环评（测试）")
    assert page.js_errors == []
    page.wait_for_load_state("networkidle")  # no request left running into the database teardown
