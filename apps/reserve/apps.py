from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReserveConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.reserve"
    verbose_name = _("谋划储备库")

    def ready(self):
        from apps.core.navigation import OFFICE_ROLES, NavEntry, register

        register(NavEntry(_("谋划储备"), "reserve:list", "projects", OFFICE_ROLES))
