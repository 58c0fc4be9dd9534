"""The 专项债券项目表 through the shared importer: preview, commit, round trip with the export,
refusals naming sheet/row/column, undo."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.bonds.models import BondProject
from apps.imports.models import BatchStatus, ImportKind
from apps.imports.services import import_batch_commit, import_batch_create, import_batch_preview, import_batch_undo
from apps.imports.tests.workbooks import xlsx

pytestmark = pytest.mark.django_db
HEADER = [
    "序号",
    "项目名称",
    "项目代码",
    "所在县区",
    "投向领域",
    "项目总投资",
    "不含专项债的资本金",
    "申请专项债总额",
    "专项债作资本金",
    "其他债务融资",
    "建设期",
    "运营期",
    "预期收入",
    "成本",
    "覆盖倍数",
    "收入来源",
]


def row(project, **over):
    values = {
        "序号": 1,
        "项目名称": project.name,
        "项目代码": project.project_code,
        "所在县区": project.region.name,
        "投向领域": "交通基础设施",
        "项目总投资": 10000,
        "不含专项债的资本金": 2000,
        "申请专项债总额": 7000,
        "专项债作资本金": 1000,
        "其他债务融资": 1000,
        "建设期": "2026-03—2027-10",
        "运营期": "2027—2056",
        "预期收入": 20000,
        "成本": 5000,
        "覆盖倍数": 1.5,
        "收入来源": "停车收费",
    }
    values.update(over)
    return [values[label] for label in HEADER]


def run(user, rows, title="示范市2026年专项债券项目表"):
    batch = import_batch_create(
        actor=user,
        kind=ImportKind.BONDS,
        file_name="bonds.xlsx",
        content=xlsx([[title], ["单位：万元"], HEADER, *rows]),
        parameters={},
    )
    return import_batch_preview(batch_id=batch.pk)


def test_import_creates_drafts_with_the_readings_shown(world):
    county = world.users[Role.COUNTY_USER]
    batch = run(county, [row(world.p_a)])
    assert batch.status == BatchStatus.PREVIEWED and batch.rows_new == 1, batch.preview
    changes = batch.preview[0]["changes"]
    # The readings: the year from the title, 建设期 months as first/last day, 应付本息 from 覆盖倍数.
    assert any("10000" in str(v) for v in changes.values())  # (20000 − 5000) / 1.5
    import_batch_commit(actor=county, batch_id=batch.pk)
    bond = BondProject.objects.get()
    assert (bond.year, bond.status, bond.debt_service) == (2026, "draft", D(10000))
    assert (bond.construction_start, bond.construction_end) == (datetime.date(2026, 3, 1), datetime.date(2027, 10, 31))
    assert ChangeRecord.objects.filter(content_type__model="bondproject", project_id=world.p_a.pk).count() == 1
    import_batch_undo(actor=county, batch_id=batch.pk)
    assert not BondProject.objects.exists()


def test_rows_out_of_scope_or_submitted_are_errors(world, make_bond_project):
    county = world.users[Role.COUNTY_USER]
    batch = run(county, [row(world.p_b)])
    assert batch.status == BatchStatus.INVALID
    [error] = [e for r in batch.preview for e in r["errors"]]
    assert "不在您的权限范围内" in error["message"] and error["column"] == "C"
    make_bond_project(world.p_a)  # submitted
    batch = run(county, [row(world.p_a)])
    assert "已提交" in batch.preview[0]["errors"][0]["message"]
    bad = run(county, [row(world.p_a, 建设期="明年", 申请专项债总额=-5)], title="2027年专项债券项目表")
    messages = {e["column"]: e["message"] for r in bad.preview for e in r["errors"]}
    assert set(messages) == {"K", "H"} and "建设期" in messages["K"] and "负数" in messages["H"]


def test_a_sheet_without_bond_columns_is_refused(world):
    county = world.users[Role.COUNTY_USER]
    batch = import_batch_create(
        actor=county,
        kind=ImportKind.BONDS,
        file_name="plan.xlsx",
        content=xlsx([["项目名称", "项目代码", "总投资"], [world.p_a.name, world.p_a.project_code, 100]]),
        parameters={},
    )
    batch = import_batch_preview(batch_id=batch.pk)
    assert batch.status == BatchStatus.INVALID and "申请专项债总额" in batch.message


def test_export_imports_back_unchanged(client, world, make_bond_project):
    make_bond_project(world.p_a, submitted=False)
    admin = world.users[Role.CITY_ADMIN]
    client.force_login(admin)
    content = client.get(reverse("bonds:project_export"), {"format": "xlsx"}).content
    batch = import_batch_create(
        actor=admin,
        kind=ImportKind.BONDS,
        file_name="bonds.xlsx",
        content=io.BytesIO(content).getvalue(),
        parameters={},
    )
    batch = import_batch_preview(batch_id=batch.pk)
    assert (batch.rows_unchanged, batch.rows_new, batch.rows_changed, batch.rows_error) == (1, 0, 0, 0), batch.preview
