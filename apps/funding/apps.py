from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "apps.funding"
    label = "funding"

    def ready(self):
        from django.utils.translation import gettext_lazy

        from apps.core.navigation import NavEntry, register

        register(NavEntry(gettext_lazy("资金"), "funding:index", "projects"))
