"""Anomaly flags of the review queue (数据异常): why a submitted report deserves a second look.

- 突增: the month's amount is above `KP_ANOMALY_FACTOR` (default 3) times the project's average
  counted month over the 12 months before it;
- 开工后为零: the project had started by the month (actual start date) and the month's amount is 0
  (amounts are validated non-negative, so "negative" cannot be stored);
- 超年度计划: year-to-date (1-X月) above the project's annual plan of the year.
"1-X月 falling" cannot happen here: year-to-date is derived from non-negative monthly amounts
(apps/reporting/selectors.py), never typed, so it never goes down.

The inputs are SQL annotations (one query for a page of any length), so "flagged only" is a filter.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    DateField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from apps.core.money import normalize_wan
from apps.projects.models import AnnualPlan

from .models import COUNTED_REPORT_STATUSES, MonthlyReport, ReportingPeriod
from .selectors import MONEY


def anomaly_factor() -> Decimal:
    return Decimal(str(getattr(settings, "KP_ANOMALY_FACTOR", 3)))


def with_review_facts(queryset):
    """Reports (with the `ytd` of selectors.with_totals) annotated with `avg_before` (average
    counted month of the 12 before), `plan` (annual plan of the year, 万元), `deadline` (the
    period's), `is_late` (submitted after it) and `is_flagged` (anomaly_q)."""
    month_index = OuterRef("year") * 12 + OuterRef("month")
    before = (
        MonthlyReport.objects.filter(project=OuterRef("project_id"), status__in=COUNTED_REPORT_STATUSES)
        .annotate(index=ExpressionWrapper(F("year") * 12 + F("month"), output_field=MONEY))
        .filter(index__lt=month_index, index__gte=month_index - 12)
        .order_by()
        .values("project")
        .annotate(avg=Avg("completed_investment"))
        .values("avg")
    )
    plan = AnnualPlan.objects.filter(project=OuterRef("project_id"), year=OuterRef("year")).values(
        "planned_investment"
    )[:1]
    deadline = ReportingPeriod.objects.filter(year=OuterRef("year"), month=OuterRef("month")).values("deadline")[:1]
    return queryset.annotate(
        avg_before=Subquery(before, output_field=MONEY),
        plan=Subquery(plan, output_field=MONEY),
        deadline=Subquery(deadline, output_field=DateField()),
    ).annotate(
        is_flagged=Case(When(anomaly_q(), then=Value(True)), default=Value(False), output_field=BooleanField()),
        is_late=Case(
            When(
                Q(submitted_at__isnull=False, deadline__isnull=False) & Q(deadline__lt=TruncDate("submitted_at")),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def _started_q() -> Q:
    start = "project__actual_start_date"
    return Q(**{f"{start}__year__lt": F("year")}) | Q(
        **{f"{start}__year": F("year"), f"{start}__month__lte": F("month")}
    )


def anomaly_q() -> Q:
    """Reports with at least one flag; needs with_review_facts and the `ytd` of with_totals."""
    spike = Q(avg_before__gt=0, completed_investment__gt=F("avg_before") * anomaly_factor())
    zero = Q(completed_investment__lte=0) & _started_q()
    over_plan = Q(plan__isnull=False, ytd__gt=F("plan"))
    return spike | zero | over_plan


@dataclass(frozen=True)
class Flag:
    code: str
    reason: str


def report_flags(report) -> list[Flag]:
    """The flags of one annotated report, each with the reason in words and figures."""
    flags = []
    factor = anomaly_factor()
    amount = report.completed_investment
    if report.avg_before and report.avg_before > 0 and amount > report.avg_before * factor:
        flags.append(
            Flag(
                "spike",
                _("本月 %(amount)s 万元，是此前 12 个月月均 %(avg)s 万元的 %(times)s 倍（超过 %(factor)s 倍）")
                % {
                    "amount": normalize_wan(amount),
                    "avg": normalize_wan(report.avg_before.quantize(Decimal("0.01"))),
                    "times": (amount / report.avg_before).quantize(Decimal("0.1")),
                    "factor": normalize_wan(factor),
                },
            )
        )
    start = report.project.actual_start_date
    if amount <= 0 and start and (start.year, start.month) <= (report.year, report.month):
        flags.append(Flag("zero", _("项目已于 %(date)s 开工，本月完成投资为 0") % {"date": start.isoformat()}))
    if report.plan is not None and report.ytd > report.plan:
        flags.append(
            Flag(
                "over_plan",
                _("1-%(month)s月累计 %(ytd)s 万元，超过年度计划 %(plan)s 万元")
                % {"month": report.month, "ytd": normalize_wan(report.ytd), "plan": normalize_wan(report.plan)},
            )
        )
    return flags
