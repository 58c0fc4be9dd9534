"""The indicators of the speeches, computed in one place (contract; see indicators_compute).

Every figure is an `Indicator` carrying the ids of the projects behind it, so the UI can
link each number to its project list. Region statistics (FAI, growth, rank) carry no
projects: they link to the region's statistics instead.
"""

import calendar
import datetime
import operator
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, partial
from itertools import compress

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.money import WAN_PER_YI
from apps.projects.models import Category, InvestorType, Level, Project
from apps.regions.models import Person, Region, RegionLevel
from apps.reporting.models import COUNTED_REPORT_STATUSES, MONTH_COLUMNS, VERIFIED_MONTH_COLUMNS, MonthlyReport

from .models import ProvinceListTotal, RegionStat, RegionTarget, StatisticsSettings


class ProjectIds:
    """The ids of the projects behind a figure, ascending, read as `.ids`.

    Given outright, or fetched on first read and kept: a whole city's figures stand on up
    to ~60,000 projects each, and the dashboard shows numbers, opening one figure's list at
    a time, so a call does not build lists nobody reads. `count` is the number of projects
    when known without the ids (the charts show it)."""

    def __init__(self, ids: tuple[int, ...] = (), *, fetch: Callable[[], tuple[int, ...]] | None = None, count=None):
        self._fetch = fetch
        if fetch is None:
            self.__dict__["ids"] = tuple(ids)
        self._count = count

    @cached_property
    def ids(self) -> tuple[int, ...]:
        return self._fetch()

    @property
    def count(self) -> int:
        return len(self.ids) if self._count is None else self._count


NO_PROJECTS = ProjectIds()


@dataclass(frozen=True)
class Indicator:
    key: str  # stable English name, e.g. "start_rate"
    label: str  # Chinese label shown in the UI
    value: Decimal | int | None  # None: no data (e.g. no last-year base), never a guessed 0
    unit: str  # "个", "名", "亿元", "万元", "%", "个百分点", "位", "天"
    projects: ProjectIds = field(default=NO_PROJECTS, compare=False, repr=False)
    definition: str = ""  # how the figure is computed (tooltip, README glossary)

    @property
    def project_ids(self) -> tuple[int, ...]:
        return self.projects.ids


@dataclass(frozen=True)
class SeriesPoint:
    """One category of a chart series (a month, a county, a category, an investor type)."""

    key: str
    label: str
    values: dict[str, Decimal | int | None]
    projects: ProjectIds = field(default=NO_PROJECTS, compare=False, repr=False)

    @property
    def project_ids(self) -> tuple[int, ...]:
        return self.projects.ids

    @property
    def project_count(self) -> int:
        return self.projects.count


@dataclass
class IndicatorReport:
    region_id: int
    year: int
    month: int
    project_set: str
    # Completed investment from verified (已审核) reports only (the switch for published figures).
    verified_only: bool = False
    # The projects are the region's whole set (set "all", a scope covering the region): only
    # then may a region-wide target be set against their plan (target_plan_gap).
    whole_set: bool = True
    indicators: dict[str, Indicator] = field(default_factory=dict)
    # Charts: by month (1..month), by county (sub-regions of the region, then a 本级 row for the
    # region's own projects when it has any, so the rows add up), by category, by investor type.
    by_month: list[SeriesPoint] = field(default_factory=list)
    by_county: list[SeriesPoint] = field(default_factory=list)
    by_category: list[SeriesPoint] = field(default_factory=list)
    by_investor_type: list[SeriesPoint] = field(default_factory=list)
    # Not-started projects planned to start this year, with their latest recorded problems
    # (a LazyRows: fetched when read).
    not_started: Sequence[dict] = field(default_factory=list)

    def __getitem__(self, key: str) -> Indicator:
        return self.indicators[key]


# --- computing the indicators -------------------------------------------------


# Units are the contract's fixed strings (the UI formats by them), not translated.
YI = "亿元"
PCT = "%"
ZERO = Decimal(0)
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
HUNDRED = Decimal(100)
DEFAULT_LIST_NAME = ProvinceListTotal._meta.get_field("list_name").default


def parse_project_set(project_set: str, prefix: str = "") -> Q:
    """The filter of a project set: "all", "leader", "level:<Level>", "category:<Category>",
    "person:<Person id>" (one leader's projects: led by them or by a department in their charge),
    "department:<Organisation id>" (the projects a department leads, 牵头单位: the assessment of
    departments and its drill-downs);
    `prefix` reaches the project through a relation (e.g. "project__" from a report).

    Raises ValueError (Chinese message) for anything else.
    """
    if project_set == "all":
        return Q()
    if project_set == "leader":
        # A lead official counts only when flagged as a city leader (市级领导).
        return Q(**{f"{prefix}lead_official__is_city_leader": True})
    kind, sep, value = (project_set or "").partition(":")
    if sep and kind == "person" and value.isdigit() and value == str(int(value)):
        # One leader's projects (领导简报): those the person leads (包抓), and those led by
        # the departments in their charge (分管, apps.briefs.DepartmentCharge).
        from apps.briefs.models import DepartmentCharge

        in_charge = DepartmentCharge.objects.filter(person_id=int(value)).values("department_id")
        return Q(**{f"{prefix}lead_official_id": int(value)}) | Q(**{f"{prefix}lead_department_id__in": in_charge})
    if sep and kind == "department" and value.isdigit() and value == str(int(value)):
        return Q(**{f"{prefix}lead_department_id": int(value)})
    if sep and kind == "level" and value in Level.values:
        return Q(**{f"{prefix}level": value})
    if sep and kind == "category" and value in Category.values:
        return Q(**{f"{prefix}category": value})
    raise ValueError(
        _(
            "未知的项目范围“%(set)s”。可选：all、leader、level:%(levels)s、category:%(categories)s、person:人员编号、department:部门编号。"
        )
        % {"set": project_set, "levels": "|".join(Level.values), "categories": "|".join(Category.values)}
    )


#: Roles whose scope is their region's subtree, all of it.
REGION_ANCHORED_ROLES = ("city_admin", "county_user", "city_leader")

_OWN_LEVEL_LABELS = {
    RegionLevel.PROVINCE: gettext_lazy("省本级"),
    RegionLevel.CITY: gettext_lazy("市本级"),
    RegionLevel.COUNTY: gettext_lazy("县本级"),
}


def own_level_label(region: Region) -> str:
    """The row of a region's own projects in a series by sub-region: 市本级, 县本级, ..."""
    return str(_OWN_LEVEL_LABELS[region.level])


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
    counted = _(
        "月报只计“已报送”和“已审核”的，草稿和已退回的不计（选“仅计已审核”时只计“已审核”的）；"
        "其中已报送未审核的份数见“待审核月报”。"
    )
    key = _("年度重点项目：所选项目范围内、在所选区划（含下级）且编制了当年年度计划的项目。")
    rows = {
        "key_projects_count": (_("年度重点项目"), "个", key),
        "key_projects_total_investment": (_("重点项目总投资"), YI, _("年度重点项目总投资之和。")),
        "annual_planned_investment": (_("年度计划投资"), YI, _("年度重点项目当年年度计划投资之和。")),
        "leader_projects_count": (
            _("市级领导包抓项目"),
            "个",
            _("年度重点项目中包抓领导为市级领导（人员标记为市级领导）的项目个数。"),
        ),
        "leaders_count": (
            _("包抓市级领导"),
            "名",
            _("包抓年度重点项目、且标记为市级领导的人数（去重）；未标记为市级领导的包抓人不计。"),
        ),
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
        "leader_planned_new_starts": (
            _("包抓项目计划新开工"),
            "个",
            _("市级领导包抓项目中的计划新开工项目（口径同计划新开工项目）。"),
        ),
        "leader_new_starts_started": (
            _("包抓项目新开工已开工"),
            "个",
            _("包抓项目计划新开工项目中实际开工日期不晚于期末的项目。"),
        ),
        "leader_start_rate": (
            _("包抓项目新开工项目开工率"),
            PCT,
            _(
                "包抓项目新开工已开工 ÷ 包抓项目计划新开工；不含续建项目，"
                "故不等于“包抓项目已开工 ÷ 市级领导包抓项目”。无计划新开工项目时为空。"
            ),
        ),
        "unverified_reports": (
            _("待审核月报"),
            "份",
            _(
                "计入累计完成投资的月报中已报送、尚未审核的份数（年度重点项目当年1月至所选月份）；"
                "选“仅计已审核”时这些月报不计入，本数仍列出。"
            ),
        ),
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
        "period_target": (
            _("序时目标"),
            YI,
            _("上年同期可比口径（1月至所选月份）×（1 + 年度增长目标）：按增长目标应完成的累计投资；任一缺数时为空。"),
        ),
        "period_gap": (
            _("序时目标缺口"),
            YI,
            _(
                "序时目标 − 固定资产投资累计（按显示值相减），即“与增长X%的预期目标还有X亿元的缺口”；"
                "任一缺数时为空，负数为超出。讲话稿和通报用此口径。"
            ),
        ),
        "period_target_linear": (
            _("均衡序时目标"),
            YI,
            _("年度投资目标 × 所选月份 ÷ 12；投资有季节性，上半年会高估缺口，仅供参考。"),
        ),
        "period_gap_linear": (
            _("均衡序时目标缺口"),
            YI,
            _("均衡序时目标 − 固定资产投资累计（按显示值相减）；任一缺数时为空，负数为超出。"),
        ),
        "target_plan_gap": (
            _("目标与计划缺口"),
            YI,
            _(
                "年度投资目标 − 年度计划投资（按显示值相减），即“经初步梳理，缺口X亿元”；无目标时为空；"
                "项目不是本区划的全部项目（选了项目范围，或用户只能看到部分项目，如部门、建设单位）时为空。"
            ),
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
                "当年以前未竣工、总投资达到入统标准（统计设置，默认500万元）且到期末尚未入统"
                "（未入统，或入统日期晚于期末）的项目。"
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
            _("年度重点项目中计划开工日期不晚于期末（含以前年度计划开工的）、但到期末仍未开工的项目。"),
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
    """Rows as columns (one tuple per field), so masks and id lists run at C speed
    (`compress`, `map`) rather than in a Python loop per project."""

    def __init__(self, rows: list[tuple], fields: tuple[str, ...]):
        self.size = len(rows)
        columns = list(zip(*rows, strict=True)) if rows else [() for _field in fields]
        for name, column in zip(fields, columns, strict=True):
            setattr(self, name, column)

    def mask(self, field: str, value) -> list[bool]:
        return [item == value for item in getattr(self, field)]


def _both(first: list[bool], second: list[bool]) -> list[bool]:
    return list(map(operator.and_, first, second))


class _KeyProjects:
    """The key projects one row each, without money, for the id lists: fetched by the first
    id list asked for (one query), then shared by every figure of the call."""

    FIELDS = (
        "pk",
        "region_id",
        "level",
        "category",
        "investor_type",
        "lead_official__is_city_leader",
        "planned_start_date",
        "actual_start_date",
    )

    def __init__(self, queryset, *, year: int, end: datetime.date, child_of_region: dict[int, int | None]):
        self.queryset = queryset
        self.year_start = datetime.date(year, 1, 1)
        self.year = year
        self.end = end
        self.child_of_region = child_of_region

    @cached_property
    def columns(self) -> _Columns:
        return _Columns(list(self.queryset.order_by("pk").values_list(*self.FIELDS)), self.FIELDS)

    # The masks mirror the conditions of indicators_compute's grouped query (_key_project_flags).
    @cached_property
    def started(self) -> list[bool]:
        return [day is not None and day <= self.end for day in self.columns.actual_start_date]

    @cached_property
    def planned_new(self) -> list[bool]:
        return [
            planned is not None and planned.year == self.year and not (actual is not None and actual < self.year_start)
            for planned, actual in zip(self.columns.planned_start_date, self.columns.actual_start_date, strict=True)
        ]

    @cached_property
    def leader(self) -> list[bool]:
        return [flag is True for flag in self.columns.lead_official__is_city_leader]

    @cached_property
    def child(self) -> list[int | None]:
        return [self.child_of_region.get(region_id) for region_id in self.columns.region_id]

    def ids(self, *flags: str, **equal) -> tuple[int, ...]:
        """Ids of the key projects with every flag in `flags` (started, planned_new, leader)
        and every column in `equal` at the given value (child: the sub-region's id)."""
        masks = [getattr(self, flag) for flag in flags]
        for name, value in equal.items():
            masks.append([item == value for item in self.child] if name == "child" else self.columns.mask(name, value))
        if not masks:
            return tuple(self.columns.pk)
        mask = masks[0]
        for other in masks[1:]:
            mask = _both(mask, other)
        return tuple(compress(self.columns.pk, mask))

    def lazy(self, count: int, *flags: str, **equal) -> ProjectIds:
        return ProjectIds(fetch=partial(self.ids, *flags, **equal), count=count)


class _Reported:
    """The key projects with a counted report of the year by the period, read once:
    (pk, first verified month, bits of the months only submitted)."""

    def __init__(self, queryset, *, month: int, verified_only: bool):
        self.queryset = queryset
        self.month = month
        self.verified_only = verified_only

    @cached_property
    def rows(self) -> list[tuple]:
        return list(
            self.queryset.order_by("pk").values_list(
                "pk", "completed_investment_years__verified_first_month", "completed_investment_years__unverified_mask"
            )
        )

    def with_reports(self) -> tuple[int, ...]:
        if self.verified_only:
            return tuple(pk for pk, first, _mask in self.rows if first is not None and first <= self.month)
        return tuple(pk for pk, _first, _mask in self.rows)

    def with_unverified(self) -> tuple[int, ...]:
        bits = (1 << self.month) - 1
        return tuple(pk for pk, _first, mask in self.rows if mask & bits)


class LazyRows(Sequence):
    """The rows of a list, fetched when read. `len()` is known beforehand (counted with the
    figures); a slice from the start fetches only those rows (the dashboard shows the first
    ten of thousands); anything else fetches them all, once."""

    def __init__(self, count: int, fetch: Callable[[int | None], list]):
        self._count = count
        self._fetch = fetch

    @cached_property
    def rows(self) -> list:
        return self._fetch(None)

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if (
            isinstance(index, slice)
            and "rows" not in self.__dict__
            and not index.start
            and index.step in (None, 1)
            and index.stop is not None
            and index.stop >= 0
        ):
            return self._fetch(index.stop)
        return self.rows[index]

    def __iter__(self):
        return iter(self.rows)

    def __eq__(self, other):
        if isinstance(other, (list, tuple, LazyRows)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None


def _conditions(*, year: int, end: datetime.date, threshold: Decimal) -> dict[str, Q]:
    """The conditions the figures count by, on projects annotated with `plan` (their annual
    plan of the year, see indicators_compute). _KeyProjects applies the same in Python."""
    year_start = datetime.date(year, 1, 1)
    not_started_by_end = Q(actual_start_date__isnull=True) | Q(actual_start_date__gt=end)
    return {
        "key": Q(plan__isnull=False),
        "started": Q(actual_start_date__lte=end),
        # Planned to start this year and not started before it (a project started last year is 续建).
        "planned_new": Q(planned_start_date__gte=year_start, planned_start_date__lte=datetime.date(year, 12, 31))
        & (Q(actual_start_date__isnull=True) | Q(actual_start_date__gte=year_start)),
        # Earlier years' planned starts still not started are overdue all the same.
        "not_started": Q(planned_start_date__lte=end) & not_started_by_end,
        # Every project of the set, not only key projects. Judged at the period's end: a
        # project included after it was still a candidate then (a past month never changes).
        "candidate": Q(actual_start_date__lte=end, total_investment__gte=threshold)
        & (Q(in_statistics=False) | Q(statistics_included_on__gt=end))
        & (Q(actual_end_date__isnull=True) | Q(actual_end_date__gte=year_start)),
    }


#: The counts of key projects taken in each group: name -> the conditions (of _conditions) met.
GROUP_COUNTS = {
    "n_key": (),
    "n_started": ("started",),
    "n_planned_new": ("planned_new",),
    "n_new_started": ("planned_new", "started"),
    "n_not_started": ("not_started",),
}
# is_leader: has a 包抓 leader (the leader figures are the sums of those groups).
GROUP_FIELDS = ("region_id", "level", "category", "investor_type", "is_leader")


@dataclass
class _Tally:
    """Key projects counted and summed over some of the groups of the grouped query."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GROUP_COUNTS, 0))
    total_investment: Decimal = ZERO
    planned: Decimal = ZERO
    completed: Decimal = ZERO
    unverified: int = 0  # counted reports submitted but not verified

    def add(self, row: dict) -> None:
        for name in GROUP_COUNTS:
            self.counts[name] += row[name]
        self.total_investment += row["total"] or ZERO
        self.planned += row["planned"] or ZERO
        self.completed += row["completed"]
        self.unverified += row["unverified"]

    def __getitem__(self, name: str) -> int:
        return self.counts[name]


def covers_whole_region(user, region: Region) -> bool:
    """Whether `user` sees every project of `region` (with its sub-regions): an unrestricted
    scope, or a region-anchored one (city administrator, county user, city leader) whose
    region contains `region`. Department, owner-unit and unanchored users see part of it."""
    from apps.projects.models import project_scope_q

    scope = project_scope_q(user, "view")
    if scope is None:
        return False
    if not scope:  # Q(): everything
        return True
    anchored = getattr(user, "region", None)
    return (
        user.role in REGION_ANCHORED_ROLES
        and anchored is not None
        and region.code_prefix.startswith(anchored.code_prefix)
    )


def indicators_compute(
    *, user, region: Region, year: int, month: int, project_set: str = "all", verified_only: bool = False
) -> IndicatorReport:
    """The indicators of `region` (with its sub-regions) for the period 1..`month` of `year`.

    Projects always come from the user's scope (`Project.objects.restrict(user, "view")`),
    so two users asking the same question may get different figures. The work is a fixed
    handful of queries whatever the number of projects (eight): the settings; the regions of
    the subtree; ONE grouped statement over the key projects with their plan and their
    completed investment of the year by month (CompletedInvestmentYear: the counted reports
    summed per project and month, kept in step with every saved report), counting and
    summing every key-project figure and the completed investment by month, county,
    category and investor type (one row per county, level, category, investor type and
    leader or not: about a thousand at most); the statistics candidates (count and sum);
    the distinct leaders; the official figures (FAI of the region, its peers and its
    sub-regions; target; province list).

    Read when first used, so a caller pays only for what it reads: the ids behind each
    figure (`Indicator.project_ids`, `SeriesPoint.project_ids`; one query for all the
    key-project figures together, one each for completed_ytd, the statistics candidates and
    the not-started projects) and the rows of `not_started` (a LazyRows: its length is
    known; its first rows are one small query). The dashboard reads numbers, counts and
    the first not-started rows; a drill-down reads one figure's ids; the API reads every
    id list unless ids=false.
    """
    if not 1 <= month <= 12:
        raise ValueError(_("月份应在1到12之间。"))
    set_q = parse_project_set(project_set)
    end = period_end(year, month)
    defs = _definitions()
    report = IndicatorReport(
        region_id=region.pk,
        year=year,
        month=month,
        project_set=project_set,
        verified_only=verified_only,
        whole_set=project_set == "all" and covers_whole_region(user, region),
    )

    def put(key: str, value, projects: ProjectIds = NO_PROJECTS):
        label, unit, definition = defs[key]
        report.indicators[key] = Indicator(
            key=key, label=label, value=value, unit=unit, projects=projects, definition=definition
        )

    settings = StatisticsSettings.current()
    when = _conditions(year=year, end=end, threshold=settings.statistics_threshold)
    # The region with its sub-regions, as ids: the planners then walk the projects' region
    # index for a county (PostgreSQL scanned every project to join the region codes; SQLite
    # walked total_investment's index for the candidates, which nearly every project passes).
    subtree = list(Region.objects.filter(code__startswith=region.code_prefix).order_by("code"))
    children = [item for item in subtree if item.parent_id == region.pk]
    in_region = Project.objects.restrict(user, "view").filter(region_id__in=[item.pk for item in subtree])
    projects = (
        in_region.filter(set_q)
        .annotate(plan=FilteredRelation("annual_plans", condition=Q(annual_plans__year=year)))
        .order_by()
    )
    key_projects = projects.filter(when["key"])

    # 1. Every key-project figure in one statement over the key projects, their plan and
    #    their completed investment of the year by month, grouped by county, level, category
    #    and investor type.
    def all_of(names: tuple[str, ...]) -> Q | None:
        return Q(*(when[name] for name in names)) if names else None

    month_columns = (VERIFIED_MONTH_COLUMNS if verified_only else MONTH_COLUMNS)[:month]
    # Bit m−1 of unverified_mask: month m's counted report is submitted, not verified. Summing
    # mask & bit over a group gives (number of such reports) × bit, in the same statement.
    month_bits = {f"u{m}": 1 << (m - 1) for m in range(1, month + 1)}
    groups = list(
        key_projects.annotate(
            done=FilteredRelation("completed_investment_years", condition=Q(completed_investment_years__year=year)),
            is_leader=ExpressionWrapper(Q(lead_official__is_city_leader=True), output_field=BooleanField()),
        )
        .values(*GROUP_FIELDS)
        .annotate(
            **{name: Count("pk", filter=all_of(names)) for name, names in GROUP_COUNTS.items()},
            total=Sum("total_investment"),
            planned=Sum("plan__planned_investment"),
            **{column: Sum(f"done__{column}") for column in month_columns},
            **{
                name: Sum(ExpressionWrapper(F("done__unverified_mask").bitand(bit), output_field=IntegerField()))
                for name, bit in month_bits.items()
            },
        )
        .order_by()
    )

    # 2. Statistics candidates: every project of the set in the region, not only key projects.
    candidate_projects = in_region.filter(set_q).filter(when["candidate"]).order_by()
    candidates = candidate_projects.aggregate(n=Count("pk"), total=Sum("total_investment"))

    # 3. The leaders of key projects: a probe per person (a handful) down the projects'
    #    lead_official index, rather than a distinct aggregate in the grouped statement
    #    (PostgreSQL would sort every project instead of hashing the groups) or grouping by
    #    leader too (ten times the groups).
    leaders_count = (
        Person.objects.filter(is_city_leader=True)
        .filter(Exists(key_projects.filter(lead_official_id=OuterRef("pk"))))
        .order_by()
        .count()
    )

    # 4. Official figures: FAI of the region, its peers and its sub-regions; last year's;
    #    the target; the province's list. January has no FAI figure of its own.
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

    # Each region of the subtree to the sub-region whose code prefix its code carries (None: none).
    child_by_prefix = {child.code_prefix: child.pk for child in children}
    prefix_lengths = sorted({len(prefix) for prefix in child_by_prefix})
    child_of_region = {
        item.pk: next(
            (child_by_prefix[item.code[:n]] for n in prefix_lengths if item.code[:n] in child_by_prefix), None
        )
        for item in subtree
    }

    ids = _KeyProjects(key_projects, year=year, end=end, child_of_region=child_of_region)

    # --- tallies of the groups ----------------------------------------------------
    every = _Tally()
    by_leaders = _Tally()  # the leader-responsible (包抓) key projects
    by_level: dict[str, _Tally] = defaultdict(_Tally)
    by_value: dict[tuple[str, str], _Tally] = defaultdict(_Tally)  # ("category" | "investor_type", value)
    by_child: dict[int | None, _Tally] = defaultdict(_Tally)
    completed_by_month = [ZERO] * month
    for row in groups:
        months = [row[column] or ZERO for column in month_columns]
        row["completed"] = sum(months, ZERO)
        row["unverified"] = sum((row[name] or 0) // bit for name, bit in month_bits.items())
        completed_by_month = [done + more for done, more in zip(completed_by_month, months, strict=True)]
        if row["is_leader"]:
            by_leaders.add(row)
        for tally in (
            every,
            by_level[row["level"]],
            by_value["category", row["category"]],
            by_value["investor_type", row["investor_type"]],
            by_child[child_of_region.get(row["region_id"])],
        ):
            tally.add(row)

    # 5. Read when used: key projects planned to start by the end of the period and not
    #    started by then, with the latest problems reported up to the period.
    latest_problems = Subquery(
        MonthlyReport.objects.filter(project_id=OuterRef("pk"), status__in=COUNTED_REPORT_STATUSES)
        .filter(Q(year__lt=year) | Q(year=year, month__lte=month))
        .exclude(problems="")
        .order_by("-year", "-month")
        .values("problems")[:1]
    )
    not_started = (
        key_projects.filter(when["not_started"])
        .annotate(region_name=F("region__name"), latest_problems=latest_problems)
        .order_by("planned_start_date", "pk")
        .values_list("pk", "name", "region_name", "planned_start_date", "planned_start_precision", "latest_problems")
    )

    def not_started_rows(limit: int | None) -> list[dict]:
        rows = not_started
        if limit is not None:
            # The first rows chosen first, then the latest problems of those alone (SQLite
            # would look them up for every row before sorting).
            head = key_projects.filter(when["not_started"]).order_by("planned_start_date", "pk").values("pk")
            rows = not_started.filter(pk__in=head[:limit])
        return [
            {
                "project_id": pk,
                "name": name,
                "region": region_name,
                "planned_start_date": planned_start,
                "planned_start_precision": precision,
                "problems": problems or "",
            }
            for pk, name, region_name, planned_start, precision, problems in rows
        ]

    report.not_started = LazyRows(every["n_not_started"], not_started_rows)

    # --- project figures -------------------------------------------------------
    annual_planned = every.planned
    completed = every.completed
    key_count = every["n_key"]
    all_projects = ids.lazy(key_count)
    put("key_projects_count", key_count, all_projects)
    put("key_projects_total_investment", to_yi(every.total_investment), all_projects)
    put("annual_planned_investment", to_yi(annual_planned), all_projects)
    leader_projects = ids.lazy(by_leaders["n_key"], "leader")
    put("leader_projects_count", by_leaders["n_key"], leader_projects)
    put("leaders_count", leaders_count, leader_projects)
    put("started_count", every["n_started"], ids.lazy(every["n_started"], "started"))
    planned_new_projects = ids.lazy(every["n_planned_new"], "planned_new")
    put("planned_new_starts", every["n_planned_new"], planned_new_projects)
    put(
        "new_starts_started",
        every["n_new_started"],
        ids.lazy(every["n_new_started"], "planned_new", "started"),
    )
    put("start_rate", percent(every["n_new_started"], every["n_planned_new"]), planned_new_projects)
    put(
        "leader_started_count",
        by_leaders["n_started"],
        ids.lazy(by_leaders["n_started"], "leader", "started"),
    )
    leader_planned_new = ids.lazy(by_leaders["n_planned_new"], "leader", "planned_new")
    put("leader_planned_new_starts", by_leaders["n_planned_new"], leader_planned_new)
    put(
        "leader_new_starts_started",
        by_leaders["n_new_started"],
        ids.lazy(by_leaders["n_new_started"], "leader", "planned_new", "started"),
    )
    put("leader_start_rate", percent(by_leaders["n_new_started"], by_leaders["n_planned_new"]), leader_planned_new)
    # With a counted report in the period, even of 0 万元.
    # One read for both lists: the projects with a counted report by the period (for
    # verified_only, a verified one) and those with a submitted-unverified report in it.
    reported = _Reported(
        key_projects.filter(completed_investment_years__year=year, completed_investment_years__first_month__lte=month),
        month=month,
        verified_only=verified_only,
    )
    put("completed_ytd", to_yi(completed), ProjectIds(fetch=reported.with_reports))
    put(
        "unverified_reports",
        every.unverified,
        ProjectIds(fetch=reported.with_unverified, count=None),
    )
    completion_rate = percent(completed, annual_planned)
    put("plan_completion_rate", completion_rate, all_projects)
    time_share = percent(month, 12)
    put("time_elapsed_share", time_share)
    put("lag_points", _minus(time_share, completion_rate), all_projects)

    # Structure: share of the annual plan by investor type and by category.
    for field_name, choices, series in (
        ("investor_type", InvestorType.choices, report.by_investor_type),
        ("category", Category.choices, report.by_category),
    ):
        for value, label in choices:
            tally = by_value.get((field_name, value), _Tally())
            share = percent(tally.planned, annual_planned)
            value_projects = ids.lazy(tally["n_key"], **{field_name: value})
            put(f"share_{value}", share, value_projects)
            series.append(
                SeriesPoint(
                    key=value,
                    label=str(label),
                    values={
                        "annual_planned": to_yi(tally.planned),
                        "share": share,
                        "completed_ytd": to_yi(tally.completed),
                        "plan_completion_rate": percent(tally.completed, tally.planned),
                        "unverified_reports": tally.unverified,
                    },
                    projects=value_projects,
                )
            )

    provincial_count = by_level[Level.PROVINCIAL]["n_key"] if Level.PROVINCIAL in by_level else 0
    provincial_projects = ids.lazy(provincial_count, level=Level.PROVINCIAL)
    put("provincial_projects_count", provincial_count, provincial_projects)
    list_total = next((count for name, count in province_lists if name == DEFAULT_LIST_NAME), None)
    if list_total is None and province_lists:
        list_total = province_lists[0][1]
    put("provincial_share", percent(provincial_count, list_total), provincial_projects)

    candidate_ids = ProjectIds(
        fetch=lambda: tuple(candidate_projects.order_by("pk").values_list("pk", flat=True)), count=candidates["n"]
    )
    put("statistics_candidates_count", candidates["n"], candidate_ids)
    put("statistics_candidates_investment", to_yi(candidates["total"] or ZERO), candidate_ids)
    put("days_to_statistics_deadline", days_to_deadline(timezone.localdate(), settings.statistics_deadline_day))
    put(
        "not_started_count",
        every["n_not_started"],
        ProjectIds(
            fetch=lambda: tuple(key_projects.filter(when["not_started"]).order_by("pk").values_list("pk", flat=True)),
            count=every["n_not_started"],
        ),
    )

    # --- official figures ------------------------------------------------------
    current = {}  # region id -> (fai_ytd, growth, comparable base) for year/month
    peer_growth = {}  # region id -> growth, for the peers (the region included)
    last_year = None
    for region_id, parent_id, level, stat_year, fai, base in stats:
        growth = yoy_growth_pct(fai, base)
        if stat_year == year - 1:
            last_year = (fai, growth)
            continue
        current[region_id] = (fai, growth, base)
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
    # Growth-based: what the year-to-date must be to grow by the target over last year's
    # comparable figure (FAI is seasonal, so the linear share overstates early gaps).
    base = own[2] if own else None
    period_target = (
        to_yi(Decimal(base) * (HUNDRED + Decimal(target[1])) / HUNDRED) if target and base is not None else None
    )
    put("period_target", period_target)
    put("period_gap", _minus(period_target, fai_ytd))
    period_target_linear = to_yi(Decimal(target[0]) * month / 12) if target else None
    put("period_target_linear", period_target_linear)
    put("period_gap_linear", _minus(period_target_linear, fai_ytd))
    # A region-wide target against part of its projects' plan would be a false gap.
    plan_gap = _minus(target_amount, to_yi(annual_planned)) if report.whole_set else None
    put("target_plan_gap", plan_gap, all_projects if report.whole_set else NO_PROJECTS)

    # --- series ----------------------------------------------------------------
    running = ZERO
    for m in range(1, month + 1):
        running += completed_by_month[m - 1]
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

    child_ranks = _rank({child.pk: current[child.pk][1] for child in children if child.pk in current})
    rows = [(child.code, child.name, child.pk) for child in children]
    if children and by_child.get(None, _Tally())["n_key"]:
        # The region's own projects (市本级), so that the rows add up to the region.
        rows.append((region.code, own_level_label(region), None))
    for code, name, child_pk in rows:
        tally = by_child.get(child_pk, _Tally())
        stat = current.get(child_pk) if child_pk is not None else None
        report.by_county.append(
            SeriesPoint(
                key=code,
                label=name,
                values={
                    "key_projects": tally["n_key"],
                    "annual_planned": to_yi(tally.planned),
                    "completed_ytd": to_yi(tally.completed),
                    "plan_completion_rate": percent(tally.completed, tally.planned),
                    "start_rate": percent(tally["n_new_started"], tally["n_planned_new"]),
                    "unverified_reports": tally.unverified,
                    "fai_ytd": to_yi(stat[0]) if stat else None,
                    "fai_yoy_growth": stat[1] if stat else None,
                    "fai_rank": child_ranks.get(child_pk),
                },
                projects=ids.lazy(tally["n_key"], child=child_pk),
            )
        )

    return report
