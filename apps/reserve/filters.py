"""The FilterSet behind the reserve list of the page and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from apps.projects.models import Category
from apps.regions.models import Region

from .models import CatalogueClass, Maturity, PlanningSource, ReserveProject, ReviewStatus, Tier

CHECKBOXES = forms.CheckboxSelectMultiple


class ReserveFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("项目名称"), field_name="name", lookup_expr="icontains")
    region = django_filters.ModelChoiceFilter(
        label=_("县区（含下级）"), queryset=Region.objects.all(), method="filter_region"
    )
    status = django_filters.MultipleChoiceFilter(label=_("审核状态"), choices=ReviewStatus.choices, widget=CHECKBOXES)
    planning_source = django_filters.ChoiceFilter(label=_("谋划来源"), choices=PlanningSource.choices)
    category = django_filters.ChoiceFilter(label=_("项目类别"), choices=Category.choices)
    catalogue_class = django_filters.ChoiceFilter(label=_("产业目录类别"), choices=CatalogueClass.choices)
    maturity = django_filters.ChoiceFilter(label=_("成熟度"), choices=Maturity.choices)
    tier = django_filters.ChoiceFilter(label=_("储备层级"), choices=Tier.choices)
    proposer = django_filters.NumberFilter(label=_("谋划单位"), field_name="proposer_id")

    class Meta:
        model = ReserveProject
        fields = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.none()
        if user is not None and user.is_authenticated:
            regions = user.region.subtree() if user.region_id and not user.is_superuser else Region.objects.all()
        self.filters["region"].queryset = regions

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by("-proposed_on", "-pk")

    def filter_region(self, queryset, name, region):
        return queryset.filter(region__code__startswith=region.code_prefix)
