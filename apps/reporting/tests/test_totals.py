"""Year-to-date (1-X月累计) and since-start (开工以来累计) are derived from the monthly
amounts of submitted and verified reports, never stored."""

import datetime
from decimal import Decimal

from apps.accounts.models import Role
from apps.projects.models import Project, Stage
from apps.reporting import selectors
from apps.reporting.models import ReportStatus

from .conftest import MONTH, YEAR, make_report


def test_a_project_started_last_year(world, period):
    """Since-start includes last year's months; year-to-date does not."""
    Project.objects.filter(pk=world.p_a.pk).update(
        stage=Stage.UNDER_CONSTRUCTION, actual_start_date=datetime.date(2025, 11, 3)
    )
    admin = world.users[Role.CITY_ADMIN]
    make_report(world.p_a, year=2025, month=11, amount="100", status=ReportStatus.VERIFIED)
    make_report(world.p_a, year=2025, month=12, amount="200", status=ReportStatus.VERIFIED)
    make_report(world.p_a, year=2026, month=1, amount="10.5", status=ReportStatus.VERIFIED)
    make_report(world.p_a, year=2026, month=2, amount="20", status=ReportStatus.SUBMITTED)
    make_report(world.p_a, year=2026, month=3, amount="999", status=ReportStatus.DRAFT)  # not counted
    make_report(world.p_a, year=2026, month=4, amount="888", status=ReportStatus.RETURNED)  # not counted
    make_report(world.p_a, year=2026, month=5, amount="30", status=ReportStatus.VERIFIED)
    make_report(world.p_b, year=2026, month=1, amount="5000", status=ReportStatus.VERIFIED)  # another project

    rows = {(r.year, r.month): (r.ytd, r.since_start) for r in selectors.project_reports(user=admin, project=world.p_a)}
    assert rows[(2025, 11)] == (Decimal("100"), Decimal("100"))
    assert rows[(2025, 12)] == (Decimal("300"), Decimal("300"))
    assert rows[(2026, 1)] == (Decimal("10.5"), Decimal("310.5"))
    assert rows[(2026, 2)] == (Decimal("30.5"), Decimal("330.5"))
    assert rows[(2026, 3)] == (Decimal("30.5"), Decimal("330.5"))
    assert rows[(2026, 4)] == (Decimal("30.5"), Decimal("330.5"))
    assert rows[(2026, 5)] == (Decimal("60.5"), Decimal("360.5"))

    before = selectors.totals_before(user=admin, project=world.p_a, year=YEAR, month=MONTH)
    assert before.ytd == Decimal("60.5") and before.since_start == Decimal("360.5")

    # The same figures reach every path: a single report, the list, 我的月报.
    report = selectors.report_get(user=admin, pk=world.p_a.monthly_reports.get(year=2026, month=5).pk)
    assert (report.ytd, report.since_start) == (Decimal("60.5"), Decimal("360.5"))
    mine = {p.pk: p for p in selectors.my_reports(user=admin, period=period)}
    assert mine[world.p_a.pk].ytd_before == Decimal("60.5")
    assert mine[world.p_a.pk].since_start_before == Decimal("360.5")
    assert mine[world.p_c.pk].ytd_before == Decimal("0") and mine[world.p_c.pk].report_id is None


def test_filtering_a_list_does_not_change_the_totals(world):
    admin = world.users[Role.CITY_ADMIN]
    make_report(world.p_a, year=2026, month=1, amount="1")
    make_report(world.p_a, year=2026, month=2, amount="2")
    make_report(world.p_a, year=2026, month=3, amount="4")
    filterset = selectors.report_filterset(user=admin, params={"month": "3"})
    assert filterset.is_valid()
    (only,) = filterset.qs
    assert (only.ytd, only.since_start) == (Decimal("7"), Decimal("7"))
