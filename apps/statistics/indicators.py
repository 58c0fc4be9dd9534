"""The indicators of the speeches, computed in one place (contract; see indicators_compute).

Every figure is an `Indicator` carrying the ids of the projects behind it, so the UI can
link each number to its project list. Region statistics (FAI, growth, rank) carry no
projects: they link to the region's statistics instead.
"""

import calendar
import datetime
import operator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import compress

from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.money import WAN_PER_YI
from apps.projects.models import Category, InvestorType, Level, Project
from apps.regions.models import Region, RegionLevel
from apps.reporting.models import MonthlyReport, ReportStatus

from .models import ProvinceListTotal, RegionStat, RegionTarget, StatisticsSettings


@dataclass(frozen=True)
class Indicator:
    key: str  # stable English name, e.g. "start_rate"
    label: str  # Chinese label shown in the UI
    value: Decimal | int | None  # None: no data (e.g. no last-year base), never a guessed 0
    unit: str  # "个", "名", "亿元", "万元", "%", "个百分点", "位", "天"
    project_ids: tuple[int, ...] = ()
    definition: str = ""  # how the figure is computed (tooltip, README glossary)


@dataclass(frozen=True)
class SeriesPoint:
    """One category of a chart series (a month, a county, a category, an investor type)."""

    key: str
    label: str
    values: dict[str, Decimal | int | None]
    project_ids: tuple[int, ...] = ()


@dataclass
class IndicatorReport:
    region_id: int
    year: int
    month: int
    project_set: str
    indicators: dict[str, Indicator] = field(default_factory=dict)
    # Charts: by month (1..month), by county (sub-regions of the region), by category, by investor type.
    by_month: list[SeriesPoint] = field(default_factory=list)
    by_county: list[SeriesPoint] = field(default_factory=list)
    by_category: list[SeriesPoint] = field(default_factory=list)
    by_investor_type: list[SeriesPoint] = field(default_factory=list)
    # Not-started projects planned to start this year, with their latest recorded problems.
    not_started: list[dict] = field(default_factory=list)

    def __getitem__(self, key: str) -> Indicator:
        return self.indicators[key]


# --- computing the indicators -------------------------------------------------


#: Reports that count towards completed investment: sent by the owner unit (submitted) or
#: checked by the administrator (verified). Drafts and returned reports do not count.
COUNTED_REPORT_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.VERIFIED)

# Units are the contract's fixed strings (the UI formats by them), not translated.
YI = "亿元"
PCT = "%"
ZERO = Decimal(0)
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
HUNDRED = Decimal(100)
DEFAULT_LIST_NAME = ProvinceListTotal._meta.get_field("list_name").default


def parse_project_set(project_set: str) -> Q:
    """The filter of a project set: "all", "leader", "level:<Level>", "category:<Category>".

    Raises ValueError (Chinese message) for anything else.
    """
    if project_set == "all":
        return Q()
    if project_set == "leader":
        return Q(lead_official__isnull=False)
    kind, sep, value = (project_set or "").partition(":")
    if sep and kind == "level" and value in Level.values:
        return Q(level=value)
    if sep and kind == "category" and value in Category.values:
        return Q(category=value)
    raise ValueError(
        _("未知的项目范围“%(set)s”。可选：all、leader、level:%(levels)s、category:%(categories)s。")
        % {"set": project_set, "levels": "|".join(Level.values), "categories": "|".join(Category.values)}
    )


def period_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def to_yi(wan: Decimal | None) -> Decimal | None:
    """万元 → 亿元, two decimals (half up); None stays None."""
    if wan is None:
        return None
    return (Decimal(wan) / WAN_PER_YI).quantize(CENT, rounding=ROUND_HALF_UP)


def percent(numerator, denominator) -> Decimal | None:
    """numerator / denominator in percent, one decimal (half up); None when either is missing or the denominator is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(TENTH, rounding=ROUND_HALF_UP)


def yoy_growth_pct(fai_ytd: Decimal | None, comparable_base: Decimal | None) -> Decimal | None:
    """Year-on-year growth in percent: (fai_ytd − comparable_base) / comparable_base; None without a base."""
    if fai_ytd is None or not comparable_base:
        return None
    return percent(Decimal(fai_ytd) - Decimal(comparable_base), comparable_base)


def _minus(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else a - b


def _rank(values: dict[int, Decimal | None]) -> dict[int, int]:
    """Competition ranking, 1 = highest; ties share the better place; None values are not ranked."""
    ranked = [value for value in values.values() if value is not None]
    return {key: 1 + sum(1 for other in ranked if other > value) for key, value in values.items() if value is not None}


def days_to_deadline(today: datetime.date, day: int) -> int:
    """Days from `today` to the next `day` of a month (0 when today is that day)."""
    if today.day <= day:
        return day - today.day
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return (datetime.date(year, month, day) - today).days


# Each indicator: key -> (label, unit, definition). Labels are looked up through gettext
# when computed, so the English catalogue can translate them.
def _definitions() -> dict[str, tuple[str, str, str]]:
    counted = _("月报只计“已报送”和“已审核”的，草稿和已退回的不计。")
    key = _("年度重点项目：所选项目范围内、在所选区划（含下级）且编制了当年年度计划的项目。")
    rows = {
        "key_projects_count": (_("年度重点项目"), "个", key),
        "key_projects_total_investment": (_("重点项目总投资"), YI, _("年度重点项目总投资之和。")),
        "annual_planned_investment": (_("年度计划投资"), YI, _("年度重点项目当年年度计划投资之和。")),
        "leader_projects_count": (_("市级领导包抓项目"), "个", _("年度重点项目中明确了包抓领导的项目个数。")),
        "leaders_count": (_("包抓市级领导"), "名", _("包抓年度重点项目的市级领导人数（去重）。")),
        "started_count": (
            _("已开工项目"),
            "个",
            _("年度重点项目中实际开工日期不晚于期末（所选月份最后一天）的项目，含上年及以前开工的续建项目。"),
        ),
        "planned_new_starts": (
            _("计划新开工项目"),
            "个",
            _("年度重点项目中计划开工日期在当年、且当年以前未开工的项目。"),
        ),
        "new_starts_started": (
            _("新开工项目已开工"),
            "个",
            _("计划新开工项目中实际开工日期不晚于期末的项目。"),
        ),
        "start_rate": (_("开工率"), PCT, _("新开工项目已开工个数 ÷ 计划新开工项目个数；无计划新开工项目时为空。")),
        "leader_started_count": (
            _("包抓项目已开工"),
            "个",
            _("市级领导包抓的年度重点项目中实际开工日期不晚于期末的项目（含续建）。"),
        ),
        "leader_start_rate": (_("包抓项目开工率"), PCT, _("同开工率，仅计市级领导包抓项目。")),
        "completed_ytd": (
            _("累计完成投资"),
            YI,
            _("年度重点项目当年1月至所选月份月报“本月完成投资”之和。") + counted,
        ),
        "plan_completion_rate": (
            _("年度计划完成率"),
            PCT,
            _("累计完成投资 ÷ 年度计划投资；无年度计划时为空。") + counted,
        ),
        "time_elapsed_share": (_("时序进度"), PCT, _("所选月份 ÷ 12。")),
        "lag_points": (
            _("滞后时序进度"),
            "个百分点",
            _("时序进度 − 年度计划完成率（按显示值相减），正数为滞后，负数为超前；无年度计划时为空。"),
        ),
        "fai_ytd": (
            _("固定资产投资（1-X月累计）"),
            YI,
            _("统计部门公布的本区划当年1月至所选月份固定资产投资累计；1月不单独公布（首个数据为1-2月），缺数时为空。"),
        ),
        "fai_yoy_growth": (
            _("固定资产投资同比增长"),
            PCT,
            _("（累计 − 上年同期可比口径）÷ 上年同期可比口径；无上年同期数时为空。"),
        ),
        "fai_rank": (
            _("增速排名"),
            "位",
            _(
                "同一上级、同一层级、当期有增速的地区中，按增速（保留一位小数）由高到低的位次，并列取前位；本区划无增速时为空。"
            ),
        ),
        "fai_peer_count": (_("参与排名地区"), "个", _("同一上级、同一层级、当期有增速的地区个数（含本区划）。")),
        "fai_last_year": (_("上年固定资产投资"), YI, _("本区划上年1-12月固定资产投资累计。")),
        "fai_last_year_growth": (
            _("上年固定资产投资增长"),
            PCT,
            _("上年1-12月累计相对其上年同期可比口径的增长；无可比口径时为空。"),
        ),
        "fai_target_amount": (_("年度投资目标"), YI, _("本区划当年固定资产投资目标总额。")),
        "fai_target_growth": (_("年度增长目标"), PCT, _("本区划当年固定资产投资增长目标。")),
        "period_target": (_("序时目标"), YI, _("年度投资目标 × 所选月份 ÷ 12。")),
        "period_gap": (
            _("序时目标缺口"),
            YI,
            _("序时目标 − 固定资产投资累计（按显示值相减）；任一缺数时为空，负数为超出。"),
        ),
        "target_plan_gap": (
            _("目标与计划缺口"),
            YI,
            _("年度投资目标 − 年度计划投资（按显示值相减），即“经初步梳理，缺口X亿元”；无目标时为空。"),
        ),
        "provincial_projects_count": (_("省级重点项目"), "个", _("年度重点项目中级别为省级重点的项目个数。")),
        "provincial_share": (
            _("省级重点项目占全省比重"),
            PCT,
            _(
                "省级重点项目个数 ÷ 本省当年省级重点项目名单的项目个数（取名单名称为“省级重点项目”的一份，"
                "没有时取最先录入的一份）；未录入名单规模时为空。"
            ),
        ),
        "statistics_candidates_count": (
            _("应统未统项目"),
            "个",
            _(
                "所选项目范围内、在所选区划的全部项目（不限年度重点项目）中：实际开工日期不晚于期末、"
                "当年以前未竣工、总投资达到入统标准（统计设置，默认500万元）且尚未入统的项目。"
            ),
        ),
        "statistics_candidates_investment": (_("应统未统项目总投资"), YI, _("应统未统项目总投资之和。")),
        "days_to_statistics_deadline": (
            _("距入统截止"),
            "天",
            _("从今天到下一个每月入统截止日的天数，当天为0。"),
        ),
        "not_started_count": (
            _("应开未开项目"),
            "个",
            _("年度重点项目中计划当年开工、计划开工日期不晚于期末、但到期末仍未开工的项目。"),
        ),
    }
    for value, label in InvestorType.choices:
        rows[f"share_{value}"] = (
            _("%(type)s占比") % {"type": label},
            PCT,
            _("%(type)s项目年度计划投资 ÷ 年度计划投资；无年度计划时为空。") % {"type": label},
        )
    for value, label in Category.choices:
        rows[f"share_{value}"] = (
            _("%(category)s类占比") % {"category": label},
            PCT,
            _("%(category)s类项目年度计划投资 ÷ 年度计划投资；无年度计划时为空。") % {"category": label},
        )
    return rows


def indicator_definitions() -> dict[str, tuple[str, str, str]]:
    """key -> (label, unit, definition) of every indicator, in the active language."""
    return _definitions()


class _Columns:
    """Rows as columns (one tuple per field), so masks, sums and id lists run at C speed
    (`compress`, `sum`, `map`) rather than in a Python loop per project."""

    def __init__(self, rows: list[tuple], fields: tuple[str, ...]):
        self.size = len(rows)
        columns = list(zip(*rows, strict=True)) if rows else [() for _field in fields]
        for name, column in zip(fields, columns, strict=True):
            setattr(self, name, column)

    def mask(self, field: str, value) -> list[bool]:
        return [item == value for item in getattr(self, field)]

    def ids(self, mask=None) -> tuple[int, ...]:
        return tuple(self.pk) if mask is None else tuple(compress(self.pk, mask))

    def total(self, field: str, mask=None) -> Decimal:
        values = getattr(self, field)
        return sum(values if mask is None else compress(values, mask), Decimal(0))


def _both(first: list[bool], second: list[bool]) -> list[bool]:
    return list(map(operator.and_, first, second))


KEY_PROJECT_FIELDS = (
    "pk",
    "region_code",
    "level",
    "category",
    "investor_type",
    "lead_official_id",
    "planned_start_date",
    "actual_start_date",
    "total_investment",
    "planned",
    "ytd",
)


def indicators_compute(*, user, region: Region, year: int, month: int, project_set: str = "all") -> IndicatorReport:
    """The indicators of `region` (with its sub-regions) for the period 1..`month` of `year`.

    Projects always come from the user's scope (`Project.objects.restrict(user, "view")`),
    so two users asking the same question may get different figures. The work is a fixed
    handful of queries whatever the number of projects (nine): one row per key project
    (with its plan and year-to-date completed investment), one aggregate by month, the
    not-started list, the statistics candidates, the settings, the sub-regions, and the
    official figures (FAI of the region, its peers and its sub-regions; target; province list).
    """
    if not 1 <= month <= 12:
        raise ValueError(_("月份应在1到12之间。"))
    set_q = parse_project_set(project_set)
    end = period_end(year, month)
    year_start = datetime.date(year, 1, 1)
    defs = _definitions()
    report = IndicatorReport(region_id=region.pk, year=year, month=month, project_set=project_set)

    def put(key: str, value, ids: tuple[int, ...] = ()):
        label, unit, definition = defs[key]
        report.indicators[key] = Indicator(
            key=key, label=label, value=value, unit=unit, project_ids=ids, definition=definition
        )

    projects = (
        Project.objects.restrict(user, "view")
        .filter(region__code__startswith=region.code_prefix)
        .filter(set_q)
        .order_by()
    )
    key_projects = projects.annotate(
        plan=FilteredRelation("annual_plans", condition=Q(annual_plans__year=year))
    ).filter(plan__isnull=False)
    counted_reports = MonthlyReport.objects.filter(
        year=year, month__lte=month, status__in=COUNTED_REPORT_STATUSES
    ).order_by()

    # 1. One row per key project, with its plan and its year-to-date completed investment
    #    (None: no counted report in the period).
    rows = list(
        key_projects.annotate(
            region_code=F("region__code"),
            planned=F("plan__planned_investment"),
            ytd=Subquery(
                counted_reports.filter(project_id=OuterRef("pk"))
                .values("project_id")
                .annotate(total=Sum("completed_investment"))
                .values("total")[:1]
            ),
        )
        .order_by("pk")
        .values_list(*KEY_PROJECT_FIELDS)
    )

    # 2. Completed investment of the key projects by month.
    completed_by_month = dict(
        counted_reports.filter(project_id__in=key_projects.values("pk"))
        .values("month")
        .annotate(total=Sum("completed_investment"))
        .values_list("month", "total")
    )

    # 3. Key projects planned to start by the end of the period and not started by then,
    #    with the latest problems reported up to the period.
    latest_problems = Subquery(
        MonthlyReport.objects.filter(project_id=OuterRef("pk"), status__in=COUNTED_REPORT_STATUSES)
        .filter(Q(year__lt=year) | Q(year=year, month__lte=month))
        .exclude(problems="")
        .order_by("-year", "-month")
        .values("problems")[:1]
    )
    not_started = list(
        key_projects.filter(planned_start_date__gte=year_start, planned_start_date__lte=end)
        .filter(Q(actual_start_date__isnull=True) | Q(actual_start_date__gt=end))
        .annotate(region_name=F("region__name"), latest_problems=latest_problems)
        .order_by("planned_start_date", "pk")
        .values_list("pk", "name", "region_name", "planned_start_date", "latest_problems")
    )

    # 4. Statistics candidates: every project of the set in the region, not only key projects.
    settings = StatisticsSettings.current()
    candidates = _Columns(
        list(
            projects.filter(
                actual_start_date__lte=end,
                total_investment__gte=settings.statistics_threshold,
                in_statistics=False,
            )
            .filter(Q(actual_end_date__isnull=True) | Q(actual_end_date__gte=year_start))
            .order_by("pk")
            .values_list("pk", "total_investment")
        ),
        ("pk", "total_investment"),
    )

    # 5. Official figures: FAI of the region, its peers and its sub-regions; last year's;
    #    the target; the province's list. January has no FAI figure of its own.
    children = list(Region.objects.filter(parent_id=region.pk).order_by("code"))
    stat_q = Q(region_id=region.pk, year=year - 1, month=12)
    if month >= 2:
        peers_q = Q(region__parent_id=region.parent_id, region__level=region.level)
        stat_q |= Q(year=year, month=month) & (peers_q | Q(region__parent_id=region.pk))
    stats = list(
        RegionStat.objects.restrict(user)
        .filter(stat_q)
        .order_by()
        .values_list("region_id", "region__parent_id", "region__level", "year", "fai_ytd", "comparable_base")
    )
    target = (
        RegionTarget.objects.restrict(user)
        .filter(region_id=region.pk, year=year)
        .order_by()
        .values_list("amount", "growth_pct")
        .first()
    )
    province_lists = list(
        ProvinceListTotal.objects.restrict(user)
        .filter(province__level=RegionLevel.PROVINCE, province__code__startswith=region.code[:2], year=year)
        .order_by("id")
        .values_list("list_name", "project_count")
    )

    # --- project figures -------------------------------------------------------
    key = _Columns(rows, KEY_PROJECT_FIELDS)
    has_report = [value is not None for value in key.ytd]
    key.ytd = [ZERO if value is None else value for value in key.ytd]
    started = [day is not None and day <= end for day in key.actual_start_date]
    # Planned to start this year and not started before it (a project started last year is 续建).
    planned_new = [
        planned is not None and planned.year == year and not (actual is not None and actual < year_start)
        for planned, actual in zip(key.planned_start_date, key.actual_start_date, strict=True)
    ]
    new_started = _both(planned_new, started)
    leader = [person is not None for person in key.lead_official_id]
    leader_planned_new = _both(leader, planned_new)
    annual_planned = key.total("planned")
    completed = key.total("ytd")
    all_ids = key.ids()

    put("key_projects_count", key.size, all_ids)
    put("key_projects_total_investment", to_yi(key.total("total_investment")), all_ids)
    put("annual_planned_investment", to_yi(annual_planned), all_ids)
    leader_ids = key.ids(leader)
    put("leader_projects_count", len(leader_ids), leader_ids)
    put("leaders_count", len(set(key.lead_official_id) - {None}), leader_ids)
    started_ids = key.ids(started)
    put("started_count", len(started_ids), started_ids)
    planned_new_ids = key.ids(planned_new)
    put("planned_new_starts", len(planned_new_ids), planned_new_ids)
    new_started_ids = key.ids(new_started)
    put("new_starts_started", len(new_started_ids), new_started_ids)
    put("start_rate", percent(len(new_started_ids), len(planned_new_ids)), planned_new_ids)
    leader_started_ids = key.ids(_both(leader, started))
    put("leader_started_count", len(leader_started_ids), leader_started_ids)
    leader_planned_new_ids = key.ids(leader_planned_new)
    put(
        "leader_start_rate",
        percent(sum(_both(leader_planned_new, started)), len(leader_planned_new_ids)),
        leader_planned_new_ids,
    )
    put("completed_ytd", to_yi(completed), key.ids(has_report))
    completion_rate = percent(completed, annual_planned)
    put("plan_completion_rate", completion_rate, all_ids)
    time_share = percent(month, 12)
    put("time_elapsed_share", time_share)
    put("lag_points", _minus(time_share, completion_rate), all_ids)

    # Structure: share of the annual plan by investor type and by category.
    for field_name, choices, series in (
        ("investor_type", InvestorType.choices, report.by_investor_type),
        ("category", Category.choices, report.by_category),
    ):
        for value, label in choices:
            mask = key.mask(field_name, value)
            planned = key.total("planned", mask)
            ids = key.ids(mask)
            put(f"share_{value}", percent(planned, annual_planned), ids)
            series.append(
                SeriesPoint(
                    key=value,
                    label=str(label),
                    values={
                        "annual_planned": to_yi(planned),
                        "share": percent(planned, annual_planned),
                        "completed_ytd": to_yi(key.total("ytd", mask)),
                    },
                    project_ids=ids,
                )
            )

    provincial_ids = key.ids(key.mask("level", Level.PROVINCIAL))
    put("provincial_projects_count", len(provincial_ids), provincial_ids)
    list_total = next((count for name, count in province_lists if name == DEFAULT_LIST_NAME), None)
    if list_total is None and province_lists:
        list_total = province_lists[0][1]
    put("provincial_share", percent(len(provincial_ids), list_total), provincial_ids)

    candidate_ids = candidates.ids()
    put("statistics_candidates_count", candidates.size, candidate_ids)
    put("statistics_candidates_investment", to_yi(candidates.total("total_investment")), candidate_ids)
    put("days_to_statistics_deadline", days_to_deadline(timezone.localdate(), settings.statistics_deadline_day))
    put("not_started_count", len(not_started), tuple(row[0] for row in not_started))

    # --- official figures ------------------------------------------------------
    current = {}  # region id -> (fai_ytd, growth) for year/month
    peer_growth = {}  # region id -> growth, for the peers (the region included)
    last_year = None
    for region_id, parent_id, level, stat_year, fai, base in stats:
        growth = yoy_growth_pct(fai, base)
        if stat_year == year - 1:
            last_year = (fai, growth)
            continue
        current[region_id] = (fai, growth)
        if parent_id == region.parent_id and level == region.level:
            peer_growth[region_id] = growth
    peer_ranks = _rank(peer_growth)
    own = current.get(region.pk)
    fai_ytd = to_yi(own[0]) if own else None
    put("fai_ytd", fai_ytd)
    put("fai_yoy_growth", own[1] if own else None)
    put("fai_rank", peer_ranks.get(region.pk))
    put("fai_peer_count", len(peer_ranks))
    put("fai_last_year", to_yi(last_year[0]) if last_year else None)
    put("fai_last_year_growth", last_year[1] if last_year else None)
    target_amount = to_yi(target[0]) if target else None
    put("fai_target_amount", target_amount)
    put("fai_target_growth", Decimal(target[1]).quantize(TENTH, rounding=ROUND_HALF_UP) if target else None)
    period_target = to_yi(Decimal(target[0]) * month / 12) if target else None
    put("period_target", period_target)
    put("period_gap", _minus(period_target, fai_ytd))
    put("target_plan_gap", _minus(target_amount, to_yi(annual_planned)), all_ids)

    # --- series ----------------------------------------------------------------
    running = ZERO
    for m in range(1, month + 1):
        running += completed_by_month.get(m) or ZERO
        report.by_month.append(
            SeriesPoint(
                key=str(m),
                label=_("1月") if m == 1 else _("1-%(month)s月") % {"month": m},
                values={
                    "completed_ytd": to_yi(running),
                    "plan_share": percent(running, annual_planned),
                    "time_share": percent(m, 12),
                },
            )
        )

    # Each key project to the sub-region whose code prefix it carries.
    child_by_prefix = {child.code_prefix: child.pk for child in children}
    child_of = [None] * key.size
    for length in sorted({len(prefix) for prefix in child_by_prefix}):
        child_of = [
            found if found is not None else child_by_prefix.get(code[:length])
            for found, code in zip(child_of, key.region_code, strict=True)
        ]
    child_ranks = _rank({child.pk: current[child.pk][1] for child in children if child.pk in current})
    for child in children:
        child_id = child.pk
        mask = [found == child_id for found in child_of]
        planned = key.total("planned", mask)
        done = key.total("ytd", mask)
        stat = current.get(child.pk)
        report.by_county.append(
            SeriesPoint(
                key=child.code,
                label=child.name,
                values={
                    "key_projects": sum(mask),
                    "annual_planned": to_yi(planned),
                    "completed_ytd": to_yi(done),
                    "plan_completion_rate": percent(done, planned),
                    "start_rate": percent(sum(_both(mask, new_started)), sum(_both(mask, planned_new))),
                    "fai_ytd": to_yi(stat[0]) if stat else None,
                    "fai_yoy_growth": stat[1] if stat else None,
                    "fai_rank": child_ranks.get(child.pk),
                },
                project_ids=key.ids(mask),
            )
        )

    report.not_started = [
        {
            "project_id": pk,
            "name": name,
            "region": region_name,
            "planned_start_date": planned_start,
            "problems": problems or "",
        }
        for pk, name, region_name, planned_start, problems in not_started
    ]
    return report
