from django.apps import AppConfig


class AllocationConfig(AppConfig):
    name = "apps.allocation"
    label = "allocation"

    def ready(self):
        from django.utils.translation import pgettext_lazy

        from apps.core.navigation import ADMIN, NavEntry, register

        register(
            NavEntry(
                pgettext_lazy("nav", "资金挂钩分配"), "allocation:list", "dispatch", ADMIN | {"city_leader", "auditor"}
            )
        )
