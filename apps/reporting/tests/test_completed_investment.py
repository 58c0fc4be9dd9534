"""CompletedInvestmentYear: one project's counted reports of a year summed by month, kept in
step with every saved report and rebuilt on demand by completed_investment_refresh.

Expected rows are written out by hand: (year, first_month, {month: 万元}) with the other
months 0."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.reporting import services
from apps.reporting.models import MONTH_COLUMNS, CompletedInvestmentYear, MonthlyReport, ReportStatus

from .conftest import MONTH, YEAR, make_report
from .test_workflow import create

D = Decimal


def totals(project) -> dict[int, tuple[int, dict[int, Decimal]]]:
    """year -> (first_month, {month: amount} of the non-zero months)."""
    result = {}
    for row in CompletedInvestmentYear.objects.filter(project=project):
        months = {n: getattr(row, column) for n, column in enumerate(MONTH_COLUMNS, start=1)}
        result[row.year] = (row.first_month, {n: amount for n, amount in months.items() if amount})
    return result


def test_saved_reports_keep_the_totals_counting_only_submitted_and_verified(world):
    make_report(world.p_a, year=2025, month=12, amount="200", status=ReportStatus.VERIFIED)
    make_report(world.p_a, year=2026, month=1, amount="10.5", status=ReportStatus.VERIFIED)
    make_report(world.p_a, year=2026, month=2, amount="20", status=ReportStatus.SUBMITTED)
    make_report(world.p_a, year=2026, month=3, amount="999", status=ReportStatus.DRAFT)
    make_report(world.p_a, year=2026, month=4, amount="888", status=ReportStatus.RETURNED)
    make_report(world.p_a, year=2026, month=5, amount="0", status=ReportStatus.VERIFIED)
    make_report(world.p_b, year=2026, month=3, amount="5000", status=ReportStatus.DRAFT)

    assert totals(world.p_a) == {
        2025: (12, {12: D("200")}),
        2026: (1, {1: D("10.5"), 2: D("20")}),  # May's 0 counts as reported, adds nothing
    }
    assert totals(world.p_b) == {}  # a draft only: no row


def test_a_counted_report_of_0_is_still_a_report(world):
    make_report(world.p_a, year=2026, month=3, amount="0", status=ReportStatus.DRAFT)
    make_report(world.p_a, year=2026, month=4, amount="0", status=ReportStatus.SUBMITTED)
    assert totals(world.p_a) == {2026: (4, {})}


def test_the_workflow_moves_the_totals(world, period, owner, county):
    report = create(owner, world.p_a, completed_investment=D("1200.5"))
    assert totals(world.p_a) == {}  # draft

    report = services.report_submit(actor=owner, report_id=report.pk)
    assert totals(world.p_a) == {YEAR: (MONTH, {MONTH: D("1200.5")})}

    report = services.report_return(actor=county, report_id=report.pk, reason="数据有误")
    assert totals(world.p_a) == {}  # returned: not counted

    report = services.report_update(
        actor=owner, report_id=report.pk, expected_version=report.version, fields={"completed_investment": "1100"}
    )
    report = services.report_submit(actor=owner, report_id=report.pk)
    report = services.report_verify(actor=county, report_id=report.pk)
    assert totals(world.p_a) == {YEAR: (MONTH, {MONTH: D("1100")})}

    revision = services.report_revision_request(
        actor=owner, report_id=report.pk, reason="更正", proposed={"completed_investment": D("1000")}
    )
    assert totals(world.p_a) == {YEAR: (MONTH, {MONTH: D("1100")})}  # not before approval
    services.report_revision_approve(actor=county, revision_id=revision.pk)
    assert totals(world.p_a) == {YEAR: (MONTH, {MONTH: D("1000")})}


def bulk_reports(world):
    """Reports written past save() (as an import would): the signal does not see them."""
    MonthlyReport.objects.bulk_create(
        [
            MonthlyReport(project=world.p_a, year=2026, month=1, completed_investment=D("1"), status="verified"),
            MonthlyReport(project=world.p_a, year=2026, month=3, completed_investment=D("3"), status="submitted"),
            MonthlyReport(project=world.p_a, year=2025, month=7, completed_investment=D("7"), status="verified"),
            MonthlyReport(project=world.p_b, year=2026, month=2, completed_investment=D("20"), status="verified"),
            MonthlyReport(project=world.p_b, year=2026, month=4, completed_investment=D("40"), status="returned"),
        ]
    )


def test_refresh_after_a_bulk_write_for_given_projects_and_year(world):
    bulk_reports(world)
    assert totals(world.p_a) == totals(world.p_b) == {}

    services.completed_investment_refresh(project_ids=[world.p_a.pk], year=2026)
    assert totals(world.p_a) == {2026: (1, {1: D("1"), 3: D("3")})}  # not 2025: only the year asked
    assert totals(world.p_b) == {}  # not asked

    services.completed_investment_refresh(project_ids=[world.p_a.pk, world.p_b.pk])
    assert totals(world.p_a) == {2026: (1, {1: D("1"), 3: D("3")}), 2025: (7, {7: D("7")})}
    assert totals(world.p_b) == {2026: (2, {2: D("20")})}


def test_refresh_of_everything_replaces_stale_rows(world):
    bulk_reports(world)
    services.completed_investment_refresh()
    # A change past save(): the row is stale until refreshed.
    MonthlyReport.objects.filter(project=world.p_b, month=2).update(status=ReportStatus.RETURNED)
    assert totals(world.p_b) == {2026: (2, {2: D("20")})}
    services.completed_investment_refresh()
    assert totals(world.p_b) == {}
    assert CompletedInvestmentYear.objects.count() == 2  # p_a 2025 and 2026


def test_refresh_does_not_grow_with_the_number_of_projects(world):
    bulk_reports(world)
    with CaptureQueriesContext(connection) as few:
        services.completed_investment_refresh(project_ids=[world.p_a.pk])
    with CaptureQueriesContext(connection) as many:
        services.completed_investment_refresh(project_ids=[world.p_a.pk, world.p_b.pk, world.p_c.pk])
    assert len(few) == len(many) <= 4  # DELETE and INSERT ... SELECT (and the savepoint)


@pytest.mark.parametrize("status", [ReportStatus.SUBMITTED, ReportStatus.VERIFIED])
def test_every_month_column_is_the_month_of_its_name(world, status):
    for month in range(1, 13):
        make_report(world.p_a, year=2026, month=month, amount=str(month * 100), status=status)
    row = CompletedInvestmentYear.objects.get(project=world.p_a, year=2026)
    assert [getattr(row, column) for column in MONTH_COLUMNS] == [D(month * 100) for month in range(1, 13)]
    assert row.first_month == 1


def test_a_fill_and_submit_refreshes_the_totals_once_and_rightly(world, period, owner):
    """The form saves the report, then submits it: two saves, one refresh of the totals (at
    the end, in the same transaction), which counts the submitted amount."""
    from .test_workflow import FIELDS

    with CaptureQueriesContext(connection) as queries:
        services.report_fill(
            actor=owner, project_id=world.p_a.pk, year=YEAR, month=MONTH, fields=dict(FIELDS), submit=True
        )
    table = CompletedInvestmentYear._meta.db_table
    inserts = [q for q in queries.captured_queries if q["sql"].startswith(f'INSERT INTO "{table}"')]
    assert len(inserts) == 1
    assert totals(world.p_a) == {YEAR: (MONTH, {MONTH: FIELDS["completed_investment"]})}


def test_a_failed_fill_leaves_the_totals_as_they_were(world, period, owner):
    from .test_workflow import FIELDS

    make_report(world.p_a, year=YEAR, month=MONTH - 1, amount="5", status=ReportStatus.SUBMITTED)
    with pytest.raises(ValidationError):
        services.report_fill(
            actor=owner,
            project_id=world.p_a.pk,
            year=YEAR,
            month=MONTH,
            fields={**FIELDS, "completed_investment": D("-1")},
            submit=True,
        )
    assert totals(world.p_a) == {YEAR: (MONTH - 1, {MONTH - 1: D("5")})}
