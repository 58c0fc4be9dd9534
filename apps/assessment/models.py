"""Quarterly county assessment (季考核): a scheme per year (indicators, weights, scoring
methods), the hand-entered quarter inputs (on-site review, 统计造假 veto), and computed runs.

A run is one computation of a quarter: it keeps the raw values it read (inputs) and the scores
it gave (results with their traces). Publishing a run freezes it: later data corrections do not
touch it, and a re-run is a new version with a reason that supersedes it when published.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.querysets import RestrictedQuerySet


def _city_roles():
    from apps.accounts.models import Role

    return (Role.CITY_ADMIN, Role.CITY_LEADER)


def scheme_scope_q(user, action: str, prefix: str = "") -> Q | None:
    """Every office user of the city reads its schemes and runs (a county must know how it is
    scored; its own results are scoped apart); the city administrator changes them."""
    from apps.accounts.models import Role

    field = f"{prefix}region__code__startswith"
    if action == "view":
        if user.role == Role.AUDITOR:
            return Q()
        if user.role in (Role.CITY_ADMIN, Role.CITY_LEADER, Role.COUNTY_USER) and user.region_id:
            return Q(**{field: user.region.code[:4]})
        if user.role == Role.DEPARTMENT_USER and user.organisation_id:
            # A department reads the schemes of its city that assess departments.
            return Q(**{field: user.organisation.region.code[:4], f"{prefix}subjects__in": DEPARTMENT_SCHEMES})
        return None
    if user.role == Role.CITY_ADMIN and user.region_id:
        return Q(**{field: user.region.code_prefix})
    return None


class SchemeQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return scheme_scope_q(user, action)


class Method(models.TextChoices):
    PROPORTION = "proportion", _("比例赋分")
    EFFICACY = "efficacy", _("功效系数法")
    RANK_BANDS = "rank_bands", _("排名赋分")
    STEPS_VS_AVERAGE = "steps_vs_average", _("对标平均分档赋分")
    POINTS_PER_UNIT = "points_per_unit", _("按单位加减分")
    DEDUCTION = "deduction", _("扣分")


class Subjects(models.TextChoices):
    COUNTIES = "counties", _("县区")
    BOTH = "both", _("县区和部门")
    DEPARTMENTS = "departments", _("部门")


DEPARTMENT_SCHEMES = (Subjects.BOTH, Subjects.DEPARTMENTS)


class Subject(models.TextChoices):
    """What a result (and an indicator of the scheme) is about: a county, or a city department
    that leads projects (牵头单位)."""

    COUNTY = "county", _("县区")
    DEPARTMENT = "department", _("部门")


class Scheme(models.Model):
    region = models.ForeignKey("regions.Region", verbose_name=_("考核区划"), on_delete=models.PROTECT)
    year = models.PositiveIntegerField(_("年度"))
    name = models.CharField(_("方案名称"), max_length=100)
    month_share = models.DecimalField(_("每月得分权重"), max_digits=4, decimal_places=2, default=Decimal("0.30"))
    review_share = models.DecimalField(_("季度现场评议权重"), max_digits=4, decimal_places=2, default=Decimal("0.10"))
    list_size = models.PositiveSmallIntegerField(_("红黑榜名次数"), default=3)
    flag_bottom = models.PositiveSmallIntegerField(_("后N位警示"), default=10)
    flag_months = models.PositiveSmallIntegerField(_("连续月数"), default=2)
    source = models.CharField(_("依据"), max_length=200, blank=True)
    subjects = models.CharField(_("考核对象"), max_length=12, choices=Subjects.choices, default=Subjects.COUNTIES)
    departments_open = models.BooleanField(
        _("县区可查看部门结果"), default=False, help_text=_("否：部门的得分和计分过程只有市级、审计和该部门本身可见。")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = SchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["-year", "region__code"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="assessment_scheme_region_year")]

    def __str__(self):
        return self.name

    @property
    def assesses_counties(self) -> bool:
        return self.subjects != Subjects.DEPARTMENTS

    @property
    def assesses_departments(self) -> bool:
        return self.subjects in DEPARTMENT_SCHEMES


class SchemeIndicator(models.Model):
    scheme = models.ForeignKey(Scheme, verbose_name=_("考核方案"), on_delete=models.CASCADE, related_name="indicators")
    subject = models.CharField(_("考核对象"), max_length=12, choices=Subject.choices, default=Subject.COUNTY)
    key = models.CharField(_("考核指标"), max_length=40)
    weight = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    method = models.CharField(_("赋分方法"), max_length=20, choices=Method.choices)
    params = models.JSONField(_("方法参数"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["scheme", "subject", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "subject", "key"], name="assessment_indicator_once"),
        ]

    def __str__(self):
        return f"{self.scheme} · {self.key}"


class InputQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return scheme_scope_q(user, action, "scheme__")


class QuarterInput(models.Model):
    """What the city enters by hand for a county (or a department) and quarter: the on-site
    review score (out of 100) and the veto (统计造假)."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("考核方案"), on_delete=models.CASCADE, related_name="inputs")
    quarter = models.PositiveSmallIntegerField(_("季度"))
    region = models.ForeignKey("regions.Region", verbose_name=_("县区"), on_delete=models.PROTECT, null=True)
    organisation = models.ForeignKey(
        "regions.Organisation", verbose_name=_("部门"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    review_score = models.DecimalField(_("现场评议得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    veto_reason = models.CharField(_("否决事由"), max_length=200, blank=True)

    objects = InputQuerySet.as_manager()

    class Meta:
        verbose_name = _("季度考核录入")
        verbose_name_plural = _("季度考核录入")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "quarter", "region"], name="assessment_input_once"),
            models.UniqueConstraint(
                fields=["scheme", "quarter", "organisation"], name="assessment_input_department_once"
            ),
            models.CheckConstraint(
                condition=Q(region__isnull=False, organisation__isnull=True)
                | Q(region__isnull=True, organisation__isnull=False),
                name="assessment_input_one_subject",
            ),
        ]

    def __str__(self):
        return f"{self.scheme} Q{self.quarter} {self.region or self.organisation}"


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("试算")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被新版本替代")


class RunQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return scheme_scope_q(user, action, "scheme__")


class Run(models.Model):
    scheme = models.ForeignKey(Scheme, verbose_name=_("考核方案"), on_delete=models.PROTECT, related_name="runs")
    quarter = models.PositiveSmallIntegerField(_("季度"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    status = models.CharField(_("状态"), max_length=12, choices=RunStatus.choices, default=RunStatus.DRAFT)
    reason = models.CharField(_("重算原因"), max_length=200, blank=True)
    inputs = models.JSONField(_("考核数据"), default=dict)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("计算人"), on_delete=models.PROTECT, related_name="+"
    )
    computed_at = models.DateTimeField(_("计算时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = _("季度考核结果")
        verbose_name_plural = _("季度考核结果")
        ordering = ["-scheme__year", "-quarter", "-version"]
        constraints = [models.UniqueConstraint(fields=["scheme", "quarter", "version"], name="assessment_run_version")]

    def __str__(self):
        return f"{self.scheme.year}年第{self.quarter}季度 v{self.version}"

    @property
    def months(self) -> list[int]:
        return [3 * self.quarter - 2, 3 * self.quarter - 1, 3 * self.quarter]


class ResultQuerySet(RestrictedQuerySet):
    """The city sees every result and trace; a county its own (and the departments' when the
    scheme opens them to counties); a department only its own."""

    def scope_q(self, user, action):
        from apps.accounts.models import Role

        if action != "view":
            return None
        if user.role == Role.AUDITOR:
            return Q()
        if user.role in _city_roles() and user.region_id:
            return Q(run__scheme__region__code__startswith=user.region.code_prefix)
        if user.role == Role.COUNTY_USER and user.region_id:
            return Q(subject=Subject.COUNTY, region__code__startswith=user.region.code_prefix) | Q(
                subject=Subject.DEPARTMENT,
                run__scheme__departments_open=True,
                run__scheme__region__code__startswith=user.region.code[:4],
            )
        if user.role == Role.DEPARTMENT_USER and user.organisation_id:
            return Q(subject=Subject.DEPARTMENT, organisation_id=user.organisation_id)
        return None


class Result(models.Model):
    run = models.ForeignKey(Run, verbose_name=_("考核结果"), on_delete=models.CASCADE, related_name="results")
    subject = models.CharField(_("考核对象"), max_length=12, choices=Subject.choices, default=Subject.COUNTY)
    region = models.ForeignKey("regions.Region", verbose_name=_("县区"), on_delete=models.PROTECT, null=True)
    organisation = models.ForeignKey(
        "regions.Organisation", verbose_name=_("部门"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    # None: nothing of the subject was due in the quarter (无数据): never a guessed 0, no rank.
    total = models.DecimalField(_("季度得分"), max_digits=7, decimal_places=2, null=True)
    rank = models.PositiveSmallIntegerField(_("名次"), null=True)
    previous_rank = models.PositiveSmallIntegerField(_("上期名次"), null=True)
    month_scores = models.JSONField(_("月度得分"), default=list)
    month_ranks = models.JSONField(_("月度名次"), default=list)
    review_score = models.DecimalField(_("现场评议得分"), max_digits=5, decimal_places=2, null=True)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    board = models.CharField(_("红黑榜"), max_length=5, blank=True)  # "red" / "black" / ""
    bottom_flag = models.BooleanField(_("连续后位警示"), default=False)
    trace = models.JSONField(_("计分过程"), default=dict)

    objects = ResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("县区考核得分")
        verbose_name_plural = _("县区考核得分")
        ordering = ["run", "subject", "rank", "region__code", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["run", "region"], name="assessment_result_once"),
            models.UniqueConstraint(fields=["run", "organisation"], name="assessment_result_department_once"),
        ]

    def __str__(self):
        return f"{self.run} {self.subject_name}"

    @property
    def subject_id(self) -> int:
        return self.organisation_id if self.subject == Subject.DEPARTMENT else self.region_id

    @property
    def subject_name(self) -> str:
        return str(self.organisation if self.subject == Subject.DEPARTMENT else self.region.name)

    @property
    def movement(self) -> int | None:
        """Places gained since the last period (positive: up)."""
        return None if self.previous_rank is None or self.rank is None else self.previous_rank - self.rank
