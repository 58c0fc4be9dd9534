"""Reads of the special-bond cycle, every one starting from the acting user's restricted
queryset. The pace of each batch, the failing (不达标) and warning (预警) lists, the
repayment schedule and the speech figures are computed here from plain rules (rules.py),
with a fixed number of queries whatever the number of batches."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.projects.models import Category
from apps.regions.models import Region

from . import rules
from .filters import FIGURE_FILTERS, BondProjectFilterSet
from .models import (
    AdjustmentStatus,
    BondAllocation,
    BondIssue,
    BondProject,
    BondQuota,
    BondRepayment,
    BondReview,
    UseAdjustment,
    months_between,
)

# --- bond projects ------------------------------------------------------------------------


def bond_project_queryset(*, user, action: str = "view"):
    return BondProject.objects.restrict(user, action)


def bond_project_filterset(*, user, params, request=None) -> BondProjectFilterSet:
    queryset = bond_project_queryset(user=user).select_related("project", "project__region")
    return BondProjectFilterSet(params, queryset=queryset, request=request)


def bond_project_get(*, user, pk: int, action: str = "view") -> BondProject:
    bond_project = (
        bond_project_queryset(user=user, action=action)
        .select_related("project", "project__region")
        .filter(pk=pk)
        .first()
    )
    if bond_project is None:
        raise Http404(_("专项债券项目不存在或不在您的权限范围内。"))
    return bond_project


def bond_project_can(*, user, bond_project: BondProject, action: str = "change") -> bool:
    return bond_project_queryset(user=user, action=action).filter(pk=bond_project.pk).exists()


def reviews_of(bond_project: BondProject) -> list[BondReview]:
    return list(bond_project.reviews.select_related("recorded_by").order_by("round", "reviewed_on", "pk"))


# --- quotas and issues ----------------------------------------------------------------------


def quota_queryset(*, user, action: str = "view"):
    return BondQuota.objects.restrict(user, action).select_related("region")


def issue_queryset(*, user, action: str = "view"):
    return BondIssue.objects.restrict(user, action).select_related("region")


def issue_get(*, user, pk: int) -> BondIssue:
    issue = issue_queryset(user=user).filter(pk=pk).first()
    if issue is None:
        raise Http404(_("债券批次不存在或不在您的权限范围内。"))
    return issue


def allocation_queryset(*, user, action: str = "view"):
    return BondAllocation.objects.restrict(user, action)


def allocation_get(*, user, pk: int) -> BondAllocation:
    allocation = (
        allocation_queryset(user=user).select_related("issue", "bond_project__project__region").filter(pk=pk).first()
    )
    if allocation is None:
        raise Http404(_("债券资金下达记录不存在或不在您的权限范围内。"))
    return allocation


def adjustment_queryset(*, user, action: str = "view"):
    return UseAdjustment.objects.restrict(user, action).select_related(
        "allocation__issue", "allocation__bond_project__project", "to_bond_project__project", "requested_by"
    )


# --- spending pace --------------------------------------------------------------------------


def month_end(year: int, month: int) -> datetime.date:
    return rules.add_months(datetime.date(year, month, 1), 1) - datetime.timedelta(days=1)


@dataclass
class BatchPace:
    """One batch × project at the end of one month, with its history."""

    allocation: BondAllocation
    pace: rules.PaceStatus
    history: list[str]  # statuses month by month, from the issue month to the month
    consecutive_failing: int
    warning: bool

    @property
    def project(self):
        return self.allocation.bond_project.project


def with_pace_relations(queryset):
    return queryset.select_related("issue", "bond_project__project__region").prefetch_related(
        "spendings",
        Prefetch("adjustments", queryset=UseAdjustment.objects.filter(status=AdjustmentStatus.APPROVED)),
    )


def batch_pace(allocation: BondAllocation, *, year: int, month: int, table=None) -> BatchPace:
    """The batch's pace at the end of (year, month) and month by month before it, from
    prefetched spendings and approved adjustments (no query). `table`: milestones other
    than the settings' (a light rule's, rules.window_milestones)."""
    spendings = {(s.year, s.month): s.cumulative for s in allocation.spendings.all()}
    adjustments = [(a.decided_on, a.amount) for a in allocation.adjustments.all()]
    issued = allocation.issue.issued_on
    history, cumulative, result = [], Decimal(0), None
    y, m = issued.year, issued.month
    while (y, m) <= (year, month):
        cumulative = spendings.get((y, m), cumulative)
        end = month_end(y, m)
        base = allocation.amount - sum((amount for on, amount in adjustments if on and on <= end), Decimal(0))
        result = rules.pace_status(
            spent=cumulative, base=base, months_elapsed=months_between(issued, y, m), table=table
        )
        history.append(result.status)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    if result is None:  # the month asked is before the issue
        result = rules.pace_status(spent=Decimal(0), base=allocation.amount, months_elapsed=-1, table=table)
    return BatchPace(
        allocation=allocation,
        pace=result,
        history=history,
        consecutive_failing=rules.consecutive_failing(history),
        warning=rules.is_warning(history),
    )


def paces(*, user, year: int, month: int, region: Region | None = None, **only) -> list[BatchPace]:
    """Every batch × project in scope issued by the end of (year, month); `only`: those of
    one issue, bond project or allocation (issue_id=, bond_project_id=, pk=)."""
    queryset = allocation_queryset(user=user).filter(issue__issued_on__lte=month_end(year, month), **only)
    if region is not None:
        queryset = queryset.filter(bond_project__project__region__code__startswith=region.code_prefix)
    queryset = with_pace_relations(queryset).order_by("issue__issued_on", "bond_project__project__name", "pk")
    return [batch_pace(allocation, year=year, month=month) for allocation in queryset]


@dataclass
class PaceLists:
    year: int
    month: int
    all: list[BatchPace]
    failing: list[BatchPace]  # 不达标项目清单
    warning: list[BatchPace]  # 预警项目清单
    to_recover: list[BatchPace]  # past the last milestone, not fully spent


def pace_lists(*, user, year: int, month: int, region: Region | None = None) -> PaceLists:
    rows = paces(user=user, year=year, month=month, region=region)
    return PaceLists(
        year=year,
        month=month,
        all=rows,
        failing=[row for row in rows if row.pace.status == rules.PACE_FAILING],
        warning=[row for row in rows if row.warning],
        to_recover=[row for row in rows if row.pace.to_recover],
    )


# --- repayment -----------------------------------------------------------------------------


@dataclass
class RepaymentLine:
    allocation: BondAllocation
    payment: rules.Payment
    record: BondRepayment | None = None  # what was actually paid, when entered

    @property
    def project(self):
        return self.allocation.bond_project.project

    @property
    def status(self) -> str:
        """paid (in full), short (less than due), overdue (due, nothing entered), upcoming."""
        if self.record is not None:
            return "paid" if self.record.amount >= self.payment.amount else "short"
        return "overdue" if self.payment.due < timezone.localdate() else "upcoming"

    @property
    def status_label(self) -> str:
        return {"paid": _("已支付"), "short": _("少付"), "overdue": _("到期未录入支付"), "upcoming": _("未到期")}[
            self.status
        ]


def repayments(*, user, start: datetime.date, end: datetime.date, region: Region | None = None) -> list[RepaymentLine]:
    """Interest and principal due between start and end (inclusive) by project and batch."""
    queryset = allocation_queryset(user=user).select_related("issue", "bond_project__project__region")
    if region is not None:
        queryset = queryset.filter(bond_project__project__region__code__startswith=region.code_prefix)
    queryset = queryset.filter(issue__maturity_date__gte=start, issue__value_date__lte=end)
    lines = []
    for allocation in queryset:
        for payment in allocation.schedule():
            if start <= payment.due <= end:
                lines.append(RepaymentLine(allocation, payment))
    paid = {
        (record.allocation_id, record.due_date, record.kind): record
        for record in BondRepayment.objects.filter(
            allocation_id__in={line.allocation.pk for line in lines}, due_date__gte=start, due_date__lte=end
        )
    }
    for line in lines:
        line.record = paid.get((line.allocation.pk, line.payment.due, line.payment.kind))
    lines.sort(key=lambda line: (line.payment.due, line.project.name, line.payment.kind))
    return lines


@dataclass
class RepaymentSummary:
    scheduled_due: Decimal  # due up to today within the window
    paid: Decimal
    overdue: int  # lines due and not entered


def repayment_summary(lines: list[RepaymentLine]) -> RepaymentSummary:
    today = timezone.localdate()
    due = [line for line in lines if line.payment.due <= today]
    return RepaymentSummary(
        scheduled_due=sum((line.payment.amount for line in due), Decimal(0)),
        paid=sum((line.record.amount for line in due if line.record is not None), Decimal(0)),
        overdue=sum(1 for line in due if line.status == "overdue"),
    )


def repayment_reminders(*, user, today: datetime.date | None = None) -> list[RepaymentLine]:
    today = today or timezone.localdate()
    return repayments(user=user, start=today, end=today + datetime.timedelta(days=rules.reminder_days()))


# --- figures for the speeches and bulletins ----------------------------------------------------


@dataclass
class Figure:
    key: str
    label: str
    value: Decimal | int
    unit: str
    definition: str
    bond_project_ids: list[int] = field(default_factory=list)


@dataclass
class BondFigures:
    region: Region | None
    year: int
    month: int
    figures: dict[str, Figure]
    pooled_by_category: list[dict]
    by_county: list[dict]


def figure_queryset(*, user, year: int, region: Region | None):
    queryset = bond_project_queryset(user=user).filter(year=year)
    if region is not None:
        queryset = queryset.filter(project__region__code__startswith=region.code_prefix)
    return queryset


def figure_bond_projects(*, user, year: int, region: Region | None, key: str):
    """The bond projects behind a count figure (the list its link opens)."""
    queryset = figure_queryset(user=user, year=year, region=region)
    condition = FIGURE_FILTERS.get(key)
    if condition is None:
        if key in ("issued", "spent"):
            return queryset.filter(
                pk__in=allocation_queryset(user=user).filter(issue__issued_on__year=year).values("bond_project_id")
            )
        raise Http404
    return queryset.filter(condition())


def bond_figures(*, user, year: int, month: int, region: Region | None = None) -> BondFigures:
    """Applied, passed review (provincial 发改委), in both pools (by category), issued (put
    down to projects from the year's issues), spent (by the end of the month) and the pace
    by county. Counts are of bond projects; amounts in 万元."""
    base = figure_queryset(user=user, year=year, region=region).select_related("project__region")
    applied = list(base.filter(FIGURE_FILTERS["applied"]()))
    passed = list(base.filter(FIGURE_FILTERS["passed"]()))
    pooled = list(base.filter(FIGURE_FILTERS["pooled"]()))
    rows = [
        row
        for row in paces(user=user, year=year, month=month, region=region)
        if row.allocation.issue.issued_on.year == year
    ]
    issued = sum((row.allocation.amount for row in rows), Decimal(0))
    spent = sum((row.pace.spent for row in rows), Decimal(0))
    figures = {
        "applied": Figure(
            "applied",
            _("申报专项债券项目"),
            len(applied),
            "个",
            _("本年度已申报（含已退回）的专项债券项目个数"),
            [b.pk for b in applied],
        ),
        "applied_amount": Figure(
            "applied_amount",
            _("申报专项债券金额"),
            sum((b.bond_amount for b in applied), Decimal(0)),
            "万元",
            _("上述项目申请专项债总额之和"),
            [b.pk for b in applied],
        ),
        "passed": Figure(
            "passed",
            _("省发改委审核通过项目"),
            len(passed),
            "个",
            _("本轮申报中省级发改审核结果为通过的项目个数"),
            [b.pk for b in passed],
        ),
        "pooled": Figure(
            "pooled",
            _("双入库项目"),
            len(pooled),
            "个",
            _("国家重大建设项目库与地方政府债券项目库均已入库的项目个数"),
            [b.pk for b in pooled],
        ),
        "issued": Figure(
            "issued",
            _("本年发行下达金额"),
            issued,
            "万元",
            _("本年发行的批次下达至项目的金额之和"),
            sorted({row.allocation.bond_project_id for row in rows}),
        ),
        "spent": Figure(
            "spent",
            _("累计支出金额"),
            spent,
            "万元",
            _("本年发行批次截至所选月末的累计支出之和"),
            sorted({row.allocation.bond_project_id for row in rows}),
        ),
        "spent_share": Figure(
            "spent_share",
            _("支出进度"),
            rules.two_places(spent * 100 / issued) if issued else Decimal(0),
            "%",
            _("累计支出金额 ÷ 本年发行下达金额"),
            sorted({row.allocation.bond_project_id for row in rows}),
        ),
    }
    by_category: dict[str, list] = defaultdict(list)
    for bond_project in pooled:
        by_category[bond_project.project.category].append(bond_project)
    pooled_by_category = [
        {
            "category": category,
            "count": len(by_category.get(category.value, [])),
            "amount": sum((b.bond_amount for b in by_category.get(category.value, [])), Decimal(0)),
        }
        for category in Category
    ]
    counties: dict[int, dict] = {}
    for row in rows:
        county = row.project.region
        entry = counties.setdefault(
            county.pk, {"region": county, "issued": Decimal(0), "spent": Decimal(0), "failing": 0}
        )
        entry["issued"] += row.allocation.amount
        entry["spent"] += row.pace.spent
        entry["failing"] += row.pace.status == rules.PACE_FAILING
    by_county = sorted(counties.values(), key=lambda entry: entry["region"].code)
    for entry in by_county:
        entry["share"] = rules.two_places(entry["spent"] * 100 / entry["issued"]) if entry["issued"] else None
    return BondFigures(region, year, month, figures, pooled_by_category, by_county)


def infrastructure_majority(figures: BondFigures) -> bool:
    """ "其中大部分是基础设施类项目": more than half of the pooled projects are infrastructure."""
    total = sum(row["count"] for row in figures.pooled_by_category)
    infrastructure = next(
        row["count"] for row in figures.pooled_by_category if row["category"] == Category.INFRASTRUCTURE
    )
    return total > 0 and infrastructure * 2 > total


SPEECH_FIGURES = ("applied", "applied_amount", "passed", "pooled", "issued", "spent", "spent_share")


def speech_context(*, user, region: Region | None, year: int, month: int) -> dict:
    """The bond figures for the speech page: key → (value, unit, title, url). None (暂无数据)
    while no bond project of the year is recorded in the user's scope and region."""
    from django.urls import reverse
    from django.utils.http import urlencode

    figures = bond_figures(user=user, year=year, month=month, region=region)
    recorded = figure_queryset(user=user, year=year, region=region).exists()
    context = {}
    for key in SPEECH_FIGURES:
        figure = figures.figures[key]
        params = {"year": year, "figure": key if key in FIGURE_FILTERS else "applied"}
        if region is not None:
            params["region"] = region.pk
        url = f"{reverse('bonds:projects')}?{urlencode(params)}"
        title = f"{figure.label}：{figure.definition}（{_('专项债券项目，您权限范围内')}）"
        context[key] = (figure.value if recorded else None, figure.unit, title, url)
    return context
