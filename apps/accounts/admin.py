from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from apps.audit.mixins import AuditedAdmin

from .models import APIToken, User


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "role", "region", "organisation", "is_active")
    list_filter = ("role", "is_active", "region")
    list_select_related = ("region", "organisation")
    fieldsets = (*BaseUserAdmin.fieldsets, (_("角色与范围"), {"fields": ("role", "region", "organisation", "person")}))
    autocomplete_fields = ("region", "organisation", "person")


@admin.register(APIToken)
class APITokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "user", "created_at", "revoked")
    list_filter = ("revoked",)
    readonly_fields = ("prefix", "created_at")
    fields = ("user", "name", "prefix", "created_at", "revoked")

    def has_add_permission(self, request):
        # Tokens are issued with `manage.py issue_token` so the raw value is shown once.
        return False
