"""The FilterSet behind the lead list of the page, the API and the export."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.querysets import pk_in
from apps.regions.models import Region

from .models import InvestmentLead, LeadSource, LeadStage

CHECKBOXES = forms.CheckboxSelectMultiple
YES_NO = [("1", _("是")), ("0", _("否"))]
FIGURE_CHOICES = [
    ("total", _("线索总数")),
    ("signed", _("签约项目")),
    ("performing", _("履约项目")),
    ("started", _("开工项目")),
    ("landed", _("落地项目")),
    ("live_signed", _("未退出的签约项目")),
    ("yi", _("亿元以上签约项目")),
    ("late", _("逾期线索")),
    ("exit_due", _("应启动退出")),
    ("no_investment", _("只开工不落地")),
    ("unconverted", _("待转入项目库的签约项目")),
    ("in_statistics", _("已入统项目")),
] + [(f"reached:{stage.value}", _("到达：") + stage.label) for stage in LeadStage if stage != LeadStage.EXITED]


class LeadFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("项目或投资方"), method="filter_text")
    region = django_filters.ModelChoiceFilter(
        label=_("落地县区（含下级）"), queryset=Region.objects.all(), method="filter_region_subtree"
    )
    stage = django_filters.MultipleChoiceFilter(label=_("阶段"), choices=LeadStage.choices, widget=CHECKBOXES)
    source = django_filters.ChoiceFilter(label=_("线索来源"), choices=LeadSource.choices)
    industry = django_filters.CharFilter(label=_("行业大类代码"), method="filter_industry")
    leading = django_filters.ChoiceFilter(label=_("龙头企业"), choices=YES_NO, method="filter_leading")
    encouraged = django_filters.ChoiceFilter(label=_("鼓励类产业"), choices=YES_NO, method="filter_encouraged")
    figure = django_filters.ChoiceFilter(label=_("指标"), choices=FIGURE_CHOICES, method="filter_figure")

    class Meta:
        model = InvestmentLead
        fields = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        regions = Region.objects.none()
        if user is not None and user.is_authenticated:
            regions = user.region.subtree() if user.region_id and not user.is_superuser else Region.objects.all()
        self.filters["region"].queryset = regions

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by("-received_on", "-pk")

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(investor_name__icontains=value))

    def filter_region_subtree(self, queryset, name, region):
        return queryset.filter(region__code__startswith=region.code_prefix)

    def filter_industry(self, queryset, name, value):
        value = value.strip().upper().lstrip("ABCDEFGHIJKLMNOPQRST")
        if not value:
            return queryset
        return queryset.filter(Q(industry_code__startswith=value) | Q(industry_code__regex=rf"^[A-T]{value}"))

    def filter_leading(self, queryset, name, value):
        return queryset.filter(is_leading_enterprise=value == "1")

    def filter_encouraged(self, queryset, name, value):
        return queryset.filter(encouraged_industry=value == "1")

    def filter_figure(self, queryset, name, value):
        """The leads behind one figure, computed over the leads the other filters keep."""
        from . import selectors

        ids = selectors.figure_ids(user=self.user, code=value, queryset=queryset)
        return queryset.filter(pk_in(ids or []))
