"""The FilterSet behind the report list of the API (and any report list page)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.projects.filters import _regions_for

from .models import MonthlyReport, ReportStatus


class MonthlyReportFilterSet(django_filters.FilterSet):
    project = django_filters.NumberFilter(label=_("项目"), field_name="project_id")
    region = django_filters.ModelChoiceFilter(
        label=_("区划（含下级）"), queryset=_regions_for, method="filter_region_subtree"
    )
    year = django_filters.NumberFilter(label=_("年度"), field_name="year")
    month = django_filters.NumberFilter(label=_("月份"), field_name="month")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ReportStatus.choices)
    owner_unit = django_filters.NumberFilter(label=_("建设单位"), field_name="project__owner_unit_id")

    class Meta:
        model = MonthlyReport
        fields = []

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by("-year", "-month", "project__region__code", "pk")

    def filter_region_subtree(self, queryset, name, region):
        return queryset.filter(project__region__code__startswith=region.code_prefix)
