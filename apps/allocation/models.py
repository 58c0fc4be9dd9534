"""Performance-linked allocation (资金挂钩分配，不搞平均分配): a plan distributes an amount
(a bond quota, a 奖补 fund) among the counties by a method (因素法: a base share plus weighted
factors such as the assessment score, last year's bond spending pace and the project
reserve; or ranked tiers of the assessment), with manual adjustments (each with a reason)
and an approval that freezes it. Each county's row keeps what an equal split would give."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.money import MoneyField
from apps.core.querysets import RestrictedQuerySet


def plan_scope_q(user, action: str, prefix: str = "") -> Q | None:
    """The city (administrator, leaders) sees its plans, the auditor all; the administrator
    changes them. Counties see none here: a plan is the city's decision until issued."""
    from apps.accounts.models import Role

    if action == "view" and user.role == Role.AUDITOR:
        return Q()
    roles = (Role.CITY_ADMIN, Role.CITY_LEADER) if action == "view" else (Role.CITY_ADMIN,)
    if user.role in roles and user.region_id:
        return Q(**{f"{prefix}region__code__startswith": user.region.code_prefix})
    return None


class PlanQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return plan_scope_q(user, action)


class ShareQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return plan_scope_q(user, action, "plan__")


class Method(models.TextChoices):
    FACTORS = "factors", _("因素法")
    TIERS = "tiers", _("考核名次分档")


class Status(models.TextChoices):
    DRAFT = "draft", _("测算中")
    APPROVED = "approved", _("已审定")


class Plan(models.Model):
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT)
    year = models.PositiveIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=100)
    amount = MoneyField(_("分配总额（万元）"))
    method = models.CharField(_("分配方法"), max_length=10, choices=Method.choices)
    base_share = models.DecimalField(_("基础份额比例"), max_digits=4, decimal_places=2, default=0)
    factors = models.JSONField(_("因素及权重"), default=list, blank=True)
    tiers = models.JSONField(_("分档系数"), default=list, blank=True)
    assessment_run = models.ForeignKey(
        "assessment.Run", verbose_name=_("依据的考核结果"), on_delete=models.PROTECT, null=True, blank=True
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("测算人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审定人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("资金分配方案")
        verbose_name_plural = _("资金分配方案")
        ordering = ["-year", "-pk"]

    def __str__(self):
        return self.title


class Share(models.Model):
    plan = models.ForeignKey(Plan, verbose_name=_("分配方案"), on_delete=models.CASCADE, related_name="shares")
    region = models.ForeignKey("regions.Region", verbose_name=_("县区"), on_delete=models.PROTECT)
    factor_values = models.JSONField(_("因素值"), default=dict)
    computed = MoneyField(_("测算金额（万元）"))
    adjustment = MoneyField(_("调整金额（万元）"), default=0)
    adjustment_reason = models.CharField(_("调整原因"), max_length=200, blank=True)
    final = MoneyField(_("分配金额（万元）"))
    equal_split = MoneyField(_("平均分配金额（万元）"))
    explanation = models.TextField(_("测算说明"))

    objects = ShareQuerySet.as_manager()

    class Meta:
        verbose_name = _("县区分配额")
        verbose_name_plural = _("县区分配额")
        ordering = ["plan", "region__code"]
        constraints = [models.UniqueConstraint(fields=["plan", "region"], name="allocation_share_once")]

    def __str__(self):
        return f"{self.plan} {self.region}"

    @property
    def versus_equal(self):
        return self.final - self.equal_split
