# ruff: noqa: S608  (the table name is a constant)
"""Monthly reports partitioned by year (PostgreSQL only; apps/reporting/partitions.py):
a year's figures read one partition, a new year gets its partition, and the foreign keys
that became triggers keep their meaning."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Role
from apps.reporting import partitions, selectors, services
from apps.reporting.models import MonthlyReport, ReportRevision, ReportStatus

from .conftest import make_report

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitioning: PostgreSQL only")

YEAR = 2026  # the migration made this year's partition (the test database is migrated this year or near it)


def partitions_in_plan(sql: str, params=()) -> set[str]:
    """The monthly-report tables (partitions, or the parent) that a plan of `sql` reads."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    known = set(partitions.year_partitions().values()) | {partitions.DEFAULT_PARTITION}
    return {name for name in known if f" {name} " in plan or f" {name}\n" in plan or plan.endswith(f" {name}")}


def table_of(report) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {partitions.TABLE} WHERE id = %s", [report.pk])
        return cursor.fetchone()[0]


@pytest.fixture
def reports(world):
    for year in (YEAR - 1, YEAR, YEAR + 1):
        make_report(world.p_a, year=year, month=3, amount="10", status=ReportStatus.VERIFIED)
        make_report(world.p_b, year=year, month=3, amount="20", status=ReportStatus.SUBMITTED)


def test_the_table_is_partitioned_by_year_with_a_default(db):
    assert partitions.is_partitioned()
    years = partitions.year_partitions()
    assert {YEAR - 1, YEAR, YEAR + 1} <= set(years)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_class c WHERE c.relname = %s",
            [partitions.DEFAULT_PARTITION],
        )
        assert cursor.fetchone()[0] == "DEFAULT"


def test_the_years_totals_that_the_indicators_read_are_built_from_one_partition(reports):
    """The indicators read CompletedInvestmentYear, rebuilt from one year's counted reports by
    completed_investment_refresh: the plan of that INSERT ... SELECT reads that year's
    partition alone (pruned at planning, the year being a constant)."""
    with CaptureQueriesContext(connection) as queries:
        services.completed_investment_refresh(year=YEAR)
    [build] = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert partitions_in_plan(build) == {partitions.partition_name(YEAR)}

    # and without a year it reads them all: the check above can fail
    with CaptureQueriesContext(connection) as queries:
        services.completed_investment_refresh()
    [build] = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert {partitions.partition_name(year) for year in (YEAR - 1, YEAR, YEAR + 1)} <= partitions_in_plan(build)


def test_the_month_s_unreported_projects_read_one_partition(reports, world):
    projects = selectors.unreported(user=world.users[Role.CITY_ADMIN], year=YEAR, month=3).projects
    sql, params = projects.query.sql_with_params()
    assert partitions_in_plan(sql, params) == {partitions.partition_name(YEAR)}


def test_a_new_year_lands_in_the_default_partition_then_moves_into_its_own(world):
    year = YEAR + 5
    report = make_report(world.p_a, year=year, month=1, amount="7", status=ReportStatus.VERIFIED)
    revision = ReportRevision.objects.create(
        report=report,
        reason="更正",
        proposed={"completed_investment": "8"},
        requested_by=world.users[Role.OWNER_REPORTER],
    )
    assert table_of(report) == partitions.DEFAULT_PARTITION

    assert partitions.year_partition_create(year) is True
    assert partitions.year_partition_create(year) is False  # idempotent
    assert table_of(report) == partitions.partition_name(year)
    # moving the row is not deleting it: its revision stays
    assert ReportRevision.objects.filter(pk=revision.pk).exists()
    assert MonthlyReport.objects.get(pk=report.pk).completed_investment == 7
    connection.check_constraints()


def test_the_periodic_job_makes_this_and_next_years_partitions(db):
    created = partitions.year_partitions_ensure(today=datetime.date(YEAR + 8, 6, 1))
    assert created == [YEAR + 8, YEAR + 9]
    assert partitions.year_partitions_ensure(today=datetime.date(YEAR + 8, 6, 1)) == []


def test_ids_stay_unique_and_django_creates_and_updates_as_before(world):
    first = make_report(world.p_a, year=YEAR, month=1)
    second = make_report(world.p_a, year=YEAR + 1, month=1)
    assert second.pk > first.pk
    MonthlyReport.objects.filter(pk=first.pk).update(notes="已核")
    first.refresh_from_db()
    assert first.notes == "已核"


def test_a_revision_of_a_missing_report_is_refused(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportRevision.objects.create(
            report_id=10**12, reason="x", proposed={}, requested_by=world.users[Role.OWNER_REPORTER]
        )
        connection.check_constraints()


def test_deleting_a_report_in_sql_deletes_its_revisions(world):
    report = make_report(world.p_a, year=YEAR, month=2, status=ReportStatus.VERIFIED)
    revision = ReportRevision.objects.create(
        report=report, reason="更正", proposed={}, requested_by=world.users[Role.OWNER_REPORTER]
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {partitions.TABLE} WHERE id = %s", [report.pk])
    assert not ReportRevision.objects.filter(pk=revision.pk).exists()


def test_the_beat_job_is_idempotent(db):
    from apps.ops import tasks

    tasks.report_partitions_ensure.delay().get()
    assert tasks.report_partitions_ensure.delay().get() == []
    assert datetime.date.today().year + 1 in partitions.year_partitions()
