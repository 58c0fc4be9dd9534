"""The raw values of the assessment indicators, per county and month, read from the figures
the rest of KeyProjects shows (apps/statistics indicators_compute, the lights), so that a
score stands on the same number as the dashboard's card. Every value is a Decimal or None
(no data: never a guessed 0)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from apps.lights.selectors import light_queryset
from apps.projects.models import Project
from apps.regions.models import Region
from apps.statistics.indicators import indicators_compute, period_end

YI_WAN = Decimal(10000)  # 1亿元 in 万元


@dataclass(frozen=True)
class Definition:
    key: str
    label: str
    unit: str
    definition: str
    # From the county's IndicatorReport (the dashboard's figures), or None: read by `extra`.
    from_report: Callable | None = None


def _report_value(key: str) -> Callable:
    return lambda report: report[key].value


def _fai_vs_target(report) -> Decimal | None:
    growth, target = report["fai_yoy_growth"].value, report["fai_target_growth"].value
    return None if growth is None or target is None else growth - target


def _count(key: str) -> Callable:
    return lambda report: Decimal(report[key].value)


DEFINITIONS: dict[str, Definition] = {
    item.key: item
    for item in (
        Definition(
            "fai_growth",
            _("固定资产投资增速"),
            "%",
            _("看板“固定资产投资同比增长”（1-X月累计）。"),
            _report_value("fai_yoy_growth"),
        ),
        Definition(
            "fai_vs_target",
            _("增速与目标之差"),
            "个百分点",
            _("固定资产投资同比增长 − 年度增长目标。"),
            _fai_vs_target,
        ),
        Definition(
            "start_rate",
            _("开工率"),
            "%",
            _("看板“开工率”：新开工项目已开工 ÷ 计划新开工项目。"),
            _report_value("start_rate"),
        ),
        Definition(
            "plan_completion_rate",
            _("年度计划完成率"),
            "%",
            _("看板“年度计划完成率”：累计完成投资 ÷ 年度计划投资。"),
            _report_value("plan_completion_rate"),
        ),
        Definition(
            "yi_new_starts",
            _("亿元以上新开工项目"),
            "个",
            _("总投资1亿元及以上、当年1月1日至期末实际开工的项目个数。"),
        ),
        Definition(
            "provincial_projects",
            _("省级重点项目"),
            "个",
            _("看板“省级重点项目”个数。"),
            _count("provincial_projects_count"),
        ),
        Definition(
            "statistics_pending",
            _("应统未统项目"),
            "个",
            _("看板“应统未统项目”个数（扣分项）。"),
            _count("statistics_candidates_count"),
        ),
        Definition(
            "not_started",
            _("应开未开项目"),
            "个",
            _("看板“应开未开项目”个数（扣分项）。"),
            _count("not_started_count"),
        ),
        Definition("red_lights", _("红灯"), "盏", _("当月亮灯规则亮起的红灯数（本县区的项目及本县区），扣分项。")),
    )
}


def counties_of(region: Region) -> list[Region]:
    return list(Region.objects.filter(parent=region).order_by("code"))


def _by_county(rows, counties: list[Region]) -> dict[int, Decimal]:
    """Grouped counts by region id → per county (a county is the lowest level: its own id)."""
    found = {row["region_id"]: Decimal(row["n"]) for row in rows}
    return {county.pk: found.get(county.pk, Decimal(0)) for county in counties}


def yi_new_starts(*, user, counties: list[Region], year: int, month: int) -> dict[int, Decimal]:
    rows = (
        Project.objects.restrict(user, "view")
        .filter(
            region__in=counties,
            total_investment__gte=YI_WAN,
            actual_start_date__gte=datetime.date(year, 1, 1),
            actual_start_date__lte=period_end(year, month),
        )
        .values("region_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _by_county(rows, counties)


def red_lights(*, user, counties: list[Region], year: int, month: int) -> dict[int, Decimal]:
    rows = (
        light_queryset(user=user)
        .filter(region__in=counties, year=year, month=month, colour="red")
        .values("region_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _by_county(rows, counties)


EXTRA = {"yi_new_starts": yi_new_starts, "red_lights": red_lights}


def month_values(*, user, counties: list[Region], keys: list[str], year: int, month: int) -> dict[str, dict]:
    """{indicator key: {county id: value}} for one month: one indicators_compute per county
    (the dashboard's figures for that county, in the acting user's scope), one grouped query
    per extra indicator."""
    values: dict[str, dict] = {key: {} for key in keys}
    report_keys = [key for key in keys if DEFINITIONS[key].from_report is not None]
    if report_keys:
        for county in counties:
            report = indicators_compute(user=user, region=county, year=year, month=month)
            for key in report_keys:
                value = DEFINITIONS[key].from_report(report)
                values[key][county.pk] = None if value is None else Decimal(value)
    for key in keys:
        if key in EXTRA:
            values[key] = EXTRA[key](user=user, counties=counties, year=year, month=month)
    return values
