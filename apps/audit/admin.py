from django.contrib import admin

from .models import ChangeRecord


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
