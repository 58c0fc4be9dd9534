"""The FilterSets behind the problem, letter and supervised-action lists of the pages and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.projects.filters import _regions_for
from apps.regions.models import Organisation, OrganisationKind

from .models import (
    ActionStatus,
    EscalationLevel,
    Letter,
    LetterKind,
    Problem,
    ProblemStatus,
    ProblemType,
    SupervisedAction,
    overdue_q,
)

CHECKBOXES = forms.CheckboxSelectMultiple
YES_NO = [("1", _("是")), ("0", _("否"))]


def _departments(request):
    return Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT)


class ProblemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("问题或项目"), method="filter_text")
    region = django_filters.ModelChoiceFilter(
        label=_("区划（含下级）"), queryset=_regions_for, method="filter_region_subtree"
    )
    project = django_filters.NumberFilter(label=_("项目"), field_name="project_id")
    problem_type = django_filters.MultipleChoiceFilter(
        label=_("问题类型"), choices=ProblemType.choices, widget=CHECKBOXES
    )
    level = django_filters.MultipleChoiceFilter(label=_("协调层级"), choices=EscalationLevel.choices, widget=CHECKBOXES)
    status = django_filters.MultipleChoiceFilter(label=_("状态"), choices=ProblemStatus.choices, widget=CHECKBOXES)
    responsible_department = django_filters.ModelChoiceFilter(label=_("责任单位"), queryset=_departments)
    overdue = django_filters.ChoiceFilter(label=_("逾期"), choices=YES_NO, method="filter_overdue")

    class Meta:
        model = Problem
        fields = []

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by("-raised_on", "-pk")

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(description__icontains=value) | Q(project__name__icontains=value))

    def filter_region_subtree(self, queryset, name, region):
        return queryset.filter(project__region__code__startswith=region.code_prefix)

    def filter_overdue(self, queryset, name, value):
        condition = overdue_q(timezone.localdate())
        return queryset.filter(condition) if value == "1" else queryset.exclude(condition)


class LetterFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("函件类型"), choices=LetterKind.choices)
    year = django_filters.NumberFilter(label=_("年度"), field_name="year")
    problem = django_filters.NumberFilter(label=_("问题"), field_name="problem_id")
    addressee = django_filters.NumberFilter(label=_("主送单位"), field_name="addressee_id")
    answered = django_filters.ChoiceFilter(label=_("已反馈"), choices=YES_NO, method="filter_answered")

    class Meta:
        model = Letter
        fields = []

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by("-issued_on", "-pk")

    def filter_answered(self, queryset, name, value):
        return queryset.filter(responded_on__isnull=value != "1")


class SupervisedActionFilterSet(django_filters.FilterSet):
    meeting = django_filters.NumberFilter(label=_("会议"), field_name="meeting_id")
    owner = django_filters.NumberFilter(label=_("责任单位"), field_name="owner_id")
    status = django_filters.MultipleChoiceFilter(label=_("状态"), choices=ActionStatus.choices, widget=CHECKBOXES)
    project = django_filters.NumberFilter(label=_("项目"), field_name="projects", distinct=True)
    overdue = django_filters.ChoiceFilter(label=_("逾期"), choices=YES_NO, method="filter_overdue")

    class Meta:
        model = SupervisedAction
        fields = []

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by("deadline", "pk")

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.model.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value == "1" else queryset.exclude(pk__in=overdue)
