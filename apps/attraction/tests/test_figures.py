"""Every figure of the pipeline against a hand count of seven leads (today 2026-12-01),
and no double counting once a lead became a registry project."""

import datetime
from decimal import Decimal

import pytest

from apps.accounts.models import Role
from apps.attraction.models import ExitReason, InvestmentLead, LeadStage
from apps.attraction.selectors import lead_figures
from apps.core.tests.versions import stored_version
from apps.reporting.models import MonthlyReport, ReportStatus
from tests import factories as f

from .factories import lead_with_history

D = datetime.date
S = LeadStage


@pytest.fixture
def seven(world, bureau):
    a, b = world.county_a, world.county_b
    common = {"attraction_unit": bureau}
    p5 = f.ProjectFactory(name="L5 项目", region=b, owner_unit=world.other_owner, actual_start_date=D(2026, 5, 1))
    p7 = f.ProjectFactory(name="L7 项目", region=b, owner_unit=world.other_owner, actual_start_date=D(2025, 6, 1))
    MonthlyReport.objects.create(
        project=p7, year=2026, month=10, completed_investment=Decimal(100), status=ReportStatus.VERIFIED
    )
    leads = {
        "L1": lead_with_history(
            events={S.LEAD: D(2026, 11, 20)}, region=a, source="expo", industry_code="C3841", **common
        ),
        "L2": lead_with_history(
            events={S.LEAD: D(2026, 9, 1), S.ASSESSING: D(2026, 9, 3), S.EXITED: D(2026, 9, 10)},
            region=a,
            source="expo",
            industry_code="C3841",
            exit_reason=ExitReason.ASSESSMENT_REJECTED,
            **common,
        ),
        "L3": lead_with_history(
            events={
                S.LEAD: D(2026, 8, 1),
                S.ASSESSING: D(2026, 8, 3),
                S.NEGOTIATING: D(2026, 8, 10),
                S.SIGNED: D(2026, 10, 15),
            },
            contract=(8000, D(2026, 10, 15)),
            region=a,
            source="online",
            industry_code="C2710",
            **common,
        ),
        "L4": lead_with_history(
            events={
                S.LEAD: D(2026, 6, 1),
                S.ASSESSING: D(2026, 6, 5),
                S.NEGOTIATING: D(2026, 6, 15),
                S.SIGNED: D(2026, 9, 1),
                S.REGISTERED: D(2026, 9, 20),
            },
            contract=(20000, D(2026, 9, 1)),
            funds=[(D(2026, 10, 1), 6000)],
            region=a,
            source="online",
            industry_code="C2710",
            **common,
        ),
        "L5": lead_with_history(
            events={
                S.LEAD: D(2026, 1, 5),
                S.ASSESSING: D(2026, 1, 6),
                S.NEGOTIATING: D(2026, 1, 20),
                S.SIGNED: D(2026, 3, 1),
                S.REGISTERED: D(2026, 3, 10),
                S.LAND_SUPPLIED: D(2026, 4, 1),
                S.STARTED: D(2026, 5, 1),
            },
            contract=(50000, D(2026, 3, 1)),
            funds=[(D(2026, 4, 1), 10000)],
            project=p5,
            region=b,
            source="expo",
            industry_code="C3841",
            **common,
        ),
        "L6": lead_with_history(
            events={
                S.LEAD: D(2025, 3, 1),
                S.ASSESSING: D(2025, 3, 2),
                S.NEGOTIATING: D(2025, 3, 20),
                S.SIGNED: D(2025, 6, 1),
                S.REGISTERED: D(2025, 6, 20),
                S.EXITED: D(2026, 6, 1),
            },
            contract=(12000, D(2025, 6, 1)),
            region=b,
            source="commissioned",
            industry_code="C3841",
            exit_reason=ExitReason.START_OVERDUE,
            **common,
        ),
        "L7": lead_with_history(
            events={
                S.LEAD: D(2024, 10, 1),
                S.ASSESSING: D(2024, 10, 3),
                S.NEGOTIATING: D(2024, 10, 20),
                S.SIGNED: D(2025, 1, 10),
                S.REGISTERED: D(2025, 1, 20),
                S.LAND_SUPPLIED: D(2025, 3, 1),
                S.STARTED: D(2025, 6, 1),
                S.IN_STATISTICS: D(2025, 9, 30),
                S.IN_PRODUCTION: D(2026, 6, 1),
            },
            contract=(15000, D(2025, 1, 10)),
            funds=[(D(2025, 2, 1), 15000)],
            project=p7,
            region=b,
            source="expo",
            industry_code="C3841",
            **common,
        ),
    }
    return {name: lead.pk for name, lead in leads.items()}


def names(ids, seven):
    by_id = {pk: name for name, pk in seven.items()}
    return sorted(by_id[pk] for pk in ids)


def test_figures_match_the_hand_count(world, seven):
    figures = lead_figures(user=world.users[Role.CITY_ADMIN])
    assert figures.total.value == 7
    assert names(figures.signed.ids, seven) == ["L3", "L4", "L5", "L6", "L7"]
    assert figures.signed_amount.value == Decimal(105000)
    # 履约: not exited and no contract deadline missed: L3 (registration), L5 (funds) fail.
    assert names(figures.performance_rate.ids, seven) == ["L4", "L7"]
    assert figures.performance_rate.value == Decimal("40.0")
    assert names(figures.start_rate.ids, seven) == ["L5", "L7"]
    assert (figures.start_rate.numerator, figures.start_rate.denominator, figures.start_rate.value) == (
        2,
        5,
        Decimal("40.0"),
    )
    # L6 registered before it left: landed once, counted (as started is, 含之后退出的).
    assert names(figures.landed_rate.ids, seven) == ["L4", "L5", "L6", "L7"]
    assert figures.landed_rate.value == Decimal("80.0")
    # 到位: 0 + 6,000 + 10,000 + 15,000 of 8,000 + 20,000 + 50,000 + 15,000 (L6 exited).
    assert figures.funds_arrival_rate.numerator == Decimal(31000)
    assert figures.funds_arrival_rate.denominator == Decimal(93000)
    assert figures.funds_arrival_rate.value == Decimal("33.3")
    assert names(figures.yi_projects.ids, seven) == ["L4", "L5", "L6", "L7"]
    assert figures.yi_projects.numerator == Decimal(97000)
    assert names(figures.started_no_investment.ids, seven) == ["L5"]
    assert names(figures.exit_due.ids, seven) == ["L3"]
    stages = {figure.code: names(figure.ids, seven) for figure in figures.by_stage}
    assert stages["stage:exited"] == ["L2", "L6"] and stages["stage:registered"] == ["L4"]
    funnel = {figure.code: figure.value for figure in figures.funnel}
    assert funnel == {
        "reached:lead": 7,
        "reached:assessing": 6,
        "reached:negotiating": 5,
        "reached:signed": 5,
        "reached:registered": 4,
        "reached:land_supplied": 2,
        "reached:started": 2,
        "reached:in_statistics": 1,
        "reached:in_production": 1,
        "reached:at_capacity": 0,
    }
    medians = {row["stage"]: (row["median"], row["n"]) for row in figures.median_days}
    assert medians[S.LEAD] == (2, 6)  # 1, 1, 2, 2, 2, 4
    assert medians[S.ASSESSING] == (14, 5)  # 7, 10, 14, 17, 18 (L2 left from 研判)
    regions = {row["label"]: (row["count"], row["signed"], row["signed_amount"]) for row in figures.by_region}
    assert regions == {"甲区": (4, 2, Decimal(28000)), "乙县": (3, 3, Decimal(77000))}
    industries = {row["label"]: row["count"] for row in figures.by_industry}
    assert industries == {"38": 5, "27": 2}
    sources = {row["key"]: row["signed"] for row in figures.by_source}
    assert sources == {"expo": 2, "online": 2, "commissioned": 1}


def test_figures_follow_the_scope(world, seven):
    county = lead_figures(user=world.users[Role.COUNTY_USER])  # county A: L1-L4
    assert county.total.value == 4
    assert county.signed_amount.value == Decimal(28000)


def test_landed_and_started_definitions_are_settings(world, seven, settings):
    settings.ATTRACTION_RULES = {"landed_from": "started", "started_from": "in_production"}
    figures = lead_figures(user=world.users[Role.CITY_ADMIN])
    assert names(figures.landed_rate.ids, seven) == ["L5", "L7"]  # L6 exited before 开工
    assert names(figures.start_rate.ids, seven) == ["L7"]
    assert "投产" in figures.start_rate.basis


def test_a_started_lead_is_counted_once_in_the_registry_never_in_both_places(world, leads):
    """Signed amount waits on the attraction side until 开工; then the registry carries it
    (total investment, completed investment, 入统) and the attraction side stops counting it."""
    from django.db.models import Sum

    from apps.attraction import services
    from apps.projects.models import Project

    from .walk import walk_to

    admin = world.users[Role.CITY_ADMIN]

    def registry_total():
        return Project.objects.restrict(admin).aggregate(total=Sum("total_investment"))["total"]

    lead = walk_to(admin, leads["lead_a"], S.LAND_SUPPLIED)
    registry_before = registry_total()
    figures = lead_figures(user=admin)
    assert figures.pipeline_amount.value == Decimal(30000) and figures.pipeline_amount.ids == [lead.pk]
    combined_before = registry_before + figures.pipeline_amount.value

    services.lead_start(
        actor=admin,
        lead_id=lead.pk,
        on=D(2026, 11, 2),
        project_code="2026-610302-48-01-990009",
        expected_version=stored_version(InvestmentLead, lead.pk),
    )
    lead.refresh_from_db()
    figures = lead_figures(user=admin)
    assert registry_total() == registry_before + Decimal(30000)
    assert figures.pipeline_amount.value == 0 and figures.pipeline_amount.ids == []
    assert registry_total() + figures.pipeline_amount.value == combined_before
    # 入统 is the registry's flag, read through the link: one source.
    assert figures.in_statistics.ids == []
    Project.objects.filter(pk=lead.project_id).update(in_statistics=True, statistics_included_on=D(2026, 11, 30))
    assert lead_figures(user=admin).in_statistics.ids == [lead.pk]
    # And the signed amount stays a count of contracts, not of investment: still 30,000 once.
    assert lead_figures(user=admin).signed_amount.value == Decimal(30000)
