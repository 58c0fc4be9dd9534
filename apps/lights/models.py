"""Warning lights as rules (亮灯预警): rules with immutable versions, the lights they lit per
period, and the runs that lit them.

A rule names a subject (what it lights: a project, a region, an approval item …) and a
measure from the registry (apps/lights/measures.py); a version holds everything that decides a
colour (parameters, scope, thresholds, memory, consequences) and is never edited: a change is
a new version, and every light names the version that lit it.

Only lit objects are stored (any colour but green): "no light for the period" is green or out
of scope, which keeps a province's 100,000 projects from writing 100,000 rows a rule a month.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.querysets import RestrictedQuerySet
from apps.reporting.models import MONTH_VALIDATORS


class Colour(models.TextChoices):
    GREEN = "green", _("绿灯")
    BLUE = "blue", _("蓝灯")
    YELLOW = "yellow", _("黄灯")
    ORANGE = "orange", _("橙灯")
    RED = "red", _("红灯")


#: Severity, for "the worst light of a project" and for memory (anything above green counts).
SEVERITY = {Colour.GREEN: 0, Colour.BLUE: 1, Colour.YELLOW: 2, Colour.ORANGE: 3, Colour.RED: 4}


def _region_q(user, field: str) -> Q | None:
    return Q(**{f"{field}__code__startswith": user.region.code_prefix}) if user.region_id else None


class LightRuleQuerySet(RestrictedQuerySet):
    """Everyone signed in reads the rules (a county must know what lights it); the city
    administrator changes the rules of the installation (region empty) and of their region."""

    def scope_q(self, user, action):
        from apps.accounts.models import Role

        if action == "view":
            return Q()
        if user.role == Role.CITY_ADMIN and user.region_id:
            return Q(region__isnull=True) | Q(region__code__startswith=user.region.code_prefix)
        return None


class LightRule(models.Model):
    code = models.SlugField(_("规则代码"), max_length=60, unique=True)
    name = models.CharField(_("规则名称"), max_length=100)
    subject = models.CharField(_("亮灯对象"), max_length=30)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("适用区划"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("空为全部区划。"),
    )
    is_active = models.BooleanField(_("启用"), default=False)
    preset = models.CharField(_("来源预设"), max_length=60, blank=True)
    current_version = models.ForeignKey(
        "LightRuleVersion", verbose_name=_("当前版本"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = LightRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("亮灯规则")
        verbose_name_plural = _("亮灯规则")
        ordering = ["code"]

    def __str__(self):
        return self.name


class LightRuleVersion(models.Model):
    """One immutable version of a rule. `levels` are tried in order, the first that holds
    gives the colour, none gives green: [{"colour": "red", "field": "value", "op": ">", "value": "30"}, …].
    `memory`: {"consecutive": N} turns the N-th consecutive lit period (any colour above
    green) red (Haikou: two yellows make a red). `actions`: the consequences per colour."""

    rule = models.ForeignKey(LightRule, verbose_name=_("规则"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    measure = models.CharField(_("度量"), max_length=40)
    params = models.JSONField(_("度量参数"), default=dict, blank=True)
    scope = models.JSONField(_("适用范围"), default=dict, blank=True)
    levels = models.JSONField(_("颜色阈值"), default=list)
    memory = models.JSONField(_("跨期记忆"), default=dict, blank=True)
    actions = models.JSONField(_("后续措施"), default=dict, blank=True)
    source_title = models.CharField(_("依据"), max_length=200, blank=True)
    source_url = models.URLField(_("依据链接"), max_length=300, blank=True)
    reason = models.CharField(_("修改理由"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("修改人"), on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("亮灯规则版本")
        verbose_name_plural = _("亮灯规则版本")
        ordering = ["rule", "-number"]
        constraints = [models.UniqueConstraint(fields=["rule", "number"], name="light_rule_version_unique")]

    def __str__(self):
        return f"{self.rule} v{self.number}"


class LightQuerySet(RestrictedQuerySet):
    """A light is seen where its object is: regions by code prefix for the city and the
    counties, the projects they see for departments and construction units."""

    def scope_q(self, user, action):
        from apps.accounts.models import Role
        from apps.projects.models import Project

        if action != "view":
            return None
        if user.is_superuser or user.role == Role.AUDITOR:
            return Q()
        if user.role in (Role.CITY_ADMIN, Role.CITY_LEADER, Role.COUNTY_USER):
            return _region_q(user, "region")
        if user.role in (Role.DEPARTMENT_USER, Role.OWNER_REPORTER):
            return Q(project__in=Project.objects.restrict(user, "view").values("pk"))
        return None


class Light(models.Model):
    """The colour one rule gave one object for one month (only lit objects are kept)."""

    # No index of their own on the foreign keys: the unique constraint leads with rule and
    # light_project_period_idx with project; every index is paid on each period's insert.
    # No database constraint on them either (db_constraint=False): a light is derived data the
    # engine writes from ids it has just read, ~100,000 rows a month, and PostgreSQL checked
    # the four deferred constraints row by row at commit (a third of a province's evaluation,
    # bench/README.md). Django still cascades and protects (on_delete) as before.
    rule = models.ForeignKey(
        LightRule,
        verbose_name=_("规则"),
        on_delete=models.CASCADE,
        related_name="lights",
        db_index=False,
        db_constraint=False,
    )
    version = models.ForeignKey(
        LightRuleVersion,
        verbose_name=_("规则版本"),
        on_delete=models.PROTECT,
        related_name="lights",
        db_index=False,
        db_constraint=False,
    )
    subject = models.CharField(_("亮灯对象"), max_length=30)
    object_id = models.BigIntegerField(_("对象编号"))
    label = models.CharField(_("对象名称"), max_length=200)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("区划"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"), validators=MONTH_VALIDATORS)
    colour = models.CharField(_("颜色"), max_length=10, choices=Colour.choices)
    value = models.DecimalField(_("度量值"), max_digits=16, decimal_places=2, null=True, blank=True)
    threshold = models.CharField(_("触发阈值"), max_length=100, blank=True)
    reason = models.CharField(_("亮灯原因"), max_length=300)
    # Consecutive lit periods up to this one (memory across periods reads it).
    streak = models.PositiveSmallIntegerField(_("连续亮灯月数"), default=1)
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    objects = LightQuerySet.as_manager()

    class Meta:
        verbose_name = _("亮灯")
        verbose_name_plural = _("亮灯")
        ordering = ["-year", "-month", "region_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "object_id", "year", "month"], name="light_one_per_period")
        ]
        indexes = [
            models.Index(fields=["year", "month", "colour"], name="light_period_colour_idx"),
            models.Index(fields=["project", "year", "month"], name="light_project_period_idx"),
        ]

    def __str__(self):
        return f"{self.label} {self.year}年{self.month}月 {self.get_colour_display()}"


class EvaluationRun(models.Model):
    """One evaluation of a period (the command, the scheduler, or a change re-evaluating a
    few objects): what it lit and how long it took."""

    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"), validators=MONTH_VALIDATORS)
    trigger = models.CharField(_("触发方式"), max_length=30)
    objects_limited = models.BooleanField(_("仅部分对象"), default=False)
    lights = models.PositiveIntegerField(_("亮灯数"), default=0)
    seconds = models.DecimalField(_("耗时（秒）"), max_digits=8, decimal_places=3, default=0)
    notes = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("亮灯评价记录")
        verbose_name_plural = _("亮灯评价记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["year", "month"], name="light_run_period_idx")]

    def __str__(self):
        return f"{self.year}年{self.month}月 {self.trigger}"


class LightAction(models.Model):
    """A consequence taken for a light (the supervised action it created), once per rule,
    object, period and step, so re-evaluating a period never repeats it."""

    rule = models.ForeignKey(LightRule, verbose_name=_("规则"), on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(
        LightRuleVersion, verbose_name=_("规则版本"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.BigIntegerField(_("对象编号"))
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"), validators=MONTH_VALIDATORS)
    step = models.CharField(_("触发"), max_length=20)
    action = models.ForeignKey(
        "problems.SupervisedAction", verbose_name=_("督办事项"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("亮灯措施")
        verbose_name_plural = _("亮灯措施")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "object_id", "year", "month", "step"], name="light_action_once_per_step"
            )
        ]

    def __str__(self):
        return f"{self.rule} {self.object_id} {self.year}-{self.month} {self.step}"
