from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttractionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.attraction"
    verbose_name = _("招商引资")

    def ready(self):
        from apps.core.navigation import OFFICE_ROLES, RECORD_KEEPERS, NavEntry, register

        register(NavEntry(_("招商引资"), "attraction:list", "projects", OFFICE_ROLES))
        register(NavEntry(_("个人信息读取记录"), "attraction:reads", "admin", RECORD_KEEPERS))

        from . import lights

        lights.register()
