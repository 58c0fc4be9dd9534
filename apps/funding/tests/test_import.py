"""Funds arrived travel with the monthly progress import (本月到位资金 column) into the reports,
and the funding pages sum them against the year's record."""

import datetime
from decimal import Decimal as D

import pytest

from apps.accounts.models import Role
from apps.funding import selectors, services
from apps.imports.models import ImportKind
from apps.imports.services import import_batch_commit, import_batch_create, import_batch_preview
from apps.imports.tests.workbooks import xlsx
from apps.reporting.models import MonthlyReport, ReportingPeriod

pytestmark = pytest.mark.django_db
HEADER = ["序号", "项目代码", "项目名称", "所在县区", "本月完成", "本月到位资金（万元）", "形象进度"]


def test_progress_import_carries_funds_arrived(world):
    ReportingPeriod.objects.create(year=2026, month=6, deadline=datetime.date(2026, 6, 25))
    owner = world.users[Role.OWNER_REPORTER]
    rows = [[1, world.p_a.project_code, world.p_a.name, world.p_a.region.name, 500, "320.5", "主体施工"]]
    batch = import_batch_create(
        actor=owner,
        kind=ImportKind.PROGRESS,
        file_name="progress.xlsx",
        content=xlsx([["示范市重点项目2026年6月推进情况表"], ["单位：万元"], HEADER, *rows]),
        parameters={"submit": True},
    )
    batch = import_batch_preview(batch_id=batch.pk)
    assert batch.rows_new == 1, batch.preview
    assert "本月到位资金" in str(batch.preview[0]["changes"])
    import_batch_commit(actor=owner, batch_id=batch.pk)
    report = MonthlyReport.objects.get(project=world.p_a, year=2026, month=6)
    assert report.funds_arrived == D("320.5")
    # A negative amount is a row error naming the column.
    bad = import_batch_create(
        actor=owner,
        kind=ImportKind.PROGRESS,
        file_name="progress.xlsx",
        content=xlsx([["示范市重点项目2026年6月推进情况表"], HEADER, [*rows[0][:5], "-1", "x"]]),
        parameters={},
    )
    bad = import_batch_preview(batch_id=bad.pk)
    assert [e["message"] for r in bad.preview for e in r["errors"]] == ["金额不能为负数"]
    # The funding record's page reads the reported arrivals (submitted reports count).
    services.funding_record_save(
        actor=world.users[Role.CITY_ADMIN],
        project_id=world.p_a.pk,
        year=2026,
        fields={"arrived_total": D(400), "arrived_self_raised": D(400)},
        expected_version=None,
    )
    [row] = [selectors.arrival_row(r) for r in selectors.with_record_figures(selectors.record_queryset(user=owner))]
    assert (row["reported_arrived"], row["completed"], row["arrived_total"]) == (D("320.5"), D(500), D(400))
    # |500 − 400| / 500 = 20%: 正常 at the boundary.
    assert (row["deviation"], row["deviation_status"]) == (D("20.00"), "normal")
