"""Reads of the monthly reporting cycle (月报). Every function takes the acting user and
starts from the restricted queryset, so pages, API and reminders share one scope.

Year-to-date (1-X月累计) and since-start (开工以来累计) amounts are derived here, never
stored: each is one correlated aggregate subquery over the project's submitted and
verified reports, so a list of any length costs one query.
"""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, DecimalField, Exists, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from apps.projects.models import Project, Stage

from .filters import MonthlyReportFilterSet
from .models import MonthlyReport, PeriodStatus, Reminder, ReportingPeriod, ReportRevision, ReportStatus, RevisionStatus

# Reports whose amounts count in cumulative figures.
COUNTED = (ReportStatus.SUBMITTED, ReportStatus.VERIFIED)
MONEY = DecimalField(max_digits=16, decimal_places=4)
REPORT_RELATIONS = (
    "project",
    "project__region",
    "project__owner_unit",
    "project__lead_department",
    "submitted_by",
    "verified_by",
)


def period_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def reporting_due_q(*, year: int, month: int, prefix: str = "") -> Q:
    """应报项目, the one definition of which projects must report for a month: those under
    construction (在建), and those in preliminary work (前期) whose planned start date is on
    or before the month's last day. Reserve and completed projects need not report."""
    return Q(**{f"{prefix}stage": Stage.UNDER_CONSTRUCTION}) | Q(
        **{f"{prefix}stage": Stage.PRELIMINARY, f"{prefix}planned_start_date__lte": period_end(year, month)}
    )


# --- derived amounts -------------------------------------------------------------


def _amount_sum(*, project, year, month, inclusive: bool, year_to_date: bool):
    """Sum of the counted monthly amounts of `project` up to (year, month).

    `year_to_date`: January to the month only; otherwise since the first report.
    `inclusive`: whether the month itself is included. Arguments may be OuterRef.
    """
    month_lookup = "month__lte" if inclusive else "month__lt"
    within = Q(year=year, **{month_lookup: month})
    if not year_to_date:
        within |= Q(year__lt=year)
    amounts = (
        MonthlyReport.objects.filter(within, project=project, status__in=COUNTED)
        .order_by()
        .values("project")
        .annotate(total=Sum("completed_investment"))
        .values("total")
    )
    return Coalesce(Subquery(amounts, output_field=MONEY), Value(Decimal(0)), output_field=MONEY)


def with_totals(queryset):
    """Reports annotated with `ytd` and `since_start`: the counted amounts through the
    report's month (the report's own amount counts once it is submitted)."""
    ref = {"project": OuterRef("project_id"), "year": OuterRef("year"), "month": OuterRef("month")}
    return queryset.annotate(
        ytd=_amount_sum(**ref, inclusive=True, year_to_date=True),
        since_start=_amount_sum(**ref, inclusive=True, year_to_date=False),
    )


def with_period_totals(projects, *, year: int, month: int):
    """Projects annotated with their counted amounts for (year, month): `ytd_before`
    (January to the month before), `ytd` (January to the month) and `since_start`
    (every month up to and including it). For exports of the monthly progress table."""
    ref = OuterRef("pk")
    return projects.annotate(
        ytd_before=_amount_sum(project=ref, year=year, month=month, inclusive=False, year_to_date=True),
        ytd=_amount_sum(project=ref, year=year, month=month, inclusive=True, year_to_date=True),
        since_start=_amount_sum(project=ref, year=year, month=month, inclusive=True, year_to_date=False),
    )


# --- periods --------------------------------------------------------------------


def period_list(*, user):
    submitted = (
        MonthlyReport.objects.filter(year=OuterRef("year"), month=OuterRef("month"), status__in=COUNTED)
        .order_by()
        .values("year")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        ReportingPeriod.objects.restrict(user)
        .annotate(reported=Coalesce(Subquery(submitted), Value(0)))
        .order_by("-year", "-month")
    )


def period_open_get(*, user) -> ReportingPeriod | None:
    """The open period (at most one is open at a time), or None."""
    return ReportingPeriod.objects.restrict(user).filter(status=PeriodStatus.OPEN).order_by("-year", "-month").first()


def period_get(*, user, pk: int, action: str = "view") -> ReportingPeriod:
    period = ReportingPeriod.objects.restrict(user).filter(pk=pk).first()
    if period is None:
        raise Http404("填报期不存在。")
    if action != "view" and not ReportingPeriod.objects.restrict(user, action).filter(pk=pk).exists():
        raise PermissionDenied("您无权管理填报期。")
    return period


def period_find(*, user, year: int, month: int) -> ReportingPeriod | None:
    return ReportingPeriod.objects.restrict(user).filter(year=year, month=month).first()


# --- reports --------------------------------------------------------------------


def report_queryset(*, user, action: str = "view"):
    return MonthlyReport.objects.restrict(user, action)


def report_list(*, user):
    """The user's reports with their project relations and derived totals."""
    return with_totals(report_queryset(user=user).select_related(*REPORT_RELATIONS))


def report_filterset(*, user, params, request=None) -> MonthlyReportFilterSet:
    """The shared FilterSet bound to the user's reports. Check `.is_valid()` before `.qs`."""
    return MonthlyReportFilterSet(params, queryset=report_list(user=user), request=request)


def report_get(*, user, pk: int, action: str = "view") -> MonthlyReport:
    """The report if the user may see it (else 404) and may do `action` on it (else 403)."""
    report = report_list(user=user).filter(pk=pk).first()
    if report is None:
        raise Http404("月报不存在或不在您的权限范围内。")
    if action != "view" and not report_can(user=user, report=report, action=action):
        raise PermissionDenied("您无权对该月报执行此操作。")
    return report


def report_can(*, user, report: MonthlyReport, action: str) -> bool:
    return report_queryset(user=user, action=action).filter(pk=report.pk).exists()


def report_for_period(*, user, project: Project, year: int, month: int) -> MonthlyReport | None:
    """The project's report of the month, its own fields only: the fill form's instance. (The
    totals of `report_list` cost more to compile than to run, on the month end's busiest page.)"""
    return report_queryset(user=user).filter(project=project, year=year, month=month).first()


def report_previous(*, user, project: Project, year: int, month: int) -> MonthlyReport | None:
    """Last month's report of the project (any status), its own fields only."""
    prev_year, prev_month = previous_month(year, month)
    return report_for_period(user=user, project=project, year=prev_year, month=prev_month)


@dataclass(frozen=True)
class Totals:
    ytd: Decimal
    since_start: Decimal


def totals_before(*, user, project: Project, year: int, month: int) -> Totals:
    """Counted amounts of the project before (year, month): what the month's report adds to."""
    row = (
        Project.objects.restrict(user)
        .filter(pk=project.pk)
        .annotate(
            ytd=_amount_sum(project=OuterRef("pk"), year=year, month=month, inclusive=False, year_to_date=True),
            since_start=_amount_sum(
                project=OuterRef("pk"), year=year, month=month, inclusive=False, year_to_date=False
            ),
        )
        .values("ytd", "since_start")
        .first()
    )
    if row is None:
        raise Http404("项目不存在或不在您的权限范围内。")
    return Totals(ytd=row["ytd"], since_start=row["since_start"])


def project_reports(*, user, project: Project):
    """All months of a project (oldest first) with amounts, totals, status and revisions."""
    revisions = ReportRevision.objects.restrict(user).select_related("requested_by", "decided_by")
    return (
        with_totals(report_queryset(user=user).filter(project=project).select_related("submitted_by", "verified_by"))
        .prefetch_related(Prefetch("revisions", queryset=revisions.order_by("requested_at", "pk")))
        .order_by("year", "month")
    )


def my_reports(*, user, period: ReportingPeriod):
    """我的月报: the projects the user may report for in `period` (those that must report,
    and any that already has a report for it), each with its report's id, status and
    version and the counted amounts before the month."""
    this_month = MonthlyReport.objects.filter(project=OuterRef("pk"), year=period.year, month=period.month)
    prev_year, prev_month = previous_month(period.year, period.month)
    last_month = MonthlyReport.objects.filter(project=OuterRef("pk"), year=prev_year, month=prev_month)
    return (
        Project.objects.restrict(user, "change")
        .filter(reporting_due_q(year=period.year, month=period.month) | Q(Exists(this_month)))
        .select_related("region", "owner_unit")
        .annotate(
            report_id=Subquery(this_month.values("pk")[:1]),
            report_status=Subquery(this_month.values("status")[:1]),
            report_amount=Subquery(this_month.values("completed_investment")[:1], output_field=MONEY),
            last_month_amount=Subquery(last_month.values("completed_investment")[:1], output_field=MONEY),
            ytd_before=_amount_sum(
                project=OuterRef("pk"), year=period.year, month=period.month, inclusive=False, year_to_date=True
            ),
            since_start_before=_amount_sum(
                project=OuterRef("pk"), year=period.year, month=period.month, inclusive=False, year_to_date=False
            ),
        )
        .order_by("region__code", "name", "pk")
    )


def verify_queue(*, user):
    """审核队列: submitted reports the user may verify, oldest submission first."""
    return with_totals(
        report_queryset(user=user, action="verify")
        .filter(status=ReportStatus.SUBMITTED)
        .select_related(*REPORT_RELATIONS)
        .order_by("submitted_at", "pk")
    )


def review_queue_filterset(*, user, params, request=None):
    """审核队列 at scale: every report the user may verify, with its totals and the facts
    behind the anomaly flags (apps/reporting/anomalies.py), through ReviewQueueFilterSet
    (submitted ones unless a status is chosen). Check `.is_valid()` before `.qs`."""
    from .anomalies import with_review_facts
    from .filters import ReviewQueueFilterSet

    queryset = with_review_facts(
        with_totals(report_queryset(user=user, action="verify").select_related(*REPORT_RELATIONS))
    )
    return ReviewQueueFilterSet(params, queryset=queryset, request=request)


@dataclass(frozen=True)
class ImportedBy:
    """The import batch that last wrote a report: who imported it, and whether the viewer may
    open the batch (a link is shown only then)."""

    batch_id: int
    user_name: str
    committed_at: datetime.datetime | None
    viewable: bool


def imported_by(*, user, reports) -> dict[int, ImportedBy]:
    """For the reports of a queue page: the committed import batch behind each report's latest
    change, if an import made it. Three queries whatever the page size."""
    from django.contrib.contenttypes.models import ContentType

    from apps.audit.models import ChangeRecord
    from apps.imports.models import BatchStatus, ImportBatch

    ids = [report.pk for report in reports]
    if not ids:
        return {}
    latest = {}
    records = (
        ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(MonthlyReport), object_id__in=ids)
        .order_by("object_id", "-time", "-id")
        .values_list("object_id", "request_id")
    )
    for object_id, request_id in records:
        latest.setdefault(object_id, request_id)
    batches = list(
        ImportBatch.objects.filter(request_id__in=set(latest.values()), status=BatchStatus.COMMITTED)
        .select_related("user")
        .defer("content", "preview", "reading", "warnings")
    )
    viewable = set(
        ImportBatch.objects.restrict(user, "view")
        .filter(pk__in=[batch.pk for batch in batches])
        .values_list("pk", flat=True)
    )
    by_request = {
        batch.request_id: ImportedBy(batch.pk, batch.user.display_name, batch.committed_at, batch.pk in viewable)
        for batch in batches
    }
    return {report_id: by_request[request_id] for report_id, request_id in latest.items() if request_id in by_request}


# --- revisions -----------------------------------------------------------------


def revision_queryset(*, user, action: str = "view"):
    return ReportRevision.objects.restrict(user, action)


def revision_list(*, user, report: MonthlyReport):
    return (
        revision_queryset(user=user)
        .filter(report=report)
        .select_related("requested_by", "decided_by")
        .order_by("-requested_at", "-pk")
    )


def revision_get(*, user, pk: int, action: str = "view") -> ReportRevision:
    revision = (
        revision_queryset(user=user)
        .select_related("report", "report__project", "requested_by", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if revision is None:
        raise Http404("修改申请不存在或不在您的权限范围内。")
    if action != "view" and not revision_queryset(user=user, action=action).filter(pk=pk).exists():
        raise PermissionDenied("您无权审批该修改申请。")
    return revision


def revision_pending(*, user):
    """Pending revisions the user may decide (including their own, which they may not approve)."""
    return (
        revision_queryset(user=user, action="decide")
        .filter(status=RevisionStatus.PENDING)
        .select_related("report", "report__project", "report__project__region", "requested_by")
        .order_by("requested_at", "pk")
    )


# --- 未报 -------------------------------------------------------------------------


@dataclass
class Unreported:
    year: int
    month: int
    projects: object  # queryset of Project
    total: int = 0
    by_region: list[dict] = field(default_factory=list)
    by_owner_unit: list[dict] = field(default_factory=list)


def _unreported_projects(queryset, *, year: int, month: int):
    reported = MonthlyReport.objects.filter(project=OuterRef("pk"), year=year, month=month, status__in=COUNTED)
    return queryset.filter(reporting_due_q(year=year, month=month)).filter(~Exists(reported))


def unreported(*, user, year: int, month: int) -> Unreported:
    """未报: the projects in the user's scope that must report for the month (reporting_due_q)
    and have no submitted or verified report, with counts per county and per owner unit."""
    projects = _unreported_projects(Project.objects.restrict(user), year=year, month=month)
    return _summarise(projects, year=year, month=month)


def unreported_all(*, year: int, month: int) -> Unreported:
    """未报 across the whole registry, for the `remind_unreported` management command only
    (it acts for no user). Pages and API use `unreported`."""
    return _summarise(_unreported_projects(Project.objects.all(), year=year, month=month), year=year, month=month)


def _summarise(projects, *, year: int, month: int) -> Unreported:
    plain = projects.order_by()
    by_region = [
        {"region_id": row["region_id"], "name": row["region__name"], "code": row["region__code"], "count": row["count"]}
        for row in plain.values("region_id", "region__name", "region__code")
        .annotate(count=Count("pk"))
        .order_by("region__code")
    ]
    by_owner_unit = [
        {
            "owner_unit_id": row["owner_unit_id"],
            "name": row["owner_unit__name"],
            "region_name": row["owner_unit__region__name"],
            "count": row["count"],
        }
        for row in plain.values("owner_unit_id", "owner_unit__name", "owner_unit__region__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "owner_unit__name")
    ]
    return Unreported(
        year=year,
        month=month,
        projects=projects.select_related("region", "owner_unit").order_by("region__code", "owner_unit__name", "pk"),
        total=sum(row["count"] for row in by_region),
        by_region=by_region,
        by_owner_unit=by_owner_unit,
    )


# --- reminders -----------------------------------------------------------------


def reminder_list(*, user):
    if user is None or not user.is_authenticated:
        return Reminder.objects.none()
    return Reminder.objects.filter(user=user).order_by("-created_at", "-pk")


def reminder_unread_count(*, user) -> int:
    return reminder_list(user=user).filter(read_at__isnull=True).count()
