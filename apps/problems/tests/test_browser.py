"""End to end in headless Chromium: the county user raises a problem, escalates it with a
reason (a refused escalation first), issues a 督办函 and downloads its Word document."""

import io

import pytest

from apps.accounts.models import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_raise_escalate_and_issue_a_letter(live_server, world, page):
    from docx import Document
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/projects/{world.p_a.pk}/")
    page.fill("input[name=username]", world.users[Role.COUNTY_USER].username)
    page.fill("input[name=password]", "pass12345")
    page.click("button[type=submit]")

    page.get_by_role("link", name="查看问题时间线").click()
    page.get_by_role("link", name="登记问题").click()
    page.select_option("select[name=problem_type]", "land")
    page.fill("textarea[name=description]", "红线内 3 户未签订征收协议")
    page.select_option("select[name=responsible_department]", str(world.dept.pk))
    page.fill("input[name=deadline]", "2026-06-30")
    page.click("form.form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("问题已登记")
    expect(page.locator("#level")).to_contain_text("包抓领导协调")

    # Escalating without a reason is refused with a Chinese message; nothing changes.
    page.click("#escalate-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("提请上一级协调必须说明理由")
    expect(page.locator("#level")).to_contain_text("包抓领导协调")
    page.fill("#escalate-form textarea[name=reason]", "包抓领导协调后仍需规划、自然资源部门会商")
    page.click("#escalate-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("问题已提请上一级协调")
    expect(page.locator("#level")).to_contain_text("专题会议")
    expect(page.locator("#actions")).to_contain_text("由包抓领导协调提请专题会议")

    page.get_by_role("link", name="发函").click()
    page.select_option("select[name=kind]", "supervision")
    page.fill("input[name=deadline]", "2026-06-05")
    page.click("form.form button[type=submit]")
    expect(page.locator("#reference")).to_have_text("甲区发改督〔2026〕1号")
    # The download link, fetched with the page's session cookies.
    href = page.get_by_role("link", name="下载 Word").get_attribute("href")
    download = page.context.request.get(f"{live_server.url}{href}")
    assert download.headers["content-type"].startswith("application/vnd.openxmlformats")
    texts = [p.text for p in Document(io.BytesIO(download.body())).paragraphs if p.text]
    assert texts[1] == "甲区发改督〔2026〕1号"
    assert texts[3] == "市交通运输局："

    # Checked through the pages: ORM calls here would run in Playwright's greenlet with a
    # second database connection that outlives the test.
    page.get_by_role("link", name="返回问题").click()
    expect(page.locator("#letters")).to_contain_text("甲区发改督〔2026〕1号")
    expect(page.locator("#letters")).to_contain_text("待反馈")
    page.wait_for_load_state("networkidle")
    assert page.js_errors == []
