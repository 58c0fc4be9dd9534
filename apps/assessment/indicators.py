"""The raw values of the assessment indicators, per county (or city department) and month,
read from the figures the rest of KeyProjects shows (apps/statistics indicators_compute, the
lights), so that a score stands on the same number as the dashboard's card. Every value is a
Decimal or None (no data: never a guessed 0). With each value goes its basis: the counts
behind a rate ("开工率 = 已开工 3 ÷ 应开工 4 = 75.00%"), each linked to the list of its projects
where one exists (the dashboard's drill-down, the lights list), kept in the run's trace."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from apps.approvals.models import DECIDED_STATUSES as APPROVAL_DECIDED
from apps.approvals.models import ItemStatus
from apps.approvals.selectors import item_queryset
from apps.attraction.models import LeadStage
from apps.attraction.selectors import lead_queryset
from apps.bonds import rules as bond_rules
from apps.bonds.selectors import paces
from apps.dashboard.selectors import DashboardQuery
from apps.lights.selectors import light_queryset
from apps.problems.models import DONE_STATUSES as PROBLEM_DONE
from apps.problems.selectors import problem_queryset
from apps.projects.models import Project
from apps.regions.models import Organisation, OrganisationKind, Region
from apps.statistics.indicators import IndicatorReport, indicators_compute, period_end

YI_WAN = Decimal(10000)  # 1亿元 in 万元


def part(label: str, value, *, unit: str = "", url: str | None = None) -> dict:
    """One count (or amount) behind a value, with the list of its projects when there is one."""
    return {"label": label, "value": str(value), "unit": unit, "url": url}


def basis(label: str, parts: list[dict], *, op: str = "÷", result: str | None = None) -> dict:
    """What a raw value stands on, also in words: "开工率 = 已开工 3 ÷ 应开工 4 = 75.00%";
    a single count reads "红灯 2盏"."""
    words = f" {op} ".join(f"{p['label']} {p['value']}{p['unit']}" for p in parts)
    if len(parts) == 1 and result is None:
        text = words
    else:
        text = f"{label} = {words} = {result}" if result is not None else f"{label} = {words}：无数据"
    return {"label": label, "parts": parts, "op": op, "result": result, "text": text}


def _shown(value, unit: str) -> str | None:
    return None if value is None else f"{value}{unit}"


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


#: The indicators of a city department (牵头单位): about the projects it leads, the problems it
#: is responsible for and the approvals it handles. Nothing due: None (无数据), never 0.
DEPARTMENT_DEFINITIONS: dict[str, Definition] = {
    item.key: item
    for item in (
        Definition(
            "start_rate",
            _("开工率"),
            "%",
            _(
                "该部门牵头的重点项目中，当年计划新开工且已开工 ÷ 计划新开工（看板“开工率”，项目范围为该部门牵头的项目）；没有计划新开工项目的部门无数据。"
            ),
            _report_value("start_rate"),
        ),
        Definition(
            "plan_completion_rate",
            _("年度计划完成率"),
            "%",
            _("该部门牵头的重点项目：累计完成投资 ÷ 年度计划投资；没有年度计划的部门无数据。"),
            _report_value("plan_completion_rate"),
        ),
        Definition(
            "problems_on_time",
            _("问题按期解决率"),
            "%",
            _(
                "该部门为责任单位、办结时限在当年1月1日至期末的问题中，按期解决的个数 ÷ 到期的问题个数；没有到期问题的部门无数据。"
            ),
        ),
        Definition(
            "approvals_on_time",
            _("审批按时办结率"),
            "%",
            _(
                "由该部门办理、适用承诺制、承诺办结日期在当年1月1日至期末的审批事项中（已撤回的除外），按时办结的个数 ÷ 到期的事项个数；没有到期事项的部门无数据。"
            ),
        ),
        Definition(
            "red_lights",
            _("红灯"),
            "盏",
            _("当月该部门牵头的项目亮起的红灯数（扣分项）；当年没有牵头重点项目的部门无数据。"),
        ),
    )
}


def definitions_for(subject: str) -> dict[str, Definition]:
    return DEPARTMENT_DEFINITIONS if subject == "department" else DEFINITIONS


def counties_of(region: Region) -> list[Region]:
    return list(Region.objects.filter(parent=region).order_by("code"))


def departments_of(region: Region) -> list[Organisation]:
    """The city's lead departments: its departments (政府部门 of the city or below) that lead at
    least one project of the city."""
    found = Organisation.objects.filter(
        kind=OrganisationKind.DEPARTMENT,
        region__code__startswith=region.code_prefix,
        led_projects__region__code__startswith=region.code_prefix,
    ).distinct()
    # Sorted here: the same order on SQLite and PostgreSQL whatever the collation.
    return sorted(found, key=lambda item: (item.name, item.pk))


def _by_county(rows, counties: list, key: str = "region_id") -> dict[int, Decimal]:
    """Grouped counts by `key` → per subject (a county is the lowest level: its own id)."""
    found = {row[key]: Decimal(row["n"]) for row in rows}
    return {county.pk: found.get(county.pk, Decimal(0)) for county in counties}


def _counts_basis(values: dict, label: str, unit: str, url=None) -> dict:
    return {
        pk: basis(label, [part(label, int(n), unit=unit, url=url(pk) if url else None)]) for pk, n in values.items()
    }


def yi_new_starts(*, user, counties: list[Region], year: int, month: int) -> tuple[dict, dict]:
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
    values = _by_county(rows, counties)
    return values, _counts_basis(values, "亿元以上新开工", "个")


def lights_url(year: int, month: int, **filters) -> str:
    return f"{reverse('lights:list')}?{urlencode({'year': year, 'month': month, 'colour': 'red', **filters})}"


def red_lights(*, user, counties: list[Region], year: int, month: int) -> tuple[dict, dict]:
    rows = (
        light_queryset(user=user)
        .filter(region__in=counties, year=year, month=month, colour="red")
        .values("region_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    values = _by_county(rows, counties)
    return values, _counts_basis(values, "红灯", "盏", lambda pk: lights_url(year, month, region=pk))


def _percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part ÷ whole in %, two places (half up); None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _rates(rows, counties: list, region_key: str, label: str, names: tuple[str, str], unit: str = "") -> tuple:
    """Grouped rows with `part` and `whole` → a percentage per subject (None: nothing due), and
    its basis in counts."""
    found = {row[region_key]: (row["part"] or 0, row["whole"] or 0) for row in rows}
    values, bases = {}, {}
    for county in counties:
        got, due = found.get(county.pk, (0, 0))
        values[county.pk] = _percent(got, due)
        bases[county.pk] = basis(
            label,
            [part(names[0], got, unit=unit), part(names[1], due, unit=unit)],
            result=_shown(values[county.pk], "%"),
        )
    return values, bases


def _on_time_rates(
    queryset, *, counties: list, year: int, month: int, due: str, done: Q, by: str, label: str, names: tuple
) -> tuple:
    """Of the rows of the subjects (grouped `by`) whose `due` date falls from 1 January to the
    month end, the share that `done` (finished by that date): one grouped query."""
    rows = (
        queryset.filter(
            **{f"{by}__in": [c.pk for c in counties]},
            **{f"{due}__gte": datetime.date(year, 1, 1), f"{due}__lte": period_end(year, month)},
        )
        .values(by)
        .annotate(whole=Count("pk"), part=Count("pk", filter=done))
        .order_by()
    )
    return _rates(rows, counties, by, label, names)


def _commitment_items(user):
    return item_queryset(user=user).filter(commitment_applies=True).exclude(status=ItemStatus.WITHDRAWN)


#: The on-time rates: key → (rows in the user's scope, due date, done on time, words, the field
#: naming a department's rows).
ON_TIME = {
    "problems_on_time": (
        lambda user: problem_queryset(user=user),
        "deadline",
        Q(status__in=PROBLEM_DONE, resolved_on__lte=F("deadline")),
        ("问题按期解决率", ("按期解决", "到期问题")),
        "responsible_department_id",
    ),
    "approvals_on_time": (
        _commitment_items,
        "due_date",
        Q(status__in=APPROVAL_DECIDED, decided_on__lte=F("due_date")),
        ("审批按时办结率", ("按时办结", "到期事项")),
        "department_id",
    ),
}


def on_time(key: str, *, user, subjects: list, year: int, month: int, department: bool = False) -> tuple:
    """An on-time rate per county (by the project's county) or per department (the one
    responsible for the problem, or handling the approval)."""
    rows_of, due, done, (label, names), department_field = ON_TIME[key]
    by = department_field if department else "project__region_id"
    return _on_time_rates(
        rows_of(user), counties=subjects, year=year, month=month, due=due, done=done, by=by, label=label, names=names
    )


def problems_on_time(*, user, counties: list[Region], year: int, month: int) -> tuple:
    return on_time("problems_on_time", user=user, subjects=counties, year=year, month=month)


def approvals_on_time(*, user, counties: list[Region], year: int, month: int) -> tuple:
    return on_time("approvals_on_time", user=user, subjects=counties, year=year, month=month)


def bond_pace(*, user, counties: list[Region], year: int, month: int) -> tuple:
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
    rows = [{"region_id": pk, "part": met[pk], "whole": due[pk]} for pk in due]
    return _rates(rows, counties, "region_id", "专项债券支出进度达标率", ("达标", "已到节点"))


def investment_arrival(*, user, counties: list[Region], year: int, month: int) -> tuple:
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
    return _rates(rows, counties, "region_id", "签约项目资金到位率", ("到位资金", "合同投资额"), unit="万元")


EXTRA = {
    "yi_new_starts": yi_new_starts,
    "red_lights": red_lights,
    "problems_on_time": problems_on_time,
    "approvals_on_time": approvals_on_time,
    "bond_pace": bond_pace,
    "investment_arrival": investment_arrival,
}


def _drill(query: DashboardQuery, report: IndicatorReport, key: str, label: str, *, unit: str = "") -> dict:
    """A dashboard figure as a part of a basis, linked to its drill-down list."""
    value = report[key].value
    return part(label, 0 if value is None else value, unit=unit, url=query.drill_url(key))


def report_basis(key: str, report: IndicatorReport, query: DashboardQuery) -> dict | None:
    """The counts behind a value read from the dashboard's report, each linked to its list."""
    value = report[key].value if key in ("start_rate", "plan_completion_rate") else None
    if key == "start_rate":
        parts = [
            _drill(query, report, "new_starts_started", "已开工"),
            _drill(query, report, "planned_new_starts", "应开工"),
        ]
        return basis("开工率", parts, result=_shown(value, "%"))
    if key == "plan_completion_rate":
        parts = [
            _drill(query, report, "completed_ytd", "累计完成投资", unit="亿元"),
            _drill(query, report, "annual_planned_investment", "年度计划投资", unit="亿元"),
        ]
        return basis("年度计划完成率", parts, result=_shown(value, "%"))
    if key == "fai_vs_target":
        growth, target = report["fai_yoy_growth"].value, report["fai_target_growth"].value
        if growth is None or target is None:
            return None
        parts = [part("增速", growth, unit="%"), part("目标", target, unit="%")]
        return basis("增速与目标之差", parts, op="−", result=f"{growth - target}个百分点")
    counted = {
        "provincial_projects": ("provincial_projects_count", "省级重点项目", "个"),
        "statistics_pending": ("statistics_candidates_count", "应统未统项目", "个"),
        "not_started": ("not_started_count", "应开未开项目", "个"),
    }
    if key in counted:
        figure, label, unit = counted[key]
        return basis(label, [_drill(query, report, figure, label, unit=unit)])
    return None


def month_read(*, user, counties: list[Region], keys: list[str], year: int, month: int) -> tuple[dict, dict]:
    """({indicator key: {county id: value}}, {key: {county id: basis}}) for one month: one
    indicators_compute per county (the dashboard's figures for that county, in the acting
    user's scope), one grouped query per extra indicator."""
    values: dict[str, dict] = {key: {} for key in keys}
    bases: dict[str, dict] = {key: {} for key in keys}
    report_keys = [key for key in keys if DEFINITIONS[key].from_report is not None]
    if report_keys:
        for county in counties:
            report = indicators_compute(user=user, region=county, year=year, month=month)
            query = DashboardQuery(region=county, year=year, month=month, project_set="all")
            for key in report_keys:
                value = DEFINITIONS[key].from_report(report)
                values[key][county.pk] = None if value is None else Decimal(value)
                bases[key][county.pk] = report_basis(key, report, query)
    for key in keys:
        if key in EXTRA:
            values[key], bases[key] = EXTRA[key](user=user, counties=counties, year=year, month=month)
    return values, bases


def month_values(*, user, counties: list[Region], keys: list[str], year: int, month: int) -> dict[str, dict]:
    """{indicator key: {county id: value}} for one month (month_read without the bases)."""
    return month_read(user=user, counties=counties, keys=keys, year=year, month=month)[0]


def department_read(
    *, user, city: Region, departments: list[Organisation], keys: list[str], year: int, month: int
) -> tuple[dict, dict]:
    """The month's values and bases of the city's departments: the dashboard's figures of the
    city for the projects each leads (indicators_compute with the set department:<id>, so each
    count links to the same drill-down a department user opens), one grouped query each for
    problems, approvals and red lights."""
    values: dict[str, dict] = {key: {} for key in keys}
    bases: dict[str, dict] = {key: {} for key in keys}
    led_key_projects = {}
    if {"start_rate", "plan_completion_rate", "red_lights"} & set(keys):
        for department in departments:
            project_set = f"department:{department.pk}"
            report = indicators_compute(user=user, region=city, year=year, month=month, project_set=project_set)
            query = DashboardQuery(region=city, year=year, month=month, project_set=project_set)
            led_key_projects[department.pk] = report["key_projects_count"].value
            for key in ("start_rate", "plan_completion_rate"):
                if key in keys:
                    value = DEPARTMENT_DEFINITIONS[key].from_report(report)
                    values[key][department.pk] = None if value is None else Decimal(value)
                    bases[key][department.pk] = report_basis(key, report, query)
    for key in ON_TIME:
        if key in keys:
            values[key], bases[key] = on_time(
                key, user=user, subjects=departments, year=year, month=month, department=True
            )
    if "red_lights" in keys:
        rows = (
            light_queryset(user=user)
            .filter(project__lead_department__in=departments, year=year, month=month, colour="red")
            .values("project__lead_department_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        counted = _by_county(rows, departments, "project__lead_department_id")
        for department in departments:
            if not led_key_projects.get(department.pk):
                # Leads no key project this year: nothing could light (无数据), not a clean 0.
                values["red_lights"][department.pk] = None
                continue
            values["red_lights"][department.pk] = counted[department.pk]
            url = lights_url(year, month, department=department.pk)
            bases["red_lights"][department.pk] = basis(
                "红灯", [part("红灯", int(counted[department.pk]), unit="盏", url=url)]
            )
    return values, bases
