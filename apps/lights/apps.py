from django.apps import AppConfig


class LightsConfig(AppConfig):
    name = "apps.lights"
    label = "lights"

    def ready(self):
        # Re-evaluating the objects a change can move (a report counted, a date set, a problem closed).
        from django.utils.translation import gettext_lazy

        from apps.core.navigation import NavEntry, register

        from . import signals  # noqa: F401

        register(NavEntry(gettext_lazy("红黄灯"), "lights:list", "dispatch"))
