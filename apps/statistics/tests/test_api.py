"""The indicator and official-figure API: shapes, values as strings, scope, errors, writes
with their change records. The figures are those worked out in test_indicators."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.statistics import services
from apps.statistics.models import ProvinceListTotal, RegionStat, RegionTarget, StatisticsSettings
from apps.statistics.tests.test_indicators import build_town
from tests import factories as f

API = "/api/v1"
JSON = "application/json"


@pytest.fixture
def town(world):
    return build_town(world)


def login(client, town, role):
    client.force_login(town.users[role])
    return client


def indicators(client, **params):
    return client.get(f"{API}/indicators", {"year": 2026, "month": 6, **params})


def by_key(body):
    return {item["key"]: item for item in body["indicators"]}


# --- /indicators ------------------------------------------------------------------------


def test_indicators_shape_and_values(client, town):
    login(client, town, Role.CITY_ADMIN)
    response = indicators(client, region=town.city.pk)
    assert response.status_code == 200
    body = response.json()
    assert body["region"] == {"id": town.city.pk, "code": "610300", "name": "示范市"}
    assert (body["year"], body["month"], body["set"]) == (2026, 6, "all")
    assert set(body) == {
        "region",
        "year",
        "month",
        "set",
        "verified_only",
        "whole_set",
        "indicators",
        "by_month",
        "by_county",
        "by_category",
        "by_investor_type",
        "not_started",
    }
    items = by_key(body)
    assert set(items["start_rate"]) == {"key", "label", "value", "unit", "project_ids", "definition"}
    assert items["key_projects_count"]["value"] == 4
    assert items["key_projects_count"]["project_ids"] == sorted([town.k1.pk, town.k2.pk, town.k3.pk, town.k4.pk])
    assert items["annual_planned_investment"] == {
        **items["annual_planned_investment"],
        "value": "4.00",
        "unit": "亿元",
    }
    assert items["start_rate"]["value"] == "33.3" and items["start_rate"]["unit"] == "%"
    assert items["start_rate"]["label"] and items["start_rate"]["definition"]
    assert items["fai_rank"]["value"] == 2 and items["fai_rank"]["project_ids"] == []
    assert items["fai_yoy_growth"]["value"] == "20.0"
    assert items["period_gap"]["value"] == "-5.75"  # 500000 × 1.085 = 542500 − 600000
    assert items["lag_points"]["value"] == "35.5"
    assert body["by_month"][-1] == {
        "key": "6",
        "label": "1-6月",
        "values": {"completed_ytd": "0.58", "plan_share": "14.5", "time_share": "50.0"},
        "project_ids": [],
    }
    assert [p["label"] for p in body["by_county"]] == ["甲区", "乙县"]
    assert body["by_county"][1]["values"]["fai_rank"] == 2
    assert body["by_investor_type"][0]["key"] == "government"
    assert body["not_started"] == [
        {
            "project_id": town.k3.pk,
            "name": "乙县医院",
            "region": "乙县",
            "planned_start_date": "2026-05-01",
            "planned_start_precision": "day",
            "problems": "征地未完成",
        }
    ]


def test_null_values_and_ids_switch(client, town):
    login(client, town, Role.AUDITOR)  # any region; 丁市 has no base and no projects
    items = by_key(indicators(client, region=town.city_d.pk, ids="false").json())
    assert items["fai_yoy_growth"]["value"] is None
    assert items["plan_completion_rate"]["value"] is None
    items = by_key(indicators(client, region=town.city.pk, ids="false").json())
    assert items["key_projects_count"]["value"] == 4 and items["key_projects_count"]["project_ids"] == []


def test_set_parameter(client, town):
    login(client, town, Role.CITY_ADMIN)
    body = indicators(client, region=town.city.pk, set="leader").json()
    assert body["set"] == "leader"
    assert by_key(body)["key_projects_count"]["value"] == 3  # K1, K2, K3
    body = indicators(client, region=town.city.pk, set="level:provincial").json()
    assert by_key(body)["annual_planned_investment"]["value"] == "2.80"  # K1 20000 + K3 8000


def test_bad_set_is_422_in_chinese(client, town):
    login(client, town, Role.CITY_ADMIN)
    response = indicators(client, region=town.city.pk, set="level:national")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "提交的数据有误。"
    assert "未知的项目范围" in body["errors"]["set"][0]


def test_bad_month_is_422(client, town):
    login(client, town, Role.CITY_ADMIN)
    assert indicators(client, region=town.city.pk, month=13).status_code == 422


def test_region_defaults_to_the_users_region(client, town):
    login(client, town, Role.COUNTY_USER)
    body = client.get(f"{API}/indicators", {"year": 2026, "month": 6}).json()
    assert body["region"]["id"] == town.county_a.pk
    assert by_key(body)["key_projects_count"]["value"] == 2  # K1, K2


def test_region_outside_the_users_region_is_404(client, town):
    login(client, town, Role.COUNTY_USER)  # 甲区
    assert indicators(client, region=town.county_b.pk).status_code == 404
    assert indicators(client, region=town.city.pk).status_code == 404
    assert indicators(client, region=999999).status_code == 404


def test_department_user_any_region_but_scoped_projects(client, town):
    login(client, town, Role.DEPARTMENT_USER)
    body = indicators(client, region=town.city.pk).json()
    assert by_key(body)["key_projects_count"]["value"] == 1  # K2, the project its department leads
    body = client.get(f"{API}/indicators", {"year": 2026, "month": 6}).json()
    assert body["region"]["id"] == town.city.pk  # no region of its own: the city


def test_anonymous_is_401(client, town):
    assert indicators(client, region=town.city.pk).status_code == 401
    assert client.get(f"{API}/region-stats").status_code == 401


# --- /region-stats and /region-targets ------------------------------------------------


def test_region_stats_list_with_filters(client, town):
    login(client, town, Role.COUNTY_USER)  # published figures: everyone signed in reads them
    body = client.get(f"{API}/region-stats", {"region": town.city.pk, "year": 2026, "month": 6}).json()
    assert body == [
        {
            "id": RegionStat.objects.get(region=town.city, year=2026, month=6).pk,
            "region": {"id": town.city.pk, "code": "610300", "name": "示范市"},
            "year": 2026,
            "month": 6,
            "fai_ytd": "600000",
            "comparable_base": "500000",
            "yoy_growth": "20.0",
        }
    ]
    body = client.get(f"{API}/region-stats", {"parent": town.city.pk, "year": 2026}).json()
    assert [item["region"]["name"] for item in body] == ["甲区", "乙县"]
    body = client.get(f"{API}/region-stats", {"region": town.city_d.pk}).json()
    assert body[0]["comparable_base"] is None and body[0]["yoy_growth"] is None


def test_admin_posts_region_stat_with_one_change_record(client, town):
    login(client, town, Role.CITY_ADMIN)
    before = ChangeRecord.objects.count()
    body = {"region": town.city_b.pk, "year": 2026, "month": 7, "fai_ytd": "350000.5", "comparable_base": 300000}
    response = client.post(f"{API}/region-stats", body, content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json()["fai_ytd"] == "350000.5" and response.json()["month"] == 7
    assert ChangeRecord.objects.count() == before + 1
    record = ChangeRecord.objects.latest("id")
    assert record.action == "create" and record.before is None
    assert record.after["fai_ytd"] == "350000.5" and record.user == town.users[Role.CITY_ADMIN]
    # The same region and month again: an update of the one row, with before and after.
    body["fai_ytd"] = "360000"
    response = client.post(f"{API}/region-stats", body, content_type=JSON)
    assert response.status_code == 200
    assert RegionStat.objects.filter(region=town.city_b, year=2026, month=7).count() == 1
    assert ChangeRecord.objects.count() == before + 2
    record = ChangeRecord.objects.latest("id")
    assert record.action == "update"
    assert (record.before["fai_ytd"], record.after["fai_ytd"]) == ("350000.5", "360000")
    # Unchanged: no record.
    client.post(f"{API}/region-stats", body, content_type=JSON)
    assert ChangeRecord.objects.count() == before + 2


@pytest.mark.parametrize("role", [Role.COUNTY_USER, Role.CITY_LEADER, Role.DEPARTMENT_USER, Role.AUDITOR])
def test_others_may_not_post(client, town, role):
    login(client, town, role)
    before = (RegionStat.objects.count(), RegionTarget.objects.count(), ChangeRecord.objects.count())
    stat = {"region": town.city.pk, "year": 2026, "month": 7, "fai_ytd": "1"}
    assert client.post(f"{API}/region-stats", stat, content_type=JSON).status_code == 403
    target = {"region": town.city.pk, "year": 2027, "growth_pct": "8", "amount": "1"}
    assert client.post(f"{API}/region-targets", target, content_type=JSON).status_code == 403
    assert (RegionStat.objects.count(), RegionTarget.objects.count(), ChangeRecord.objects.count()) == before


def test_january_is_refused_in_chinese(client, town):
    login(client, town, Role.CITY_ADMIN)
    body = {"region": town.city.pk, "year": 2027, "month": 1, "fai_ytd": "1000"}
    response = client.post(f"{API}/region-stats", body, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["errors"]["month"] == ["1月不单独发布，请填报1-2月（月份填2）。"]
    assert not RegionStat.objects.filter(year=2027).exists()


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("region-stats", {"year": 2027, "month": 2, "fai_ytd": "-1"}, "fai_ytd"),
        ("region-stats", {"year": 2027, "month": 2, "fai_ytd": "1", "comparable_base": "-0.5"}, "comparable_base"),
        ("region-targets", {"year": 2027, "growth_pct": "8", "amount": "-100"}, "amount"),
    ],
)
def test_negative_money_is_refused(client, town, url, body, field):
    login(client, town, Role.CITY_ADMIN)
    before = ChangeRecord.objects.count()
    response = client.post(f"{API}/{url}", {"region": town.city.pk, **body}, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["errors"][field] == ["金额不能为负数。"]
    assert ChangeRecord.objects.count() == before


def test_unknown_region_is_422(client, town):
    login(client, town, Role.CITY_ADMIN)
    body = {"region": 999999, "year": 2027, "month": 2, "fai_ytd": "1"}
    response = client.post(f"{API}/region-stats", body, content_type=JSON)
    assert response.status_code == 422 and response.json()["errors"]["region"] == ["所选对象不存在。"]


def test_region_targets_list_and_post(client, town):
    login(client, town, Role.CITY_ADMIN)
    body = client.get(f"{API}/region-targets", {"year": 2026}).json()
    assert body == [
        {
            "id": RegionTarget.objects.get(region=town.city).pk,
            "region": {"id": town.city.pk, "code": "610300", "name": "示范市"},
            "year": 2026,
            "growth_pct": "8.5",
            "amount": "1320000",
        }
    ]
    before = ChangeRecord.objects.count()
    response = client.post(
        f"{API}/region-targets",
        {"region": town.city_b.pk, "year": 2026, "growth_pct": 7.5, "amount": "800000"},
        content_type=JSON,
    )
    assert response.status_code == 200
    assert response.json()["growth_pct"] == "7.5" and response.json()["amount"] == "800000"
    assert ChangeRecord.objects.count() == before + 1
    assert ChangeRecord.objects.latest("id").after["growth_pct"] == "7.5"


# --- services without an endpoint ------------------------------------------------------


def test_province_list_total_and_settings_services(town):
    admin = town.users[Role.CITY_ADMIN]
    before = ChangeRecord.objects.count()
    total = services.province_list_total_upsert(
        actor=admin, province=town.province, year=2027, project_count=420, total_investment=Decimal("9000000")
    )
    assert total.list_name == "省级重点项目"
    settings = services.statistics_settings_update(actor=admin, statistics_threshold=Decimal("600"))
    assert settings.statistics_threshold == Decimal("600") and settings.statistics_deadline_day == 25
    assert ChangeRecord.objects.count() == before + 2
    with pytest.raises(ValidationError) as error:
        services.province_list_total_upsert(
            actor=admin, province=town.city, year=2027, project_count=1, total_investment=Decimal(1)
        )
    assert "province" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.statistics_settings_update(actor=admin, statistics_deadline_day=31)
    assert "statistics_deadline_day" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.statistics_settings_update(actor=town.users[Role.COUNTY_USER], statistics_threshold=Decimal(1))
    assert StatisticsSettings.current().statistics_threshold == Decimal("600")
    assert ProvinceListTotal.objects.filter(year=2027).count() == 1


def test_admin_pages_list_and_refuse_january(client, town):
    superuser = f.UserFactory(username="root", role=Role.CITY_ADMIN, region=town.city, is_staff=True, is_superuser=True)
    client.force_login(superuser)
    for model in ("regionstat", "regiontarget", "provincelisttotal", "statisticssettings"):
        assert client.get(f"/admin/statistics/{model}/").status_code == 200
    response = client.post(
        "/admin/statistics/regionstat/add/",
        {"region": town.city.pk, "year": 2027, "month": 1, "fai_ytd": "1", "comparable_base": ""},
    )
    assert response.status_code == 200 and "1月不单独发布" in response.content.decode()
    before = ChangeRecord.objects.count()
    response = client.post(
        "/admin/statistics/regionstat/add/",
        {"region": town.city.pk, "year": 2027, "month": 2, "fai_ytd": "1", "comparable_base": ""},
    )
    assert response.status_code == 302
    assert ChangeRecord.objects.count() == before + 1


def test_verified_only_switch(client, town):
    login(client, town, Role.CITY_ADMIN)
    body = indicators(client, region=town.city.pk, verified_only="true").json()
    items = by_key(body)
    assert body["verified_only"] is True and body["whole_set"] is True
    assert items["completed_ytd"]["value"] == "0.35"  # K1 February 1500 + March 2000 (verified)
    assert items["unverified_reports"]["value"] == 5
