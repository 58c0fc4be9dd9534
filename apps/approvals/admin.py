"""The catalogue and the settings are the city administrator's reference data (edited here,
recorded by AuditedAdmin). Items and factor needs change only through the services."""

from django import forms
from django.contrib import admin

from apps.audit.mixins import AuditedAdmin
from apps.projects.models import Category, InvestorType

from .models import ApprovalItemType, ApprovalSettings


class ItemTypeForm(forms.ModelForm):
    investor_types = forms.MultipleChoiceField(
        label=ApprovalItemType._meta.get_field("investor_types").verbose_name,
        choices=InvestorType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.MultipleChoiceField(
        label=ApprovalItemType._meta.get_field("categories").verbose_name,
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ApprovalItemType
        fields = [
            "code",
            "name",
            "stage",
            "sequence",
            "authority",
            "authority_hint",
            "committed_workdays",
            "commitment_applies",
            "prerequisites",
            "establishment",
            "investor_types",
            "categories",
            "is_active",
        ]


@admin.register(ApprovalItemType)
class ApprovalItemTypeAdmin(AuditedAdmin):
    form = ItemTypeForm
    list_display = ("name", "stage", "authority", "committed_workdays", "commitment_applies", "is_active")
    list_filter = ("stage", "commitment_applies", "is_active")
    list_select_related = ("authority",)
    filter_horizontal = ("prerequisites",)
    search_fields = ("name", "code")


@admin.register(ApprovalSettings)
class ApprovalSettingsAdmin(AuditedAdmin):
    """One row: it can be changed, not added twice or deleted."""

    list_display = ("__str__", "target_workdays", "reminder_workdays")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not ApprovalSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
