"""indicators_compute on a small city whose every figure is worked out by hand below.

Money in the fixture is in 万元; indicators give 亿元 (÷ 10,000, two decimals) and
percentages with one decimal (half up). The expected values are written out here with
their arithmetic, never computed by the code under test.

The city (示范市 610300, province 示范省 610000), year 2026, period 1-6月 (end 2026-06-30):

| project | county | level | category | investor | total | plan 2026 | leader | planned start | actual start |
|---|---|---|---|---|---|---|---|---|---|
| K1 甲区快速路 | 甲区 | provincial | infrastructure | government | 50000 | 20000 | 王 | 2026-02-01 | 2025-12-20 |
| K2 甲区产业园 | 甲区 | municipal | industry | enterprise | 30000 | 10000 | 王 | 2026-03-01 | 2026-04-15 |
| K3 乙县医院 | 乙县 | provincial | social | government | 20000 | 8000 | 李 | 2026-05-01 | — |
| K4 乙县物流园 | 乙县 | county | industry | private | 12000 | 2000 | — | 2026-09-01 | — |
| N1 甲区仓储（no 2026 plan） | 甲区 | municipal | industry | enterprise | 600 | — | — | 2026-01-05 | 2026-02-01 |
| N2 甲区小项目（no plan） | 甲区 | | | | 499.99 | — | — | 2026-01-05 | 2026-01-10 |
| N3 乙县已竣工（no plan） | 乙县 | | | | 900 | — | — | 2024-01-05 | 2024-03-01, ended 2025-10-01 |

K1 is in statistics already; K1 started last year although planned for 2026 (续建).
K2 is led by 市交通运输局 (the department user's department).
"""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Role
from apps.projects.models import Category, InvestorType, Level, Stage
from apps.regions.models import RegionLevel
from apps.statistics.indicators import days_to_deadline, indicators_compute
from apps.statistics.models import ProvinceListTotal, StatisticsSettings
from tests import factories as f

D = Decimal
YEAR = 2026


def build_town(world):
    """The projects, reports and official figures of the module docstring, on top of `world`."""
    w = world
    w.province = w.city.parent
    w.leader_li = f.PersonFactory(name="李副市长", region=w.city)

    def project(name, region, plan=None, **fields):
        p = f.ProjectFactory(name=name, region=region, owner_unit=w.owner, **fields)
        if plan is not None:
            f.AnnualPlanFactory(project=p, year=YEAR, planned_investment=D(plan))
        return p

    w.k1 = project(
        "甲区快速路",
        w.county_a,
        plan=20000,
        level=Level.PROVINCIAL,
        category=Category.INFRASTRUCTURE,
        investor_type=InvestorType.GOVERNMENT,
        total_investment=D(50000),
        lead_official=w.leader,
        planned_start_date=datetime.date(2026, 2, 1),
        actual_start_date=datetime.date(2025, 12, 20),
        stage=Stage.UNDER_CONSTRUCTION,
        in_statistics=True,
        statistics_included_on=datetime.date(2026, 1, 20),
    )
    w.k2 = project(
        "甲区产业园",
        w.county_a,
        plan=10000,
        level=Level.MUNICIPAL,
        category=Category.INDUSTRY,
        investor_type=InvestorType.ENTERPRISE,
        total_investment=D(30000),
        lead_official=w.leader,
        lead_department=w.dept,
        planned_start_date=datetime.date(2026, 3, 1),
        actual_start_date=datetime.date(2026, 4, 15),
        stage=Stage.UNDER_CONSTRUCTION,
    )
    w.k3 = project(
        "乙县医院",
        w.county_b,
        plan=8000,
        level=Level.PROVINCIAL,
        category=Category.SOCIAL,
        investor_type=InvestorType.GOVERNMENT,
        total_investment=D(20000),
        lead_official=w.leader_li,
        planned_start_date=datetime.date(2026, 5, 1),
    )
    w.k4 = project(
        "乙县物流园",
        w.county_b,
        plan=2000,
        level=Level.COUNTY,
        category=Category.INDUSTRY,
        investor_type=InvestorType.PRIVATE,
        total_investment=D(12000),
        planned_start_date=datetime.date(2026, 9, 1),
    )
    w.n1 = project(
        "甲区仓储",
        w.county_a,
        category=Category.INDUSTRY,
        investor_type=InvestorType.ENTERPRISE,
        total_investment=D(600),
        planned_start_date=datetime.date(2026, 1, 5),
        actual_start_date=datetime.date(2026, 2, 1),
        stage=Stage.UNDER_CONSTRUCTION,
    )
    f.AnnualPlanFactory(project=w.n1, year=2027, planned_investment=D(300))
    w.n2 = project(
        "甲区小项目",
        w.county_a,
        total_investment=D("499.99"),
        planned_start_date=datetime.date(2026, 1, 5),
        actual_start_date=datetime.date(2026, 1, 10),
        stage=Stage.UNDER_CONSTRUCTION,
    )
    w.n3 = project(
        "乙县已竣工",
        w.county_b,
        total_investment=D(900),
        planned_start_date=datetime.date(2024, 1, 5),
        planned_end_date=datetime.date(2025, 12, 31),
        actual_start_date=datetime.date(2024, 3, 1),
        actual_end_date=datetime.date(2025, 10, 1),
        stage=Stage.COMPLETED,
    )

    def reports(project, *rows):
        for year, month, amount, status, problems in rows:
            f.MonthlyReportFactory(
                project=project,
                year=year,
                month=month,
                completed_investment=D(amount),
                status=status,
                problems=problems,
            )

    # K1: 1000 + 1500 + 2000 + 500 = 5000 counted in 1-6月; July and last December are outside.
    reports(
        w.k1,
        (2025, 12, 7777, "verified", ""),
        (2026, 1, 1000, "submitted", ""),
        (2026, 2, 1500, "verified", ""),
        (2026, 3, 2000, "verified", ""),
        (2026, 6, 500, "submitted", ""),
        (2026, 7, 9999, "submitted", ""),
    )
    # K2: April 800 counts; the May draft (300) and the June returned report (400) do not.
    reports(
        w.k2,
        (2026, 4, 800, "submitted", ""),
        (2026, 5, 300, "draft", "草稿里的问题"),
        (2026, 6, 400, "returned", "退回的问题"),
    )
    # K3: reports of 0; the latest non-empty problems is May's.
    reports(
        w.k3,
        (2026, 4, 0, "verified", "环评未批复"),
        (2026, 5, 0, "submitted", "征地未完成"),
        (2026, 6, 0, "submitted", ""),
    )
    # N1 is not a key project: its 100 never counts.
    reports(w.n1, (2026, 3, 100, "submitted", ""))

    # Official figures. Peers of the city: the cities of 示范省.
    w.city_b = f.RegionFactory(code="610400", name="乙市", level=RegionLevel.CITY, parent=w.province)
    w.city_c = f.RegionFactory(code="610500", name="丙市", level=RegionLevel.CITY, parent=w.province)
    w.city_d = f.RegionFactory(code="610600", name="丁市", level=RegionLevel.CITY, parent=w.province)
    stat = f.RegionStatFactory
    stat(region=w.city, year=2026, month=6, fai_ytd=D(600000), comparable_base=D(500000))  # +20.0%
    stat(region=w.city_b, year=2026, month=6, fai_ytd=D(300000), comparable_base=D(280000))  # +7.1%
    stat(region=w.city_c, year=2026, month=6, fai_ytd=D(200000), comparable_base=D(160000))  # +25.0%
    stat(region=w.city_d, year=2026, month=6, fai_ytd=D(100000), comparable_base=None)  # no growth
    stat(region=w.city, year=2026, month=5, fai_ytd=D(480000), comparable_base=D(400000))  # another month
    stat(region=w.city, year=2026, month=2, fai_ytd=D(150000), comparable_base=D(120000))  # 1-2月 +25.0%
    stat(region=w.city, year=2025, month=12, fai_ytd=D(1100000), comparable_base=D(1000000))  # last year +10.0%
    stat(region=w.county_a, year=2026, month=6, fai_ytd=D(250000), comparable_base=D(200000))  # +25.0%
    stat(region=w.county_b, year=2026, month=6, fai_ytd=D(150000), comparable_base=D(150000))  # +0.0%
    f.RegionTargetFactory(region=w.city, year=2026, growth_pct=D("8.50"), amount=D(1320000))
    f.ProvinceListTotalFactory(province=w.province, year=2026, project_count=400)
    f.ProvinceListTotalFactory(province=w.province, year=2026, list_name="四个一百", project_count=100)
    StatisticsSettings.objects.update_or_create(pk=1, defaults={"statistics_threshold": D(500)})
    return w


@pytest.fixture
def town(world):
    return build_town(world)


@pytest.fixture
def admin(town):
    return town.users[Role.CITY_ADMIN]


def compute(user, region, month=6, project_set="all", year=YEAR):
    return indicators_compute(user=user, region=region, year=year, month=month, project_set=project_set)


def values(report):
    return {key: indicator.value for key, indicator in report.indicators.items()}


def ids(*projects):
    return tuple(sorted(p.pk for p in projects))


# --- the city, 1-6月 ------------------------------------------------------------------


def test_project_counts_and_money(town, admin):
    r = compute(admin, town.city)
    v = values(r)
    assert v["key_projects_count"] == 4  # K1..K4 have a 2026 plan; N1-N3 do not
    assert r["key_projects_count"].project_ids == ids(town.k1, town.k2, town.k3, town.k4)
    assert v["key_projects_total_investment"] == D("11.20")  # 50000+30000+20000+12000 = 112000 万元
    assert v["annual_planned_investment"] == D("4.00")  # 20000+10000+8000+2000 = 40000 万元
    assert v["leader_projects_count"] == 3  # K1, K2 (王), K3 (李)
    assert r["leader_projects_count"].project_ids == ids(town.k1, town.k2, town.k3)
    assert v["leaders_count"] == 2  # 王, 李
    assert r["key_projects_count"].unit == "个" and r["annual_planned_investment"].unit == "亿元"
    assert r["leaders_count"].unit == "名"
    assert all(isinstance(value, (int, Decimal, type(None))) for value in v.values())
    assert not any(isinstance(value, float) for value in v.values())


def test_starts(town, admin):
    r = compute(admin, town.city)
    v = values(r)
    # Started by 2026-06-30: K1 (2025-12-20, 续建) and K2 (2026-04-15).
    assert v["started_count"] == 2
    assert r["started_count"].project_ids == ids(town.k1, town.k2)
    # Planned to start in 2026 and not started before 2026: K2, K3, K4 (K1 started last year).
    assert v["planned_new_starts"] == 3
    assert r["planned_new_starts"].project_ids == ids(town.k2, town.k3, town.k4)
    assert v["new_starts_started"] == 1  # K2
    assert v["start_rate"] == D("33.3")  # 1 / 3 = 33.33 %
    # Leader projects K1, K2, K3: started K1, K2; planned new starts K2, K3 of which K2 started.
    assert v["leader_started_count"] == 2
    assert v["leader_start_rate"] == D("50.0")  # 1 / 2
    assert r["leader_start_rate"].project_ids == ids(town.k2, town.k3)


def test_completed_investment_counts_only_submitted_and_verified(town, admin):
    r = compute(admin, town.city)
    v = values(r)
    # K1 1000+1500+2000+500 = 5000 (not July's 9999, not 2025's 7777); K2 800 (not the draft 300
    # nor the returned 400); K3 0; N1's 100 is not a key project's. 5800 万元 = 0.58 亿元.
    assert v["completed_ytd"] == D("0.58")
    assert r["completed_ytd"].project_ids == ids(town.k1, town.k2, town.k3)  # those with counted reports
    assert "草稿" in r["completed_ytd"].definition or "draft" in r["completed_ytd"].definition
    assert v["plan_completion_rate"] == D("14.5")  # 5800 / 40000
    assert v["time_elapsed_share"] == D("50.0")  # 6 / 12
    assert v["lag_points"] == D("35.5")  # 50.0 − 14.5
    assert r["lag_points"].unit == "个百分点"


def test_fai_growth_rank_and_last_year(town, admin):
    v = values(compute(admin, town.city))
    assert v["fai_ytd"] == D("60.00")  # 600000 万元
    assert v["fai_yoy_growth"] == D("20.0")  # (600000 − 500000) / 500000
    # Peers with a growth: 丙市 25.0, 示范市 20.0, 乙市 7.1 (丁市 has no base): second of three.
    assert v["fai_rank"] == 2
    assert v["fai_peer_count"] == 3
    assert v["fai_last_year"] == D("110.00")  # 1100000 万元
    assert v["fai_last_year_growth"] == D("10.0")  # (1100000 − 1000000) / 1000000


def test_targets_and_gaps(town, admin):
    v = values(compute(admin, town.city))
    assert v["fai_target_amount"] == D("132.00")  # 1320000 万元
    assert v["fai_target_growth"] == D("8.5")
    # Growth-based: last year's comparable 1-6月 500000 × (1 + 8.5 %) = 542500 万元.
    assert v["period_target"] == D("54.25")
    assert v["period_gap"] == D("-5.75")  # 54.25 − 60.00: 超出 5.75 亿元
    # Linear, kept apart: 132 × 6 / 12 = 66.00; 66.00 − 60.00.
    assert v["period_target_linear"] == D("66.00")
    assert v["period_gap_linear"] == D("6.00")
    assert v["target_plan_gap"] == D("128.00")  # 132.00 − 4.00


def test_structure_shares(town, admin):
    r = compute(admin, town.city)
    v = values(r)
    # Of the 40000 planned: government K1 20000 + K3 8000 = 28000; enterprise K2 10000; private K4 2000.
    assert (v["share_government"], v["share_enterprise"], v["share_private"]) == (D("70.0"), D("25.0"), D("5.0"))
    assert r["share_government"].project_ids == ids(town.k1, town.k3)
    # infrastructure K1 20000; industry K2 10000 + K4 2000 = 12000; social K3 8000; none else.
    assert v["share_infrastructure"] == D("50.0")
    assert v["share_industry"] == D("30.0")
    assert v["share_social"] == D("20.0")
    assert v["share_urbanisation"] == D("0.0") and v["share_ecology"] == D("0.0")


def test_provincial_share_uses_the_province_list_total(town, admin):
    r = compute(admin, town.city)
    assert r["provincial_projects_count"].value == 2  # K1, K3
    assert r["provincial_projects_count"].project_ids == ids(town.k1, town.k3)
    # 2 / 400 (the “省级重点项目” list, not the 100 of “四个一百”) = 0.5 %
    assert r["provincial_share"].value == D("0.5")
    ProvinceListTotal.objects.all().delete()
    assert compute(admin, town.city)["provincial_share"].value is None


def test_statistics_candidates_with_threshold_500(town, admin):
    r = compute(admin, town.city)
    # Started by 2026-06-30, not completed before 2026, total ≥ 500, not in statistics:
    # K2 (30000) and N1 (600, not a key project). Not K1 (in statistics), N2 (499.99),
    # N3 (completed 2025), K3/K4 (not started).
    assert r["statistics_candidates_count"].value == 2
    assert r["statistics_candidates_count"].project_ids == ids(town.k2, town.n1)
    assert r["statistics_candidates_investment"].value == D("3.06")  # 30000 + 600 = 30600 万元


def test_not_started_list_with_latest_problems(town, admin):
    r = compute(admin, town.city)
    # Planned to start by 2026-06-30 and not started: K3 only (K4 is planned for September).
    assert r["not_started_count"].value == 1
    assert r.not_started == [
        {
            "project_id": town.k3.pk,
            "name": "乙县医院",
            "region": "乙县",
            "planned_start_date": datetime.date(2026, 5, 1),
            "planned_start_precision": "day",
            "problems": "征地未完成",  # May's; June's is empty, April's is older
        }
    ]


def test_days_to_statistics_deadline(town, admin, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: datetime.date(2026, 6, 20))
    assert compute(admin, town.city)["days_to_statistics_deadline"].value == 5  # 20 → 25 June
    assert days_to_deadline(datetime.date(2026, 6, 25), 25) == 0
    assert days_to_deadline(datetime.date(2026, 6, 28), 25) == 27  # 28 June → 25 July: 2 + 25
    assert days_to_deadline(datetime.date(2026, 12, 28), 25) == 28  # 28 Dec → 25 Jan: 3 + 25


def test_by_month_series(town, admin):
    r = compute(admin, town.city)
    assert [p.key for p in r.by_month] == ["1", "2", "3", "4", "5", "6"]
    assert [p.label for p in r.by_month][:2] == ["1月", "1-2月"]
    # Cumulative 万元: 1000, 2500, 4500, 5300, 5300, 5800 of the 40000 planned.
    assert [p.values["completed_ytd"] for p in r.by_month] == [
        D("0.10"),
        D("0.25"),
        D("0.45"),
        D("0.53"),
        D("0.53"),
        D("0.58"),
    ]
    # 2.5, 6.25 → 6.3, 11.25 → 11.3, 13.25 → 13.3, 13.3, 14.5
    assert [p.values["plan_share"] for p in r.by_month] == [
        D("2.5"),
        D("6.3"),
        D("11.3"),
        D("13.3"),
        D("13.3"),
        D("14.5"),
    ]
    # 1/12 … 6/12
    assert [p.values["time_share"] for p in r.by_month] == [
        D("8.3"),
        D("16.7"),
        D("25.0"),
        D("33.3"),
        D("41.7"),
        D("50.0"),
    ]


def test_by_county_series(town, admin):
    r = compute(admin, town.city)
    a, b = r.by_county
    assert (a.key, a.label, b.key, b.label) == ("610302", "甲区", "610303", "乙县")
    # 甲区: K1, K2; plan 30000; completed 5000 + 800 = 5800 → 19.33 %; new starts K2, started.
    assert a.values == {
        "key_projects": 2,
        "annual_planned": D("3.00"),
        "completed_ytd": D("0.58"),
        "plan_completion_rate": D("19.3"),
        "start_rate": D("100.0"),
        "unverified_reports": 3,  # K1 January and June, K2 April (submitted, not verified)
        "fai_ytd": D("25.00"),
        "fai_yoy_growth": D("25.0"),  # (250000 − 200000) / 200000
        "fai_rank": 1,
    }
    assert a.project_ids == ids(town.k1, town.k2)
    # 乙县: K3, K4; plan 10000; completed 0; new starts K3, K4, none started.
    assert b.values == {
        "key_projects": 2,
        "annual_planned": D("1.00"),
        "completed_ytd": D("0.00"),
        "plan_completion_rate": D("0.0"),
        "start_rate": D("0.0"),
        "unverified_reports": 2,  # K3 May and June
        "fai_ytd": D("15.00"),
        "fai_yoy_growth": D("0.0"),
        "fai_rank": 2,
    }


def test_by_category_and_investor_type(town, admin):
    r = compute(admin, town.city)
    by_category = {p.key: p for p in r.by_category}
    assert list(by_category) == list(Category.values)
    assert by_category["industry"].values == {
        "annual_planned": D("1.20"),  # K2 10000 + K4 2000
        "share": D("30.0"),
        "completed_ytd": D("0.08"),  # K2 800
        "plan_completion_rate": D("6.7"),  # 800 / 12000 = 6.67 %
        "unverified_reports": 1,  # K2 April
    }
    assert by_category["industry"].project_ids == ids(town.k2, town.k4)
    assert by_category["ecology"].values == {
        "annual_planned": D("0.00"),
        "share": D("0.0"),
        "completed_ytd": D("0.00"),
        "plan_completion_rate": None,  # nothing planned
        "unverified_reports": 0,
    }
    by_type = {p.key: p for p in r.by_investor_type}
    assert by_type["government"].values == {
        "annual_planned": D("2.80"),  # K1 20000 + K3 8000
        "share": D("70.0"),
        "completed_ytd": D("0.50"),  # K1 5000
        "plan_completion_rate": D("17.9"),  # 5000 / 28000 = 17.86 %
        "unverified_reports": 4,  # K1 January and June, K3 May and June
    }
    assert by_type["government"].label == "政府投资"


# --- periods ---------------------------------------------------------------------------


def test_january_has_no_fai_yet_project_figures_work(town, admin):
    # A stray January row (the services refuse one) is ignored all the same.
    f.RegionStatFactory(region=town.city, year=2026, month=1, fai_ytd=D(50000), comparable_base=D(40000))
    r = compute(admin, town.city, month=1)
    v = values(r)
    assert v["fai_ytd"] is None and v["fai_yoy_growth"] is None
    assert v["fai_rank"] is None and v["fai_peer_count"] == 0
    assert v["period_gap"] is None  # no FAI to compare with
    assert v["period_target"] is None  # no comparable base for January either
    assert v["period_target_linear"] == D("11.00")  # 132 × 1 / 12
    assert v["period_gap_linear"] is None
    assert v["completed_ytd"] == D("0.10")  # K1's January 1000
    assert v["started_count"] == 1  # K1 (2025-12-20)
    assert v["planned_new_starts"] == 3 and v["start_rate"] == D("0.0")  # 0 of K2, K3, K4
    assert v["plan_completion_rate"] == D("2.5")  # 1000 / 40000
    assert v["time_elapsed_share"] == D("8.3")
    assert v["lag_points"] == D("5.8")  # 8.3 − 2.5
    assert v["not_started_count"] == 0  # nobody planned to start by 31 January
    assert v["fai_last_year"] == D("110.00")  # last year's figure is there all the same
    assert [p.values["fai_ytd"] for p in r.by_county] == [None, None]


def test_combined_january_february_figure(town, admin):
    v = values(compute(admin, town.city, month=2))
    assert v["fai_ytd"] == D("15.00")  # the 1-2月 figure, 150000 万元
    assert v["fai_yoy_growth"] == D("25.0")  # (150000 − 120000) / 120000
    assert (v["fai_rank"], v["fai_peer_count"]) == (1, 1)  # nobody else published 1-2月
    assert v["completed_ytd"] == D("0.25")  # 1000 + 1500


def test_region_without_base_or_last_year_and_without_projects(town, admin):
    v = values(compute(admin, town.city_d))
    assert v["fai_ytd"] == D("10.00")
    assert v["fai_yoy_growth"] is None and v["fai_rank"] is None  # no comparable base
    assert v["fai_peer_count"] == 3  # the three cities that have a growth
    assert v["fai_last_year"] is None and v["fai_last_year_growth"] is None
    assert v["fai_target_amount"] is None and v["period_target"] is None and v["target_plan_gap"] is None
    # No projects: zero denominators give None, never 0.
    assert v["key_projects_count"] == 0 and v["annual_planned_investment"] == D("0.00")
    assert v["plan_completion_rate"] is None and v["lag_points"] is None
    assert v["start_rate"] is None and v["leader_start_rate"] is None
    assert v["share_government"] is None
    assert v["provincial_share"] == D("0.0")  # 0 / 400


def test_start_rate_none_when_nothing_planned_to_start(town, admin):
    # 甲区 with the industry set: K2 only, planned for 2026 → 1 of 1; in 2027 (no plan) nothing.
    assert compute(admin, town.county_a, project_set="category:industry")["start_rate"].value == D("100.0")
    r = compute(admin, town.county_a, project_set="category:infrastructure")  # K1: 续建 only
    assert r["planned_new_starts"].value == 0 and r["start_rate"].value is None
    assert r["plan_completion_rate"].value == D("25.0")  # 5000 / 20000


# --- sets and scope ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("project_set", "count", "planned"),
    [
        ("all", 4, D("4.00")),
        ("leader", 3, D("3.80")),  # K1, K2, K3: 20000 + 10000 + 8000
        ("level:provincial", 2, D("2.80")),  # K1, K3
        ("level:county", 1, D("0.20")),  # K4
        ("category:industry", 2, D("1.20")),  # K2, K4
    ],
)
def test_project_sets(town, admin, project_set, count, planned):
    r = compute(admin, town.city, project_set=project_set)
    assert r.project_set == project_set
    assert (r["key_projects_count"].value, r["annual_planned_investment"].value) == (count, planned)


@pytest.mark.parametrize(
    "project_set", ["bogus", "level:national", "category:", "leader:1", "", "person:", "person:x", "person:01"]
)
def test_unknown_set_is_refused_in_chinese(town, admin, project_set):
    with pytest.raises(ValueError, match="未知的项目范围"):
        compute(admin, town.city, project_set=project_set)


def test_county_user_gets_only_its_county(town):
    county_user = town.users[Role.COUNTY_USER]  # 甲区
    v = values(compute(county_user, town.county_a))
    assert v["key_projects_count"] == 2  # K1, K2
    assert v["annual_planned_investment"] == D("3.00")
    assert v["completed_ytd"] == D("0.58")
    # Even asked about the whole city, the projects stay the county's.
    assert values(compute(county_user, town.city))["key_projects_count"] == 2


def test_same_call_smaller_for_a_narrower_scope(town, admin):
    dept_user = town.users[Role.DEPARTMENT_USER]  # sees K2 (leads it) only among the key projects
    full, narrow = values(compute(admin, town.city)), values(compute(dept_user, town.city))
    assert (full["key_projects_count"], narrow["key_projects_count"]) == (4, 1)
    assert (full["annual_planned_investment"], narrow["annual_planned_investment"]) == (D("4.00"), D("1.00"))
    assert (full["completed_ytd"], narrow["completed_ytd"]) == (D("0.58"), D("0.08"))
    assert narrow["statistics_candidates_count"] == 1  # K2
    assert narrow["fai_ytd"] == full["fai_ytd"]  # published statistics are the same for everyone


# --- efficiency ------------------------------------------------------------------------


def _add_projects(town, n, start):
    for i in range(n):
        p = f.ProjectFactory(
            name=f"批量项目{start + i}",
            region=town.county_a if i % 2 else town.county_b,
            owner_unit=town.owner,
            lead_official=town.leader if i % 3 == 0 else None,
            actual_start_date=datetime.date(2026, 4, 1) if i % 2 else None,
            stage=Stage.UNDER_CONSTRUCTION if i % 2 else Stage.PRELIMINARY,
            total_investment=D(1000),
        )
        f.AnnualPlanFactory(project=p, year=YEAR, planned_investment=D(100))
        for month in (4, 5):
            f.MonthlyReportFactory(project=p, year=YEAR, month=month, completed_investment=D(10), problems="问题")


def test_query_count_does_not_grow_with_projects(world):
    admin = world.users[Role.CITY_ADMIN]
    StatisticsSettings.current()
    _add_projects(world, 3, 0)
    with CaptureQueriesContext(connection) as few:
        small = compute(admin, world.city)
    _add_projects(world, 27, 3)
    with CaptureQueriesContext(connection) as many:
        large = compute(admin, world.city)
    assert (small["key_projects_count"].value, large["key_projects_count"].value) == (3, 30)
    assert len(few) == len(many) <= 10


# --- the contract ---------------------------------------------------------------------

EXPECTED_KEYS = {
    "key_projects_count",
    "key_projects_total_investment",
    "annual_planned_investment",
    "leader_projects_count",
    "leaders_count",
    "started_count",
    "planned_new_starts",
    "new_starts_started",
    "start_rate",
    "leader_started_count",
    "leader_start_rate",
    "leader_planned_new_starts",
    "leader_new_starts_started",
    "unverified_reports",
    "completed_ytd",
    "plan_completion_rate",
    "time_elapsed_share",
    "lag_points",
    "fai_ytd",
    "fai_yoy_growth",
    "fai_rank",
    "fai_peer_count",
    "fai_last_year",
    "fai_last_year_growth",
    "fai_target_amount",
    "fai_target_growth",
    "period_target",
    "period_gap",
    "period_target_linear",
    "period_gap_linear",
    "target_plan_gap",
    "share_government",
    "share_enterprise",
    "share_private",
    *(f"share_{value}" for value in Category.values),
    "provincial_projects_count",
    "provincial_share",
    "statistics_candidates_count",
    "statistics_candidates_investment",
    "days_to_statistics_deadline",
    "not_started_count",
}


def test_every_indicator_is_there_with_label_unit_and_definition(town, admin):
    r = compute(admin, town.city)
    assert set(r.indicators) == EXPECTED_KEYS
    for key, indicator in r.indicators.items():
        assert indicator.key == key and indicator.label and indicator.definition
        assert indicator.unit in {"个", "名", "份", "亿元", "%", "个百分点", "位", "天"}


def test_readme_glossary_lists_every_indicator():
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    glossary = readme.split("## Glossary of indicators", 1)[1]
    assert [key for key in sorted(EXPECTED_KEYS) if f"`{key}`" not in glossary] == []


# --- definitions as officials mean them (issue 16) ------------------------------------


def test_unverified_reports_are_counted_and_a_verified_only_switch(town, admin):
    r = compute(admin, town.city)
    # Counted in 1-6月 but only submitted: K1 January, June; K2 April; K3 May, June.
    assert r["unverified_reports"].value == 5
    assert r["unverified_reports"].unit == "份"
    assert r["unverified_reports"].project_ids == ids(town.k1, town.k2, town.k3)
    assert r.verified_only is False
    verified = indicators_compute(user=admin, region=town.city, year=YEAR, month=6, verified_only=True)
    assert verified.verified_only is True
    # Verified only: K1 February 1500 + March 2000 = 3500 万元; K3 April 0; K2 none.
    assert verified["completed_ytd"].value == D("0.35")
    assert verified["completed_ytd"].project_ids == ids(town.k1, town.k3)
    assert verified["plan_completion_rate"].value == D("8.8")  # 3500 / 40000 = 8.75
    assert verified["unverified_reports"].value == 5  # still said, though left out
    assert [p.values["completed_ytd"] for p in verified.by_month] == [
        D("0.00"),
        D("0.15"),
        D("0.35"),
        D("0.35"),
        D("0.35"),
        D("0.35"),
    ]
    # In 1-3月 only K1's January report is unverified (June is later).
    assert compute(admin, town.city, month=3)["unverified_reports"].value == 1


def test_only_people_flagged_as_city_leaders_count(town, admin):
    town.leader_li.is_city_leader = False
    town.leader_li.save()
    r = compute(admin, town.city)
    assert r["leaders_count"].value == 1  # 王 only: 李 is not flagged as a city leader
    assert r["leader_projects_count"].value == 2  # K1, K2 (K3's lead is 李)
    assert r["leader_projects_count"].project_ids == ids(town.k1, town.k2)
    assert compute(admin, town.city, project_set="leader")["key_projects_count"].value == 2


def test_leader_start_rate_has_its_own_counts(town, admin):
    r = compute(admin, town.city)
    # Leader projects K1 (续建), K2, K3: planned new starts K2, K3; of those K2 started.
    assert r["leader_projects_count"].value == 3
    assert r["leader_started_count"].value == 2  # K1, K2: not the numerator of the rate
    assert r["leader_planned_new_starts"].value == 2
    assert r["leader_planned_new_starts"].project_ids == ids(town.k2, town.k3)
    assert r["leader_new_starts_started"].value == 1
    assert r["leader_new_starts_started"].project_ids == ids(town.k2)
    assert r["leader_start_rate"].value == D("50.0")  # 1 / 2, the counts said beside it


def test_statistics_candidates_of_a_past_period_go_by_the_inclusion_date(town, admin):
    # K1 entered statistics on 10 July: in 1-6月 it was still a candidate, from July on not.
    town.k1.statistics_included_on = datetime.date(2026, 7, 10)
    town.k1.save()
    june = compute(admin, town.city)
    assert june["statistics_candidates_count"].value == 3  # K1, K2, N1
    assert june["statistics_candidates_count"].project_ids == ids(town.k1, town.k2, town.n1)
    assert june["statistics_candidates_investment"].value == D("8.06")  # 50000 + 30000 + 600
    july = compute(admin, town.city, month=7)
    assert july["statistics_candidates_count"].project_ids == ids(town.k2, town.n1)


def test_not_started_includes_earlier_years_planned_starts(town, admin):
    # K4 was due to start in November 2025 and still has not.
    town.k4.planned_start_date = datetime.date(2025, 11, 1)
    town.k4.save()
    r = compute(admin, town.city)
    assert r["not_started_count"].value == 2  # K3 (2026-05-01) and K4 (2025-11-01)
    assert r["not_started_count"].project_ids == ids(town.k3, town.k4)
    assert [row["name"] for row in r.not_started] == ["乙县物流园", "乙县医院"]  # earliest due first
    assert compute(admin, town.city, month=1)["not_started_count"].value == 1  # K4 only


def test_county_series_has_a_city_level_row_that_makes_it_add_up(town, admin):
    own = f.ProjectFactory(
        name="市本级体育中心",
        region=town.city,
        owner_unit=town.owner,
        category=Category.SOCIAL,
        investor_type=InvestorType.GOVERNMENT,
        total_investment=D(9000),
    )
    f.AnnualPlanFactory(project=own, year=YEAR, planned_investment=D(5000))
    r = compute(admin, town.city)
    assert [p.label for p in r.by_county] == ["甲区", "乙县", "市本级"]
    city_row = r.by_county[-1]
    assert city_row.key == "610300" and city_row.project_ids == ids(own)
    assert city_row.values["key_projects"] == 1 and city_row.values["annual_planned"] == D("0.50")
    assert city_row.values["fai_ytd"] is None and city_row.values["fai_rank"] is None
    # 2 + 2 + 1 = 5 key projects; 3.00 + 1.00 + 0.50 = 4.50 亿元 planned.
    assert sum(p.values["key_projects"] for p in r.by_county) == r["key_projects_count"].value == 5
    assert sum(p.values["annual_planned"] for p in r.by_county) == r["annual_planned_investment"].value


def test_no_city_level_row_without_city_level_projects(town, admin):
    assert [p.label for p in compute(admin, town.city).by_county] == ["甲区", "乙县"]


def test_target_plan_gap_only_for_the_region_s_whole_set(town, admin):
    assert compute(admin, town.city)["target_plan_gap"].value == D("128.00")
    leader_user = town.users[Role.CITY_LEADER]  # sees the whole city
    assert compute(leader_user, town.city)["target_plan_gap"].value == D("128.00")
    # A project set, or a user who sees part of the city: no region-wide gap against it.
    part = compute(admin, town.city, project_set="category:industry")
    assert part.whole_set is False and part["target_plan_gap"].value is None
    assert compute(admin, town.city, project_set="leader")["target_plan_gap"].value is None
    dept = compute(town.users[Role.DEPARTMENT_USER], town.city)
    assert dept.whole_set is False and dept["target_plan_gap"].value is None
    assert dept["fai_target_amount"].value == D("132.00")  # the target itself is still said


def test_one_leader_s_projects(town, admin):
    r = compute(admin, town.city, project_set=f"person:{town.leader.pk}")
    # 王: K1 (续建, 20000 planned, 5000 done) and K2 (10000 planned, 800 done).
    assert r["key_projects_count"].project_ids == ids(town.k1, town.k2)
    assert r["annual_planned_investment"].value == D("3.00")
    assert r["completed_ytd"].value == D("0.58")
    assert r["plan_completion_rate"].value == D("19.3")  # 5800 / 30000
    assert r.whole_set is False and r["target_plan_gap"].value is None
