"""The FilterSet behind the approval item lists (worklist, overdue list) and the API."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.filters import YesNoFilter
from apps.projects.filters import _regions_for
from apps.regions.models import Organisation, OrganisationKind

from .models import (
    CLOCK_STATUSES,
    DECIDED_STATUSES,
    OPEN_STATUSES,
    ApprovalItem,
    ApprovalItemType,
    ApprovalStage,
    ItemStatus,
)


def _departments(request):
    return Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT).order_by("name")


# The counts of 审批统计 (selectors.figures), as filters: a count links to exactly its items.
FIGURES = {
    "pending": (_("办理中"), lambda today: Q(status__in=OPEN_STATUSES)),
    "overdue": (_("超期"), lambda today: Q(status__in=CLOCK_STATUSES, due_date__lt=today)),
    "deemed": (_("视为同意"), lambda today: Q(status=ItemStatus.DEEMED_APPROVED)),
    "decided": (_("已办结"), lambda today: Q(status__in=DECIDED_STATUSES)),
}


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
    overdue = YesNoFilter(label=_("已超期"), method="filter_overdue")
    figure = django_filters.ChoiceFilter(
        label=_("统计口径"), choices=[(key, label) for key, (label, _q) in FIGURES.items()], method="filter_figure"
    )
    no_department = YesNoFilter(label=_("未指定审批部门"), field_name="department", lookup_expr="isnull")

    class Meta:
        model = ApprovalItem
        fields = []

    def filter_region_subtree(self, queryset, name, region):
        return queryset.filter(project__region__code__startswith=region.code_prefix)

    def filter_figure(self, queryset, name, value):
        """Submitted items of the figure's statuses, as 审批统计 counts them."""
        return queryset.filter(FIGURES[value][1](timezone.localdate()), submitted_on__isnull=False)

    def filter_overdue(self, queryset, name, value):
        late = {"status__in": CLOCK_STATUSES, "due_date__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)
