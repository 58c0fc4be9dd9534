"""调度看板, the list behind each of its figures, and 讲话数据.

Views declare and delegate: the figures come from indicators_compute (through
selectors.report_get); this module only arranges them into cards, charts and tables,
and gives every number the link of its drill-down.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.attraction import selectors as lead_selectors
from apps.bonds import selectors as bond_selectors
from apps.core.money import percent_of
from apps.exports import services as export_services
from apps.exports import views as export_views
from apps.lights import selectors as lights_selectors
from apps.ops.figures_cache import cached_payload
from apps.ops.routers import replica_reads
from apps.projects.selectors import project_totals
from apps.reserve import selectors as reserve_selectors
from apps.statistics import selectors as statistics_selectors
from apps.statistics.indicators import IndicatorReport

from . import selectors
from . import speech as speech_data
from .formatting import chart_number, format_value
from .selectors import DashboardQuery

#: The old fixed lag rule's bounds (points behind the time schedule), no longer shown on the
#: dashboard (its lights come from apps/lights); kept only because apps/bulletins still reads
#: them until the bulletin moves to apps.lights.selectors.light_for_projects.
RED_LAG = Decimal(10)
YELLOW_LAG = Decimal(0)

#: The measures of the investment-pace light rules (the 累计完成投资 card and the plan ranking).
INVESTMENT_MEASURES = ("investment_lag",)

SERIES_TITLES = {
    "by_month": _lazy("按月"),
    "by_county": _lazy("按县区"),
    "by_category": _lazy("按项目类别"),
    "by_investor_type": _lazy("按投资主体"),
}


def _figure(report: IndicatorReport, query: DashboardQuery, key: str, label: str | None = None, **url_changes) -> dict:
    """An indicator as a card or table shows it: formatted value (None: no data), unit, link."""
    indicator = report.indicators[key]
    return {
        "key": key,
        "label": label or _period_label(indicator.label, query),
        "text": format_value(indicator.value, indicator.unit),
        "unit": indicator.unit,
        "url": query.drill_url(key, **url_changes),
        "title": indicator.definition,
    }


def _period_label(label: str, query: DashboardQuery) -> str:
    return label.replace("1-X月", f"1-{query.month}月")


def _within_scope(cards: list[dict], scope: selectors.Scope) -> list[dict]:
    """Cards and lines without the region-wide official figures when the page's projects are
    only part of the region's (a department's, a unit's, a set)."""
    if scope.whole_region:
        return cards
    wide = selectors.REGION_WIDE_INDICATORS
    kept = []
    for card in cards:
        if card["main"]["key"] in wide:
            continue
        kept.append({**card, "subs": [sub for sub in card["subs"] if sub["key"] not in wide]})
    return kept


def _cards(report: IndicatorReport, query: DashboardQuery) -> list[dict]:
    def fig(key, label=None):
        return _figure(report, query, key, label)

    completed = {
        "title": _("累计完成投资"),
        "main": fig("completed_ytd"),
        "subs": [
            fig("plan_completion_rate", _("占年度计划")),
            fig("time_elapsed_share"),
            fig("lag_points"),
        ],
    }
    return [
        {
            "title": _("年度重点项目"),
            "main": fig("key_projects_count"),
            "subs": [fig("key_projects_total_investment", _("总投资")), fig("provincial_projects_count")],
        },
        {
            "title": _("年度计划投资"),
            "main": fig("annual_planned_investment"),
            "subs": [fig("target_plan_gap"), fig("provincial_share")],
        },
        completed,
        {
            "title": _("新开工项目开工率"),
            "main": fig("start_rate"),
            "subs": [
                fig("planned_new_starts"),
                fig("new_starts_started"),
                fig("started_count", _("已开工（含续建）")),
                fig("not_started_count"),
            ],
        },
        {
            "title": _("市级领导包抓项目"),
            "main": fig("leader_projects_count"),
            "subs": [fig("leaders_count"), fig("leader_started_count"), fig("leader_start_rate")],
        },
        {
            "title": _period_label(report.indicators["fai_ytd"].label, query),
            "main": fig("fai_ytd"),
            "subs": [
                fig("fai_yoy_growth", _("同比增长")),
                fig("fai_rank"),
                fig("fai_peer_count"),
                fig("fai_last_year"),
                fig("fai_last_year_growth"),
            ],
        },
        {
            "title": _("序时目标缺口（负数为超出）"),
            "main": fig("period_gap"),
            "subs": [fig("fai_target_amount"), fig("fai_target_growth"), fig("period_target")],
        },
        {
            "title": _("应统未统项目"),
            "main": fig("statistics_candidates_count"),
            "subs": [fig("statistics_candidates_investment", _("总投资")), fig("days_to_statistics_deadline")],
        },
    ]


def _charts(report: IndicatorReport, query: DashboardQuery) -> dict:
    """The data of the four charts, with the drill-down link of every bar and slice."""

    def shares(points, series):
        return [
            {
                "name": point.label,
                "value": chart_number(point.values.get("annual_planned")),
                "share": chart_number(point.values.get("share")),
                "completed": chart_number(point.values.get("completed_ytd")),
                "count": point.project_count,
                "url": query.drill_url(series=series, point=point.key),
            }
            for point in points
        ]

    return {
        "month": {
            "labels": [point.label for point in report.by_month],
            "completed": [chart_number(point.values.get("completed_ytd")) for point in report.by_month],
            "plan_share": [chart_number(point.values.get("plan_share")) for point in report.by_month],
            "time_share": [chart_number(point.values.get("time_share")) for point in report.by_month],
            # Completed investment up to a month is the completed_ytd indicator of that month.
            "urls": [query.drill_url("completed_ytd", month=int(point.key)) for point in report.by_month],
        },
        "county": {
            "labels": [point.label for point in report.by_county],
            "planned": [chart_number(point.values.get("annual_planned")) for point in report.by_county],
            "completed": [chart_number(point.values.get("completed_ytd")) for point in report.by_county],
            "urls": [query.drill_url(series="by_county", point=point.key) for point in report.by_county],
        },
        "category": shares(report.by_category, "by_category"),
        "investor": shares(report.by_investor_type, "by_investor_type"),
        "labels": {
            "completed": _("累计完成投资（亿元）"),
            "plan_share": _("占年度计划（%）"),
            "time_share": _("时序进度（%）"),
            "planned": _("年度计划投资（亿元）"),
            "money": _("亿元"),
            "percent": "%",
            "empty": _("暂无数据"),
        },
    }


def _competition_rank(values: dict[str, Decimal | None]) -> dict[str, int]:
    ranked = [value for value in values.values() if value is not None]
    return {key: 1 + sum(1 for other in ranked if other > value) for key, value in values.items() if value is not None}


def _rankings(report: IndicatorReport, query: DashboardQuery) -> tuple[list[dict], list[dict]]:
    """The sub-regions ranked by FAI growth (the published rank) and by plan completion."""
    children = selectors.sub_regions(region=query.region)
    time_share = report.indicators["time_elapsed_share"].value

    def cell(value, unit, url):
        return {"text": format_value(value, unit), "url": url}

    def county_url(point, key):
        child = children.get(point.key)
        if child is None:  # pragma: no cover - by_county points are the sub-regions
            return query.drill_url(series="by_county", point=point.key)
        return query.drill_url(key, region=child.pk)

    def dashboard_url(point):
        child = children.get(point.key)
        return query.url("dashboard:index", region=child.pk) if child else ""

    by_fai, by_plan = [], []
    for point in report.by_county:
        values = point.values
        by_fai.append(
            {
                "key": point.key,
                "region_id": children[point.key].pk if point.key in children else None,
                "rank": values.get("fai_rank"),
                "name": point.label,
                "url": dashboard_url(point),
                "fai_ytd": cell(values.get("fai_ytd"), "亿元", county_url(point, "fai_ytd")),
                "growth": cell(values.get("fai_yoy_growth"), "%", county_url(point, "fai_yoy_growth")),
            }
        )
        rate = values.get("plan_completion_rate")
        lag = None if rate is None or time_share is None else time_share - rate
        by_plan.append(
            {
                "key": point.key,
                "region_id": children[point.key].pk if point.key in children else None,
                "rate_value": rate,
                "name": point.label,
                "url": dashboard_url(point),
                "key_projects": cell(
                    values.get("key_projects"), "个", query.drill_url(series="by_county", point=point.key)
                ),
                "planned": cell(values.get("annual_planned"), "亿元", county_url(point, "annual_planned_investment")),
                "completed": cell(values.get("completed_ytd"), "亿元", county_url(point, "completed_ytd")),
                "rate": cell(rate, "%", county_url(point, "plan_completion_rate")),
                "lag": cell(lag, "个百分点", county_url(point, "lag_points")),
                "start_rate": cell(values.get("start_rate"), "%", county_url(point, "start_rate")),
            }
        )
    by_fai.sort(key=lambda row: (row["rank"] is None, row["rank"] or 0, row["key"]))
    plan_ranks = _competition_rank({row["key"]: row["rate_value"] for row in by_plan})
    for row in by_plan:
        row["rank"] = plan_ranks.get(row["key"])
    by_plan.sort(key=lambda row: (row["rank"] is None, row["rank"] or 0, row["key"]))
    return by_fai, by_plan


def _filters(user, query: DashboardQuery) -> dict:
    return {
        "regions": selectors.region_choices(user=user),
        "years": selectors.year_choices(query.year),
        "months": list(range(1, 13)),
        "sets": selectors.project_set_choices(),
    }


NOT_STARTED_SHOWN = 10


def _dashboard_payload(user, query: DashboardQuery, scope) -> dict:
    """What the dashboard shows of the indicators (cached: apps/ops/figures_cache.py)."""
    report = selectors.report_get(user=user, query=query)
    ranking_fai, ranking_plan = _rankings(report, query)
    return {
        "cards": _within_scope(_cards(report, query), scope),
        "charts": _charts(report, query),
        "has_counties": bool(report.by_county),
        "ranking_fai": ranking_fai if scope.whole_region else [],
        "ranking_plan": ranking_plan,
        "not_started": list(report.not_started[:NOT_STARTED_SHOWN]),
        "not_started_total": len(report.not_started),
    }


def _with_engine_lights(user, query: DashboardQuery, payload: dict) -> dict:
    """The lights the engine stored for the page's month (apps/lights), laid on the cached
    figures at each request (a re-evaluation shows at once): the investment-pace lights on
    the 累计完成投资 card and per county of the plan ranking, the county's own light (region
    rules, e.g. Tianjin 2022) on the FAI ranking; every count links to its lights' list."""
    period = (query.year, query.month)
    investment = {"period": period, "measures": INVESTMENT_MEASURES, "project_set": query.project_set}
    cards = [
        {**card, "lights": lights_selectors.light_counts(user=user, region=query.region, **investment)}
        if card["main"]["key"] == "completed_ytd"
        else card
        for card in payload["cards"]
    ]
    counties = list(selectors.sub_regions(region=query.region).values())
    by_county = lights_selectors.light_counts_by_region(user=user, regions=counties, **investment)
    ranking_plan = [{**row, "lights": by_county.get(row.get("region_id"), [])} for row in payload["ranking_plan"]]
    own = lights_selectors.light_for_regions(
        user=user, regions=[row["region_id"] for row in payload["ranking_fai"] if row.get("region_id")], period=period
    )
    ranking_fai = [{**row, "light": own.get(row.get("region_id"))} for row in payload["ranking_fai"]]
    return {
        **payload,
        "cards": cards,
        "ranking_plan": ranking_plan,
        "ranking_fai": ranking_fai,
        "lights_evaluated": lights_selectors.period_evaluated(*period),
    }


@login_required
def dashboard(request):
    query = selectors.dashboard_query(user=request.user, params=request.GET)
    scope = selectors.scope_of(user=request.user, query=query)
    with replica_reads():
        payload = cached_payload(
            "dashboard",
            request.user,
            lambda: _dashboard_payload(request.user, query, scope),
            region=query.region.pk,
            year=query.year,
            month=query.month,
            set=query.project_set,
        )
    context = {
        "query": query,
        "scope": scope,
        "filters": _filters(request.user, query),
        **_with_engine_lights(request.user, query, payload),
        "not_started_url": query.drill_url("not_started_count"),
        "rules_url": reverse("lights:rules"),
        "speech_url": query.url("dashboard:speech"),
    }
    return render(request, "dashboard/index.html", context)


def _drilldown_figure(request, query: DashboardQuery):
    report = selectors.report_get(user=request.user, query=query)
    series = request.GET.get("series") or None
    figure = selectors.figure_get(
        report=report, indicator=request.GET.get("indicator"), series=series, point=request.GET.get("point")
    )
    title = f"{SERIES_TITLES[series]}：{figure.label}" if series else _period_label(figure.label, query)
    return figure, title


@login_required
def drilldown(request):
    query = selectors.dashboard_query(user=request.user, params=request.GET)
    figure, title = _drilldown_figure(request, query)
    projects = selectors.drilldown_projects(
        user=request.user,
        project_ids=figure.project_ids,
        sort=request.GET.get("sort", ""),
        year=query.year,
        month=query.month,
    )
    sums = selectors.plan_and_completed_sums(projects, year=query.year, month=query.month)
    context = {
        "sums": {**sums, "rate": percent_of(sums["completed"], sums["plan"])},
        "query": query,
        "scope": selectors.scope_of(user=request.user, query=query),
        "figure": figure,
        "title": title,
        "value_text": None if figure.value is None else format_value(figure.value, figure.unit),
        "totals": project_totals(queryset=projects),
        "page": Paginator(projects, settings.PROJECTS_PAGE_SIZE).get_page(request.GET.get("page")),
        "official": (
            selectors.official_figures(user=request.user, query=query) if figure.source == "statistics" else None
        ),
        "dashboard_url": query.url("dashboard:index"),
    }
    template = "dashboard/_drilldown_results.html" if request.htmx else "dashboard/drilldown.html"
    return render(request, template, context)


@login_required
def drilldown_export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    query = selectors.dashboard_query(user=request.user, params=request.GET)
    figure, title = _drilldown_figure(request, query)
    projects = selectors.drilldown_projects(
        user=request.user, project_ids=figure.project_ids, sort=request.GET.get("sort", "")
    )
    params = request.GET.copy()
    params["format"] = fmt
    heading = f"{query.region.name}{query.period_label}{title}项目清单"
    try:
        export = export_services.project_list_export(
            actor=request.user, params=params, queryset=projects, title=heading
        )
    except ValidationError as error:
        raise Http404(" ".join(error.messages)) from error
    return export_views.file_response(export)


def _filled_speeches(request, query: DashboardQuery):
    reports = {None: selectors.report_get(user=request.user, query=query)}
    for project_set in sorted(speech_data.extra_sets()):
        reports[project_set] = (
            reports[None]
            if project_set == query.project_set
            else selectors.report_get(user=request.user, query=query, project_set=project_set)
        )
    statistics_settings = statistics_selectors.statistics_settings_get(user=request.user)
    context = {
        "sub_regions": (len(reports[None].by_county) or None, "个", _("下级县（市、区）个数")),
        "year": (query.year, "", _("所选年度")),
        "first_month": (1, "", _("1月")),
        "month": (query.month, "", _("所选月份")),
        "statistics_threshold": (
            statistics_settings.statistics_threshold if statistics_settings else None,
            "万元",
            _("入统标准（统计设置）"),
        ),
        "bonds": bond_selectors.speech_context(
            user=request.user, region=query.region, year=query.year, month=query.month
        ),
        "leads": lead_selectors.speech_context(user=request.user, region=query.region),
        "reserve": reserve_selectors.speech_context(user=request.user, region=query.region, year=query.year),
        **lights_selectors.speech_context(region=query.region, year=query.year),
    }

    def drill_url(key, project_set):
        return query.drill_url(key, set=project_set) if project_set else query.drill_url(key)

    scope = selectors.scope_of(user=request.user, query=query)
    leave_out = frozenset() if scope.whole_region else selectors.REGION_WIDE_INDICATORS
    return speech_data.fill(reports=reports, context=context, drill_url=drill_url, leave_out=leave_out)


def _speech_heading(request, query: DashboardQuery) -> str:
    return _("%(region)s · %(period)s · %(set)s（数据生成于 %(now)s）") % {
        "region": query.region.name,
        "period": query.period_label,
        "set": selectors.scope_of(user=request.user, query=query).label,
        "now": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }


@login_required
def speech(request):
    query = selectors.dashboard_query(user=request.user, params=request.GET)
    speeches = _filled_speeches(request, query)
    heading = _speech_heading(request, query)
    context = {
        "query": query,
        "filters": _filters(request.user, query),
        "speeches": speeches,
        "heading": heading,
        "plain_text": "\n\n".join([heading, *(filled.plain for filled in speeches)]),
        "docx_url": query.url("dashboard:speech_docx"),
        "dashboard_url": query.url("dashboard:index"),
    }
    return render(request, "dashboard/speech.html", context)


@login_required
def speech_docx(request):
    query = selectors.dashboard_query(user=request.user, params=request.GET)
    speeches = _filled_speeches(request, query)
    content = speech_data.speech_docx(speeches, heading=_speech_heading(request, query), day=timezone.localdate())
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="speech-data-{query.year}-{query.month:02d}.docx"'
    return response
