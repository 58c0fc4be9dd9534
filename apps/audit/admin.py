from django.contrib import admin

from .models import ChangeRecord, SecurityEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """The audit trail is append-only: the admin shows it and changes nothing."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    list_display = ("time", "user_name", "action", "content_type", "object_repr", "request_id", "client_ip")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "request_id", "user_name")


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    """For the audit and security administrators."""

    list_display = ("time", "kind", "username", "actor_name", "client_ip", "request_id")
    list_filter = ("kind",)
    search_fields = ("username", "actor_name", "client_ip", "request_id", "correlation_id")
    readonly_fields = [field.name for field in SecurityEvent._meta.fields]
