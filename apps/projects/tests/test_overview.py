"""The project page as an overview: investment progress, open problems, approvals with their
status, the latest report, and contradictions in the data flagged in words."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.approvals.models import ItemStatus
from apps.approvals.tests.factories import ItemFactory, ItemTypeFactory
from apps.projects.models import Stage
from apps.projects.overview import project_overview
from apps.reporting.models import MonthlyReport, ReportStatus
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 1)


def test_progress_adds_up_from_the_counted_reports(world):
    p = world.p_a
    f.AnnualPlanFactory(project=p, year=2026, planned_investment=Decimal("1000"))
    for year, month, amount, status in (
        (2025, 12, "300", ReportStatus.VERIFIED),
        (2026, 2, "100", ReportStatus.VERIFIED),
        (2026, 5, "150", ReportStatus.SUBMITTED),
        (2026, 6, "999", ReportStatus.DRAFT),  # a draft does not count
    ):
        MonthlyReport.objects.create(
            project=p, year=year, month=month, completed_investment=Decimal(amount), status=status
        )
    overview = project_overview(user=world.users[Role.CITY_ADMIN], project=p, today=TODAY)
    assert overview.plan == Decimal("1000")
    assert overview.completed_year == Decimal("250") and overview.since_start == Decimal("550")
    assert overview.rate == Decimal("25.0")
    assert overview.by_month[1] == Decimal("100") and overview.by_month[5] == 0 and len(overview.by_month) == 12
    assert max(bar["height"] for bar in overview.month_bars) == 90


def test_contradictions_are_named(world):
    p = world.p_a
    p.stage = Stage.PRELIMINARY
    p.save()
    permit = ItemTypeFactory(code="permit_t", name="施工许可")
    ItemFactory(
        project=p,
        item_type=permit,
        department=world.dept,
        status=ItemStatus.APPROVED,
        decided_on=TODAY.replace(month=3),
    )
    f.MilestoneFactory(project=p, name="施工许可", baseline_date=datetime.date(2027, 4, 1))
    f.MilestoneFactory(project=p, name="开工", baseline_date=datetime.date(2027, 6, 1))
    texts = project_overview(user=world.users[Role.CITY_ADMIN], project=p, today=TODAY).contradictions
    assert any("施工许可" in text and "2027-04-01" in text and "2026-03-01" in text for text in texts)
    assert any("前期阶段" in text and "施工许可" in text for text in texts)
    assert len(texts) == 2  # 开工 is not about the permit


def test_project_page_shows_the_overview(client, world):
    p = world.p_a
    f.AnnualPlanFactory(project=p, year=TODAY.year, planned_investment=Decimal("500"))
    month = datetime.date.today().month
    MonthlyReport.objects.create(
        project=p, year=TODAY.year, month=month, completed_investment=Decimal("40"), status=ReportStatus.SUBMITTED
    )
    client.force_login(world.users[Role.COUNTY_USER])
    html = client.get(reverse("projects:detail", args=[p.pk])).content.decode()
    assert 'id="progress"' in html and '<svg class="bars"' in html
    assert 'id="problems"' in html and 'id="approvals"' in html and 'id="reports"' in html
    assert ' style="' not in html.split('id="progress"')[1].split("</section>")[0]  # no inline style (CSP)
