"""The project page as an overview: investment progress (this year's plan, completed this year by
month and since the start), open problems, approvals with their status, and contradictions in the
data. Reads only, for the acting user; each part comes from its own app's scoped queryset."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from apps.core.money import percent_of

from .models import AnnualPlan, Milestone, Project, Stage

ZERO = Decimal(0)


@dataclass
class Overview:
    year: int
    plan: Decimal | None
    by_month: list[Decimal]  # completed investment of the year, January first (counted reports)
    completed_year: Decimal
    since_start: Decimal
    rate: Decimal | None
    open_problems: list = field(default_factory=list)
    approvals: list = field(default_factory=list)
    contradictions: list[str] = field(default_factory=list)

    @property
    def chart_width(self) -> int:
        return max(len(self.by_month), 1) * 100

    @property
    def month_bars(self) -> list[dict]:
        """Months with their amount and bar height in percent of the largest month (small chart)."""
        top = max(self.by_month, default=ZERO) or Decimal(1)
        bars = []
        for index, amount in enumerate(self.by_month):
            height = int(amount * 90 / top)  # of a 110-unit high chart, 20 left for the labels
            bars.append(
                {"month": index + 1, "amount": amount, "height": height, "top": 95 - height, "x": index * 100 + 10}
            )
        return bars


def _key(name: str) -> str:
    """The first two characters name what an approval or milestone is about (施工许可, 环评, 用地…)."""
    return name.strip()[:2]


def contradictions(*, project: Project, items, milestones) -> list[str]:
    """Data that cannot all be true, in words: an approval granted in a year before the milestone
    for it is planned (matched by the first two characters of their names, e.g. 施工许可, 环评,
    用地); a project in preliminary work (前期) with a construction permit or an actual start."""
    found = []
    granted = [item for item in items if item.decided_on and item.status in ("approved", "deemed_approved")]
    for item in granted:
        for milestone in milestones:
            planned_later = milestone.baseline_date.year > item.decided_on.year
            if milestone.actual_date is None and _key(milestone.name) in item.item_type.name and planned_later:
                found.append(
                    _("“%(item)s”已于%(granted)s批复，但节点“%(milestone)s”计划于%(planned)s完成。")
                    % {
                        "item": item.item_type.name,
                        "granted": item.decided_on.isoformat(),
                        "milestone": milestone.name,
                        "planned": milestone.baseline_date.isoformat(),
                    }
                )
    if project.stage == Stage.PRELIMINARY:
        permits = [item for item in granted if "施工许可" in item.item_type.name]
        if permits:
            found.append(
                _("项目仍处于前期阶段，但施工许可已于%(date)s批复。") % {"date": permits[0].decided_on.isoformat()}
            )
        if project.actual_start_date:
            found.append(
                _("项目仍处于前期阶段，但已填实际开工日期%(date)s。") % {"date": project.actual_start_date.isoformat()}
            )
    return found


def project_overview(*, user, project: Project, today: datetime.date) -> Overview:
    from apps.approvals import selectors as approval_selectors
    from apps.problems import selectors as problem_selectors
    from apps.problems.models import ACTIVE_STATUSES, ProblemStatus
    from apps.reporting.models import MONTH_COLUMNS, CompletedInvestmentYear

    year = today.year
    plan = (
        AnnualPlan.objects.restrict(user)
        .filter(project=project, year=year)
        .values_list("planned_investment", flat=True)
        .first()
    )
    years = {row.year: row for row in CompletedInvestmentYear.objects.filter(project=project)}
    this_year = years.get(year)
    by_month = [getattr(this_year, column) if this_year else ZERO for column in MONTH_COLUMNS[: today.month]]
    since_start = sum((sum((getattr(row, c) for c in MONTH_COLUMNS), ZERO) for row in years.values()), ZERO)
    completed_year = sum(by_month, ZERO)
    open_statuses = (*ACTIVE_STATUSES, ProblemStatus.CANNOT_RESOLVE_NOW, ProblemStatus.RESOLVED)
    problems = list(
        problem_selectors.problem_queryset(user=user)
        .with_list_relations()
        .filter(project=project, status__in=open_statuses)
        .order_by("deadline", "pk")
    )
    items = list(approval_selectors.checklist(user=user, project=project))
    milestones = list(Milestone.objects.restrict(user).filter(project=project))
    return Overview(
        year=year,
        plan=plan,
        by_month=by_month,
        completed_year=completed_year,
        since_start=since_start,
        rate=percent_of(completed_year, plan),
        open_problems=problems,
        approvals=items,
        contradictions=contradictions(project=project, items=items, milestones=milestones),
    )
