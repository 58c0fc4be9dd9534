"""The FilterSet behind the report list of the API (and any report list page)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filters import YesNoFilter
from apps.projects.filters import ProjectRelatedFilters, _regions_for
from apps.regions.models import Organisation, OrganisationKind

from .models import MonthlyReport, ReportStatus


class MonthlyReportFilterSet(ProjectRelatedFilters, django_filters.FilterSet):
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


QUEUE_SORT_FIELDS = (
    ("submitted_at", "submitted_at"),
    ("completed_investment", "amount"),
    ("ytd", "ytd"),
    ("project__name", "name"),
    ("project__region__code", "region"),
)


class ReviewQueueFilterSet(ProjectRelatedFilters, django_filters.FilterSet):
    """审核队列: the reports a verifier checks, filtered the way they work through them.
    The same FilterSet gives the page and its Excel file."""

    q = django_filters.CharFilter(label=_("项目名称或代码"), method="filter_text")
    region = django_filters.ModelChoiceFilter(
        label=_("县区（含下级）"), queryset=_regions_for, method="filter_region_subtree", empty_label=_("全部")
    )
    owner_unit_name = django_filters.CharFilter(
        label=_("建设单位"), field_name="project__owner_unit__name", lookup_expr="icontains"
    )
    lead_department = django_filters.ModelChoiceFilter(
        label=_("牵头单位"),
        field_name="project__lead_department",
        queryset=Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT),
        empty_label=_("全部"),
    )
    amount_min = django_filters.NumberFilter(
        label=_("本月完成≥（万元）"), field_name="completed_investment", lookup_expr="gte"
    )
    amount_max = django_filters.NumberFilter(
        label=_("本月完成≤（万元）"), field_name="completed_investment", lookup_expr="lte"
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=ReportStatus.choices, empty_label=_("全部"), method="filter_status"
    )
    late = YesNoFilter(label=_("逾期报送"), method="filter_late")
    flagged = YesNoFilter(label=_("数据异常"), method="filter_flagged")
    sort = django_filters.OrderingFilter(label=_("排序"), fields=QUEUE_SORT_FIELDS, empty_label=_("报送时间"))

    class Meta:
        model = MonthlyReport
        fields = []

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status=ReportStatus.SUBMITTED)  # the queue: waiting for a verdict
        queryset = super().filter_queryset(queryset)
        return queryset.order_by(*(queryset.query.order_by or ("submitted_at",)), "pk")

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=value)

    def filter_late(self, queryset, name, value):
        return queryset.filter(is_late=value)

    def filter_flagged(self, queryset, name, value):
        return queryset.filter(is_flagged=value)
