"""The FilterSets behind the bond lists of the pages, the API and the exports, and the
conditions of the speech figures (so a figure's link lists exactly the projects it counts)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from apps.projects.filters import _regions_for

from .models import (
    BondField,
    BondKind,
    BondProject,
    BondProjectStatus,
    BondReview,
    PoolResult,
    ReviewLevel,
    ReviewResult,
    ReviewSide,
)


def passed_province_ndrc_q() -> Q:
    """Bond projects the provincial 发改委 passed in their current round (审核通过)."""
    reviews = BondReview.objects.filter(
        bond_project=OuterRef("pk"),
        round=OuterRef("round"),
        side=ReviewSide.NDRC,
        level=ReviewLevel.PROVINCE,
        result=ReviewResult.PASSED,
    )
    return Q(Exists(reviews))


FIGURE_FILTERS = {
    "applied": lambda: Q(round__gt=0),
    "passed": passed_province_ndrc_q,
    "pooled": lambda: Q(ndrc_pool=PoolResult.IN, mof_pool=PoolResult.IN),
}
FIGURE_CHOICES = [("applied", _("已申报")), ("passed", _("省发改委审核通过")), ("pooled", _("双入库"))]


class BondProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("项目名称或代码"), method="filter_text")
    region = django_filters.ModelChoiceFilter(
        label=_("区划（含下级）"), queryset=_regions_for, method="filter_region_subtree"
    )
    project = django_filters.NumberFilter(label=_("项目"), field_name="project_id")
    year = django_filters.NumberFilter(label=_("年度"), field_name="year")
    kind = django_filters.ChoiceFilter(label=_("债券类型"), choices=BondKind.choices)
    field = django_filters.ChoiceFilter(label=_("投向领域"), choices=BondField.choices)
    status = django_filters.MultipleChoiceFilter(
        label=_("状态"), choices=BondProjectStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    figure = django_filters.ChoiceFilter(label=_("统计口径"), choices=FIGURE_CHOICES, method="filter_figure")

    class Meta:
        model = BondProject
        fields = []

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by("-year", "project__region__code", "project__name", "pk")

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(project__name__icontains=value) | Q(project__project_code__icontains=value))

    def filter_region_subtree(self, queryset, name, region):
        return queryset.filter(project__region__code__startswith=region.code_prefix)

    def filter_figure(self, queryset, name, value):
        return queryset.filter(FIGURE_FILTERS[value]())
