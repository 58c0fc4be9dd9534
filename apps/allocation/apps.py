from django.apps import AppConfig


class AllocationConfig(AppConfig):
    name = "apps.allocation"
    label = "allocation"

    def ready(self):
        from django.utils.translation import pgettext_lazy

        from apps.accounts.models import Role
        from apps.core.navigation import NavEntry, register

        roles = frozenset({Role.CITY_ADMIN, Role.CITY_LEADER, Role.AUDITOR})
        register(NavEntry(pgettext_lazy("nav", "资金挂钩分配"), "allocation:list", "dispatch", roles))
