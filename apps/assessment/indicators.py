"""The raw values of the assessment indicators, per county and month, read from the figures
the rest of KeyProjects shows (apps/statistics indicators_compute, the lights), so that a
score stands on the same number as the dashboard's card. Every value is a Decimal or None
(no data: never a guessed 0)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from apps.approvals.models import DECIDED_STATUSES as APPROVAL_DECIDED
from apps.approvals.models import ItemStatus
from apps.approvals.selectors import item_queryset
from apps.attraction.models import LeadStage
from apps.attraction.selectors import lead_queryset
from apps.bonds import rules as bond_rules
from apps.bonds.selectors import paces
from apps.lights.selectors import light_queryset
from apps.problems.models import DONE_STATUSES as PROBLEM_DONE
from apps.problems.selectors import problem_queryset
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
        Definition(
            "problems_on_time",
            _("问题按期解决率"),
            "%",
            _(
                "办结时限在当年1月1日至期末的问题中，已解决（已解决待确认或已销号）且解决日期不晚于办结时限的"
                "个数 ÷ 该期间到期的问题个数；没有到期问题的县区无数据。"
            ),
        ),
        Definition(
            "approvals_on_time",
            _("审批按时办结率"),
            "%",
            _(
                "适用审批承诺制、承诺办结日期（受理日加承诺工作日）在当年1月1日至期末的审批事项中（已撤回的除外），"
                "在承诺办结日期当日或之前办结（批复或不予批准）的个数 ÷ 该期间到期的事项个数；视为同意的不算按时。"
            ),
        ),
        Definition(
            "bond_pace",
            _("专项债券支出进度达标率"),
            "%",
            _(
                "截至期末已到支出节点（发行后3、6、9、12个月应分别支出下达至项目金额的25%、50%、75%、100%）"
                "的专项债券批次×项目中，累计支出达到节点要求的个数 ÷ 已到节点的个数；尚无到节点批次的县区无数据。"
            ),
        ),
        Definition(
            "investment_arrival",
            _("签约项目资金到位率"),
            "%",
            _("截至期末签约且未退出的招商项目：期末前到位资金累计 ÷ 合同投资额合计；没有签约项目的县区无数据。"),
        ),
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


def _percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part ÷ whole in %, two places (half up); None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _rates(rows, counties: list[Region], region_key: str) -> dict[int, Decimal | None]:
    """Grouped rows with `part` and `whole` → a percentage per county (None: nothing due)."""
    found = {row[region_key]: _percent(row["part"], row["whole"]) for row in rows}
    return {county.pk: found.get(county.pk) for county in counties}


def _on_time_rates(queryset, *, counties: list[Region], year: int, month: int, due: str, done: Q) -> dict:
    """Of the rows of the counties' projects whose `due` date falls from 1 January to the month
    end, the share that `done` (finished by that date): one grouped query."""
    rows = (
        queryset.filter(
            project__region__in=counties,
            **{f"{due}__gte": datetime.date(year, 1, 1), f"{due}__lte": period_end(year, month)},
        )
        .values("project__region_id")
        .annotate(whole=Count("pk"), part=Count("pk", filter=done))
        .order_by()
    )
    return _rates(rows, counties, "project__region_id")


def problems_on_time(*, user, counties: list[Region], year: int, month: int) -> dict[int, Decimal | None]:
    done = Q(status__in=PROBLEM_DONE, resolved_on__lte=F("deadline"))
    return _on_time_rates(
        problem_queryset(user=user), counties=counties, year=year, month=month, due="deadline", done=done
    )


def approvals_on_time(*, user, counties: list[Region], year: int, month: int) -> dict[int, Decimal | None]:
    items = item_queryset(user=user).filter(commitment_applies=True).exclude(status=ItemStatus.WITHDRAWN)
    done = Q(status__in=APPROVAL_DECIDED, decided_on__lte=F("due_date"))
    return _on_time_rates(items, counties=counties, year=year, month=month, due="due_date", done=done)


def bond_pace(*, user, counties: list[Region], year: int, month: int) -> dict[int, Decimal | None]:
    """From the bonds page's own pace (bonds.selectors.paces: one query and two prefetches for
    every batch × project in scope), counted per county of the project."""
    due = {county.pk: 0 for county in counties}
    met = dict(due)
    for row in paces(user=user, year=year, month=month):
        region_id = row.project.region_id
        if region_id not in due or row.pace.status == bond_rules.PACE_NOT_DUE:
            continue
        due[region_id] += 1
        met[region_id] += row.pace.status == bond_rules.PACE_OK
    return {county.pk: _percent(met[county.pk], due[county.pk]) for county in counties}


def investment_arrival(*, user, counties: list[Region], year: int, month: int) -> dict[int, Decimal | None]:
    end = period_end(year, month)
    # Signed by the period's end and not exited by then; a lead has at most one contract.
    leads = (
        lead_queryset(user=user)
        .filter(region__in=counties, contract__signed_on__lte=end)
        .exclude(stage=LeadStage.EXITED, stage_since__lte=end)
    )
    # Two queries: summing contracts and arrivals in one join would count a contract once per arrival.
    signed = leads.values("region_id").annotate(total=Sum("contract__amount")).order_by()
    arrived = (
        leads.values("region_id")
        .annotate(total=Sum("funds_arrivals__amount", filter=Q(funds_arrivals__arrived_on__lte=end)))
        .order_by()
    )
    arrived_by_region = {row["region_id"]: row["total"] or Decimal(0) for row in arrived}
    rows = [
        {"region_id": row["region_id"], "whole": row["total"], "part": arrived_by_region.get(row["region_id"], 0)}
        for row in signed
    ]
    return _rates(rows, counties, "region_id")


EXTRA = {
    "yi_new_starts": yi_new_starts,
    "red_lights": red_lights,
    "problems_on_time": problems_on_time,
    "approvals_on_time": approvals_on_time,
    "bond_pace": bond_pace,
    "investment_arrival": investment_arrival,
}


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
