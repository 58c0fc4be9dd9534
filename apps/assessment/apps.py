from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "apps.assessment"
    label = "assessment"

    def ready(self):
        from django.utils.translation import pgettext_lazy

        from apps.accounts.models import Role
        from apps.core.navigation import NavEntry, register

        roles = frozenset({Role.CITY_ADMIN, Role.CITY_LEADER, Role.COUNTY_USER, Role.AUDITOR})
        register(NavEntry(pgettext_lazy("nav", "季度考核"), "assessment:index", "dispatch", roles))
