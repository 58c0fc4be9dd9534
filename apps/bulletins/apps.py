from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class BulletinsConfig(AppConfig):
    name = "apps.bulletins"
    label = "bulletins"

    def ready(self):
        from apps.core.navigation import NavEntry, register

        register(NavEntry(pgettext_lazy("nav", "通报"), "bulletins:list", "dispatch"))
