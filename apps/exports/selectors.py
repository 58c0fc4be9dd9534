"""Reads behind the exports. Every function takes the acting user (or a queryset already
restricted by it) and returns a writers.Table whose rows stream from one query.

Scope and filters are those of the pages: the project list's ProjectFilterSet over
Project.objects.restrict(user), the reporting selectors for the reporting amounts
(year-to-date and since-start totals are derived there, never here).
"""

import datetime
import re
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Exists, F, FilteredRelation, IntegerField, OuterRef, Q, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.projects import selectors as project_selectors
from apps.projects.models import Category, Project
from apps.regions.models import Organisation
from apps.reporting import selectors as reporting_selectors
from apps.reporting.models import MonthlyReport

from . import layouts
from .models import ExportRecord
from .writers import Group, Table, chinese_ordinal, percent_of

CHUNK = 2000
# This month's report fields shown in the progress table and the templates.
REPORT_FIELDS = (
    "completed_investment",
    "physical_progress",
    "percent_complete",
    "actual_start_date",
    "problems",
    "next_steps",
)
SHEET_NAMES = {"plan": "项目清单", "progress": "推进情况", "template": "月报填报"}


def _filters_or_error(filterset):
    if not filterset.is_valid():
        raise ValidationError({field: list(messages) for field, messages in filterset.errors.items()})
    return filterset.qs


def scope_name(user, region=None) -> str:
    """Whose figures: the filtered region, else the user's region, else their organisation."""
    if region is not None:
        return region.name
    if user.region_id:
        return user.region.name
    if user.organisation_id:
        return user.organisation.name
    return ""


# --- grouping -------------------------------------------------------------------


def _grouped(queryset, grouping: str):
    """The queryset ordered group by group (keeping its order within a group), the groups
    with their project counts (one aggregate query), and the group key of a project."""
    order = list(queryset.query.order_by or Project._meta.ordering)
    if grouping == "category":
        rank = Case(
            *(When(category=value, then=Value(i)) for i, value in enumerate(Category.values)),
            output_field=IntegerField(),
        )
        counts = dict(queryset.order_by().values_list("category").annotate(n=Count("pk")))
        keys = [(value, f"{label}项目") for value, label in Category.choices if value in counts]
        return queryset.order_by(rank, *order), _groups(keys, counts), lambda project: project.category
    if grouping == "county":
        rows = queryset.order_by().values_list("region__code", "region__name").annotate(n=Count("pk"))
        counts = {code: n for code, _name, n in rows}
        keys = sorted((code, name) for code, name, _n in rows)
        return queryset.order_by("region__code", *order), _groups(keys, counts), lambda project: project.region.code
    return queryset, None, lambda project: None


def _groups(keys, counts) -> list[Group]:
    return [
        Group(key=key, label=f"{chinese_ordinal(i)}、{label}（{counts[key]}个）", count=counts[key])
        for i, (key, label) in enumerate(keys, start=1)
    ]


# --- the project list ---------------------------------------------------------------


def project_list_queryset(*, user, params):
    """The list page's projects: the user's scope and the page's filters (invalid → ValidationError)."""
    # The FilterSet offers the regions of the request's user (see projects.filters._regions_for).
    filterset = project_selectors.project_filterset(user=user, params=params, request=SimpleNamespace(user=user))
    return _filters_or_error(filterset), filterset.form.cleaned_data.get("region")


def project_list_table(*, user, queryset, year: int, grouping: str = "", title: str | None = None, region=None):
    """项目清单 of `queryset` (already restricted to the user) with the annual plans of `year`."""
    queryset = queryset.with_list_relations().annotate(
        year_plan=FilteredRelation("annual_plans", condition=Q(annual_plans__year=year)),
        planned_investment=F("year_plan__planned_investment"),
    )
    queryset, groups, group_of = _grouped(queryset, grouping)
    projects = queryset.prefetch_related("partner_units")

    def rows():
        for project in projects.iterator(chunk_size=CHUNK):
            yield {
                "group": group_of(project),
                "name": project.name,
                "project_code": project.project_code or "",
                "region": project.region.name,
                "location": project.location,
                "level": project.get_level_display(),
                "category": project.get_category_display(),
                "investor_type": project.get_investor_type_display(),
                "stage": project.get_stage_display(),
                "scope": project.scope,
                "total_investment": project.total_investment,
                "planned_investment": project.planned_investment,
                "planned_start_date": project.date_cell("planned_start"),
                "planned_end_date": project.date_cell("planned_end"),
                "actual_start_date": project.date_cell("actual_start"),
                "lead_official": project.lead_official.name if project.lead_official else "",
                "lead_department": project.lead_department.name if project.lead_department else "",
                "owner_unit": project.owner_unit.name,
                "partner_units": "、".join(unit.name for unit in project.partner_units.all()),
            }

    return Table(
        title=title or f"{scope_name(user, region)}{year}年重大项目清单",
        sheet_name=SHEET_NAMES["plan"],
        columns=layouts.plan_list_columns(year),
        rows=rows(),
        groups=groups,
        exported_at=timezone.localtime(),
        defined_names={"KP_KIND": "project_list", "KP_YEAR": str(year)},
    )


# --- the monthly progress table ---------------------------------------------------------


def progress_table(*, user, params, year: int, month: int, grouping: str = "") -> Table:
    """月度推进情况表: the projects in the user's scope and the list filters that must report
    for the month (or have a counted report for it), with that report (submitted or
    verified only) and the derived year-to-date and since-start amounts."""
    queryset, region = project_list_queryset(user=user, params=params)
    counted = MonthlyReport.objects.filter(
        project=OuterRef("pk"), year=year, month=month, status__in=reporting_selectors.COUNTED
    )
    queryset = reporting_selectors.with_period_totals(
        queryset.filter(reporting_selectors.reporting_due_q(year=year, month=month) | Q(Exists(counted))),
        year=year,
        month=month,
    ).annotate(
        year_plan=FilteredRelation("annual_plans", condition=Q(annual_plans__year=year)),
        planned_investment=F("year_plan__planned_investment"),
        report=FilteredRelation(
            "monthly_reports",
            condition=Q(
                monthly_reports__year=year,
                monthly_reports__month=month,
                monthly_reports__status__in=reporting_selectors.COUNTED,
            ),
        ),
        **{f"report_{name}": F(f"report__{name}") for name in REPORT_FIELDS},
    )
    queryset, groups, group_of = _grouped(queryset, grouping)

    def rows():
        for project in queryset.iterator(chunk_size=CHUNK):
            yield {
                "group": group_of(project),
                "project_code": project.project_code or "",
                "name": project.name,
                "owner_unit": project.owner_unit.name,
                "region": project.region.name,
                "total_investment": project.total_investment,
                "planned_investment": project.planned_investment,
                "ytd_before": project.ytd_before,
                "ytd": project.ytd,
                "since_start": project.since_start,
                "plan_share": percent_of(project.ytd, project.planned_investment),
                **{name: getattr(project, f"report_{name}") for name in REPORT_FIELDS},
            }

    period = f"{year}年{month}月" if month == 1 else f"{year}年1-{month}月"
    return Table(
        title=f"{scope_name(user, region)}{period}重点项目推进情况表",
        sheet_name=SHEET_NAMES["progress"],
        columns=layouts.progress_columns(month),
        rows=rows(),
        groups=groups,
        exported_at=timezone.localtime(),
        defined_names={"KP_KIND": "progress", "KP_PERIOD": f"{year}-{month:02d}"},
    )


# --- monthly templates -----------------------------------------------------------------


def template_period(*, user, year: int, month: int):
    period = reporting_selectors.period_find(user=user, year=year, month=month)
    if period is None:
        raise ValidationError({"month": [_("%(year)s年%(month)s月没有填报期。") % {"year": year, "month": month}]})
    return period


def template_owner_unit(*, user, owner_unit_id: int | None):
    """The owner unit a template is for: an owner reporter's own; for others the chosen one
    if it has a project the user reports for (else 404), or None for the whole scope."""
    from apps.accounts.models import Role

    if user.role == Role.OWNER_REPORTER:
        return user.organisation
    if owner_unit_id is None:
        return None
    unit = Organisation.objects.filter(pk=owner_unit_id).first()
    if (
        unit is None
        or not project_selectors.project_queryset(user=user, action="change")
        .filter(owner_unit_id=owner_unit_id)
        .exists()
    ):
        from apps.core.querysets import note_miss_outside_scope

        note_miss_outside_scope(model=Organisation, object_id=owner_unit_id, user=user, action="change")
        raise Http404("建设单位不存在或不在您的权限范围内。")
    return unit


def template_table(*, user, year: int, month: int, owner_unit=None) -> Table:
    """月报填报模板: the projects the user reports for in the period (as on 我的月报), of one
    owner unit if given, with last month's year-to-date and this month's report if any."""
    period = template_period(user=user, year=year, month=month)
    queryset = reporting_selectors.my_reports(user=user, period=period)
    if owner_unit is not None:
        queryset = queryset.filter(owner_unit=owner_unit)
    queryset = queryset.annotate(
        year_plan=FilteredRelation("annual_plans", condition=Q(annual_plans__year=year)),
        planned_investment=F("year_plan__planned_investment"),
        report=FilteredRelation(
            "monthly_reports", condition=Q(monthly_reports__year=year, monthly_reports__month=month)
        ),
        **{f"report_{name}": F(f"report__{name}") for name in REPORT_FIELDS},
    )

    def rows():
        for project in queryset.iterator(chunk_size=CHUNK):
            ytd = None
            if project.report_completed_investment is not None:
                ytd = project.ytd_before + project.report_completed_investment
            yield {
                "project_code": project.project_code or "",
                "name": project.name,
                "owner_unit": project.owner_unit.name,
                "region": project.region.name,
                "total_investment": project.total_investment,
                "planned_investment": project.planned_investment,
                "ytd_before": project.ytd_before,
                "ytd": ytd,
                **{name: getattr(project, f"report_{name}") for name in REPORT_FIELDS},
            }

    whose = owner_unit.name if owner_unit is not None else scope_name(user)
    end = reporting_selectors.period_end(year, month)
    return Table(
        title=f"{whose}{year}年{month}月重点项目月度进展填报表",
        sheet_name=SHEET_NAMES["template"],
        columns=layouts.template_columns(year, month, min(end, timezone.localdate())),
        rows=rows(),
        exported_at=timezone.localtime(),
        totals=False,
        template=True,
        defined_names={
            "KP_KIND": "monthly_template",
            "KP_PERIOD": f"{year}-{month:02d}",
            "KP_OWNER_UNIT": str(owner_unit.pk) if owner_unit is not None else "",
        },
    )


def template_owner_units(*, user, year: int, month: int) -> list[Organisation]:
    """Every owner unit with a project to report in the period, in the user's scope (for the command)."""
    period = template_period(user=user, year=year, month=month)
    ids = reporting_selectors.my_reports(user=user, period=period).order_by().values("owner_unit_id")
    return list(Organisation.objects.filter(pk__in=ids).order_by("name", "pk"))


# --- file names and records ----------------------------------------------------------------

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def file_name(*parts: str, extension: str) -> str:
    """Parts joined with "-", without characters file systems or mail clients refuse."""
    return "-".join(_UNSAFE.sub("_", part).strip("_") for part in parts if part) + "." + extension


def stamp(moment: datetime.datetime | None = None) -> str:
    return f"{timezone.localtime(moment):%Y%m%d-%H%M}"


def export_record_list(*, user, filters: dict | None = None):
    queryset = ExportRecord.objects.restrict(user).select_related("user")
    for key, value in (filters or {}).items():
        if value not in (None, ""):
            queryset = queryset.filter(**{key: value})
    return queryset.order_by("-time", "-id")
