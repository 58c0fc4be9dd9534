"""月报填报模板: pre-filled, protected, validated; scope per owner unit and county; the command."""

import datetime
import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.accounts.models import User
from apps.exports.models import ExportRecord
from apps.regions.models import Organisation

from .conftest import MONTH, YEAR
from .sheets import NS, body, rows, sheet_xml

TEMPLATE_LABELS = [
    "序号", "项目代码", "项目名称", "建设单位", "所在县区", "总投资", "年度计划投资", "上月累计完成", "本月完成",
    "1-10月完成投资", "形象进度", "完成比例（%）", "实际开工日期", "存在问题", "下步措施",
]  # fmt: skip


def _get(client, username, **params):
    client.force_login(User.objects.get(username=username))
    return client.get(reverse("exports:template"), {"year": YEAR, "month": MONTH, **params})


def test_owner_reporter_template_is_prefilled_locked_and_validated(client, period):
    response = _get(client, "owner")
    assert response.status_code == 200
    content = body(response)
    sheet = rows(content)
    assert sheet[0][0] == "甲区城投公司2026年10月重点项目月度进展填报表"
    assert sheet[1][0] == "单位：万元"
    assert sheet[2] == TEMPLATE_LABELS
    # Its own projects only (p_a, p_d), as on 我的月报 (by county code, then name).
    assert [row[2] for row in sheet[3:]] == ["甲区产业园", "甲区快速路"]
    p_d, p_a = sheet[3], sheet[4]
    assert p_a[5:10] == [10000, 3000, 150, 30, 180]
    assert p_a[10:] == ["主体完工", 40, datetime.date(2026, 4, 1), "=征地未完成", "协调自然资源局"]
    assert p_d[5:] == [2500.5, 800.25, 0, "", "", "", "", "", "", ""]

    xml = sheet_xml(content)
    protection = xml.one("m:sheetProtection")
    assert protection is not None and protection.get("sheet") == "1"
    # 1-10月 follows 本月完成 as the reporter types; blank until it is filled.
    assert xml.formula("J5") == ('IF(I5="","",N(H5)+I5)', "180")
    assert xml.formula("J4") == ('IF(I4="","",N(H4)+I4)', "")
    locked = _locked_by_column(content, row=5)
    assert [letter for letter, is_locked in locked.items() if not is_locked] == ["I", "K", "L", "M", "N", "O"]
    validations = {item.get("sqref"): item for item in xml.all("m:dataValidations/m:dataValidation")}
    money, share, start = validations["I4:I5"], validations["L4:L5"], validations["M4:M5"]
    assert (money.get("type"), money.get("operator"), money.find("m:formula1", NS).text) == (
        "decimal",
        "greaterThanOrEqual",
        "0",
    )
    assert (share.get("type"), share.find("m:formula1", NS).text, share.find("m:formula2", NS).text) == (
        "decimal",
        "0",
        "100",
    )
    assert start.get("type") == "date"
    # Input messages on the header cells of the fill columns.
    assert validations["I3"].get("promptTitle") == "本月完成" and validations["I3"].get("showInputMessage") == "1"
    assert xml.defined_names["KP_KIND"] == '"monthly_template"' and xml.defined_names["KP_PERIOD"] == '"2026-10"'
    pane = xml.one("m:sheetViews/m:sheetView/m:pane")
    assert pane.get("ySplit") == "3"
    assert ExportRecord.objects.get().kind == "template"


def _locked_by_column(content: bytes, *, row: int) -> dict[str, bool]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    xfs = styles.findall("m:cellXfs/m:xf", NS)
    result = {}
    for cell in sheet_xml(content).all(f"m:sheetData/m:row[@r='{row}']/m:c"):
        protection = xfs[int(cell.get("s", 0))].find("m:protection", NS)
        result[cell.get("r").rstrip("0123456789")] = protection is None or protection.get("locked") != "0"
    return result


def test_county_user_template_covers_its_county_optionally_per_owner_unit(client, period):
    owner = User.objects.get(username="owner").organisation
    sheet = rows(body(_get(client, "county")))
    assert sheet[0][0] == "甲区2026年10月重点项目月度进展填报表"
    assert [row[2] for row in sheet[3:]] == ["甲区产业园", "甲区快速路"]
    sheet = rows(body(_get(client, "county", owner_unit=owner.pk)))
    assert sheet[0][0].startswith("甲区城投公司") and len(sheet) == 5


def test_another_countys_owner_unit_is_not_found(client, period):
    other_owner = Organisation.objects.get(name="乙县建设公司")
    assert _get(client, "county", owner_unit=other_owner.pk).status_code == 404
    assert _get(client, "county", owner_unit=999999).status_code == 404
    assert ExportRecord.objects.count() == 0


@pytest.mark.parametrize("username", ["dept", "leader", "auditor"])
def test_roles_that_do_not_report_get_no_template(client, period, username):
    assert _get(client, username).status_code == 403


def test_a_period_that_does_not_exist_is_refused(client, period):
    client.force_login(User.objects.get(username="owner"))
    response = client.get(reverse("exports:template"), {"year": 2025, "month": 3}, follow=True)
    assert "2025年3月没有填报期" in response.content.decode()


def test_command_writes_one_template_per_owner_unit(period, tmp_path):
    call_command("export_templates", year=YEAR, month=MONTH, out=str(tmp_path), user="admin")
    files = sorted(Path(tmp_path).iterdir())
    assert [path.name for path in files] == [
        "月报模板-2026年10月-乙县建设公司.xlsx",
        "月报模板-2026年10月-甲区城投公司.xlsx",
    ]
    titles = [rows(path.read_bytes())[0][0] for path in files]
    assert titles == ["乙县建设公司2026年10月重点项目月度进展填报表", "甲区城投公司2026年10月重点项目月度进展填报表"]
    assert [len(rows(path.read_bytes())) - 3 for path in files] == [2, 2]
    assert ExportRecord.objects.filter(kind="template").count() == 2
    assert ExportRecord.objects.first().request_id.startswith("cmd-export_templates-")
