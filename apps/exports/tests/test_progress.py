"""月度推进情况表: amounts from the reporting selectors (counted reports only), grouping, scope."""

import datetime

import pytest
from django.urls import reverse

from apps.accounts.models import User

from .conftest import MONTH, YEAR
from .sheets import body, csv_rows, rows, sheet_xml

PROGRESS_LABELS = [
    "序号", "项目代码", "项目名称", "建设单位", "所在县区", "总投资", "年度计划投资", "上月累计完成", "本月完成",
    "1-10月完成投资", "开工以来累计完成", "占年度计划（%）", "形象进度", "完成比例（%）", "实际开工日期",
    "存在问题", "下步措施",
]  # fmt: skip


def _get(client, user, fmt="xlsx", **params):
    client.force_login(user)
    response = client.get(reverse("exports:progress", args=[fmt]), {"year": YEAR, "month": MONTH, **params})
    assert response.status_code == 200
    return body(response)


def test_progress_table_by_county_with_hand_worked_totals(client, period):
    content = _get(client, _admin(client), group="county")
    sheet = rows(content)
    assert sheet[0][0] == "示范市2026年1-10月重点项目推进情况表"
    assert sheet[1][0] == "单位：万元"
    assert sheet[2][:5] == PROGRESS_LABELS[:5] and sheet[2][5] == "投资完成情况"
    assert sheet[2][12:] == PROGRESS_LABELS[12:] and sheet[3][5:12] == PROGRESS_LABELS[5:12]
    assert sheet[4][0] == "一、甲区（2个）"
    # 甲区: p_a (10000) then p_d (2500.5), the list's order (total investment, descending).
    p_a = sheet[5]
    assert p_a[2:5] == ["甲区快速路", "甲区城投公司", "甲区"]
    assert p_a[5:12] == [10000, 3000, 150, 30, 180, 250, 6.0]
    assert p_a[12:] == ["主体完工", 40, datetime.date(2026, 4, 1), "=征地未完成", "协调自然资源局"]
    p_d = sheet[6]
    assert p_d[2] == "甲区产业园" and p_d[5:12] == [2500.5, 800.25, 0, "", 0, 0, 0]
    assert sheet[7][2] == "小计" and sheet[7][5:12] == [12500.5, 3800.25, 150, 30, 180, 250, 4.7]
    assert sheet[8][0] == "二、乙县（2个）"
    # The draft (999) and the returned report (5) do not count.
    assert [row[8] for row in sheet[9:11]] == ["", ""] and [row[9] for row in sheet[9:11]] == [0, 0]
    assert sheet[11][2] == "小计" and sheet[11][5:12] == [20000, 0, 0, 0, 0, 0, ""]
    assert sheet[12][2] == "合计" and sheet[12][5:12] == [32500.5, 3800.25, 150, 30, 180, 250, 4.7]
    xml = sheet_xml(content)
    assert {"A3:A4", "C3:C4", "F3:L3", "M3:M4", "A5:Q5"} <= xml.merges
    assert xml.formula("J13") == ("SUBTOTAL(9,J5:J12)", "180")
    assert xml.formula("L8") == ('IF(N(G8)>0,ROUND(J8/G8*100,1),"")', "4.7")
    assert xml.defined_names["KP_PERIOD"] == '"2026-10"'


def _admin(client):
    return User.objects.get(username="admin")


def test_county_user_gets_its_county_only_and_the_csv_has_the_same_labels(client, period):
    lines = csv_rows(_get(client, User.objects.get(username="county"), fmt="csv"))
    assert lines[0] == PROGRESS_LABELS
    assert [line[2] for line in lines[1:]] == ["甲区快速路", "甲区产业园"]
    assert lines[1][5:12] == ["10000", "3000", "150", "30", "180", "250", "6.0"]
    assert lines[1][15] == "'=征地未完成"


def test_filters_apply_to_the_progress_table(client, period):
    sheet = rows(_get(client, _admin(client), category="industry"))
    assert [row[2] for row in sheet[4:] if row[1]] == ["甲区产业园"]


@pytest.mark.parametrize(("params", "field"), [({"month": ""}, "month"), ({"month": 13}, "month")])
def test_a_period_is_required(client, period, params, field):
    client.force_login(_admin(client))
    response = client.get(reverse("exports:progress", args=["xlsx"]), {"year": YEAR, **params}, follow=True)
    assert "未导出" in response.content.decode()


def test_reporting_pages_offer_the_period_exports(client, period):
    client.force_login(User.objects.get(username="county"))
    page = client.get(reverse("reporting:unreported")).content.decode()
    assert "/exports/progress.xlsx?year=2026&amp;month=10&amp;group=county" in page
    assert "/exports/template.xlsx?year=2026&amp;month=10" in page
    assert f"owner_unit={User.objects.get(username='owner').organisation_id}" in page
