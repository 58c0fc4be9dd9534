from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "apps.reporting"
    label = "reporting"
    verbose_name = _("月报")

    def ready(self):
        from django.db.models.signals import post_save

        from .models import MonthlyReport
        from .services import report_saved

        # Every saved report, whoever saves it (services, admin, factories), keeps its
        # project's CompletedInvestmentYear in step, in the save's transaction.
        post_save.connect(report_saved, sender=MonthlyReport, dispatch_uid="completed_investment_year")
