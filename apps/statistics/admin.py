from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from apps.audit.mixins import AuditedAdmin

from .models import ProvinceListTotal, RegionStat, RegionTarget, StatisticsSettings
from .services import check_region_stat_month


class RegionStatForm(forms.ModelForm):
    class Meta:
        model = RegionStat
        fields = ("region", "year", "month", "fai_ytd", "comparable_base")

    def clean_month(self):
        month = self.cleaned_data.get("month")
        try:
            check_region_stat_month(month)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["month"]) from exc
        return month


@admin.register(RegionStat)
class RegionStatAdmin(AuditedAdmin):
    form = RegionStatForm
    list_display = ("region", "year", "month", "fai_ytd", "comparable_base")
    list_filter = ("year", "month", "region__level")
    list_select_related = ("region",)
    search_fields = ("region__name", "region__code")
    autocomplete_fields = ("region",)


@admin.register(RegionTarget)
class RegionTargetAdmin(AuditedAdmin):
    list_display = ("region", "year", "growth_pct", "amount")
    list_filter = ("year", "region__level")
    list_select_related = ("region",)
    search_fields = ("region__name", "region__code")
    autocomplete_fields = ("region",)


@admin.register(ProvinceListTotal)
class ProvinceListTotalAdmin(AuditedAdmin):
    list_display = ("province", "year", "list_name", "project_count", "total_investment")
    list_filter = ("year",)
    list_select_related = ("province",)
    autocomplete_fields = ("province",)


@admin.register(StatisticsSettings)
class StatisticsSettingsAdmin(AuditedAdmin):
    """One row: it can be changed, not added twice or deleted."""

    list_display = ("__str__", "statistics_threshold", "statistics_deadline_day", "report_deadline_day")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not StatisticsSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
