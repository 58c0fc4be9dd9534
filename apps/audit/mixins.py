from django.contrib import admin

from .models import ChangeAction
from .services import change_record_write, snapshot


class AuditedAdmin(admin.ModelAdmin):
    """Admin edits of reference data write change records like every other path.

    Django admin already wraps save and delete in a transaction. The pending
    record rides on the request because ModelAdmin instances are shared by threads.
    """

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        request._audit_pending = (obj, before, ChangeAction.UPDATE if change else ChangeAction.CREATE)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj, before, action = request._audit_pending
        change_record_write(actor=request.user, action=action, instance=obj, before=before, after=snapshot(obj))

    def delete_model(self, request, obj):
        change_record_write(
            actor=request.user, action=ChangeAction.DELETE, instance=obj, before=snapshot(obj), after=None
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
