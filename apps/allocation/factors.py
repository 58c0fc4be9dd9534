"""The factors of 因素法, per county, read from the figures the rest of KeyProjects shows
(the published assessment, apps/bonds' spending pace, apps/reserve's reserve), in the acting
user's scope. A county without a figure gets None (said in the explanation, never a guessed 0)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from apps.assessment.selectors import county_result_queryset
from apps.bonds.selectors import bond_figures
from apps.reserve.selectors import reserve_figures

LABELS = {
    "assessment_score": _("季度考核得分"),
    "bond_pace": _("上年专项债券支出进度"),
    "reserve_investment": _("储备项目估算总投资"),
}


def assessment_score(*, user, plan, counties) -> dict:
    if plan.assessment_run_id is None:
        return dict.fromkeys(c.pk for c in counties)
    totals = dict(
        county_result_queryset(user=user).filter(run_id=plan.assessment_run_id).values_list("region_id", "total")
    )
    return {c.pk: totals.get(c.pk) for c in counties}


def bond_pace(*, user, plan, counties) -> dict:
    """Last year's spending pace (%) of the batches issued last year, at the end of December."""
    rows = bond_figures(user=user, year=plan.year - 1, month=12, region=plan.region).by_county
    pace = {row["region"].pk: row["share"] for row in rows}
    return {c.pk: pace.get(c.pk) for c in counties}


def reserve_investment(*, user, plan, counties) -> dict:
    groups = reserve_figures(user=user, year=plan.year).by_region
    found = {int(group.key): Decimal(group.investment).quantize(Decimal("0.01")) for group in groups}
    return {c.pk: found.get(c.pk) for c in counties}


READERS = {"assessment_score": assessment_score, "bond_pace": bond_pace, "reserve_investment": reserve_investment}
