"""The frozen figures and lists of a bulletin, taken once at drafting (JSON-safe: money as
decimal strings in 亿元 or 万元 as labelled, dates ISO). Everything goes through the
drafting user's scope: a county user's bulletin covers only its county."""

import datetime
from decimal import Decimal

from django.db.models import F, FilteredRelation, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.attraction import bulletin as attraction_bulletin
from apps.core.money import decimal_str
from apps.core.querysets import pk_in
from apps.problems.models import ACTIVE_STATUSES, Escalation, Problem
from apps.projects.models import Project, earliest_possible_day, planned_month_phrase, precision_display
from apps.regions.models import Region
from apps.reporting.models import MONTH_COLUMNS, VERIFIED_MONTH_COLUMNS
from apps.statistics.indicators import indicators_compute, percent, to_yi
from apps.statistics.models import StatisticsSettings

from .lights import project_lights
from .periods import Period

# 2: red/yellow from the lights engine (colour and reason) instead of the lag rule (lag).
SNAPSHOT_VERSION = 2
#: Names listed in a sentence before "等N个"; the attachment tables list them all.
LIST_LIMIT = 200
ZERO = Decimal(0)


def _json(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def _values(values: dict) -> dict:
    return {key: _json(value) for key, value in values.items()}


def snapshot_take(*, user, region: Region, period: Period, verified_only: bool = False) -> dict:
    report = indicators_compute(
        user=user, region=region, year=period.year, month=period.month, verified_only=verified_only
    )
    figures = {
        key: {"value": _json(item.value), "unit": item.unit, "label": item.label}
        for key, item in report.indicators.items()
    }
    subtree = Region.objects.filter(code__startswith=region.code_prefix).values("pk")
    projects = key_project_rows(
        user=user, region=region, year=period.year, month=period.month, verified_only=verified_only
    )

    def item(row, **extra):
        return {
            "id": row["pk"],
            "name": row["name"],
            "region": row["region__name"],
            "owner": row["owner_unit__name"] or "",
            "leader": row["lead_official__name"] if row["lead_official__is_city_leader"] else "",
            "department": row["lead_department__name"] or "",
            **{key: _json(value) for key, value in extra.items()},
        }

    year_start = datetime.date(period.year, 1, 1)
    started_in_period, ahead, completed_ytd, completed_in_period = [], [], 0, []
    for row in projects:
        started = row["actual_start_date"]
        planned_start = row["planned_start_date"]
        planned_new = (
            planned_start is not None and planned_start.year == period.year and not (started and started < year_start)
        )
        if planned_new and started and period.start <= started <= period.end:
            started_in_period.append(item(row, date=started))
        # Ahead of plan only before the earliest day the plan allows: a start in March is on
        # time for a start planned "2026年3月" (stored as 31 March, precision 月).
        planned_earliest = earliest_possible_day(planned_start, row["planned_start_precision"])
        if planned_new and started and started <= period.end and started < planned_earliest:
            ahead.append(item(row, date=started, planned=planned_start))
        ended = row["actual_end_date"]
        if ended and year_start <= ended <= period.end:
            completed_ytd += 1
            if ended >= period.start:
                completed_in_period.append(item(row, date=ended))

    lights = project_lights(
        user=user, project_ids=[row["pk"] for row in projects], year=period.year, month=period.month
    )
    red, yellow = [], []
    for row in projects:  # largest plan first
        light = lights.by_project.get(row["pk"])
        if light is not None:
            (red if light.listed_as == "red" else yellow).append(
                item(
                    row,
                    colour=light.colour_label,
                    reason=light.reason,
                    planned=to_yi(row["planned"]),
                    completed=to_yi(row["completed"]),
                    rate=percent(row["completed"], row["planned"]),
                )
            )

    not_started = [
        {
            "id": row["project_id"],
            "name": row["name"],
            "region": row["region"],
            "planned_start_date": _json(row["planned_start_date"]),
            # As precisely as known: a year-only date is not "2026-12-31" (snapshots before
            # this key have only the date; content.py reads them as before).
            "planned_start_text": precision_display(row["planned_start_date"], row["planned_start_precision"]),
            "planned_start_month": planned_month_phrase(row["planned_start_date"], row["planned_start_precision"]),
            "problems": row["problems"],
        }
        for row in report.not_started[:LIST_LIMIT]
    ]

    problems = Problem.objects.restrict(user, "view").filter(project__region_id__in=subtree)
    in_period = {"raised_on__gte": period.start, "raised_on__lte": period.end}
    escalations = list(
        Escalation.objects.filter(
            problem__in=problems.values("pk"), escalated_on__gte=period.start, escalated_on__lte=period.end
        )
        .select_related("problem__project")
        .order_by("escalated_on", "pk")[:LIST_LIMIT]
    )
    problem_figures = {
        "raised": problems.filter(**in_period).count(),
        "resolved": problems.filter(resolved_on__gte=period.start, resolved_on__lte=period.end).count(),
        "open": problems.filter(status__in=ACTIVE_STATUSES).count(),
        "overdue": problems.filter(status__in=ACTIVE_STATUSES, deadline__lt=period.end).count(),
        "escalated": len(escalations),
        "escalated_items": [
            {
                "project": escalation.problem.project.name,
                "type": escalation.problem.get_problem_type_display(),
                "to_level": escalation.get_to_level_display(),
                "date": escalation.escalated_on.isoformat(),
            }
            for escalation in escalations
        ],
    }

    candidate_ids = report["statistics_candidates_count"].project_ids
    candidates = list(
        Project.objects.filter(pk_in(candidate_ids))
        .order_by("-total_investment", "pk")
        .values("pk", "name", "region__name", "total_investment", "actual_start_date")[:LIST_LIMIT]
    )
    settings = StatisticsSettings.current()

    return {
        "version": SNAPSHOT_VERSION,
        "region": {"id": region.pk, "code": region.code, "name": region.name, "level": region.level},
        "period": {
            "kind": period.kind,
            "year": period.year,
            "month": period.month,
            "half": period.half,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "name": period.name,
            "cumulative": period.cumulative,
            "as_of": period.as_of,
        },
        "drafted_on": timezone.localdate().isoformat(),
        "verified_only": verified_only,
        "whole_set": report.whole_set,
        "figures": figures,
        "by_county": [{"code": point.key, "name": point.label, **_values(point.values)} for point in report.by_county],
        "by_category": [
            {"key": point.key, "name": point.label, "key_projects": point.project_count, **_values(point.values)}
            for point in report.by_category
        ],
        "by_month": [{"label": point.label, **_values(point.values)} for point in report.by_month],
        "new_starts": {"started_in_period": started_in_period, "ahead": ahead},
        "completions": {"count_ytd": completed_ytd, "in_period": completed_in_period},
        "not_started": not_started,
        "lights": {
            "rule": lights.rule_text(),
            "evaluated": list(lights.evaluated) if lights.evaluated else None,
            "red": red,
            "yellow": yellow,
        },
        "problems": problem_figures,
        "statistics": {
            "deadline_day": settings.statistics_deadline_day,
            "threshold": decimal_str(settings.statistics_threshold),
            "items": [
                {
                    "id": row["pk"],
                    "name": row["name"],
                    "region": row["region__name"],
                    "total": decimal_str(row["total_investment"]),
                    "started": _json(row["actual_start_date"]),
                }
                for row in candidates
            ],
        },
        # 招商引资和项目谋划储备 (apps/attraction/bulletin.py)
        "attraction": attraction_bulletin.bulletin_snapshot(user=user, region=region, period=period),
    }


def key_project_rows(
    *, user, region: Region, year: int, month: int, verified_only: bool = False, set_q: Q | None = None
):
    """The key projects (with a plan of `year`) of the region's subtree in the user's scope,
    one row each with the plan, the completed investment 1..`month` (万元) and the people
    responsible; largest plan first. Shared by the bulletin and the leader's brief."""
    subtree = Region.objects.filter(code__startswith=region.code_prefix).values("pk")
    columns = (VERIFIED_MONTH_COLUMNS if verified_only else MONTH_COLUMNS)[:month]
    completed = sum((Coalesce(F(f"done__{column}"), Value(ZERO)) for column in columns), Value(ZERO))
    queryset = Project.objects.restrict(user, "view").filter(region_id__in=subtree)
    if set_q is not None:
        queryset = queryset.filter(set_q)
    return list(
        queryset.annotate(
            plan=FilteredRelation("annual_plans", condition=Q(annual_plans__year=year)),
            done=FilteredRelation("completed_investment_years", condition=Q(completed_investment_years__year=year)),
        )
        .filter(plan__isnull=False)
        .annotate(planned=F("plan__planned_investment"), completed=completed)
        .order_by("-planned", "pk")
        .values(
            "pk",
            "name",
            "region__name",
            "stage",
            "owner_unit__name",
            "lead_official__name",
            "lead_official__is_city_leader",
            "lead_department__name",
            "planned_start_date",
            "planned_start_precision",
            "actual_start_date",
            "actual_end_date",
            "planned",
            "completed",
        )
    )
