"""Official figures entered by the administrator: FAI per region and month, annual
targets, province list totals, and the statistics-inclusion settings."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.money import MoneyField
from apps.core.querysets import RestrictedQuerySet
from apps.projects.models import MONEY_NON_NEGATIVE
from apps.reporting.models import MONTH_VALIDATORS

# Day 28 at most, so the deadline exists in every month.
DAY_OF_MONTH = [MinValueValidator(1), MaxValueValidator(28)]


class OfficialFigureQuerySet(RestrictedQuerySet):
    """Published statistics: everyone signed in reads them; the city administrator keeps them."""

    def scope_q(self, user, action):
        from apps.accounts.models import Role

        if action == "view":
            return Q()
        return Q() if user.role == Role.CITY_ADMIN else None


class RegionStat(models.Model):
    """固定资产投资 (FAI) of a region, year to date at the end of `month`.

    January is not published on its own: the first figure of a year is 1-2月 (month=2).
    `comparable_base` is last year's same-period figure on this year's basis (可比口径),
    from which year-on-year growth is computed; it may be missing.
    """

    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("截至月份"), validators=MONTH_VALIDATORS)
    fai_ytd = MoneyField(_("固定资产投资累计（万元）"), validators=[MONEY_NON_NEGATIVE])
    comparable_base = MoneyField(_("上年同期可比口径（万元）"), validators=[MONEY_NON_NEGATIVE], null=True, blank=True)

    objects = OfficialFigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("固定资产投资统计")
        verbose_name_plural = _("固定资产投资统计")
        ordering = ["-year", "-month", "region__code"]
        constraints = [models.UniqueConstraint(fields=["region", "year", "month"], name="region_stat_unique")]

    def __str__(self):
        return f"{self.region} {self.year}年1-{self.month}月"


class RegionTarget(models.Model):
    """A region's annual FAI target: growth in percent and the absolute amount."""

    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("年度"))
    growth_pct = models.DecimalField(_("增长目标（%）"), max_digits=6, decimal_places=2)
    amount = MoneyField(_("目标总额（万元）"), validators=[MONEY_NON_NEGATIVE])

    objects = OfficialFigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度投资目标")
        verbose_name_plural = _("年度投资目标")
        ordering = ["-year", "region__code"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="region_target_unique")]

    def __str__(self):
        return f"{self.region} {self.year}年目标"


class ProvinceListTotal(models.Model):
    """The size of a province's published key-project list (e.g. “四个一百”) in a year,
    the denominator of “列入省级重点项目占全省X%”."""

    province = models.ForeignKey("regions.Region", verbose_name=_("省"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("年度"))
    list_name = models.CharField(_("名单"), max_length=50, default="省级重点项目")
    project_count = models.PositiveIntegerField(_("项目个数"))
    total_investment = MoneyField(_("总投资（万元）"), validators=[MONEY_NON_NEGATIVE])

    objects = OfficialFigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("省级重点项目名单规模")
        verbose_name_plural = _("省级重点项目名单规模")
        constraints = [models.UniqueConstraint(fields=["province", "year", "list_name"], name="province_list_unique")]

    def __str__(self):
        return f"{self.province} {self.year}年{self.list_name}"


class StatisticsSettings(models.Model):
    """One row: the statistics threshold and the monthly deadlines."""

    statistics_threshold = MoneyField(_("入统标准（万元）"), default=Decimal("500"), validators=[MinValueValidator(0)])
    statistics_deadline_day = models.PositiveSmallIntegerField(_("每月入统截止日"), default=25, validators=DAY_OF_MONTH)
    report_deadline_day = models.PositiveSmallIntegerField(_("月报默认截止日"), default=25, validators=DAY_OF_MONTH)

    objects = OfficialFigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("统计设置")
        verbose_name_plural = _("统计设置")

    def __str__(self):
        return str(_("统计设置"))

    @classmethod
    def current(cls) -> "StatisticsSettings":
        settings, _created = cls.objects.get_or_create(pk=1)
        return settings
