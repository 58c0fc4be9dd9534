from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class BriefsConfig(AppConfig):
    name = "apps.briefs"
    label = "briefs"

    def ready(self):
        from apps.accounts.models import Role
        from apps.core.navigation import NavEntry, register

        readers = frozenset({Role.CITY_LEADER, Role.CITY_ADMIN, Role.AUDITOR})
        register(NavEntry(pgettext_lazy("nav", "领导简报"), "briefs:index", "dispatch", readers))
