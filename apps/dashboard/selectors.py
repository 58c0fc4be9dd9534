"""Reads of the dashboard: which region, period and project set a request is about, the
indicator report, and the projects behind one figure of it.

The figures themselves come from `indicators_compute` only; this module never counts
projects on its own, so a number on the dashboard and the list behind it always agree.
"""

import datetime
from dataclasses import dataclass

from django.db.models import ExpressionWrapper
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from apps.core.querysets import pk_in
from apps.projects.models import Category, Level, Project
from apps.regions.models import Region, RegionLevel
from apps.statistics import selectors as statistics_selectors
from apps.statistics.indicators import (
    Indicator,
    IndicatorReport,
    indicator_definitions,
    indicators_compute,
    parse_project_set,
    yoy_growth_pct,
)

#: Figures published by the statistics office: no project is behind them.
STATISTICS_INDICATORS = frozenset(
    {
        "fai_ytd",
        "fai_yoy_growth",
        "fai_rank",
        "fai_peer_count",
        "fai_last_year",
        "fai_last_year_growth",
        "fai_target_amount",
        "fai_target_growth",
        "period_target",
        "period_gap",
    }
)
#: Figures that hold the project set against region-wide official figures (FAI, targets): they
#: mean nothing for a part of the region's projects, so pages hide them for partial scopes.
REGION_WIDE_INDICATORS = STATISTICS_INDICATORS | {"target_plan_gap"}
#: Figures given by the calendar.
CALENDAR_INDICATORS = frozenset({"time_elapsed_share", "days_to_statistics_deadline"})

SERIES = ("by_month", "by_county", "by_category", "by_investor_type")

#: Sort keys of the drill-down list (the project list's column sorts).
SORTS = {
    "name": ("name",),
    "region": ("region__code",),
    "stage": ("stage",),
    "total_investment": ("total_investment",),
    "planned_start_date": ("planned_start_date",),
    "plan": ("plan",),
    "completed": ("completed",),
}

YEARS_BACK = 5


def project_set_choices() -> list[tuple[str, str]]:
    """The project sets a user can pick (value for indicators_compute, Chinese label)."""
    choices = [("all", _("全部项目"))]
    choices += [(f"level:{value}", str(label)) for value, label in Level.choices]
    choices.append(("leader", _("市级领导包抓项目")))
    choices += [(f"category:{value}", _("%(category)s类") % {"category": label}) for value, label in Category.choices]
    return choices


def latest_ended_month(today: datetime.date | None = None) -> tuple[int, int]:
    """(year, month) of the last month that has ended (today in Asia/Shanghai)."""
    today = today or timezone.localdate()
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class DashboardQuery:
    """The question a dashboard page answers: a region (with its sub-regions), January..month
    of a year, and a project set."""

    region: Region
    year: int
    month: int
    project_set: str
    set_error: str = ""  # set when the requested set was unknown and "all" was used instead

    def params(self, **changes) -> dict:
        params = {"region": self.region.pk, "year": self.year, "month": self.month, "set": self.project_set}
        params.update(changes)
        return {key: value for key, value in params.items() if value is not None}

    def url(self, name: str, **changes) -> str:
        return f"{reverse(name)}?{urlencode(self.params(**changes))}"

    def drill_url(self, indicator: str | None = None, *, series: str | None = None, point=None, **changes) -> str:
        """The list of the projects behind one figure."""
        if series:
            changes.update(series=series, point=point)
        else:
            changes.update(indicator=indicator)
        return self.url("dashboard:projects", **changes)

    @property
    def set_label(self) -> str:
        kind, _sep, value = self.project_set.partition(":")
        if kind == "department" and value.isdigit():
            # A department's projects (the assessment's drill-downs link to them).
            from apps.regions.models import Organisation

            found = Organisation.objects.filter(pk=int(value)).first()
            if found is not None:
                return _("%(department)s牵头的项目") % {"department": found}
        return dict(project_set_choices()).get(self.project_set, self.project_set)

    @property
    def period_label(self) -> str:
        if self.month == 1:
            return _("%(year)s年1月") % {"year": self.year}
        return _("%(year)s年1-%(month)s月") % {"year": self.year, "month": self.month}


def _city_of(region: Region | None) -> Region | None:
    while region is not None and region.level == RegionLevel.COUNTY:
        region = region.parent
    return region if region is not None and region.level == RegionLevel.CITY else None


def default_region_id(*, user) -> int | None:
    """The region a user's dashboard opens on: their own region (superusers too); else the
    city of their organisation; else the city of the projects they see (auditors); else
    None (statistics' default: the first city)."""
    if user.region_id:
        return user.region_id
    if user.organisation_id:
        city = _city_of(user.organisation.region)
        if city is not None:
            return city.pk
    code = Project.objects.restrict(user).order_by("pk").values_list("region__code", flat=True).first()
    if code:
        city = Region.objects.filter(level=RegionLevel.CITY, code=code[:4] + "00").first()
        if city is not None:
            return city.pk
    return None


def dashboard_query(*, user, params) -> DashboardQuery:
    """Read region, year, month and set from the request's GET parameters.

    Region: the one asked for (404 when it is not one the user may ask about), else
    `default_region_id`. Year and month: the latest month that has ended, unless
    asked otherwise (a past year without a month: its December). An unknown set falls
    back to all projects, with a message.
    """
    raw_region = params.get("region")
    region_id = _int(raw_region) if raw_region not in (None, "") else None
    if raw_region not in (None, "") and region_id is None:
        raise Http404(_("区划不存在或不在您的权限范围内。"))
    if region_id is None:
        region_id = default_region_id(user=user)
    region = statistics_selectors.indicator_region_get(user=user, region_id=region_id)

    default_year, default_month = latest_ended_month()
    year = _int(params.get("year"))
    if year is None or not 2000 <= year <= default_year + 1:
        year = default_year
    month = _int(params.get("month"))
    if month is None or not 1 <= month <= 12:
        month = default_month if year == default_year else 12

    project_set = params.get("set") or "all"
    set_error = ""
    try:
        parse_project_set(project_set)
    except ValueError as exc:
        project_set, set_error = "all", str(exc)
    return DashboardQuery(region=region, year=year, month=month, project_set=project_set, set_error=set_error)


def region_choices(*, user) -> list[tuple[int, str]]:
    """The regions the user may pick, in code order, indented by level: the user's own region
    tree (a user without a region: the tree of the city its dashboard opens on), never
    other cities that would only show zeros."""
    indent = {RegionLevel.PROVINCE: "", RegionLevel.CITY: "\u3000", RegionLevel.COUNTY: "\u3000\u3000"}
    regions = statistics_selectors.indicator_regions(user=user)
    if not user.region_id:
        home = Region.objects.filter(pk=default_region_id(user=user)).first()
        if home is not None:
            regions = regions.filter(code__startswith=home.code_prefix)
    regions = regions.order_by("code").values_list("pk", "name", "level")
    return [(pk, indent.get(level, "") + name) for pk, name, level in regions]


def year_choices(selected: int) -> list[int]:
    latest = latest_ended_month()[0]
    years = set(range(latest - YEARS_BACK + 1, timezone.localdate().year + 1)) | {selected}
    return sorted(years, reverse=True)


def report_get(*, user, query: DashboardQuery, project_set: str | None = None) -> IndicatorReport:
    return indicators_compute(
        user=user,
        region=query.region,
        year=query.year,
        month=query.month,
        project_set=project_set or query.project_set,
    )


def sub_regions(*, region: Region) -> dict[str, Region]:
    """The direct sub-regions of `region` by code (the by_county points carry codes)."""
    return {child.code: child for child in Region.objects.filter(parent_id=region.pk).order_by("code")}


@dataclass(frozen=True)
class Figure:
    """One figure a drill-down is about."""

    label: str
    value: object
    unit: str
    definition: str
    project_ids: tuple[int, ...]
    source: str = "projects"  # "statistics" (published figures) or "calendar": no project is behind it


def figure_get(*, report: IndicatorReport, indicator: str | None, series: str | None, point: str | None) -> Figure:
    """The indicator `indicator`, or the point `point` of the series `series` (404 when unknown)."""
    if series:
        if series not in SERIES:
            raise Http404(_("未知的图表序列。"))
        found = next((item for item in getattr(report, series) if item.key == str(point)), None)
        if found is None:
            raise Http404(_("未知的图表数据点。"))
        return Figure(label=found.label, value=None, unit="", definition="", project_ids=tuple(found.project_ids))
    found: Indicator | None = report.indicators.get(indicator or "")
    if found is None:
        raise Http404(_("未知的指标。"))
    return Figure(
        label=found.label,
        value=found.value,
        unit=found.unit,
        definition=found.definition,
        project_ids=tuple(found.project_ids),
        source=(
            "statistics"
            if found.key in STATISTICS_INDICATORS
            else "calendar"
            if found.key in CALENDAR_INDICATORS
            else "projects"
        ),
    )


def drilldown_projects(*, user, project_ids, sort: str = "", year: int | None = None, month: int | None = None):
    """The projects of a figure, in the user's scope (the ids come from a scoped report; the
    scope is applied again so an id never shows a project the user may not see). With a
    period, each carries the figure's own columns: `plan` (annual plan of the year) and
    `completed` (counted investment of January to the month, as the indicators count it)."""
    fields = SORTS.get(sort.lstrip("-"))
    ordering = [("-" + field if sort.startswith("-") else field) for field in fields] if fields else []
    projects = Project.objects.restrict(user).with_list_relations().filter(pk_in(project_ids))
    if year is not None and month is not None:
        projects = with_plan_and_completed(projects, year=year, month=month)
    return projects.order_by(*ordering, *Project._meta.ordering)


def with_plan_and_completed(projects, *, year: int, month: int):
    from django.db.models import DecimalField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from apps.projects.models import AnnualPlan
    from apps.reporting.models import CompletedInvestmentYear

    money = DecimalField(max_digits=16, decimal_places=4)
    completed = (
        CompletedInvestmentYear.objects.filter(project=OuterRef("pk"), year=year)
        .annotate(total=_months_sum(month))
        .values("total")[:1]
    )
    plan = AnnualPlan.objects.filter(project=OuterRef("pk"), year=year).order_by().values("planned_investment")[:1]
    return projects.annotate(
        plan=Subquery(plan, output_field=money),
        completed=Coalesce(Subquery(completed, output_field=money), Value(0), output_field=money),
    )


@dataclass(frozen=True)
class StatRow:
    region: str
    region_id: int
    year: int
    month: int
    fai_ytd: object
    comparable_base: object
    growth: object


def official_figures(*, user, query: DashboardQuery) -> dict:
    """What a published figure rests on: the region's FAI by month (this year and last),
    its peers' FAI in the period, and its target."""

    def rows(queryset):
        return [
            StatRow(
                region=stat.region.name,
                region_id=stat.region_id,
                year=stat.year,
                month=stat.month,
                fai_ytd=stat.fai_ytd,
                comparable_base=stat.comparable_base,
                growth=yoy_growth_pct(stat.fai_ytd, stat.comparable_base),
            )
            for stat in queryset
        ]

    region = query.region
    own = statistics_selectors.region_stat_list(user=user, filters={"region": region.pk}).filter(
        year__in=(query.year, query.year - 1)
    )
    peers = (
        statistics_selectors.region_stat_list(user=user, filters={"year": query.year, "month": query.month})
        .filter(region__parent_id=region.parent_id, region__level=region.level)
        .order_by("region__code")
    )
    targets = statistics_selectors.region_target_list(user=user, filters={"region": region.pk, "year": query.year})
    # Peers in the order of the ranking: by growth (one decimal, as ranked), those without last.
    ranked = sorted(rows(peers), key=lambda row: (row.growth is None, -(row.growth or 0), row.region))
    return {"own": rows(own), "peers": ranked, "targets": list(targets)}


def indicator_label(key: str) -> str:
    return indicator_definitions().get(key, (key, "", ""))[0]


@dataclass(frozen=True)
class Scope:
    """What a dashboard page's project figures cover, in words, and whether that is the
    region's whole set of projects (only then do region-wide official figures sit beside them)."""

    label: str
    whole_region: bool


def scope_of(*, user, query: DashboardQuery) -> Scope:
    from apps.accounts.models import Role

    if user.role == Role.DEPARTMENT_USER:
        return Scope(_("本部门牵头或协作的项目"), False)
    if user.role == Role.OWNER_REPORTER:
        return Scope(_("本单位项目"), False)
    if query.project_set != "all":
        return Scope(query.set_label, False)
    return Scope(_("全部项目"), True)


def _months_sum(month: int):
    from django.db.models import DecimalField, F

    from apps.reporting.models import MONTH_COLUMNS

    months = F(MONTH_COLUMNS[0])
    for column in MONTH_COLUMNS[1:month]:
        months = months + F(column)
    return ExpressionWrapper(months, output_field=DecimalField(max_digits=16, decimal_places=4))


def plan_and_completed_sums(projects, *, year: int, month: int) -> dict:
    """The total row of a drill-down: the projects' annual plans and completed investment
    (January to the month), summed in the database over the whole list, not a page."""
    from django.db.models import Sum

    from apps.projects.models import AnnualPlan
    from apps.reporting.models import CompletedInvestmentYear

    ids = projects.order_by().values("pk")
    plan = AnnualPlan.objects.filter(year=year, project__in=ids).aggregate(total=Sum("planned_investment"))["total"]
    completed = (
        CompletedInvestmentYear.objects.filter(year=year, project__in=ids)
        .annotate(total=_months_sum(month))
        .aggregate(sum=Sum("total"))["sum"]
    )
    return {"plan": plan, "completed": completed}
