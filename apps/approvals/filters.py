"""The FilterSet behind the approval item lists (worklist, overdue list) and the API."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.projects.filters import _regions_for
from apps.regions.models import Organisation, OrganisationKind

from .models import CLOCK_STATUSES, ApprovalItem, ApprovalItemType, ApprovalStage, ItemStatus


def _departments(request):
    return Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT).order_by("name")


class ApprovalItemFilterSet(django_filters.FilterSet):
    project = django_filters.NumberFilter(label=_("项目"), field_name="project_id")
    department = django_filters.ModelChoiceFilter(label=_("审批部门"), queryset=_departments, field_name="department")
    item_type = django_filters.ModelChoiceFilter(
        label=_("事项"), queryset=ApprovalItemType.objects.order_by("sequence"), field_name="item_type"
    )
    stage = django_filters.ChoiceFilter(
        label=_("审批阶段"), choices=ApprovalStage.choices, field_name="item_type__stage"
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ItemStatus.choices)
    region = django_filters.ModelChoiceFilter(
        label=_("区划（含下级）"), queryset=_regions_for, method="filter_region_subtree"
    )
    overdue = django_filters.BooleanFilter(label=_("已超期"), method="filter_overdue")

    class Meta:
        model = ApprovalItem
        fields = []

    def filter_region_subtree(self, queryset, name, region):
        return queryset.filter(project__region__code__startswith=region.code_prefix)

    def filter_overdue(self, queryset, name, value):
        late = {"status__in": CLOCK_STATUSES, "due_date__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)
