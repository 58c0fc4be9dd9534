"""End to end in headless Chromium: the dashboard draws its ECharts charts, a card figure opens
its drill-down, a chart bar opens the county's projects, and 讲话数据 is filled."""

import pytest

from apps.accounts.models import Role
from apps.dashboard.tests.fixtures import MONTH, YEAR, build_town

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def town(world):
    # Before `page`: once Playwright's event loop runs, the ORM would open a second connection
    # (asgiref's context-local connections) that outlives the test database.
    return build_town(world)


def test_dashboard_charts_render_and_figures_open_their_projects(live_server, town, page):
    from playwright.sync_api import expect

    period = f"year={YEAR}&month={MONTH}"
    page.goto(f"{live_server.url}/dashboard/?{period}")
    page.fill("input[name=username]", town.users[Role.CITY_ADMIN].username)
    page.fill("input[name=password]", "pass12345")
    page.click("button[type=submit]")

    # ECharts drew on a canvas of real size in every chart box.
    for chart in ("chart-month", "chart-county", "chart-category", "chart-investor"):
        canvas = page.locator(f"#{chart} canvas")
        expect(canvas).to_have_count(1)
        box = canvas.bounding_box()
        assert box["width"] > 200 and box["height"] > 200, chart
    assert page.js_errors == []

    # A card figure opens the list of the projects behind it.
    page.locator("#cards a[data-indicator=key_projects_count]").first.click()
    expect(page.locator("#summary")).to_contain_text("共 4 个项目")
    expect(page.locator("#drill-projects")).to_contain_text("甲区快速路")
    page.get_by_role("link", name="返回调度看板").click()

    # A bar of the county chart opens that county's projects (乙县: the second category).
    chart = page.locator("#chart-county")
    expect(chart.locator("canvas")).to_have_count(1)
    page.wait_for_timeout(1500)  # the bars grow in for a second
    # Where ECharts laid out the bar of series 0 (annual plan), item 1 (乙县), in page pixels.
    x, y = page.evaluate(
        """() => {
          const node = document.getElementById('chart-county');
          const layout = echarts.getInstanceByDom(node).getModel().getSeriesByIndex(0).getData().getItemLayout(1);
          const rect = node.getBoundingClientRect();
          return [rect.left + layout.x + layout.width / 2, rect.top + layout.y + layout.height / 2];
        }"""
    )
    page.mouse.click(x, y)
    page.wait_for_url(lambda url: "/dashboard/projects/" in url and "series=by_county" in url)
    expect(page.locator("#summary")).to_contain_text("共 2 个项目")
    expect(page.locator("#drill-projects")).to_contain_text("乙县水厂")

    # 讲话数据: figures filled from the data, unknown ones marked.
    page.goto(f"{live_server.url}/dashboard/speech/?{period}")
    expect(page.locator("#speech-leader_projects")).to_contain_text("开工建设2个")
    expect(page.locator("mark.manual").first).to_have_text("（需人工填写）")

    # 复制全文 puts the filled text (without the data hints) on the clipboard.
    page.click("#copy-speech")
    expect(page.locator("#copy-speech")).to_have_text("已复制")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "开工建设2个" in copied and "（需人工填写）" in copied and "数据参考" not in copied
    page.wait_for_load_state("networkidle")  # no request left in flight when the live server stops
