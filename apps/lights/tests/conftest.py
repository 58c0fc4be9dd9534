"""Helpers of the lights tests, on top of the shared `world` (root conftest): switch a preset
on, write a project's completed investment of the year, evaluate, read the lights."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from apps.lights.models import Light, LightRule
from apps.lights.services import lights_evaluate
from apps.reporting.models import MONTH_COLUMNS, CompletedInvestmentYear
from tests import factories as f

# Re-exported so that this package's browser test gets the `page` fixture of tests/e2e.
from tests.e2e.conftest import page, pytest_collection_modifyitems  # noqa: F401


def nothing_pending() -> None:
    """Objects left waiting by the fixtures' uncommitted transaction (the test's own: in real
    use they were committed and queued long before) would join the job a test looks at."""
    transaction.get_connection().__dict__.pop("_lights_pending", None)


def activate(code: str) -> LightRule:
    rule = LightRule.objects.get(code=code)
    rule.is_active = True
    rule.save(update_fields=["is_active"])
    return rule


def lights_of(rule: LightRule, year: int, month: int) -> dict[int, Light]:
    return {light.object_id: light for light in Light.objects.filter(rule=rule, year=year, month=month)}


def colours(rule: LightRule, year: int, month: int) -> dict[int, str]:
    return {pk: light.colour for pk, light in lights_of(rule, year, month).items()}


def completed(project, year: int, by_month: dict[int, str]) -> None:
    """The derived year row the reporting services keep (m1..m12), written directly."""
    values = {column: Decimal(by_month.get(month, "0")) for month, column in enumerate(MONTH_COLUMNS, start=1)}
    CompletedInvestmentYear.objects.update_or_create(
        project=project, year=year, defaults={"first_month": min(by_month), **values}
    )


def plan(project, year: int, amount: str):
    return f.AnnualPlanFactory(project=project, year=year, planned_investment=Decimal(amount))


@pytest.fixture(autouse=True)
def presets(db):
    """The presets migration 0002 installs; a transactional test elsewhere flushes them."""
    from apps.lights.models import LightRuleVersion
    from apps.lights.presets import install

    install(LightRule, LightRuleVersion)


@pytest.fixture
def evaluate():
    def run(year: int, month: int, **kwargs):
        return lights_evaluate(year=year, month=month, **kwargs)

    return run


def project(world, **fields):
    defaults = {"region": world.county_a, "owner_unit": world.owner}
    return f.ProjectFactory(**(defaults | fields))


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def campaign_rule(world, *, levels):
    """The city's 2026 集中开工 deadline for the 市级领导包抓 projects (30 June, emphasised
    since October 2025), switched on."""
    from apps.lights.services import rule_create

    return rule_create(
        actor=world.users["city_admin"],
        code="campaign-2026",
        name="2026年包抓项目集中开工",
        subject="project",
        region=world.city,
        is_active=True,
        measure="campaign_start_by",
        params={"start_by": "2026-06-30", "emphasised_since": "2025-10"},
        scope={"project_set": "leader"},
        levels=levels,
    )
