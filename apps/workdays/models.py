"""The working-day calendar's own data: dates the administrator overrides, and years whose
holiday arrangement the administrator has entered (the chinesecalendar package stops at 2026)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.querysets import RestrictedQuerySet


class CalendarDataQuerySet(RestrictedQuerySet):
    """Everyone signed in reads the calendar; only the city administrator changes it."""

    def scope_q(self, user, action):
        from apps.accounts.models import Role

        if action == "view":
            return Q()
        return Q() if user.role == Role.CITY_ADMIN else None


class CalendarYear(models.Model):
    """A year whose official arrangement (国务院办公厅节假日安排) has been entered as overrides:
    its other days follow the week (Monday to Friday work)."""

    year = models.PositiveSmallIntegerField(
        _("年度"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    source = models.CharField(
        _("依据"), max_length=200, blank=True, help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知")
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = CalendarDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("已录入年度")
        verbose_name_plural = _("已录入年度")
        ordering = ["year"]

    def __str__(self):
        return f"{self.year}年"


class WorkdayOverride(models.Model):
    """One date declared a holiday (rest day) or a make-up working day (调休上班)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("上班"), help_text=_("勾选为调休上班日，不勾选为放假休息日。"))
    name = models.CharField(_("说明"), max_length=60, help_text=_("如：春节、国庆节调休"))

    objects = CalendarDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date.isoformat()} {self.name}"
