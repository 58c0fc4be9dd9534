"""The FilterSets behind the funding lists of the pages, the API and the exports."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.filters import YesNoFilter
from apps.projects.filters import _regions_for

from .models import (
    FAI_LABELS,
    GOVERNMENT_SOURCES,
    ApplicationStatus,
    Disbursement,
    FundingApplication,
    FundingRecord,
    Programme,
)

YES_NO = [("1", _("是")), ("0", _("否"))]


class _ProjectFilters(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("项目名称或代码"), method="filter_text")
    region = django_filters.ModelChoiceFilter(
        label=_("区划（含下级）"), queryset=_regions_for, method="filter_region_subtree"
    )
    project = django_filters.NumberFilter(label=_("项目"), field_name="project_id")

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(project__name__icontains=value) | Q(project__project_code__icontains=value))

    def filter_region_subtree(self, queryset, name, region):
        return queryset.filter(project__region__code__startswith=region.code_prefix)


class FundingRecordFilterSet(_ProjectFilters):
    year = django_filters.NumberFilter(label=_("年度"), field_name="year")
    is_ppp = YesNoFilter(label=_("PPP项目"), field_name="is_ppp")
    reits_candidate = YesNoFilter(label=_("REITs培育项目"), field_name="reits_candidate")
    has_gap = django_filters.ChoiceFilter(label=_("有资金缺口"), choices=YES_NO, method="filter_gap")

    class Meta:
        model = FundingRecord
        fields = []

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by("-year", "project__region__code", "project__name", "pk")

    def filter_gap(self, queryset, name, value):
        return queryset.filter(gap__gt=0) if value == "1" else queryset.filter(gap=0)


class DisbursementFilterSet(_ProjectFilters):
    year = django_filters.NumberFilter(label=_("年度"), field_name="on_date__year")
    source = django_filters.ChoiceFilter(
        label=_("资金来源"), choices=[(code, FAI_LABELS[code]) for code in GOVERNMENT_SOURCES]
    )

    class Meta:
        model = Disbursement
        fields = []

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by("-on_date", "-pk")


class ApplicationFilterSet(_ProjectFilters):
    year = django_filters.NumberFilter(label=_("年度"), field_name="year")
    programme = django_filters.ChoiceFilter(label=_("资金渠道"), choices=Programme.choices)
    status = django_filters.MultipleChoiceFilter(
        label=_("状态"), choices=ApplicationStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    responsible_department = django_filters.NumberFilter(label=_("责任部门"), field_name="responsible_department_id")

    class Meta:
        model = FundingApplication
        fields = []

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by("-year", "deadline", "pk")
