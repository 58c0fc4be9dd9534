import calendar
import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.money import MoneyField
from apps.core.querysets import RestrictedQuerySet
from apps.core.text import normalise_code, normalise_name, validate_name

# 全国投资项目在线审批监管平台 code: YYYY-RRRRRR-NN-NN-NNNNNN
# ASCII digits only: \d would also take full-width and other scripts' digits.
PROJECT_CODE_RE = re.compile(r"^[0-9]{4}-[0-9]{6}-[0-9]{2}-[0-9]{2}-[0-9]{6}$")


class Level(models.TextChoices):
    PROVINCIAL = "provincial", _("省级重点")
    MUNICIPAL = "municipal", _("市级重点")
    COUNTY = "county", _("县级重点")


class Stage(models.TextChoices):
    RESERVE = "reserve", _("储备")
    PRELIMINARY = "preliminary", _("前期")
    UNDER_CONSTRUCTION = "under_construction", _("在建")
    COMPLETED = "completed", _("竣工")


class DatePrecision(models.TextChoices):
    """How much of a stored date the source said. A sheet that gives only a year
    (建设起止年限 "2024-2027") or only "started before the plan year" (续建 without a date)
    is stored as the LATEST day it allows, with its precision, and shown as it was said:
    so "planned to start in 2024" is due by 31 December 2024 (not 应开未开 from January),
    "planned to start in March 2026" (月) by 31 March 2026, and a 续建 project counts as
    started before the year, never as a new start. A check that needs the earliest day the
    date allows asks `earliest_possible_day`."""

    DAY = "day", _("日")
    MONTH = "month", _("月")
    YEAR = "year", _("年")
    BEFORE = "before", _("不晚于")


def latest_possible_day(value: datetime.date, precision: str) -> datetime.date:
    """The day a date said with `precision` is stored as: the last day of its month (月) or
    year (年, 不晚于), the day itself otherwise."""
    if precision == DatePrecision.MONTH:
        return value.replace(day=calendar.monthrange(value.year, value.month)[1])
    if precision in (DatePrecision.YEAR, DatePrecision.BEFORE):
        return value.replace(month=12, day=31)
    return value


def earliest_possible_day(value: datetime.date | None, precision: str) -> datetime.date | None:
    """The earliest day a stored date allows: itself (日), the 1st of its month (月), 1 January
    of its year (年), or no bound at all (不晚于)."""
    if value is None or precision == DatePrecision.DAY:
        return value
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    return value.replace(month=1, day=1) if precision == DatePrecision.YEAR else datetime.date.min


def planned_month_phrase(value, precision: str) -> str:
    """When something is planned, as precisely as it is known, for "计划…开工": a day or a
    month says its month ("2026年3月"), a year only its year ("2026年内", "2026年底前"): a
    year-only date is stored as 31 December, and "12月" would invent a month."""
    if precision == DatePrecision.YEAR:
        return _("%(year)d年内") % {"year": value.year}
    if precision == DatePrecision.BEFORE:
        return _("%(year)d年底前") % {"year": value.year}
    return _("%(year)d年%(month)d月") % {"year": value.year, "month": value.month}


def precision_display(value, precision: str) -> str:
    if precision == DatePrecision.MONTH:
        return _("%(year)d年%(month)d月") % {"year": value.year, "month": value.month}
    if precision == DatePrecision.YEAR:
        return _("%(year)d年") % {"year": value.year}
    if precision == DatePrecision.BEFORE:
        return _("%(year)d年底前") % {"year": value.year}
    return value.isoformat()


class Category(models.TextChoices):
    INFRASTRUCTURE = "infrastructure", _("基础设施")
    INDUSTRY = "industry", _("产业")
    SOCIAL = "social", _("社会民生")
    URBANISATION = "urbanisation", _("新型城镇化")
    ECOLOGY = "ecology", _("生态环保")


class InvestorType(models.TextChoices):
    GOVERNMENT = "government", _("政府投资")
    ENTERPRISE = "enterprise", _("企业投资")
    PRIVATE = "private", _("民间投资")


MONEY_NON_NEGATIVE = MinValueValidator(0, message=_("金额不能为负数。"))


def validate_project_code(value: str) -> None:
    if not PROJECT_CODE_RE.match(value):
        raise ValidationError(
            _("项目代码格式应为 YYYY-RRRRRR-NN-NN-NNNNNN（如 2026-610302-48-01-012345），当前为“%(value)s”。"),
            code="format",
            params={"value": value},
        )


def project_scope_q(user, action: str, prefix: str = "") -> Q | None:
    """Which projects `user` may see ("view") or change ("change", "delete").

    The one definition of project scope; plans, milestones and change records
    reuse it through `prefix` (e.g. "project__").
    """
    from apps.accounts.models import Role

    def q(**lookups):
        return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})

    role = user.role
    if user.is_superuser and action == "view":
        return Q()
    if role == Role.CITY_ADMIN:
        return q(region__code__startswith=user.region.code_prefix) if user.region_id else None
    if role == Role.COUNTY_USER:
        return q(region__code__startswith=user.region.code_prefix) if user.region_id else None
    if role == Role.OWNER_REPORTER:
        return q(owner_unit_id=user.organisation_id) if user.organisation_id else None
    if action != "view":
        return None
    if role == Role.CITY_LEADER:
        return q(region__code__startswith=user.region.code_prefix) if user.region_id else None
    if role == Role.DEPARTMENT_USER:
        if not user.organisation_id:
            return None
        return q(lead_department_id=user.organisation_id) | q(
            pk__in=Project.partner_units.through.objects.filter(organisation_id=user.organisation_id).values(
                "project_id"
            )
        )
    if role == Role.AUDITOR:
        return Q()
    return None


class ProjectQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return project_scope_q(user, action)

    def with_list_relations(self):
        return self.select_related("region", "owner_unit", "lead_official", "lead_department")


class Project(models.Model):
    name = models.CharField(_("项目名称"), max_length=200, validators=[validate_name])
    project_code = models.CharField(
        _("项目代码"),
        max_length=24,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_project_code],
        help_text=_("全国投资项目在线审批监管平台赋码，储备阶段可不填。"),
    )
    region = models.ForeignKey("regions.Region", verbose_name=_("所在县区"), on_delete=models.PROTECT)
    location = models.CharField(_("建设地点"), max_length=200, blank=True)
    level = models.CharField(_("项目级别"), max_length=20, choices=Level.choices, default=Level.MUNICIPAL)
    category = models.CharField(_("项目类别"), max_length=20, choices=Category.choices)
    investor_type = models.CharField(_("投资主体"), max_length=20, choices=InvestorType.choices)
    stage = models.CharField(_("项目阶段"), max_length=20, choices=Stage.choices, default=Stage.RESERVE)
    scope = models.TextField(_("建设内容及规模"), blank=True)
    total_investment = MoneyField(_("总投资（万元）"), validators=[MONEY_NON_NEGATIVE])
    planned_start_date = models.DateField(_("计划开工日期"), null=True, blank=True)
    planned_end_date = models.DateField(_("计划竣工日期"), null=True, blank=True)
    actual_start_date = models.DateField(_("实际开工日期"), null=True, blank=True)
    planned_start_precision = models.CharField(
        _("计划开工日期精度"), max_length=6, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    planned_end_precision = models.CharField(
        _("计划竣工日期精度"), max_length=6, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    actual_start_precision = models.CharField(
        _("实际开工日期精度"), max_length=6, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    actual_end_date = models.DateField(_("实际竣工日期"), null=True, blank=True)
    lead_official = models.ForeignKey(
        "regions.Person",
        verbose_name=_("包抓领导"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_projects",
        limit_choices_to={"is_city_leader": True},
    )
    lead_department = models.ForeignKey(
        "regions.Organisation",
        verbose_name=_("牵头单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_projects",
        limit_choices_to={"kind": "department"},
    )
    owner_unit = models.ForeignKey(
        "regions.Organisation",
        verbose_name=_("建设单位"),
        on_delete=models.PROTECT,
        related_name="owned_projects",
    )
    partner_units = models.ManyToManyField(
        "regions.Organisation", verbose_name=_("协作单位"), blank=True, related_name="partner_projects"
    )
    in_statistics = models.BooleanField(_("已入统"), default=False)
    statistics_included_on = models.DateField(_("入统日期"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["-total_investment", "id"]
        indexes = [
            models.Index(fields=["stage"]),
            models.Index(fields=["level"]),
            models.Index(fields=["planned_start_date"]),
            # A county's not-started list in planned order from its own rows: with the global
            # index alone PostgreSQL walked every region's (bench/README.md, national set).
            models.Index(fields=["region", "planned_start_date"], name="project_region_planned_idx"),
            models.Index(fields=["total_investment"]),
            # The statistics candidates of a region (apps/statistics/indicators.py) from the
            # index alone; without it SQLite walks total_investment's, which nearly all pass.
            models.Index(
                fields=["region", "in_statistics", "actual_start_date", "total_investment", "actual_end_date"],
                name="project_stats_candidate_idx",
            ),
        ]

    def __str__(self):
        return self.name

    def clean_fields(self, exclude=None):
        # One normalisation for every path before the checks (format, uniqueness) run.
        self.project_code = normalise_code(self.project_code)
        self.name = normalise_name(self.name)
        super().clean_fields(exclude=exclude)

    def clean(self):
        errors = {}
        if not self.project_code and self.stage and self.stage != Stage.RESERVE:
            errors["project_code"] = _("非储备阶段的项目必须填写项目代码。")
        # A start known only to the month or year (or as "not later than") may be any day up to the
        # stored one: the checks hold its earliest possible day against the other dates.
        planned_start, actual_start = self.earliest_date("planned_start"), self.earliest_date("actual_start")
        if planned_start and self.planned_end_date and planned_start > self.planned_end_date:
            errors["planned_end_date"] = _("计划竣工日期不能早于计划开工日期。")
        if actual_start and self.actual_end_date and actual_start > self.actual_end_date:
            errors["actual_end_date"] = _("实际竣工日期不能早于实际开工日期。")
        if self.stage in (Stage.UNDER_CONSTRUCTION, Stage.COMPLETED) and not self.actual_start_date:
            errors["actual_start_date"] = _("在建或竣工项目必须填写实际开工日期。")
        if self.stage == Stage.COMPLETED and not self.actual_end_date:
            errors["actual_end_date"] = _("竣工项目必须填写实际竣工日期。")
        # Today only when there is a date to hold against it: an import checks 50,000 rows.
        if actual_start and actual_start > timezone.localdate():
            errors["actual_start_date"] = _("实际开工日期不能晚于今天。")
        if self.in_statistics and not self.statistics_included_on:
            errors["statistics_included_on"] = _("已入统的项目必须填写入统日期。")
        if not self.in_statistics and self.statistics_included_on:
            errors["in_statistics"] = _("填写了入统日期的项目应标记为已入统。")
        if errors:
            raise ValidationError(errors)

    def date_display(self, name: str) -> str:
        """A date as precisely as it is known: "2026-03-01", "2026年3月", "2024年", "2025年底前"."""
        value = getattr(self, f"{name}_date")
        if value is None:
            return ""
        precision = getattr(self, f"{name}_precision", DatePrecision.DAY)
        return precision_display(value, precision)

    @property
    def dates_shown(self) -> dict[str, dict]:
        """Each dated fact as the page shows it: its text and, unless a day, its precision."""
        return {
            name: {
                "text": self.date_display(name),
                "precision": ""
                if getattr(self, f"{name}_precision") == DatePrecision.DAY
                else getattr(self, f"get_{name}_precision_display")(),
            }
            for name in ("planned_start", "planned_end", "actual_start")
        }

    def earliest_date(self, name: str) -> datetime.date | None:
        """The earliest day a stored date allows (see `earliest_possible_day`)."""
        return earliest_possible_day(
            getattr(self, f"{name}_date"), getattr(self, f"{name}_precision", DatePrecision.DAY)
        )

    def date_cell(self, name: str):
        """A date for a spreadsheet: an exact date as a date; a month-only, year-only or "not
        later than" one as the text the importer reads back with its precision ("2026年3月",
        "2026年")."""
        value = getattr(self, f"{name}_date")
        if value is None or getattr(self, f"{name}_precision", DatePrecision.DAY) == DatePrecision.DAY:
            return value
        return self.date_display(name)

    @property
    def span_years(self) -> range | None:
        if not (self.planned_start_date and self.planned_end_date):
            return None
        return range(self.planned_start_date.year, self.planned_end_date.year + 1)

    def construction_nature(self, year: int) -> str:
        """新开工 / 续建 / 计划 for a given year, derived from the dates."""
        started = self.actual_start_date
        if started and started.year < year:
            return _("续建")
        if started and started.year == year:
            return _("新开工")
        if self.planned_start_date and self.planned_start_date.year == year:
            return _("计划新开工")
        return ""


class ProjectChildQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return project_scope_q(user, action, prefix="project__")


class AnnualPlan(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="annual_plans")
    year = models.PositiveSmallIntegerField(_("年度"))
    planned_investment = MoneyField(_("年度计划投资（万元）"), validators=[MONEY_NON_NEGATIVE])
    goal = models.TextField(_("年度建设目标"), blank=True)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度计划")
        verbose_name_plural = _("年度计划")
        ordering = ["project", "year"]
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="annual_plan_one_per_year")]

    def __str__(self):
        return f"{self.project} {self.year}年计划"

    def clean(self):
        project = self.project
        span = project.span_years if project else None
        if span is not None and self.year is not None and self.year not in span:
            raise ValidationError(
                {
                    "year": _("年度 %(year)s 不在项目建设起止年限（%(start)s—%(end)s）之内。")
                    % {"year": self.year, "start": span.start, "end": span.stop - 1}
                }
            )
        if span is None and self.year is not None:
            raise ValidationError({"year": _("请先填写项目的计划开工和竣工日期，再编制年度计划。")})
        if (
            project
            and self.planned_investment is not None
            and project.total_investment is not None
            and self.planned_investment > project.total_investment
        ):
            raise ValidationError({"planned_investment": _("年度计划投资不能超过项目总投资。")})


class MilestoneStatus(models.TextChoices):
    DONE = "done", _("已完成")
    LATE_DONE = "late_done", _("延期完成")
    OVERDUE = "overdue", _("逾期未完成")
    AT_RISK = "at_risk", _("预计延期")
    ON_TRACK = "on_track", _("正常推进")


class Milestone(models.Model):
    """倒排工期节点: a key date with its baseline, current forecast and actual."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("节点名称"), max_length=100, validators=[validate_name])
    sequence = models.PositiveSmallIntegerField(_("顺序"), default=0)
    baseline_date = models.DateField(_("计划日期"))
    forecast_date = models.DateField(_("预计日期"), null=True, blank=True)
    actual_date = models.DateField(_("实际完成日期"), null=True, blank=True)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("节点")
        verbose_name_plural = _("节点")
        ordering = ["project", "sequence", "baseline_date"]

    def __str__(self):
        return f"{self.project} · {self.name}"

    def clean(self):
        if self.actual_date and self.actual_date > timezone.localdate():
            raise ValidationError({"actual_date": _("实际完成日期不能晚于今天。")})

    @property
    def status(self) -> MilestoneStatus:
        if self.actual_date:
            return MilestoneStatus.LATE_DONE if self.actual_date > self.baseline_date else MilestoneStatus.DONE
        if self.baseline_date < timezone.localdate():
            return MilestoneStatus.OVERDUE
        if self.forecast_date and self.forecast_date > self.baseline_date:
            return MilestoneStatus.AT_RISK
        return MilestoneStatus.ON_TRACK
