"""The registry of subjects (what a rule lights) and measures (what it measures), and the
measures KeyProjects ships.

A measure reads one period for a whole set at once (one or two statements, never a query per
object) and yields a `Reading` per object in scope: its values (the primary one under "value";
thresholds may name another field) and the measurement in words. Colours are not the
measure's business: the rule version's thresholds and memory decide them (engine.py).

Other apps plug in (bond batches, investment leads) with `register_subject` and
`register_measure` from their AppConfig.ready; nothing here needs to change.

Every measure reads the period as it stood at the end of the month (dates, not today's
statuses), so evaluating a past month replays it.
"""

import calendar
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.querysets import pk_in
from apps.projects.models import DatePrecision

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Subject:
    key: str
    label: str
    # The page of one object, or None (no page of its own).
    url: Callable[[int], str] | None = None


@dataclass(frozen=True)
class Param:
    name: str
    label: str
    kind: str  # "int", "decimal", "date", "month" (YYYY-MM), "choice"
    default: object = None
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = False


@dataclass(slots=True)
class Reading:
    object_id: int
    label: str
    region_id: int
    project_id: int | None
    values: dict[str, Decimal | None]
    # The measurement in words, e.g. "计划2026年3月开工，已连续4个月未开工": a template
    # translated once per evaluation and its arguments, formatted only for lit objects
    # (a province has 100,000 green ones).
    template: str
    args: dict | None = None

    @property
    def value(self) -> Decimal | None:
        return self.values.get("value")

    @property
    def text(self) -> str:
        return self.template % self.args if self.args is not None else self.template


@dataclass
class Context:
    """One period of one rule: the rule's region (None: all), its version's params and scope,
    and optionally the objects to re-evaluate (a change re-evaluates only those)."""

    year: int
    month: int
    params: dict
    scope: dict
    region: object | None = None
    object_ids: frozenset[int] | None = None
    notes: list[str] = field(default_factory=list)
    # Reads shared by the rules of one evaluation run (None: not shared): e.g. the annual
    # plans and completed investment all three investment rules of a month read.
    shared: dict | None = None

    @property
    def scoped(self) -> bool:
        """Whether the rule looks at fewer projects than all (a region or a scope)."""
        return self.region is not None or any(value not in (None, "", "all") for value in self.scope.values())

    @cached_property
    def end(self) -> datetime.date:
        return period_end_of(self.year, self.month)

    @property
    def index(self) -> int:
        """Months since year 0, so that differences are months."""
        return self.year * 12 + self.month

    def param(self, name: str, default=None):
        value = self.params.get(name)
        return default if value in (None, "") else value


@dataclass(frozen=True)
class Measure:
    key: str
    subject: str
    label: str
    unit: str
    compute: Callable[[Context], Iterable[Reading]]
    fields: dict[str, str] = field(default_factory=dict)  # name -> label; "value" is the primary
    params: tuple[Param, ...] = ()
    description: str = ""

    def field_label(self, name: str) -> str:
        return str(self.fields.get(name, name))


SUBJECTS: dict[str, Subject] = {}
MEASURES: dict[str, Measure] = {}


def register_subject(subject: Subject) -> None:
    SUBJECTS[subject.key] = subject


def register_measure(measure: Measure) -> None:
    if measure.subject not in SUBJECTS:
        raise ValueError(f"unknown subject {measure.subject!r}: register it first")
    MEASURES[measure.key] = measure


def period_end_of(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _project_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("projects:detail", args=[pk])


def _problem_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("problems:detail", args=[pk])


def _action_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("problems:action", args=[pk])


# --- projects -------------------------------------------------------------------


def project_queryset(ctx: Context):
    """The projects a rule looks at: its region, its scope (project set, total investment,
    annual plan of the year) and, when re-evaluating a change, the changed ones."""
    from apps.projects.models import Project
    from apps.statistics.indicators import parse_project_set

    projects = Project.objects.all()
    if ctx.region is not None:
        projects = projects.filter(region__code__startswith=ctx.region.code_prefix)
    projects = projects.filter(parse_project_set(ctx.scope.get("project_set") or "all"))
    if ctx.scope.get("min_total_investment") not in (None, ""):
        projects = projects.filter(total_investment__gte=Decimal(str(ctx.scope["min_total_investment"])))
    if ctx.scope.get("min_annual_plan") not in (None, ""):
        projects = projects.filter(
            annual_plans__year=ctx.year,
            annual_plans__planned_investment__gte=Decimal(str(ctx.scope["min_annual_plan"])),
        )
    if ctx.object_ids is not None:
        projects = projects.filter(_ids_filter(ctx))
    return projects


def not_by(field: str, end: datetime.date) -> Q:
    """The dated event `field` had not happened by `end` (no date, or a later one)."""
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gt": end})


def not_started_q(end: datetime.date, prefix: str = "") -> Q:
    return not_by(f"{prefix}actual_start_date", end)


def months_not_started(ctx: Context) -> Iterable[Reading]:
    rows = (
        project_queryset(ctx)
        .filter(not_started_q(ctx.end), planned_start_date__lte=ctx.end)
        .values_list("pk", "name", "region_id", "planned_start_date", "planned_start_precision")
    )
    template = _("计划%(year)s年%(month)s月开工，已连续%(n)s个月未开工")
    # A year-only start is stored as 31 December: say the year, not an invented "12月".
    year_only = {
        DatePrecision.YEAR: _("计划%(year)s年内开工，已连续%(n)s个月未开工"),
        DatePrecision.BEFORE: _("计划%(year)s年底前开工，已连续%(n)s个月未开工"),
    }
    for pk, name, region_id, planned, precision in rows:
        months = ctx.index - month_index(planned) + 1
        args = {"year": planned.year, "month": planned.month, "n": months}
        yield Reading(pk, name, region_id, pk, {"value": Decimal(months)}, year_only.get(precision, template), args)


def plan_progress(ctx: Context) -> list[tuple]:
    """(project id, name, region id, annual plan, completed 1-M月) of the projects in the
    rule's scope with an annual plan > 0 for the year: one statement (completed investment
    from CompletedInvestmentYear, a correlated subquery on its unique (project, year) row).

    In a full evaluation run (ctx.shared) the province's rows are read once and every
    investment rule of the run takes its scope from them (one id read for a scoped rule)."""
    from django.db.models import DecimalField, ExpressionWrapper, OuterRef, Subquery

    from apps.projects.models import AnnualPlan
    from apps.reporting.models import CompletedInvestmentYear

    shared = ctx.shared if ctx.object_ids is None else None
    key = ("plan_progress", ctx.year, ctx.month)
    rows = None if shared is None else shared.get(key)
    if rows is None:
        ytd = ExpressionWrapper(
            sum((F(f"m{month}") for month in range(2, ctx.month + 1)), F("m1")),
            output_field=DecimalField(max_digits=16, decimal_places=4),
        )
        completed = CompletedInvestmentYear.objects.filter(project=OuterRef("project_id"), year=ctx.year).annotate(
            ytd=ytd
        )
        plans = AnnualPlan.objects.filter(year=ctx.year, planned_investment__gt=0)
        if shared is None:
            plans = plans.filter(project__in=project_queryset(ctx).values("pk"))
        rows = list(
            plans.annotate(done=Subquery(completed.values("ytd")[:1])).values_list(
                "project_id", "project__name", "project__region_id", "planned_investment", "done"
            )
        )
        if shared is None:
            return rows
        shared[key] = rows
    if not ctx.scoped:
        return rows
    in_scope = set(project_queryset(ctx).values_list("pk", flat=True))
    return [row for row in rows if row[0] in in_scope]


def investment_lag(ctx: Context) -> Iterable[Reading]:
    """Completion of the annual plan (1-M月 counted reports ÷ plan) against 时序进度 (M ÷ 12)."""
    relative = ctx.param("mode", "points") == "relative"
    pace = Decimal(ctx.month) * HUNDRED / 12
    base = _("1-%(month)s月完成投资%(done)s万元，占年度计划%(plan)s万元的%(rate)s%%，时序进度%(pace)s%%")
    behind = base + (_("，低于时序进度%(lag)s%%") if relative else _("，滞后%(lag)s个百分点"))
    zero = Decimal(0)
    for pk, name, region_id, plan, completed in plan_progress(ctx):
        completed = completed or zero
        rate = completed * HUNDRED / plan
        points = pace - rate
        lag = points * HUNDRED / pace if relative else points
        # Exact values decide the colour (a boundary is a boundary); words and storage round.
        values = {"value": lag, "rate": rate, "pace": pace, "points": points}
        args = _LagWords(ctx.month, completed, plan, rate, pace, lag)
        yield Reading(pk, name, region_id, pk, values, behind if points > 0 else base, args)


class _LagWords:
    """The arguments of investment_lag's words (a mapping to %-formatting), rounded only
    when the words are written: most of a province's projects are green and never are."""

    __slots__ = ("done", "lag", "month", "pace", "plan", "rate")

    def __init__(self, month, done, plan, rate, pace, lag):
        self.month, self.done, self.plan, self.rate, self.pace, self.lag = month, done, plan, rate, pace, lag

    def __getitem__(self, key):
        return self.month if key == "month" else quantize(getattr(self, key))


def months_without_statistics(ctx: Context) -> Iterable[Reading]:
    rows = (
        project_queryset(ctx)
        .filter(actual_start_date__lte=ctx.end)
        .filter(not_by("statistics_included_on", ctx.end))
        .values_list("pk", "name", "region_id", "actual_start_date")
    )
    template = _("%(year)s年%(month)s月开工，开工后%(n)s个月仍未入统")
    for pk, name, region_id, started in rows:
        months = ctx.index - month_index(started)
        args = {"year": started.year, "month": started.month, "n": months}
        yield Reading(pk, name, region_id, pk, {"value": Decimal(months)}, template, args)


def campaign_start_by(ctx: Context) -> Iterable[Reading]:
    """集中开工期限: projects of the set planned to start by the date and not started."""
    start_by = datetime.date.fromisoformat(str(ctx.params["start_by"]))
    if start_by.year != ctx.year:
        return
    rows = (
        project_queryset(ctx)
        .filter(not_started_q(ctx.end), planned_start_date__lte=start_by)
        .values_list("pk", "name", "region_id")
    )
    days = (ctx.end - start_by).days
    deadline = _("%(month)s月%(day)s日") % {"month": start_by.month, "day": start_by.day}
    if days > 0:
        text = _("按要求须于%(deadline)s前开工，截至%(end)s已逾期%(days)s天仍未开工")
    else:
        text = _("按要求须于%(deadline)s前开工，截至%(end)s尚未开工，距期限还有%(days)s天")
    text = text % {"deadline": deadline, "end": ctx.end.isoformat(), "days": abs(days)}
    for pk, name, region_id in rows:
        yield Reading(pk, name, region_id, pk, {"value": Decimal(days)}, text)


# --- dated items: approvals, problems, supervised actions -------------------------


def _working_days_past_due(ctx: Context, rows) -> Iterable[Reading]:
    """rows: (pk, label, region_id, project_id, due date). Working days after the due date up
    to the period's end (apps/workdays; negative: days left)."""
    from apps.workdays.services import WorkCalendar, WorkdayDataMissing

    work_calendar = WorkCalendar.load()
    missing = set()
    overdue, left = _("办理时限%(due)s，已超期%(days)s个工作日"), _("办理时限%(due)s，还剩%(days)s个工作日")
    for pk, label, region_id, project_id, due in rows:
        try:
            days = work_calendar.between(due, ctx.end)
        except WorkdayDataMissing as error:
            # Never guessed: the object is left unlit and the run says why.
            missing.add(error.date.year)
            continue
        args = {"due": due.isoformat(), "days": abs(days)}
        yield Reading(pk, label, region_id, project_id, {"value": Decimal(days)}, overdue if days > 0 else left, args)
    for year in sorted(missing):
        ctx.notes.append(_("%(year)s年没有工作日数据，相关事项未评价。") % {"year": year})


def _region_filter(ctx: Context, field: str) -> Q:
    return Q(**{f"{field}__code__startswith": ctx.region.code_prefix}) if ctx.region is not None else Q()


def _ids_filter(ctx: Context) -> Q:
    """The objects a change touched: a plain IN for a few (the planner sizes it right)."""
    if ctx.object_ids is None:
        return Q()
    return Q(pk__in=sorted(ctx.object_ids)) if len(ctx.object_ids) <= 500 else pk_in(ctx.object_ids)


def approval_days_past_due(ctx: Context) -> Iterable[Reading]:
    from apps.approvals.models import ApprovalItem, ItemStatus

    rows = (
        ApprovalItem.objects.filter(_region_filter(ctx, "project__region"), _ids_filter(ctx))
        .filter(due_date__isnull=False, accepted_on__lte=ctx.end)
        .filter(not_by("decided_on", ctx.end))
        .exclude(status=ItemStatus.WITHDRAWN)
        .values_list("pk", "project__name", "item_type__name", "project__region_id", "project_id", "due_date")
    )
    return _working_days_past_due(
        ctx,
        ((pk, f"{project} · {item}", region, project_id, due) for pk, project, item, region, project_id, due in rows),
    )


def problem_days_past_due(ctx: Context) -> Iterable[Reading]:
    from apps.problems.models import Problem

    rows = (
        Problem.objects.filter(_region_filter(ctx, "project__region"), _ids_filter(ctx))
        .filter(raised_on__lte=ctx.end)
        .filter(not_by("resolved_on", ctx.end), not_by("closed_on", ctx.end))
        .values_list("pk", "project__name", "description", "project__region_id", "project_id", "deadline")
    )
    return _working_days_past_due(
        ctx,
        ((pk, f"{name} · {text[:40]}", region, project_id, due) for pk, name, text, region, project_id, due in rows),
    )


def action_days_past_due(ctx: Context) -> Iterable[Reading]:
    from apps.problems.models import SupervisedAction

    rows = (
        SupervisedAction.objects.filter(_region_filter(ctx, "meeting__region"), _ids_filter(ctx))
        .filter(meeting__held_on__lte=ctx.end)
        .filter(not_by("done_on", ctx.end), not_by("closed_on", ctx.end))
        .values_list("pk", "decision", "meeting__region_id", "deadline")
    )
    return _working_days_past_due(ctx, ((pk, text[:60], region, None, due) for pk, text, region, due in rows))


# --- regions -------------------------------------------------------------------------


def region_fai_growth(ctx: Context) -> Iterable[Reading]:
    """A county's FAI growth (1-M月, 可比口径) against its annual target and the average of
    its peers (the counties of the rule's region that have a figure for the period)."""
    from apps.regions.models import Region, RegionLevel
    from apps.statistics.indicators import yoy_growth_pct
    from apps.statistics.models import RegionStat, RegionTarget

    counties = Region.objects.filter(level=RegionLevel.COUNTY)
    if ctx.region is not None:
        counties = counties.filter(code__startswith=ctx.region.code_prefix)
    stats = RegionStat.objects.filter(region__in=counties, year=ctx.year, month=ctx.month).values_list(
        "region_id", "region__name", "fai_ytd", "comparable_base"
    )
    targets = dict(
        RegionTarget.objects.filter(region__in=counties, year=ctx.year).values_list("region_id", "growth_pct")
    )
    growths = {
        region_id: (name, yoy_growth_pct(fai, base))
        for region_id, name, fai, base in stats
        if yoy_growth_pct(fai, base) is not None
    }
    if not growths:
        return
    average = sum(growth for _name, growth in growths.values()) / len(growths)
    for region_id, (name, growth) in growths.items():
        if ctx.object_ids is not None and region_id not in ctx.object_ids:
            continue
        target = targets.get(region_id)
        vs_target = None if target is None else growth - target
        vs_peers = growth - average
        gap = vs_peers if vs_target is None else min(vs_target, vs_peers)
        text = _("1-%(month)s月固定资产投资同比增长%(growth)s%%，各县区平均%(average)s%%") % {
            "month": ctx.month,
            "growth": growth,
            "average": quantize(average),
        }
        if target is not None:
            text += _("，年度目标%(target)s%%") % {"target": quantize(target)}
        values = {
            "value": growth,
            "growth": growth,
            "vs_target": vs_target,
            "vs_peers": vs_peers,
            "gap": gap,
        }
        yield Reading(region_id, name, region_id, None, values, text)


# --- registration -------------------------------------------------------------------

MODE_CHOICES = (
    ("points", gettext_lazy("百分点（时序进度 − 完成率）")),
    ("relative", gettext_lazy("相对时序进度的百分比")),
)

for _subject in (
    Subject("project", gettext_lazy("项目"), _project_url),
    Subject("region", gettext_lazy("县区")),
    Subject("approval_item", gettext_lazy("审批事项")),
    Subject("problem", gettext_lazy("问题"), _problem_url),
    Subject("supervised_action", gettext_lazy("督办事项"), _action_url),
):
    register_subject(_subject)

MONTHS = gettext_lazy("个月")
WORKDAYS = gettext_lazy("个工作日")
for _measure in (
    Measure(
        "months_not_started",
        "project",
        gettext_lazy("计划开工月起未开工月数"),
        MONTHS,
        months_not_started,
        {"value": gettext_lazy("未开工月数")},
        description=gettext_lazy("计划开工日期在本月末之前、本月末仍未开工的项目，从计划开工月算起（含）的月数。"),
    ),
    Measure(
        "investment_lag",
        "project",
        gettext_lazy("投资完成滞后时序进度"),
        gettext_lazy("个百分点"),
        investment_lag,
        {
            "value": gettext_lazy("滞后程度"),
            "rate": gettext_lazy("年度计划完成率（%）"),
            "pace": gettext_lazy("时序进度（%）"),
            "points": gettext_lazy("滞后百分点"),
        },
        (Param("mode", gettext_lazy("计算方式"), "choice", "points", MODE_CHOICES),),
        gettext_lazy(
            "时序进度 = 月份 ÷ 12；完成率 = 1-M月已计入月报的完成投资 ÷ 年度计划投资。"
            "百分点方式取两者之差，相对方式取差额占时序进度的百分比。"
        ),
    ),
    Measure(
        "months_without_statistics",
        "project",
        gettext_lazy("开工后未入统月数"),
        MONTHS,
        months_without_statistics,
        {"value": gettext_lazy("开工后未入统月数")},
        description=gettext_lazy("本月末已开工、本月末仍未入统的项目，自开工月起算的月数（开工当月为0）。"),
    ),
    Measure(
        "campaign_start_by",
        "project",
        gettext_lazy("集中开工期限"),
        gettext_lazy("天"),
        campaign_start_by,
        {"value": gettext_lazy("超过开工期限天数")},
        (
            Param("start_by", gettext_lazy("开工期限"), "date", required=True),
            Param("emphasised_since", gettext_lazy("开始强调的月份（YYYY-MM）"), "month"),
        ),
        gettext_lazy("计划开工日期不晚于开工期限、本月末仍未开工的项目；度量值为本月末距期限的天数，正数为已逾期。"),
    ),
    *(
        Measure(key, subject, label, WORKDAYS, compute, {"value": gettext_lazy("超期工作日")}, description=description)
        for key, subject, label, compute, description in (
            (
                "approval_days_past_due",
                "approval_item",
                gettext_lazy("审批事项超期工作日"),
                approval_days_past_due,
                gettext_lazy("本月末已受理未办结的审批事项，承诺办结日期到本月末的工作日数，负数为剩余。"),
            ),
            (
                "problem_days_past_due",
                "problem",
                gettext_lazy("问题超过办结时限工作日"),
                problem_days_past_due,
                gettext_lazy("本月末未解决、未销号的问题，办结时限到本月末的工作日数，负数为剩余。"),
            ),
            (
                "action_days_past_due",
                "supervised_action",
                gettext_lazy("督办事项超过完成时限工作日"),
                action_days_past_due,
                gettext_lazy("本月末未办结、未销号的督办事项，完成时限到本月末的工作日数，负数为剩余。"),
            ),
        )
    ),
    Measure(
        "region_fai_growth",
        "region",
        gettext_lazy("县区固定资产投资增速"),
        "%",
        region_fai_growth,
        {
            "value": gettext_lazy("增速（%）"),
            "growth": gettext_lazy("增速（%）"),
            "vs_target": gettext_lazy("增速 − 目标（百分点）"),
            "vs_peers": gettext_lazy("增速 − 各县区平均（百分点）"),
            "gap": gettext_lazy("低于目标或平均的较大差距（百分点）"),
        },
        description=gettext_lazy("1-M月固定资产投资同比增速（可比口径），与年度增长目标、与同级各县区平均增速之差。"),
    ),
):
    register_measure(_measure)
