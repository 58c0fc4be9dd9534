from django.contrib import admin

from .models import ChangeRecord, SecurityEvent


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    """Read-only: change records are append-only."""

    list_display = ("time", "user_name", "action", "content_type", "object_repr", "request_id", "client_ip")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "request_id", "user_name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Read-only, for the audit and security administrators."""

    list_display = ("time", "kind", "username", "actor_name", "client_ip", "request_id")
    list_filter = ("kind",)
    search_fields = ("username", "actor_name", "client_ip", "request_id", "correlation_id")
    readonly_fields = [field.name for field in SecurityEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
