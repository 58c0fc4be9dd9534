from django.contrib import admin

from apps.audit.mixins import AuditedAdmin

from .models import Organisation, Person, Region


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("name", "short_name", "kind", "credit_code", "region")
    list_filter = ("kind", "region")
    list_select_related = ("region",)
    search_fields = ("name", "short_name", "credit_code")
    autocomplete_fields = ("region",)


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ("name", "position", "organisation", "region", "is_city_leader")
    list_filter = ("is_city_leader", "region")
    list_select_related = ("organisation", "region")
    search_fields = ("name", "position")
    autocomplete_fields = ("organisation", "region")
