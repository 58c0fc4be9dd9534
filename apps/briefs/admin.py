from django.contrib import admin

from apps.audit.mixins import AuditedAdmin

from .models import DepartmentCharge, SiteVisit


@admin.register(DepartmentCharge)
class DepartmentChargeAdmin(AuditedAdmin):
    list_display = ("person", "department")
    list_filter = ("person",)


@admin.register(SiteVisit)
class SiteVisitAdmin(AuditedAdmin):
    list_display = ("person", "visited_on", "done")
    list_filter = ("person", "done")
    filter_horizontal = ("projects", "problems")
    raw_id_fields = ("projects", "problems")
