"""Writes of the official figures: FAI per region and month, annual targets, province
list totals and the statistics settings.

Only the city administrator (市发改委管理员) keeps these figures. Each function is
keyword-only, runs in one transaction, validates the whole object (Chinese messages)
before saving and writes one change record with the values before and after.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.audit.models import ChangeAction
from apps.audit.services import change_record_write, snapshot
from apps.regions.models import Region, RegionLevel

from .models import ProvinceListTotal, RegionStat, RegionTarget, StatisticsSettings

YEAR_RANGE = range(2000, 2101)


def statistics_editable_by(*, user) -> bool:
    return user is not None and user.is_authenticated and user.role == Role.CITY_ADMIN


def _check_actor(actor: User) -> None:
    if not statistics_editable_by(user=actor):
        raise PermissionDenied(_("只有市发改委管理员可以维护统计数据。"))


def _check_year(year: int) -> None:
    if year not in YEAR_RANGE:
        raise ValidationError(
            {"year": _("年度应在 %(first)s 到 %(last)s 之间。") % {"first": YEAR_RANGE[0], "last": YEAR_RANGE[-1]}}
        )


def check_region_stat_month(month: int | None) -> None:
    """January is not published on its own; the first figure of a year is 1-2月 (month 2)."""
    if month == 1:
        raise ValidationError({"month": _("1月不单独发布，请填报1-2月（月份填2）。")})


def _upsert(*, actor: User, model, lookup: dict, values: dict):
    """Create or update the row found by `lookup`; one change record (none when nothing changed)."""
    instance = model.objects.select_for_update().filter(**lookup).first()
    if instance is None:
        instance, before, action = model(**lookup), None, ChangeAction.CREATE
    else:
        before, action = snapshot(instance), ChangeAction.UPDATE
    for name, value in values.items():
        setattr(instance, name, value)
    instance.full_clean()
    if action == ChangeAction.UPDATE and snapshot(instance) == before:
        return instance
    instance.save()
    change_record_write(actor=actor, action=action, instance=instance, before=before, after=snapshot(instance))
    return instance


@transaction.atomic
def region_stat_upsert(
    *,
    actor: User,
    region: Region,
    year: int,
    month: int,
    fai_ytd: Decimal,
    comparable_base: Decimal | None = None,
) -> RegionStat:
    """Enter or correct a region's FAI year to date at the end of `month` (month ≥ 2)."""
    _check_actor(actor)
    _check_year(year)
    check_region_stat_month(month)
    return _upsert(
        actor=actor,
        model=RegionStat,
        lookup={"region": region, "year": year, "month": month},
        values={"fai_ytd": fai_ytd, "comparable_base": comparable_base},
    )


@transaction.atomic
def region_target_upsert(
    *, actor: User, region: Region, year: int, growth_pct: Decimal, amount: Decimal
) -> RegionTarget:
    """Enter or correct a region's annual FAI target (growth in percent and amount in 万元)."""
    _check_actor(actor)
    _check_year(year)
    return _upsert(
        actor=actor,
        model=RegionTarget,
        lookup={"region": region, "year": year},
        values={"growth_pct": growth_pct, "amount": amount},
    )


@transaction.atomic
def province_list_total_upsert(
    *,
    actor: User,
    province: Region,
    year: int,
    project_count: int,
    total_investment: Decimal,
    list_name: str | None = None,
) -> ProvinceListTotal:
    """Enter or correct the size of a province's key-project list in a year."""
    _check_actor(actor)
    _check_year(year)
    if province.level != RegionLevel.PROVINCE:
        raise ValidationError({"province": _("请选择省级区划。")})
    if list_name is None:
        list_name = ProvinceListTotal._meta.get_field("list_name").default
    return _upsert(
        actor=actor,
        model=ProvinceListTotal,
        lookup={"province": province, "year": year, "list_name": list_name},
        values={"project_count": project_count, "total_investment": total_investment},
    )


@transaction.atomic
def statistics_settings_update(
    *,
    actor: User,
    statistics_threshold: Decimal | None = None,
    statistics_deadline_day: int | None = None,
    report_deadline_day: int | None = None,
) -> StatisticsSettings:
    """Change the statistics threshold (万元) and the monthly deadlines; None leaves a value as it is."""
    _check_actor(actor)
    StatisticsSettings.current()
    values = {
        name: value
        for name, value in {
            "statistics_threshold": statistics_threshold,
            "statistics_deadline_day": statistics_deadline_day,
            "report_deadline_day": report_deadline_day,
        }.items()
        if value is not None
    }
    return _upsert(actor=actor, model=StatisticsSettings, lookup={"pk": 1}, values=values)
