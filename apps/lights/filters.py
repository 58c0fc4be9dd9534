"""The FilterSet behind the 红黄灯 list, its API and its counts."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.projects.filters import _regions_for
from apps.regions.models import Organisation, OrganisationKind, Person

from .measures import MEASURES, SUBJECTS
from .models import Colour, Light, LightRule

CHECKBOXES = forms.CheckboxSelectMultiple
LIT_COLOURS = [(value, label) for value, label in Colour.choices if value != Colour.GREEN]


def _departments(request):
    return Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT)


def _leaders(request):
    return Person.objects.filter(is_city_leader=True)


def _measures():
    return [(key, measure.label) for key, measure in MEASURES.items()]


def _subjects():
    return [(key, subject.label) for key, subject in SUBJECTS.items()]


class LightFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("年度"), field_name="year", min_value=2000, max_value=2100)
    month = django_filters.NumberFilter(label=_("月份"), field_name="month", min_value=1, max_value=12)
    colour = django_filters.MultipleChoiceFilter(label=_("颜色"), choices=LIT_COLOURS, widget=CHECKBOXES)
    rule = django_filters.CharFilter(label=_("规则（代码或编号）"), method="filter_rule")
    subject = django_filters.ChoiceFilter(label=_("亮灯对象"), choices=_subjects)
    region = django_filters.ModelChoiceFilter(
        label=_("区划（含下级）"), queryset=_regions_for, method="filter_region_subtree"
    )
    department = django_filters.ModelChoiceFilter(
        label=_("牵头单位"), queryset=_departments, field_name="project__lead_department"
    )
    leader = django_filters.ModelChoiceFilter(
        label=_("包抓领导"), queryset=_leaders, field_name="project__lead_official"
    )
    project = django_filters.NumberFilter(label=_("项目"), field_name="project_id")
    measure = django_filters.MultipleChoiceFilter(
        label=_("度量"), choices=_measures, field_name="version__measure", widget=forms.MultipleHiddenInput
    )
    set = django_filters.CharFilter(label=_("项目集"), method="filter_project_set", widget=forms.HiddenInput)

    class Meta:
        model = Light
        fields = []

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by("-year", "-month", "region__code", "rule__code", "pk")

    def filter_rule(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(rule__code=value) | Q(rule_id=int(value)) if value.isdigit() else Q(rule__code=value))

    def filter_project_set(self, queryset, name, value):
        from apps.statistics.indicators import parse_project_set

        try:
            return queryset.filter(parse_project_set(value.strip() or "all", "project__"))
        except ValueError:
            return queryset.none()

    def filter_region_subtree(self, queryset, name, region):
        return queryset.filter(region__code__startswith=region.code_prefix)


def rule_choices():
    return list(LightRule.objects.order_by("code").values_list("code", "name"))
