"""Reads of the lights, taking the acting user: the list and its counts, a project's lights,
the lights of a page of project rows, the rules.

The read API for other apps (bulletins, briefs, the dashboard) is the block "Public read API"
below: `light_for_projects`, `light_for_regions`, `light_counts` and `period_evaluated`. They
answer from the lights the engine stored (never recompute a rule), scoped to the acting user,
in one query each; keep their signatures stable.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from apps.core.querysets import pk_in

from .filters import (
    LIT_COLOURS,
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


def _worst_by_object(lights, key: str) -> tuple[dict[int, Light], dict[int, int]]:
    """The most severe light per object (`key`: "project_id" or "object_id") and how many each has."""
    best: dict[int, Light] = {}
    counts: dict[int, int] = defaultdict(int)
    for light in lights:
        pk = getattr(light, key)
        counts[pk] += 1
        current = best.get(pk)
        if current is None or SEVERITY[light.colour] > SEVERITY[current.colour]:
            best[pk] = light
    return best, counts


def _project_lights_of_period(*, user, project_ids, year: int, month: int):
    return (
        light_queryset(user=user)
        .filter(pk_in(project_ids, "project_id"), year=year, month=month, subject="project")
        .select_related("rule", "version")
        .order_by("project_id", "rule__code")
    )


def worst_lights(*, user, project_ids, year: int | None = None, month: int | None = None) -> dict[int, Light]:
    """The most severe light of each project of a page of rows for the period (lights of the
    project itself: an approval item's or a problem's light shows on the project page): one query."""
    if year is None or month is None:
        year, month = default_period()
    return _worst_by_object(
        _project_lights_of_period(user=user, project_ids=project_ids, year=year, month=month), "project_id"
    )[0]


# --- Public read API (other apps call these; keep them stable) -------------------------


@dataclass(frozen=True)
class ObjectLight:
    """The light of one object (project or region) for one month, as the engine stored it.

    colour: "red", "orange", "yellow", "blue", "green" (the month was evaluated and no rule lit
    the object: on pace, or outside every rule's scope or data, as only lit objects are stored)
    or "none" (the month was never evaluated: no colour is claimed). `reason` is the worst light's measurement
    in words ("计划2026年3月开工，已连续4个月未开工"), "" when green or none; `rule`, `rule_code`
    and `version` name the rule version that lit it; `lit` counts the rules that lit the object;
    `url` opens the 红黄灯 list of the object and month (the projects behind the light)."""

    colour: str
    colour_label: str
    reason: str = ""
    rule: str = ""
    rule_code: str = ""
    version: int | None = None
    value: object = None
    threshold: str = ""
    streak: int = 0
    lit: int = 0
    url: str = ""

    @property
    def is_lit(self) -> bool:
        return self.colour not in (Colour.GREEN, NOT_EVALUATED)


NOT_EVALUATED = "none"


def period_evaluated(year: int, month: int) -> bool:
    """Whether the month was evaluated in full (a project without a light then is green)."""
    return EvaluationRun.objects.filter(year=year, month=month, objects_limited=False).exists()


def _list_url(year: int, month: int, **filters) -> str:
    from urllib.parse import urlencode

    from django.urls import reverse

    query = {"year": year, "month": month, **{key: value for key, value in filters.items() if value not in (None, "")}}
    return f"{reverse('lights:list')}?{urlencode(query, doseq=True)}"


def _object_lights(best, counts, ids, year, month, evaluated, url_filters) -> dict[int, ObjectLight]:
    from django.utils.translation import gettext as _

    result = {}
    for pk in ids:
        light = best.get(pk)
        url = _list_url(year, month, **url_filters(pk))
        if light is None:
            if evaluated:
                result[pk] = ObjectLight(Colour.GREEN, str(Colour.GREEN.label), url=url)
            else:
                result[pk] = ObjectLight(NOT_EVALUATED, _("未评价"))
            continue
        result[pk] = ObjectLight(
            colour=light.colour,
            colour_label=light.get_colour_display(),
            reason=light.reason,
            rule=light.rule.name,
            rule_code=light.rule.code,
            version=light.version.number,
            value=light.value,
            threshold=light.threshold,
            streak=light.streak,
            lit=counts[pk],
            url=url,
        )
    return result


def _period_or_default(period) -> tuple[int, int]:
    return tuple(period) if period else default_period()


def light_for_projects(*, user, projects, period: tuple[int, int] | None = None) -> dict[int, ObjectLight]:
    """The light of each project (ids or Project objects) for the month `period` (year, month;
    default: the latest evaluated in full): the most severe of the project rules' lights, with
    its reason. Every project asked for is in the answer; those outside the user's scope come
    back green/none with no reason (the caller passes its own scoped projects). Two queries."""
    year, month = _period_or_default(period)
    ids = [getattr(project, "pk", project) for project in projects]
    best, counts = _worst_by_object(
        _project_lights_of_period(user=user, project_ids=ids, year=year, month=month), "project_id"
    )
    return _object_lights(best, counts, ids, year, month, period_evaluated(year, month), lambda pk: {"project": pk})


def light_for_regions(*, user, regions, period: tuple[int, int] | None = None) -> dict[int, ObjectLight]:
    """The light of each region (ids or Region objects) from the region rules (e.g. Tianjin
    2022 county FAI growth) for the month: the most severe, with its reason. Two queries."""
    year, month = _period_or_default(period)
    ids = [getattr(region, "pk", region) for region in regions]
    lights = (
        light_queryset(user=user)
        .filter(subject="region", object_id__in=ids, year=year, month=month)
        .select_related("rule", "version")
        .order_by("object_id", "rule__code")
    )
    best, counts = _worst_by_object(lights, "object_id")
    return _object_lights(
        best, counts, ids, year, month, period_evaluated(year, month), lambda pk: {"region": pk, "subject": "region"}
    )


@dataclass(frozen=True)
class LightCount:
    colour: str
    label: str
    count: int
    url: str


def _counts_queryset(*, user, year: int, month: int, subject: str, measures, project_set: str):
    queryset = light_queryset(user=user).filter(year=year, month=month, subject=subject)
    if measures:
        queryset = queryset.filter(version__measure__in=list(measures))
    if project_set and project_set != "all":
        from apps.statistics.indicators import parse_project_set

        queryset = queryset.filter(parse_project_set(project_set, "project__"))
    return queryset.order_by()


class LightCounts(list):
    """LightCount per lit colour (in colour order), with their total."""

    @property
    def total(self) -> int:
        return sum(cell.count for cell in self)


def _count_cells(counts: dict[str, int], year: int, month: int, **filters) -> LightCounts:
    return LightCounts(
        LightCount(value, str(label), counts.get(value, 0), _list_url(year, month, colour=value, **filters))
        for value, label in LIT_COLOURS
    )


def _count_filters(region, subject: str, measures, project_set: str) -> dict:
    return {
        "region": getattr(region, "pk", None),
        "subject": subject,
        "measure": list(measures),
        "set": None if project_set in ("", "all") else project_set,
    }


def light_counts(
    *, user, period: tuple[int, int], region=None, subject: str = "project", measures=(), project_set: str = "all"
) -> LightCounts:
    """How many lights per colour in the month (within `region`, the user's scope, the
    project set, and the rules of `measures` when given), each count with the link to the
    list of its lights (and so its projects): one grouped query."""
    year, month = period
    queryset = _counts_queryset(
        user=user, year=year, month=month, subject=subject, measures=measures, project_set=project_set
    )
    if region is not None:
        queryset = queryset.filter(region__code__startswith=region.code_prefix)
    counts = dict(queryset.values_list("colour").annotate(n=Count("pk")))
    return _count_cells(counts, year, month, **_count_filters(region, subject, measures, project_set))


def light_counts_by_region(
    *, user, period: tuple[int, int], regions, subject: str = "project", measures=(), project_set: str = "all"
) -> dict[int, LightCounts]:
    """light_counts for each of `regions` (with its sub-regions) in one grouped query."""
    year, month = period
    rows = (
        _counts_queryset(user=user, year=year, month=month, subject=subject, measures=measures, project_set=project_set)
        .values_list("region__code", "colour")
        .annotate(n=Count("pk"))
    )
    totals: dict[int, dict[str, int]] = {region.pk: defaultdict(int) for region in regions}
    for code, colour, n in rows:
        for region in regions:
            if code.startswith(region.code_prefix):
                totals[region.pk][colour] += n
    return {
        region.pk: _count_cells(
            totals[region.pk], year, month, **_count_filters(region, subject, measures, project_set)
        )
        for region in regions
    }


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


def campaign_deadline(*, region, year: int):
    """The 集中开工 deadline set for `year` as a rule (measure campaign_start_by, switched on)
    for `region`, its city or the whole installation; preferring the one for the 市级领导包抓
    projects, then the earliest. (start_by date, emphasised_since "YYYY-MM" or "") or None."""

    candidates = []
    for rule in LightRule.objects.filter(is_active=True, current_version__measure="campaign_start_by").select_related(
        "current_version", "region"
    ):
        if (
            rule.region is not None
            and region is not None
            and not (region.code.startswith(rule.region.code_prefix) or rule.region.code.startswith(region.code_prefix))
        ):
            continue
        params = rule.current_version.params
        try:
            start_by = datetime.date.fromisoformat(str(params.get("start_by")))
        except ValueError:
            continue
        if start_by.year != year:
            continue
        leader_first = 0 if rule.current_version.scope.get("project_set") == "leader" else 1
        candidates.append((leader_first, start_by, params.get("emphasised_since") or ""))
    if not candidates:
        return None
    _leader_first, start_by, emphasised_since = min(candidates)
    return start_by, emphasised_since


def speech_context(*, region, year: int) -> dict:
    """The speech page's facts that come from a campaign-deadline rule ("rule:" slots of
    apps/dashboard/speech.py): (value, unit, title); value None when no rule says it."""
    from django.utils.translation import gettext as _

    found = campaign_deadline(region=region, year=year)
    start_by, emphasised = found if found else (None, "")
    since_month = None
    if emphasised and emphasised[:4].isdigit() and int(emphasised[:4]) == year - 1:
        since_month = int(emphasised[5:7])
    title = _("集中开工期限（亮灯规则）")
    return {
        "campaign_month": (start_by.month if start_by else None, "", title),
        "campaign_day": (start_by.day if start_by else None, "", title),
        "emphasised_since_month": (since_month, "", _("开始强调的月份（集中开工期限规则）")),
    }


def red_lights_for_agenda(*, user, region) -> list[Light]:
    """The red project lights of the latest evaluated period in `region`, for the dispatch
    meeting's proposed agenda (apps/problems): one query."""
    year, month = default_period()
    return list(
        light_queryset(user=user)
        .filter(year=year, month=month, colour=Colour.RED, project__isnull=False)
        .filter(region__code__startswith=region.code_prefix)
        .select_related("rule", "region")
        .order_by("region__code", "project_id", "rule__code")
    )
