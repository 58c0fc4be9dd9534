"""Reads of funding records, disbursements and applications. Every function takes the
acting user and starts from the restricted queryset (funding_scope_q), so pages, API and
exports share one scope. Outside the scope: 404."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.money import MoneyField
from apps.projects.models import Project
from apps.reporting.models import CompletedInvestmentYear, MonthlyReport

from .filters import ApplicationFilterSet, DisbursementFilterSet, FundingRecordFilterSet
from .models import (
    ARRIVED_STATUSES,
    FAI_ROWS,
    WON_STATUSES,
    Disbursement,
    FundingApplication,
    FundingRecord,
    funding_scope_q,
)
from .rules import disbursement_pace, fai_sum_errors, funding_deviation

MONEY = MoneyField()
ZERO = Value(Decimal(0), output_field=MONEY)
COUNTED_REPORT_STATUSES = ("submitted", "verified")


def _sum_subquery(queryset, field: str):
    return Coalesce(
        Subquery(queryset.order_by().values("project").annotate(total=Sum(field)).values("total"), output_field=MONEY),
        ZERO,
        output_field=MONEY,
    )


# --- funding records -----------------------------------------------------------------


def record_queryset(*, user, action: str = "view"):
    return FundingRecord.objects.restrict(user, action)


def record_filterset(*, user, params, request=None) -> FundingRecordFilterSet:
    queryset = record_queryset(user=user).select_related("project", "project__region")
    return FundingRecordFilterSet(params, queryset=queryset, request=request)


def with_record_figures(queryset):
    """Records annotated with `completed` (完成投资 of their year) and `reported_arrived`
    (到位资金 from monthly reports), one statement for a page of them."""
    return queryset.annotate(
        completed=completed_of_year_expression_outer(),
        reported_arrived=reported_arrivals_outer(),
    )


def completed_of_year_expression_outer():
    total = sum((F(f"m{month}") for month in range(2, 13)), F("m1"))
    rows = (
        CompletedInvestmentYear.objects.filter(project_id=OuterRef("project_id"), year=OuterRef("year"))
        .annotate(total=total)
        .values("total")[:1]
    )
    return Coalesce(Subquery(rows, output_field=MONEY), ZERO, output_field=MONEY)


def reported_arrivals_outer():
    reports = MonthlyReport.objects.filter(
        project_id=OuterRef("project_id"), year=OuterRef("year"), status__in=COUNTED_REPORT_STATUSES
    )
    return _sum_subquery(reports, "funds_arrived")


def record_get(*, user, pk: int, action: str = "view") -> FundingRecord:
    record = with_record_figures(record_queryset(user=user, action=action).select_related("project")).filter(pk=pk)
    record = record.first()
    if record is None:
        raise Http404(_("资金来源记录不存在或不在您的权限范围内。"))
    return record


@dataclass
class RecordView:
    """One record laid out as the form's rows, with its checks and deviation."""

    record: FundingRecord
    rows: list[dict]
    errors: list[str]
    deviation: object

    @property
    def completed(self) -> Decimal:
        return getattr(self.record, "completed", Decimal(0))


def record_view(record: FundingRecord) -> RecordView:
    rows = []
    depth = {"total": 0}
    for row in FAI_ROWS:
        if row.parent:
            depth[row.code] = depth[row.parent] + 1
        rows.append(
            {
                "code": row.code,
                "label": row.label,
                "depth": depth[row.code],
                "planned": record.amount("planned", row.code),
                "arrived": record.amount("arrived", row.code),
            }
        )
    errors = []
    for side, label in (("planned", _("计划")), ("arrived", _("到位"))):
        amounts = {row.code: record.amount(side, row.code) for row in FAI_ROWS}
        errors.extend(error.message for error in fai_sum_errors(amounts, side=label))
    deviation = funding_deviation(completed=getattr(record, "completed", Decimal(0)), arrived=record.arrived_total)
    return RecordView(record=record, rows=rows, errors=errors, deviation=deviation)


def arrival_row(record: FundingRecord) -> dict:
    """Funds arrived against the year's completed investment (a record from with_record_figures)."""
    deviation = funding_deviation(completed=record.completed, arrived=record.arrived_total)
    return {
        "record": record.pk,
        "project": record.project,
        "year": record.year,
        "planned_total": record.planned_total,
        "arrived_total": record.arrived_total,
        "reported_arrived": record.reported_arrived,
        "completed": record.completed,
        "deviation": deviation.ratio,
        "deviation_status": deviation.status,
        "deviation_label": deviation.label,
    }


# --- disbursements ---------------------------------------------------------------------


def disbursement_queryset(*, user, action: str = "view"):
    return Disbursement.objects.restrict(user, action)


def disbursement_filterset(*, user, params, request=None) -> DisbursementFilterSet:
    queryset = disbursement_queryset(user=user).select_related("project", "project__region", "entered_by")
    return DisbursementFilterSet(params, queryset=queryset, request=request)


def disbursement_get(*, user, pk: int, action: str = "view") -> Disbursement:
    item = disbursement_queryset(user=user, action=action).filter(pk=pk).first()
    if item is None:
        raise Http404(_("拨付记录不存在或不在您的权限范围内。"))
    return item


@dataclass
class DisbursementLine:
    project: Project
    released: Decimal
    paid: Decimal
    pace: object


def disbursement_summary(*, user, year: int, today: datetime.date | None = None, project_id=None) -> list:
    """Per project: released and paid in the year, and the pace against time. One query."""
    today = today or timezone.localdate()
    queryset = disbursement_queryset(user=user).filter(on_date__year=year)
    if project_id is not None:
        queryset = queryset.filter(project_id=project_id)
    rows = queryset.order_by().values("project_id").annotate(released=Sum("released"), paid=Sum("paid"))
    totals = {row["project_id"]: row for row in rows}
    projects = Project.objects.filter(pk__in=list(totals)).select_related("region").order_by("region__code", "name")
    return [
        DisbursementLine(
            project=project,
            released=totals[project.pk]["released"],
            paid=totals[project.pk]["paid"],
            pace=disbursement_pace(
                released=totals[project.pk]["released"], paid=totals[project.pk]["paid"], year=year, today=today
            ),
        )
        for project in projects
    ]


# --- applications ----------------------------------------------------------------------


def application_queryset(*, user, action: str = "view"):
    return FundingApplication.objects.restrict(user, action)


def application_filterset(*, user, params, request=None) -> ApplicationFilterSet:
    queryset = application_queryset(user=user).select_related("project", "project__region", "responsible_department")
    return ApplicationFilterSet(params, queryset=queryset, request=request)


def application_get(*, user, pk: int, action: str = "view") -> FundingApplication:
    application = (
        application_queryset(user=user, action=action)
        .select_related("project", "project__region", "responsible_department")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404(_("申请不存在或不在您的权限范围内。"))
    return application


@dataclass
class ApplicationFigures:
    year: int
    applied_count: int
    requested: Decimal
    won_count: int
    approved: Decimal
    arrived: Decimal  # 争取到位: released in the year (by release date)
    arrived_last_year: Decimal  # the same period of the year before
    growth: Decimal | None  # 同比, percent
    project_ids: dict  # figure -> project ids, for the links to the projects behind it


def application_figures(*, user, year: int, today: datetime.date | None = None, region=None) -> ApplicationFigures:
    """争取到位X亿元 and 同比: money released in the year up to today's day of the year,
    against the same period of the year before; applied and won in the year."""
    today = today or timezone.localdate()
    queryset = application_queryset(user=user)
    if region is not None:
        queryset = queryset.filter(project__region__code__startswith=region.code_prefix)
    end = today if today.year == year else datetime.date(year, 12, 31)
    try:
        end_last = end.replace(year=year - 1)
    except ValueError:  # 29 February
        end_last = end.replace(year=year - 1, day=28)
    this_year = Q(released_on__year=year, released_on__lte=end, status__in=ARRIVED_STATUSES)
    last_year = Q(released_on__year=year - 1, released_on__lte=end_last, status__in=ARRIVED_STATUSES)
    applied = Q(year=year) & ~Q(status="prepared")
    won = Q(year=year, status__in=WON_STATUSES)
    money = DecimalField(max_digits=20, decimal_places=4)
    sums = queryset.order_by().aggregate(
        requested=Coalesce(Sum("requested", filter=applied), ZERO, output_field=money),
        approved=Coalesce(Sum("approved", filter=won), ZERO, output_field=money),
        arrived=Coalesce(Sum("released", filter=this_year), ZERO, output_field=money),
        arrived_last=Coalesce(Sum("released", filter=last_year), ZERO, output_field=money),
    )
    ids = {
        name: sorted(set(queryset.filter(condition).values_list("project_id", flat=True)))
        for name, condition in (("applied", applied), ("won", won), ("arrived", this_year))
    }
    growth = None
    if sums["arrived_last"]:
        growth = ((sums["arrived"] - sums["arrived_last"]) * 100 / sums["arrived_last"]).quantize(Decimal("0.01"))
    return ApplicationFigures(
        year=year,
        applied_count=queryset.filter(applied).count(),
        requested=sums["requested"],
        won_count=queryset.filter(won).count(),
        approved=sums["approved"],
        arrived=sums["arrived"],
        arrived_last_year=sums["arrived_last"],
        growth=growth,
        project_ids=ids,
    )


def scoped_projects(*, user, action: str = "view"):
    q = funding_scope_q(user, action)
    return Project.objects.filter(q) if q is not None else Project.objects.none()


def project_get(*, user, pk: int, action: str = "view") -> Project:
    project = scoped_projects(user=user, action=action).select_related("region").filter(pk=pk).first()
    if project is None:
        raise Http404(_("项目不存在或不在您的权限范围内。"))
    return project
