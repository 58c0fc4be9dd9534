"""Reports, revisions and periods change only through the reporting services (which check
scope, the period and the second person, and write change records), so the admin shows
them read-only; periods are opened and closed on the 填报期 page."""

from django.contrib import admin

from .models import MonthlyReport, Reminder, ReportingPeriod, ReportRevision


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "deadline", "status", "opened_at", "closed_at")
    list_filter = ("status",)


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):
    list_display = ("project", "year", "month", "completed_investment", "status", "version", "updated_at")
    list_filter = ("status", "year", "month")
    list_select_related = ("project",)
    search_fields = ("project__name", "project__project_code")


@admin.register(ReportRevision)
class ReportRevisionAdmin(ReadOnlyAdmin):
    list_display = ("report", "status", "requested_by", "requested_at", "decided_by", "decided_at")
    list_filter = ("status",)
    list_select_related = ("report__project", "requested_by", "decided_by")


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("user", "message", "created_at", "read_at")
    list_select_related = ("user",)
    search_fields = ("message", "user__username")
