"""The one FilterSet behind the project list page, its exports and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.regions.models import Organisation, OrganisationKind, Person, Region

from .models import Category, InvestorType, Level, Project, Stage

CHECKBOXES = forms.CheckboxSelectMultiple

SORT_FIELDS = (
    ("name", "name"),
    ("project_code", "project_code"),
    ("region__code", "region"),
    ("stage", "stage"),
    ("total_investment", "total_investment"),
    ("planned_start_date", "planned_start_date"),
    ("planned_end_date", "planned_end_date"),
    ("updated_at", "updated_at"),
)


def _regions_for(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Region.objects.none()
    if user.region_id and not user.is_superuser:
        return user.region.subtree()
    return Region.objects.all()


class ProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("名称或代码"), method="filter_text")
    region = django_filters.ModelChoiceFilter(
        label=_("区划（含下级）"), queryset=_regions_for, method="filter_region_subtree"
    )
    stage = django_filters.MultipleChoiceFilter(label=_("项目阶段"), choices=Stage.choices, widget=CHECKBOXES)
    level = django_filters.MultipleChoiceFilter(label=_("项目级别"), choices=Level.choices, widget=CHECKBOXES)
    category = django_filters.MultipleChoiceFilter(label=_("项目类别"), choices=Category.choices, widget=CHECKBOXES)
    investor_type = django_filters.MultipleChoiceFilter(
        label=_("投资主体"), choices=InvestorType.choices, widget=CHECKBOXES
    )
    lead_official = django_filters.ModelChoiceFilter(
        label=_("包抓领导"), queryset=Person.objects.filter(is_city_leader=True)
    )
    lead_department = django_filters.ModelChoiceFilter(
        label=_("牵头单位"), queryset=Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT)
    )
    owner_unit = django_filters.ModelChoiceFilter(
        label=_("建设单位"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.OWNER_UNIT),
        widget=forms.HiddenInput,
    )
    # Owner units run to tens of thousands province-wide: the page offers a name search,
    # the id filter stays for the API and for links from other pages.
    owner_unit_name = django_filters.CharFilter(
        label=_("建设单位名称"), field_name="owner_unit__name", lookup_expr="icontains"
    )
    planned_start_year = django_filters.NumberFilter(
        label=_("计划开工年度"), field_name="planned_start_date", lookup_expr="year"
    )
    sort = django_filters.OrderingFilter(label=_("排序"), fields=SORT_FIELDS)

    class Meta:
        model = Project
        fields = []

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # A unique last sort key keeps pages stable when the chosen sort has ties.
        return queryset.order_by(*(queryset.query.order_by or queryset.model._meta.ordering), "pk")

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(project_code__icontains=value))

    def filter_region_subtree(self, queryset, name, region):
        return queryset.filter(region__code__startswith=region.code_prefix)


class ProjectRelatedFilters:
    """Filter methods for FilterSets of objects that belong to a project (reports, items, bond
    projects…): name-or-code search and region with sub-regions, spelt once."""

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(project__name__icontains=value) | Q(project__project_code__icontains=value))

    def filter_region_subtree(self, queryset, name, region):
        return queryset.filter(project__region__code__startswith=region.code_prefix)
