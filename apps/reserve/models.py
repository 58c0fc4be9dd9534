"""The project reserve (谋划储备库): projects being planned before they enter the registry.

A planned project is proposed (by a department, a county, a township, from an attraction
lead, to win funds from above, or at a planning meeting), reviewed 初审 (the county's
发改, or the city's for city-level proposers) → 终审 (the city) into the reserve (入库) or
returned; it may be withdrawn (退库) with a reason and restored; it sits in a tier (5-year,
3-year rolling, annual) and, once mature (具备申报条件), is promoted into the annual plan as a
registry project with its plan, the link kept (`project`, once).

Scope: the city (administrator, leaders) and auditors see the city's reserve; a county user
its county's; a department user what it proposed. Review: 初审 by the county user of the
project's county or the city administrator; 终审 by the city administrator.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.money import MoneyField
from apps.core.querysets import RestrictedQuerySet
from apps.projects.models import MONEY_NON_NEGATIVE, Category


class PlanningSource(models.TextChoices):
    DEPARTMENT = "department", _("部门谋划")
    COUNTY = "county", _("县区谋划")
    TOWNSHIP = "township", _("乡镇谋划")
    ATTRACTION = "attraction", _("招商转化")
    FUNDING = "funding", _("要素争取")
    PLANNING_MEETING = "planning_meeting", _("专题谋划会")


class CatalogueClass(models.TextChoices):
    """产业结构调整指导目录 (the catalogue the speeches call 国家鼓励类产业目录)."""

    ENCOURAGED = "encouraged", _("鼓励类")
    RESTRICTED = "restricted", _("限制类")
    ELIMINATED = "eliminated", _("淘汰类")
    NOT_LISTED = "not_listed", _("未列入（允许类）")


class Maturity(models.TextChoices):
    CONCEPT = "concept", _("概念")
    OUTLINE = "outline", _("初步方案")
    FEASIBILITY = "feasibility", _("可研")
    READY = "ready", _("具备申报条件")


MATURITY_ORDER = list(Maturity)


class ReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待初审")
    FIRST_REVIEWED = "first_reviewed", _("初审通过待终审")
    ADMITTED = "admitted", _("已入库")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已退库")
    PROMOTED = "promoted", _("已转入年度计划")


# In the reserve (counted by its figures): admitted and not yet promoted.
IN_RESERVE = (ReviewStatus.ADMITTED,)


class Tier(models.TextChoices):
    FIVE_YEAR = "five_year", _("五年储备库")
    ROLLING = "rolling", _("三年滚动库")
    ANNUAL = "annual", _("年度实施库")


def reserve_scope_q(user, action: str) -> Q | None:
    """view: see the module docstring. change (edit, withdraw, restore, promote): the city
    administrator and county users within their region; a department its own proposals while
    they wait for review or were returned (see services). first_review: county users and the
    city administrator in their region; final_review: the city administrator."""
    from apps.accounts.models import Role

    role = user.role
    region_q = Q(region__code__startswith=user.region.code_prefix) if user.region_id else None
    own_q = Q(proposer_id=user.organisation_id) if user.organisation_id else None
    if action == "view":
        if role in (Role.CITY_ADMIN, Role.CITY_LEADER, Role.COUNTY_USER):
            return region_q
        if role == Role.DEPARTMENT_USER:
            return own_q
        if role == Role.AUDITOR or user.is_superuser:
            return Q()
        return None
    if action in ("change", "first_review"):
        if role in (Role.CITY_ADMIN, Role.COUNTY_USER):
            return region_q
        if role == Role.DEPARTMENT_USER and action == "change":
            return own_q
        return None
    if action == "final_review" and role == Role.CITY_ADMIN:
        return region_q
    return None


class ReserveQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return reserve_scope_q(user, action)

    def with_list_relations(self):
        return self.select_related("region", "proposer", "project", "source_lead")


class ReserveProject(models.Model):
    """谋划储备项目: a planned project, its review and its way into the annual plan."""

    name = models.CharField(_("项目名称"), max_length=200)
    region = models.ForeignKey("regions.Region", verbose_name=_("所在县区"), on_delete=models.PROTECT)
    planning_source = models.CharField(_("谋划来源"), max_length=20, choices=PlanningSource.choices)
    proposer = models.ForeignKey(
        "regions.Organisation", verbose_name=_("谋划单位"), on_delete=models.PROTECT, related_name="reserve_projects"
    )
    category = models.CharField(_("项目类别"), max_length=20, choices=Category.choices)
    catalogue_class = models.CharField(
        _("产业目录类别"), max_length=20, choices=CatalogueClass.choices, default=CatalogueClass.NOT_LISTED
    )
    industry_code = models.CharField(_("国民经济行业代码"), max_length=5, blank=True)
    scope = models.TextField(_("建设内容及规模"), blank=True)
    estimated_investment = MoneyField(_("估算总投资（万元）"), validators=[MONEY_NON_NEGATIVE])
    maturity = models.CharField(_("成熟度"), max_length=20, choices=Maturity.choices, default=Maturity.CONCEPT)
    tier = models.CharField(_("储备层级"), max_length=20, choices=Tier.choices, default=Tier.FIVE_YEAR)
    planned_start_year = models.PositiveSmallIntegerField(_("计划开工年度"), null=True, blank=True)
    status = models.CharField(
        _("审核状态"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.SUBMITTED
    )
    proposed_on = models.DateField(_("提出日期"))
    first_reviewed_on = models.DateField(_("初审日期"), null=True, blank=True)
    admitted_on = models.DateField(_("入库日期"), null=True, blank=True)
    status_reason = models.TextField(_("退回/退库原因"), blank=True)
    source_lead = models.ForeignKey(
        "attraction.InvestmentLead",
        verbose_name=_("来源招商线索"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reserve_projects",
    )
    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("转入的项目库项目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reserve_project",
    )
    promoted_on = models.DateField(_("转入年度计划日期"), null=True, blank=True)
    supervised_actions = models.ManyToManyField(
        "problems.SupervisedAction", verbose_name=_("督办事项"), blank=True, related_name="reserve_projects"
    )
    reviewed_at = models.ManyToManyField(
        "problems.Meeting", verbose_name=_("听取汇报的会议"), blank=True, related_name="reserve_projects"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ReserveQuerySet.as_manager()

    class Meta:
        verbose_name = _("谋划储备项目")
        verbose_name_plural = _("谋划储备项目")
        ordering = ["-proposed_on", "-id"]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["maturity"])]

    def __str__(self):
        return self.name
