"""Reads of the lights, taking the acting user: the list and its counts, a project's lights,
the lights of a page of project rows, the rules."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from apps.core.querysets import pk_in

from .filters import (
    LIT_COLOURS,  # noqa: F401 (the templates read the colours from here)
    LightFilterSet,
)
from .models import SEVERITY, Colour, EvaluationRun, Light, LightRule


def light_queryset(*, user):
    return Light.objects.restrict(user, "view")


def default_period() -> tuple[int, int]:
    """The latest period evaluated in full; before any, last month."""
    run = EvaluationRun.objects.filter(objects_limited=False).order_by("-year", "-month").first()
    if run:
        return run.year, run.month
    today = timezone.localdate()
    last = today.replace(day=1) - datetime.timedelta(days=1)
    return last.year, last.month


def light_filterset(*, user, params, request=None) -> LightFilterSet:
    """The FilterSet on the user's lights; without year and month, the default period."""
    data = params.copy() if hasattr(params, "copy") else dict(params)
    if not data.get("year") and not data.get("month"):
        year, month = default_period()
        data["year"], data["month"] = str(year), str(month)
    queryset = light_queryset(user=user).select_related("rule", "version", "region", "project")
    return LightFilterSet(data, queryset=queryset, request=request)


@dataclass
class RegionCount:
    region_id: int
    name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def cells(self) -> list[tuple[str, int]]:
        return list(self.counts.items())


def counts_by_region(*, queryset) -> list[RegionCount]:
    """Lights per region and colour of a (filtered, scoped) queryset, in one grouped query."""
    rows = (
        queryset.order_by()
        .values("region_id", "region__name", "region__code", "colour")
        .annotate(n=Count("pk"))
        .order_by("region__code")
    )
    regions: dict[int, RegionCount] = {}
    for row in rows:
        entry = regions.setdefault(
            row["region_id"],
            RegionCount(row["region_id"], row["region__name"], {c: 0 for c in Colour.values if c != Colour.GREEN}),
        )
        entry.counts[row["colour"]] += row["n"]
    return list(regions.values())


def counts_by_rule(*, queryset) -> list[dict]:
    return list(
        queryset.order_by()
        .values("rule_id", "rule__code", "rule__name", "colour")
        .annotate(n=Count("pk"))
        .order_by("rule__code", "colour")
    )


def project_lights(*, user, project_id: int, period: tuple[int, int] | None = None, months: int = 12) -> list[Light]:
    """A project's lights (all rules) over the `months` months up to `period` (default: the
    latest evaluated), newest first: one query (the scope is a condition of the statement)."""
    year, month = period or default_period()
    first = year * 12 + month - months  # months since year 0 of the first month, less one
    first_year, first_month = first // 12, first % 12 + 1
    return list(
        light_queryset(user=user)
        .filter(project_id=project_id)
        .filter(Q(year__gt=first_year) | Q(year=first_year, month__gte=first_month))
        .select_related("rule", "version")
        .order_by("-year", "-month", "rule__code")
    )


def worst_lights(*, user, project_ids, year: int | None = None, month: int | None = None) -> dict[int, Light]:
    """The most severe light of each project of a page of rows for the period: one query."""
    if year is None or month is None:
        year, month = default_period()
    best: dict[int, Light] = {}
    lights = light_queryset(user=user).filter(pk_in(project_ids, "project_id"), year=year, month=month)
    for light in lights.select_related("rule"):
        current = best.get(light.project_id)
        if current is None or SEVERITY[light.colour] > SEVERITY[current.colour]:
            best[light.project_id] = light
    return best


def rule_queryset(*, user, action: str = "view"):
    return LightRule.objects.restrict(user, action).select_related("current_version", "region")


def rule_get(*, user, pk: int, action: str = "view") -> LightRule:
    rule = rule_queryset(user=user).filter(pk=pk).first()
    if rule is None:
        raise Http404
    if action != "view" and not rule_queryset(user=user, action=action).filter(pk=pk).exists():
        from django.core.exceptions import PermissionDenied
        from django.utils.translation import gettext as _

        raise PermissionDenied(_("只有市发改委管理员可以修改亮灯规则。"))
    return rule


def project_history(lights: list[Light]) -> dict[tuple[int, int], list[Light]]:
    by_period = defaultdict(list)
    for light in lights:
        by_period[(light.year, light.month)].append(light)
    return dict(by_period)
