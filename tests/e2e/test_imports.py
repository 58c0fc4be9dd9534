"""A county clerk uploads the plan sheet, reads the preview, confirms, and sees the projects."""

import pytest

from apps.accounts.models import Role
from apps.imports.tests.workbooks import PLAN_HEADER, xlsx
from tests import factories as f

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partner(world):
    return f.DepartmentFactory(name="市自然资源局", region=world.city)


# The data come before the browser (`page` last): ORM calls made once Playwright runs would
# hold a second database connection open past the test.
def test_upload_preview_confirm(live_server, world, partner, tmp_path, page):
    county = world.users[Role.COUNTY_USER]
    good = [
        "序号",
        "甲区物流园",
        "2026-610302-48-01-900011",
        "甲区",
        "产业",
        "企业投资",
        "新开工",
        "仓储 10 万平方米",
        "2026-2027",
        20000,
        8000,
        "王副市长",
        "市交通运输局",
        "甲区城投公司",
        "市自然资源局",
    ]
    good[0] = 1
    bad = list(good)
    bad[0], bad[1], bad[2], bad[13] = 2, "错误项目", "2026-610302-48-01-900012", "无名公司"
    path = tmp_path / "甲区计划.xlsx"
    path.write_bytes(xlsx([["甲区2026年重点项目计划表"], ["单位：万元"], PLAN_HEADER, good, bad]))

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", county.username)
    page.fill("input[name=password]", "pass12345")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/imports/")
    page.select_option("select[name=kind]", "plan")
    page.set_input_files("input[name=file]", str(path))
    page.click("text=上传并预览")
    page.wait_for_selector("#preview")
    assert "错误 1" in page.inner_text("#counts")
    assert "N5 建设单位：系统中没有名为“无名公司”的单位" in page.inner_text("#preview")
    assert page.locator("#commit").count() == 0  # a file with an error is not imported at all

    bad_free = tmp_path / "甲区计划-改.xlsx"
    bad_free.write_bytes(xlsx([["甲区2026年重点项目计划表"], ["单位：万元"], PLAN_HEADER, good]))
    page.goto(f"{live_server.url}/imports/")
    page.select_option("select[name=kind]", "plan")
    page.set_input_files("input[name=file]", str(bad_free))
    page.click("text=上传并预览")
    page.wait_for_selector("#commit")
    page.click("#commit")
    page.wait_for_selector("#undo")
    assert page.inner_text("#batch-status") == "已导入"
    # Checked through the pages, for the same reason.
    page.goto(f"{live_server.url}/projects/?q=2026-610302-48-01-900011")
    assert "甲区物流园" in page.inner_text("main")
    assert page.js_errors == []
