"""调度看板, drill-down and 讲话数据 pages: scope, figures against hand counts, links."""

import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import urlencode

from apps.accounts.models import Role
from apps.dashboard import selectors
from apps.statistics.indicators import indicators_compute
from tests import factories as f

from .fixtures import YEAR

pytestmark = pytest.mark.django_db

URLS = ("dashboard:index", "dashboard:projects", "dashboard:speech", "dashboard:speech_docx")


def url(name, **params):
    return f"{reverse(name)}?{urlencode(params)}"


def login(client, user):
    client.force_login(user)
    return client


def card(response, key) -> dict:
    """The card figure (main or sub) of an indicator."""
    for item in response.context["cards"]:
        for fig in (item["main"], *item["subs"]):
            if fig["key"] == key:
                return fig
    raise AssertionError(key)


def text_of(html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def drill_ids(response) -> set[int]:
    return {project.pk for project in response.context["page"].paginator.object_list}


# --- access -------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_every_page_renders_for_every_role(client, town, period, role):
    login(client, town.users[role])
    for name in URLS:
        params = dict(period, indicator="key_projects_count") if name == "dashboard:projects" else period
        response = client.get(url(name, **params))
        assert response.status_code == 200, (role, name)
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 200
    assert b"echarts.min.js" in response.content
    assert b'id="dashboard-charts"' in response.content


def test_anonymous_users_are_sent_to_login(client, town):
    for name in URLS:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_region_outside_the_users_subtree_is_404(client, town, period):
    login(client, town.users[Role.COUNTY_USER])
    for name in URLS:
        params = dict(period, indicator="key_projects_count") if name == "dashboard:projects" else dict(period)
        assert client.get(url(name, region=town.county_b.pk, **params)).status_code == 404, name
        assert client.get(url(name, region=town.city.pk, **params)).status_code == 404, name
        assert client.get(url(name, region="abc", **params)).status_code == 404, name
        assert client.get(url(name, region=town.county_a.pk, **params)).status_code == 200, name


def test_region_select_offers_only_the_users_subtree(client, town):
    response = login(client, town.users[Role.COUNTY_USER]).get(reverse("dashboard:index"))
    assert [pk for pk, _label in response.context["filters"]["regions"]] == [town.county_a.pk]
    response = login(client, town.users[Role.CITY_ADMIN]).get(reverse("dashboard:index"))
    assert [pk for pk, _label in response.context["filters"]["regions"]] == [
        town.city.pk,
        town.county_a.pk,
        town.county_b.pk,
    ]


# --- defaults ------------------------------------------------------------------


def test_latest_ended_month():
    assert selectors.latest_ended_month(datetime.date(2026, 7, 1)) == (2026, 6)
    assert selectors.latest_ended_month(datetime.date(2026, 7, 31)) == (2026, 6)
    assert selectors.latest_ended_month(datetime.date(2027, 1, 15)) == (2026, 12)


def test_defaults_are_the_users_region_and_the_latest_ended_month(client, town, monkeypatch):
    monkeypatch.setattr(selectors.timezone, "localdate", lambda: datetime.date(2026, 7, 3))
    response = login(client, town.users[Role.COUNTY_USER]).get(reverse("dashboard:index"))
    query = response.context["query"]
    assert (query.region, query.year, query.month, query.project_set) == (town.county_a, 2026, 6, "all")
    # No region of one's own (auditor): the city.
    response = login(client, town.users[Role.AUDITOR]).get(reverse("dashboard:index"))
    assert response.context["query"].region == town.city
    # A past year without a month: its December.
    response = client.get(url("dashboard:index", year=2025))
    assert (response.context["query"].year, response.context["query"].month) == (2025, 12)


def test_an_unknown_set_falls_back_to_all_with_a_message(client, town, period):
    response = login(client, town.users[Role.CITY_ADMIN]).get(url("dashboard:index", set="nope", **period))
    assert response.context["query"].project_set == "all"
    assert "未知的项目范围" in response.content.decode()


# --- figures --------------------------------------------------------------------


def test_city_figures_match_the_hand_counts(client, town, period):
    response = login(client, town.users[Role.CITY_ADMIN]).get(url("dashboard:index", **period))
    assert card(response, "key_projects_count")["text"] == "4"
    assert card(response, "annual_planned_investment")["text"] == "1.00"
    assert card(response, "completed_ytd")["text"] == "0.23"
    assert card(response, "plan_completion_rate")["text"] == "23.0"
    assert card(response, "time_elapsed_share")["text"] == "50.0"
    assert card(response, "lag_points")["text"] == "27.0"
    assert card(response, "leader_projects_count")["text"] == "2"
    assert card(response, "leader_started_count")["text"] == "2"
    assert card(response, "start_rate")["text"] == "50.0"
    assert card(response, "fai_ytd")["text"] == "60.00"
    assert card(response, "fai_yoy_growth")["text"] == "20.0"
    assert card(response, "fai_rank")["text"] == "1"
    assert card(response, "fai_last_year")["text"] is None  # no 2025 figure: no data, not 0
    completed_card = next(item for item in response.context["cards"] if item["main"]["key"] == "completed_ytd")
    # Lights come from the rules engine (apps/lights, tested there); no month evaluated here.
    assert completed_card["lights"].total == 0 and response.context["lights_evaluated"] is False
    html = response.content.decode()
    assert "亮灯规则" in html and "尚未按" in html
    assert "暂无数据" in html
    # Counties: the ranking tables and the county chart.
    assert [row["name"] for row in response.context["ranking_fai"]] == ["甲区", "乙县"]  # +25.0% before +0.0%
    plan = {row["name"]: row for row in response.context["ranking_plan"]}
    assert plan["甲区"]["rate"]["text"] == "32.9"  # 2300 / 7000
    assert plan["甲区"]["rank"] == 1
    assert plan["乙县"]["rate"]["text"] == "0.0"
    assert plan["乙县"]["lights"].total == 0


def test_a_county_user_sees_only_the_county(client, town, period):
    response = login(client, town.users[Role.COUNTY_USER]).get(url("dashboard:index", **period))
    assert response.context["query"].region == town.county_a
    assert card(response, "key_projects_count")["text"] == "2"  # p_a, p_d
    assert card(response, "annual_planned_investment")["text"] == "0.70"
    assert card(response, "completed_ytd")["text"] == "0.23"
    assert card(response, "leader_projects_count")["text"] == "1"
    assert card(response, "fai_ytd")["text"] == "25.00"
    assert response.context["ranking_fai"] == []  # a county has no sub-regions
    assert "乙县" not in response.content.decode()


def test_the_leader_set_counts_only_leader_projects(client, town, period):
    response = login(client, town.users[Role.CITY_ADMIN]).get(url("dashboard:index", set="leader", **period))
    assert card(response, "key_projects_count")["text"] == "2"
    assert card(response, "completed_ytd")["text"] == "0.15"


def test_every_card_figure_links_to_its_drill_down(client, town, period):
    response = login(client, town.users[Role.CITY_ADMIN]).get(url("dashboard:index", **period))
    html = response.content.decode()
    for item in response.context["cards"]:
        for fig in (item["main"], *item["subs"]):
            assert f"indicator={fig['key']}" in fig["url"]
            assert fig["url"].replace("&", "&amp;") in html


def test_chart_data_carries_drill_down_links(client, town, period):
    response = login(client, town.users[Role.CITY_ADMIN]).get(url("dashboard:index", **period))
    match = re.search(
        r'<script id="dashboard-charts" type="application/json">(.*?)</script>', response.content.decode()
    )
    data = json.loads(match.group(1))
    assert data["month"]["labels"][-1] == "1-6月"
    assert data["month"]["completed"][-1] == 0.23
    assert "indicator=completed_ytd" in data["month"]["urls"][2] and "month=3" in data["month"]["urls"][2]
    assert data["county"]["labels"] == ["甲区", "乙县"]
    assert (
        "series=by_county" in data["county"]["urls"][0] and f"point={town.county_a.code}" in data["county"]["urls"][0]
    )
    assert {item["name"] for item in data["category"]} >= {"基础设施", "产业"}
    assert all("series=by_category" in item["url"] for item in data["category"])


# --- drill-down -------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "key_projects_count",
        "leader_projects_count",
        "leader_started_count",
        "started_count",
        "not_started_count",
        "completed_ytd",
        "planned_new_starts",
        "statistics_candidates_count",
        "share_industry",
    ],
)
@pytest.mark.parametrize("role", [Role.CITY_ADMIN, Role.COUNTY_USER, Role.OWNER_REPORTER, Role.DEPARTMENT_USER])
def test_drill_down_lists_exactly_the_projects_of_the_indicator(client, town, period, key, role):
    user = town.users[role]
    region = selectors.dashboard_query(user=user, params={}).region
    report = indicators_compute(user=user, region=region, **period)
    response = login(client, user).get(url("dashboard:projects", indicator=key, **period))
    assert response.status_code == 200
    assert drill_ids(response) == set(report[key].project_ids)
    assert response.context["totals"].count == len(report[key].project_ids)


def test_drill_down_by_hand(client, town, period):
    login(client, town.users[Role.CITY_ADMIN])
    response = client.get(url("dashboard:projects", indicator="leader_started_count", **period))
    assert drill_ids(response) == {town.p_a.pk, town.p_b.pk}
    assert text_of(response.content.decode()).count("共2个项目") == 1
    response = client.get(url("dashboard:projects", indicator="not_started_count", **period))
    assert drill_ids(response) == {town.p_c.pk}
    response = client.get(url("dashboard:projects", indicator="completed_ytd", **period))
    assert drill_ids(response) == {town.p_a.pk, town.p_d.pk}
    response = client.get(url("dashboard:projects", series="by_county", point=town.county_b.code, **period))
    assert drill_ids(response) == {town.p_b.pk, town.p_c.pk}
    assert "乙县水厂" in response.content.decode()
    # Header: count and total investment (p_b and p_c: 10000 万元 each = 2.00 亿元).
    assert "共2个项目，总投资2.00亿元" in text_of(response.content.decode())


def test_drill_down_stays_in_scope(client, town, period):
    response = login(client, town.users[Role.COUNTY_USER]).get(
        url("dashboard:projects", indicator="key_projects_count", **period)
    )
    assert drill_ids(response) == {town.p_a.pk, town.p_d.pk}
    assert "乙县" not in response.content.decode()
    # An owner reporter sees its own unit's projects only.
    response = login(client, town.users[Role.OWNER_REPORTER]).get(
        url("dashboard:projects", indicator="key_projects_count", **period)
    )
    assert drill_ids(response) == {town.p_a.pk, town.p_d.pk}


def test_drill_down_unknown_figure_is_404(client, town, period):
    login(client, town.users[Role.CITY_ADMIN])
    assert client.get(url("dashboard:projects", indicator="nope", **period)).status_code == 404
    assert client.get(url("dashboard:projects", series="nope", point="1", **period)).status_code == 404
    assert client.get(url("dashboard:projects", series="by_county", point="999999", **period)).status_code == 404


def test_drill_down_of_a_published_figure_shows_the_statistics(client, town, period):
    response = login(client, town.users[Role.CITY_ADMIN]).get(url("dashboard:projects", indicator="fai_rank", **period))
    html = response.content.decode()
    assert response.status_code == 200
    assert "不对应具体项目" in html
    assert "乙市" in html  # the peers it is ranked among
    assert "drill-projects" not in html


def test_drill_down_pages_and_sorts(client, town, period, settings):
    settings.PROJECTS_PAGE_SIZE = 3
    for n in range(3):
        project = f.ProjectFactory(region=town.county_a, owner_unit=town.owner, total_investment=Decimal(100 + n))
        f.AnnualPlanFactory(project=project, year=YEAR)
    login(client, town.users[Role.CITY_ADMIN])
    response = client.get(url("dashboard:projects", indicator="key_projects_count", sort="total_investment", **period))
    assert response.context["page"].paginator.num_pages == 3
    assert [p.total_investment for p in response.context["page"].object_list] == [100, 101, 102]
    response = client.get(
        url("dashboard:projects", indicator="key_projects_count", page=3, **period), HTTP_HX_REQUEST="true"
    )
    assert response.templates[0].name == "dashboard/_drilldown_results.html"
    assert len(response.context["page"].object_list) == 1


def test_drill_down_export(client, town, period):
    login(client, town.users[Role.COUNTY_USER])
    response = client.get(
        reverse("dashboard:projects_export", args=["csv"])
        + "?"
        + urlencode(dict(indicator="key_projects_count", **period))
    )
    assert response.status_code == 200
    content = response.content.decode("utf-8-sig")
    assert "甲区快速路" in content and "甲区产业园" in content and "乙县" not in content
    response = client.get(reverse("dashboard:projects_export", args=["xlsx"]) + "?indicator=key_projects_count")
    assert response.status_code == 200
    assert client.get(reverse("dashboard:projects_export", args=["pdf"])).status_code == 404


# --- 讲话数据 ----------------------------------------------------------------------


def test_speech_fills_figures_from_the_data(client, town, period):
    response = login(client, town.users[Role.CITY_ADMIN]).get(url("dashboard:speech", **period))
    html = response.content.decode()
    text = text_of(html)
    # Two started leader projects, out of two, led by two leaders.
    assert "截至目前2个市级领导包抓重大项目，开工建设2个，带动完成全社会固定资产投资60.00亿元，同比增长20.0%" in text
    assert "将其中2个投资规模较大的项目，确定由2名市级领导干部包抓" in text
    assert "年初，我们确定了今年要推进实施的4个、总投资5.00亿元的重点项目。" in text
    # Leader projects only: 1000 + 500 of 5000 planned.
    # The rate is of the new starts, and its own counts are said with it (p_a, p_b).
    assert (
        "市级领导包抓项目中计划新开工2个、已开工2个，新开工项目开工率只有100.0%，完成投资0.15亿元、仅占年度计划的30.0%"
        in text
    )
    assert "现在半年时间就要过去" in text  # June
    assert "尽管1—6月固定资产投资增长20.0%，自己跟自己比有很大进步，但增速仅列全省第1位" in text
    assert (
        "我市2026年固定资产投资目标为增长8.5%，绝对数达到132.00亿元，经初步梳理，缺口131.00亿元。" in text
    )  # no "多" after an exact figure
    assert "之所以请2个县（市、区）" in text
    # Unknown to KeyProjects: marked, never invented; no data: said so.
    # No bond project recorded: no data, not a guessed 0.
    assert "今年我们计划争取的（暂无数据）个一般专项债项目中" in text
    assert "去年，我市全年完成投资（暂无数据）亿元、同比增长（暂无数据）%。" in text
    assert 'class="fill none"' in html
    assert 'class="manual"' in html
    # Each figure links to its drill-down; leader figures to the leader set's.
    assert "indicator=leader_started_count" in html
    assert "indicator=completed_ytd&amp;set=leader" in html or "set=leader&amp;indicator=completed_ytd" in html
    # The copy text is the filled text.
    plain = response.context["plain_text"]
    assert "开工建设2个" in plain and "（需人工填写）" in plain and "<" not in plain
    assert "数据参考" not in plain


def test_speech_for_a_county_user_uses_the_county(client, town, period):
    response = login(client, town.users[Role.COUNTY_USER]).get(url("dashboard:speech", **period))
    text = text_of(response.content.decode())
    assert "年初，我们确定了今年要推进实施的2个" in text
    assert "开工建设1个" in text
    assert "之所以请（暂无数据）个县" in text


def test_speech_docx(client, town, period):
    from docx import Document

    response = login(client, town.users[Role.CITY_ADMIN]).get(url("dashboard:speech_docx", **period))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    document = Document(io.BytesIO(response.content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "开工建设2个" in text
    assert "（需人工填写）" in text


# --- cost ------------------------------------------------------------------------


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_projects(client, town, period):
    login(client, town.users[Role.CITY_ADMIN])
    paths = [
        url("dashboard:index", **period),
        url("dashboard:speech", **period),
        url("dashboard:projects", indicator="key_projects_count", **period),
    ]
    client.get(paths[0])  # warm up: the statistics settings row is created on first read
    few = [_queries(client, path) for path in paths]
    for n in range(27):
        project = f.ProjectFactory(
            region=town.county_a if n % 2 else town.county_b,
            owner_unit=town.owner,
            lead_official=town.leader if n % 3 == 0 else None,
            actual_start_date=datetime.date(2026, 2, 1) if n % 4 == 0 else None,
        )
        f.AnnualPlanFactory(project=project, year=YEAR)
        f.MonthlyReportFactory(project=project, year=YEAR, month=2, completed_investment=Decimal(10))
    many = [_queries(client, path) for path in paths]
    assert many == few
    assert few[0] <= 20
