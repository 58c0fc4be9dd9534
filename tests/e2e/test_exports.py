"""End to end in headless Chromium: a county user downloads the project list grouped by county."""

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from apps.accounts.models import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_county_user_downloads_the_grouped_project_list(live_server, world, page):
    page.goto(f"{live_server.url}/projects/")
    page.fill("input[name=username]", world.users[Role.COUNTY_USER].username)
    page.fill("input[name=password]", "pass12345")
    page.click("button[type=submit]")

    with page.expect_download() as download_info:
        page.locator("#summary .exports").get_by_role("link", name="按县区分组").click()
    download = download_info.value
    assert download.suggested_filename.startswith("项目清单-") and download.suggested_filename.endswith(".xlsx")
    sheet = CalamineWorkbook.from_path(download.path()).get_sheet_by_index(0).to_python()
    assert sheet[0][0] == f"甲区{timezone.localdate().year}年重大项目清单"
    assert sheet[4][0] == "一、甲区（1个）" and sheet[5][1] == "甲区快速路"
    assert [row[1] for row in sheet].count("合计") == 1
    # The export is recorded: checked on the export log page, not through the ORM (an ORM call
    # once Playwright runs would hold a second database connection open past the test).
    page.goto(f"{live_server.url}/exports/")
    assert download.suggested_filename in page.inner_text("main")
    assert page.js_errors == []
