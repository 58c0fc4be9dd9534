"""The monthly progress import: one period, reports created or updated, year-to-date
figures checked against the months already reported."""

import datetime
from decimal import Decimal

import pytest

from apps.accounts.models import Role
from apps.imports.models import BatchStatus, ImportKind
from apps.imports.services import import_batch_commit, import_batch_create, import_batch_preview, import_batch_undo
from apps.reporting.models import CompletedInvestmentYear, MonthlyReport, PeriodStatus, ReportingPeriod, ReportStatus
from tests import factories as f

from .workbooks import xlsx

HEADER = [
    "序号",
    "项目代码",
    "项目名称",
    "建设单位",
    "所在县区",
    "总投资",
    "年度计划投资",
    "上月累计完成",
    "本月完成",
    "1-10月完成投资",
    "形象进度",
    "完成比例（%）",
    "实际开工日期",
    "存在问题",
    "下步措施",
]
TITLE = ["示范市重点项目2026年10月推进情况表"]


@pytest.fixture
def period(world):
    return ReportingPeriod.objects.create(year=2026, month=10, deadline=datetime.date(2026, 10, 25))


def line(project, monthly="", ytd="", **over):
    values = {
        "序号": 1,
        "项目代码": project.project_code,
        "项目名称": project.name,
        "建设单位": "",
        "所在县区": project.region.name,
        "总投资": 10000,
        "年度计划投资": 3000,
        "上月累计完成": "",
        "本月完成": monthly,
        "1-10月完成投资": ytd,
        "形象进度": "主体施工",
        "完成比例（%）": 40,
        "实际开工日期": "",
        "存在问题": "",
        "下步措施": "加快进度",
    }
    values.update(over)
    return [values[label] for label in HEADER]


def run(user, rows, **parameters):
    batch = import_batch_create(
        actor=user,
        kind=ImportKind.PROGRESS,
        file_name="progress.xlsx",
        content=xlsx([TITLE, ["单位：万元"], HEADER, *rows]),
        parameters=parameters,
    )
    return import_batch_preview(batch_id=batch.pk)


def errors(batch):
    return [(e["column"], e["message"]) for r in batch.preview for e in r["errors"]]


def test_monthly_amounts_create_draft_reports_and_a_second_import_changes_nothing(world, period):
    owner = world.users[Role.OWNER_REPORTER]
    batch = run(owner, [line(world.p_a, monthly=500)])
    assert batch.status == BatchStatus.PREVIEWED and batch.rows_new == 1
    assert batch.parameters["year"] == 2026 and batch.parameters["month"] == 10
    import_batch_commit(actor=owner, batch_id=batch.pk)
    report = MonthlyReport.objects.get(project=world.p_a, year=2026, month=10)
    assert (report.completed_investment, report.status, report.physical_progress) == (
        Decimal("500"),
        ReportStatus.DRAFT,
        "主体施工",
    )
    assert report.percent_complete == Decimal("40")
    again = run(owner, [line(world.p_a, monthly=500)])
    assert (again.rows_unchanged, again.rows_new, again.rows_changed) == (1, 0, 0)


def test_year_to_date_alone_is_turned_into_the_month_by_the_months_before(world, period):
    f.MonthlyReportFactory(
        project=world.p_a, year=2026, month=8, completed_investment=Decimal("300"), status=ReportStatus.VERIFIED
    )
    f.MonthlyReportFactory(
        project=world.p_a, year=2026, month=9, completed_investment=Decimal("200"), status=ReportStatus.VERIFIED
    )
    admin = world.users[Role.CITY_ADMIN]
    batch = run(admin, [line(world.p_a, ytd=1250)], submit=True)
    import_batch_commit(actor=admin, batch_id=batch.pk)
    report = MonthlyReport.objects.get(project=world.p_a, year=2026, month=10)
    assert report.completed_investment == Decimal("750")  # 1250 − (300 + 200)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == admin
    # The totals the indicators read follow the bulk write, and an undo takes them back.
    totals = CompletedInvestmentYear.objects.get(project=world.p_a, year=2026)
    assert (totals.m8, totals.m9, totals.m10) == (Decimal("300"), Decimal("200"), Decimal("750"))
    import_batch_undo(actor=admin, batch_id=batch.pk)
    assert CompletedInvestmentYear.objects.get(project=world.p_a, year=2026).m10 == 0


def test_year_to_date_that_does_not_add_up_is_an_error(world, period):
    f.MonthlyReportFactory(
        project=world.p_a, year=2026, month=9, completed_investment=Decimal("200"), status=ReportStatus.VERIFIED
    )
    batch = run(world.users[Role.CITY_ADMIN], [line(world.p_a, monthly=100, ytd=500), line(world.p_b, ytd=-1)])
    assert batch.status == BatchStatus.INVALID
    assert ("J", "1-10月累计 500 与此前各月合计 200 加本月 100 不符") in errors(batch)
    assert ("J", "金额不能为负数") in errors(batch)
    assert not MonthlyReport.objects.filter(month=10).exists()


def test_verified_report_is_locked_against_the_import(world, period):
    f.MonthlyReportFactory(
        project=world.p_a, year=2026, month=10, completed_investment=Decimal("100"), status=ReportStatus.VERIFIED
    )
    batch = run(world.users[Role.CITY_ADMIN], [line(world.p_a, monthly=999)])
    assert errors(batch) == [("C", "该项目本月月报已审核锁定，不能通过导入修改；如需修改请提交修改申请")]


def test_projects_outside_the_reporters_scope_are_not_found(world, period):
    batch = run(world.users[Role.OWNER_REPORTER], [line(world.p_c, monthly=1)])
    assert errors(batch) == [("B", f"没有找到项目代码为“{world.p_c.project_code}”的项目，或不在您的填报范围内")]


def test_a_closed_period_refuses_the_whole_file(world, period):
    period.status = PeriodStatus.CLOSED
    period.save()
    batch = run(world.users[Role.CITY_ADMIN], [line(world.p_a, monthly=1)])
    assert batch.status == BatchStatus.INVALID and "未开启或已关闭" in batch.message


def test_actual_start_after_the_month_and_percent_over_100(world, period):
    batch = run(
        world.users[Role.CITY_ADMIN],
        [line(world.p_a, monthly=1, **{"实际开工日期": "2026-11-03", "完成比例（%）": 120})],
    )
    found = errors(batch)
    assert ("L", "完成比例应在 0 到 100 之间") in found


def test_the_review_queue_shows_who_imported_a_report_and_its_batch(client, world, period):
    """An imported report is not anonymous in the queue: the importing user and the batch (a link
    for those who may open it, plain text for the others)."""
    from django.urls import reverse

    county_user = world.users[Role.COUNTY_USER]
    batch = run(county_user, [line(world.p_a, monthly=500)], submit=True)
    import_batch_commit(actor=county_user, batch_id=batch.pk)
    report = MonthlyReport.objects.get(project=world.p_a, year=2026, month=10)
    report.submitted_by = None  # as reports imported before the importer was kept on the report
    report.save(update_fields=["submitted_by"])
    client.force_login(county_user)
    html = client.get(reverse("reporting:queue")).content.decode()
    assert county_user.display_name in html
    assert f'href="{reverse("imports:detail", args=[batch.pk])}"' in html and f"导入批次 #{batch.pk}" in html
    client.force_login(world.users[Role.CITY_ADMIN])  # the administrator may open every batch too
    assert f"导入批次 #{batch.pk}" in client.get(reverse("reporting:queue")).content.decode()
