from django.apps import AppConfig


class BondsConfig(AppConfig):
    name = "apps.bonds"
    label = "bonds"

    def ready(self):
        from django.utils.translation import gettext_lazy

        from apps.core.navigation import NavEntry, register

        from . import lights

        register(NavEntry(gettext_lazy("专项债券"), "bonds:index", "projects"))
        lights.register()
