from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running the platform: health, database outages, background jobs, cache, replicas."""

    name = "apps.ops"
    verbose_name = _("运行维护")
