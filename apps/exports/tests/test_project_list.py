"""项目清单 export: layout, grouping with 小计/合计, scope, filters, record, query count."""

import datetime
import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Role
from apps.audit.models import AppendOnlyError
from apps.exports.models import ExportRecord
from tests import factories as f
from tests.scope_table import PROJECTS, SEES

from .sheets import body, csv_rows, rows, sheet_xml

PLAN_LABELS = [
    "序号", "项目名称", "项目代码", "所在县区", "建设地点", "项目级别", "项目类别", "投资主体", "项目阶段",
    "建设内容及规模", "总投资", "2026年计划投资", "计划开工日期", "计划竣工日期", "实际开工日期",
    "包抓领导", "牵头单位", "建设单位", "协作单位",
]  # fmt: skip


def _get(client, user, fmt="xlsx", **params):
    client.force_login(user)
    response = client.get(reverse("exports:projects", args=[fmt]), {"year": 2026, **params})
    assert response.status_code == 200
    return body(response)


def test_grouped_by_category_with_subtotals_and_total(client, city):
    admin = city.users[Role.CITY_ADMIN]
    content = _get(client, admin, group="category")
    sheet = rows(content)
    assert sheet[0][0] == "示范市2026年重大项目清单"
    assert sheet[1][0] == "单位：万元" and sheet[1][15].startswith("导出时间：")
    assert sheet[2][:10] == PLAN_LABELS[:10] and sheet[2][10] == "投资（万元）" and sheet[2][15] == "责任体系"
    assert sheet[3][10:] == PLAN_LABELS[10:]
    # 基础设施 (Category order) first: p_a, p_b, p_c (10000 each, by id); then 产业: p_d.
    assert sheet[4][0] == "一、基础设施项目（3个）"
    assert [row[1] for row in sheet[5:8]] == ["甲区快速路", "乙县水厂", "乙县学校"]
    assert sheet[8][1] == "小计" and sheet[8][10:12] == [30000, 3000]
    assert sheet[9][0] == "二、产业项目（1个）"
    first = sheet[10]
    assert first[:9] == [4, "甲区产业园", first[2], "甲区", "甲区东郊", "市级重点", "产业", "政府投资", "前期"]
    assert first[10:14] == [2500.5, 800.25, datetime.date(2026, 3, 1), datetime.date(2028, 12, 31)]
    assert first[17] == "甲区城投公司"
    assert sheet[11][1] == "小计" and sheet[11][10:12] == [2500.5, 800.25]
    assert sheet[12][1] == "合计" and sheet[12][10:12] == [32500.5, 3800.25]
    # 协作单位 joined with "、"; 包抓领导 and 牵头单位 by name.
    assert sheet[6][18] == "市交通运输局" and sheet[5][15:17] == ["王副市长", "市交通运输局"]

    xml = sheet_xml(content)
    assert {"A1:S1", "A3:A4", "B3:B4", "K3:L3", "M3:O3", "P3:S3", "A5:S5", "A10:S10"} <= xml.merges
    assert xml.formula("K9") == ("SUBTOTAL(9,K6:K8)", "30000")
    assert xml.formula("L12") == ("SUBTOTAL(9,L11:L11)", "800.25")
    assert xml.formula("K13") == ("SUBTOTAL(9,K5:K12)", "32500.5")
    pane = xml.one("m:sheetViews/m:sheetView/m:pane")
    assert (pane.get("xSplit"), pane.get("ySplit"), pane.get("state")) == ("2", "4", "frozen")
    setup = xml.one("m:pageSetup")
    assert (setup.get("paperSize"), setup.get("orientation"), setup.get("fitToHeight")) == ("9", "landscape", "0")
    assert xml.one("m:sheetPr/m:pageSetUpPr").get("fitToPage") == "1"
    assert xml.one("m:headerFooter/m:oddFooter").text == "&C第 &P 页，共 &N 页"
    assert xml.defined_names["_xlnm.Print_Titles"] == "项目清单!$3:$4"
    assert float(xml.one("m:cols/m:col[@min='2']").get("width")) > 20
    assert xml.defined_names["KP_KIND"] == '"project_list"'


def test_grouped_by_county_counts_per_county(client, city):
    sheet = rows(_get(client, city.users[Role.CITY_ADMIN], group="county"))
    groups = [row[0] for row in sheet if str(row[0]).endswith("个）")]
    assert groups == ["一、甲区（2个）", "二、乙县（2个）"]
    subtotals = [row[10] for row in sheet if row[1] == "小计"]
    assert subtotals == [12500.5, 20000]


def test_csv_has_a_bom_the_same_labels_and_chinese_choice_labels_in_english_ui(client, city):
    client.force_login(city.users[Role.CITY_ADMIN])
    client.post(reverse("set_language"), {"language": "en", "next": "/projects/"})
    response = client.get(reverse("projects:export", args=["csv"]), {"category": "industry"})
    lines = csv_rows(body(response))
    assert lines[0] == PLAN_LABELS
    assert lines[1:] == [
        ["1", "甲区产业园", lines[1][2], "甲区", "甲区东郊", "市级重点", "产业", "政府投资", "前期", "新建道路 5 公里",
         "2500.5", "800.25", "2026-03-01", "2028-12-31", "", "", "", "甲区城投公司", ""],
    ]  # fmt: skip


@pytest.mark.parametrize("role", list(Role))
def test_exports_contain_exactly_the_scope(client, world, role):
    sheet = csv_rows(_get(client, world.users[role], fmt="csv"))
    names = {row[1] for row in sheet[1:]}
    assert names == {getattr(world, key).name for key in PROJECTS if key in SEES[role]}


def test_filters_are_honoured_and_a_region_outside_the_scope_is_refused(client, city):
    county = city.users[Role.COUNTY_USER]
    sheet = csv_rows(_get(client, county, fmt="csv", q="产业"))
    assert [row[1] for row in sheet[1:]] == ["甲区产业园"]
    client.force_login(county)
    response = client.get(reverse("exports:projects", args=["csv"]), {"region": city.county_b.pk})
    assert response.status_code == 302
    assert not ExportRecord.objects.filter(user=county, file_format="csv", filters__region=str(city.county_b.pk))


def test_bad_options_export_nothing(client, city):
    client.force_login(city.users[Role.CITY_ADMIN])
    response = client.get(reverse("exports:projects", args=["xlsx"]), {"group": "owner"}, follow=True)
    assert "未导出" in response.content.decode()
    assert client.get(reverse("exports:projects", args=["pdf"])).status_code == 404
    assert ExportRecord.objects.count() == 0


def test_export_is_recorded_with_hash_and_append_only(client, city):
    admin = city.users[Role.CITY_ADMIN]
    content = _get(client, admin, group="county", stage="preliminary")
    record = ExportRecord.objects.get()
    assert record.user == admin and record.kind == "project_list" and record.file_format == "xlsx"
    assert record.row_count == 4 and record.size == len(content)
    assert record.sha256 == hashlib.sha256(content).hexdigest()
    assert record.filters == {"year": "2026", "group": "county", "stage": "preliminary", "format": "xlsx"}
    assert record.file_name.startswith("项目清单-") and record.file_name.endswith(".xlsx")
    record.user_name = "x"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        ExportRecord.objects.all().delete()


def test_record_list_for_the_auditor_and_own_records_for_others(client, city):
    _get(client, city.users[Role.COUNTY_USER], fmt="csv")
    _get(client, city.users[Role.OWNER_REPORTER], fmt="csv")
    client.force_login(city.users[Role.AUDITOR])
    page = client.get(reverse("exports:records")).content.decode()
    assert page.count("项目清单-") == 2
    client.force_login(city.users[Role.COUNTY_USER])
    page = client.get(reverse("exports:records")).content.decode()
    assert page.count("项目清单-") == 1


def _queries(client, user, **params) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert (
            client.get(reverse("exports:projects", args=["xlsx"]), {"group": "category", **params}).status_code == 200
        )
    return len(captured)


def test_query_count_does_not_grow_with_projects(client, city):
    admin = city.users[Role.CITY_ADMIN]
    for _n in range(6):
        f.ProjectFactory(region=city.county_a, owner_unit=city.owner, partner_units=[city.dept, city.other_dept])
    small = _queries(client, admin)
    for _n in range(40):
        project = f.ProjectFactory(region=city.county_b, owner_unit=city.other_owner, partner_units=[city.dept])
        f.AnnualPlanFactory(project=project, year=2026)
    assert _queries(client, admin) == small
    assert small <= 10


def test_dashboard_drill_down_export_is_recorded_too(client, city):
    client.force_login(city.users[Role.CITY_ADMIN])
    response = client.get(reverse("dashboard:projects_export", args=["xlsx"]), {"indicator": "key_projects_count"})
    assert response.status_code == 200
    assert ExportRecord.objects.get().kind == "project_list"
    assert "项目清单" in rows(body(response))[0][0]
