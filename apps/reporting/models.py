"""The monthly reporting cycle (月报): periods, one report per project and month,
verification, and revisions of locked reports approved by a second person."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.money import MoneyField
from apps.core.querysets import RestrictedQuerySet
from apps.projects.models import MONEY_NON_NEGATIVE, Project, project_scope_q

MONTH_VALIDATORS = [MinValueValidator(1), MaxValueValidator(12)]


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("填报中")
    CLOSED = "closed", _("已关闭")


class ReportingPeriodQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        from apps.accounts.models import Role

        if action == "view":
            return Q()
        return Q() if user.role == Role.CITY_ADMIN else None


class ReportingPeriod(models.Model):
    """A reporting month, opened and closed by the city administrator."""

    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"), validators=MONTH_VALIDATORS)
    deadline = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    opened_at = models.DateTimeField(_("开启时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("填报期")
        verbose_name_plural = _("填报期")
        ordering = ["-year", "-month"]
        constraints = [models.UniqueConstraint(fields=["year", "month"], name="reporting_period_unique_month")]

    def __str__(self):
        return f"{self.year}年{self.month}月"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    VERIFIED = "verified", _("已审核")


# The roles report_verify_q can give a scope (the 审核 pages are theirs).
REPORT_VERIFIER_ROLES = frozenset({"city_admin", "county_user", "department_user"})


def report_verify_q(user, prefix: str = "project__") -> Q | None:
    """Who may verify (审核) or return a project's reports and approve or reject revisions
    of them: the one definition of the verify rule, used by UI, API and services.

    The city administrator on every project of their region, a county user on the projects
    of their county, a department user on the projects their department leads (not those it
    only partners). Nobody else. `report_verifiers_q` is the same rule seen from a project.
    """
    from apps.accounts.models import Role

    if user.role not in REPORT_VERIFIER_ROLES:
        return None
    if user.role in (Role.CITY_ADMIN, Role.COUNTY_USER):
        if not user.region_id:
            return None
        # The region's projects as a semi-join (`project_id IN (SELECT …)`), not a join through
        # the project to its region: PostgreSQL then narrows to the county's projects first
        # instead of joining every submitted report of the province (审核队列's count at
        # 100,000 projects: 134 → 33 ms).
        projects = Project.objects.filter(region__code__startswith=user.region.code_prefix).values("pk")
        return Q(**{f"{prefix.removesuffix('__') or 'pk'}__in": projects})
    if user.role == Role.DEPARTMENT_USER:
        return Q(**{f"{prefix}lead_department_id": user.organisation_id}) if user.organisation_id else None
    return None


def report_verifiers_q(project) -> Q:
    """The users `report_verify_q` lets verify `project`'s reports, as a filter on users
    (for reminders). Kept next to report_verify_q; a test checks the two agree."""
    from apps.accounts.models import Role
    from apps.regions.models import RegionLevel

    code = project.region.code
    regions = (
        Q(region__level=RegionLevel.PROVINCE, region__code=code[:2] + "0000")
        | Q(region__level=RegionLevel.CITY, region__code=code[:4] + "00")
        | Q(region__level=RegionLevel.COUNTY, region__code=code)
    )
    verifiers = Q(role__in=[Role.CITY_ADMIN, Role.COUNTY_USER]) & regions
    if project.lead_department_id:
        verifiers |= Q(role=Role.DEPARTMENT_USER, organisation_id=project.lead_department_id)
    return verifiers & Q(is_active=True)


class MonthlyReportQuerySet(RestrictedQuerySet):
    """A report is visible and changeable exactly where its project is; "verify" follows
    report_verify_q."""

    def scope_q(self, user, action):
        if action == "verify":
            return report_verify_q(user)
        return project_scope_q(user, action, prefix="project__")


class MonthlyReport(models.Model):
    """One project's report for one month. Year-to-date and since-start totals are
    derived from the monthly amounts (see selectors), never typed."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="monthly_reports"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"), validators=MONTH_VALIDATORS)
    completed_investment = MoneyField(_("本月完成投资（万元）"), validators=[MONEY_NON_NEGATIVE])
    # Optional: the month's funds arrived (本月到位资金), summed by apps/funding against the
    # year's funding record; empty when the unit does not report it.
    funds_arrived = MoneyField(_("本月到位资金（万元）"), null=True, blank=True, validators=[MONEY_NON_NEGATIVE])
    physical_progress = models.TextField(_("形象进度"), blank=True)
    percent_complete = models.DecimalField(
        _("累计完成比例（%）"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(0, message=_("完成比例应在 0 到 100 之间。")),
            MaxValueValidator(100, message=_("完成比例应在 0 到 100 之间。")),
        ],
    )
    actual_start_date = models.DateField(_("实际开工日期"), null=True, blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下步措施"), blank=True)
    notes = models.TextField(_("质量、安全、进度情况"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    returned_reason = models.TextField(_("退回原因"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("月报")
        verbose_name_plural = _("月报")
        ordering = ["-year", "-month", "project_id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "month"], name="monthly_report_one_per_month"),
        ]
        indexes = [
            models.Index(fields=["year", "month", "project"], name="report_period_project_idx"),
            # the verification queue: the few reports awaiting verification among millions, with
            # the order of its pages, so that a page's ids come from the index alone (PostgreSQL;
            # apps/core/pagination.py)
            models.Index(
                fields=["project"],
                include=["submitted_at", "id"],
                condition=models.Q(status="submitted"),
                name="report_submitted_queue_idx",
            ),
        ]

    def __str__(self):
        return f"{self.project} {self.year}年{self.month}月月报"

    @property
    def is_locked(self) -> bool:
        return self.status == ReportStatus.VERIFIED

    def clean(self):
        if self.actual_start_date and self.actual_start_date.year * 100 + self.actual_start_date.month > (
            self.year * 100 + self.month
        ):
            raise ValidationError({"actual_start_date": _("实际开工日期不能晚于报告月份。")})


#: Reports that count towards completed investment: sent by the owner unit (submitted) or
#: checked by the administrator (verified). Drafts and returned reports do not count.
COUNTED_REPORT_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.VERIFIED)

#: The month columns of CompletedInvestmentYear, January first.
MONTH_COLUMNS = tuple(f"m{month}" for month in range(1, 13))
#: The same months counting verified (已审核) reports only, for figures that are published.
VERIFIED_MONTH_COLUMNS = tuple(f"v{month}" for month in range(1, 13))


class CompletedInvestmentYear(models.Model):
    """One project's completed investment of one year by month (m1..m12, 万元): the sum of
    its counted reports (COUNTED_REPORT_STATUSES), derived, never typed. `first_month` is
    the first month with a counted report (so "has a counted report by month X" is
    `first_month <= X`, even when the amount is 0). v1..v12 and `verified_first_month` are
    the same for verified reports only; bit m−1 of `unverified_mask` is set when month m's
    counted report is submitted but not yet verified (so the figures can say how many of
    their reports nobody has checked yet).

    The reporting services keep it in step in the same transaction as the report they
    change; bulk writers call services.completed_investment_refresh. The indicators read
    it instead of passing over every report of the year (bench/README.md)."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="completed_investment_years",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    first_month = models.PositiveSmallIntegerField(validators=MONTH_VALIDATORS)
    m1 = MoneyField(default=0)
    m2 = MoneyField(default=0)
    m3 = MoneyField(default=0)
    m4 = MoneyField(default=0)
    m5 = MoneyField(default=0)
    m6 = MoneyField(default=0)
    m7 = MoneyField(default=0)
    m8 = MoneyField(default=0)
    m9 = MoneyField(default=0)
    m10 = MoneyField(default=0)
    m11 = MoneyField(default=0)
    m12 = MoneyField(default=0)
    verified_first_month = models.PositiveSmallIntegerField(null=True, blank=True, validators=MONTH_VALIDATORS)
    v1 = MoneyField(default=0)
    v2 = MoneyField(default=0)
    v3 = MoneyField(default=0)
    v4 = MoneyField(default=0)
    v5 = MoneyField(default=0)
    v6 = MoneyField(default=0)
    v7 = MoneyField(default=0)
    v8 = MoneyField(default=0)
    v9 = MoneyField(default=0)
    v10 = MoneyField(default=0)
    v11 = MoneyField(default=0)
    v12 = MoneyField(default=0)
    unverified_mask = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("累计完成投资")
        verbose_name_plural = _("累计完成投资")
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="completed_investment_one_per_year"),
        ]

    def __str__(self):
        return f"{self.project_id} {self.year}"


class RevisionStatus(models.TextChoices):
    PENDING = "pending", _("待批准")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class ReportRevisionQuerySet(RestrictedQuerySet):
    """Revisions are visible where their report is; "decide" (approve, reject) follows
    report_verify_q."""

    def scope_q(self, user, action):
        if action == "decide":
            return report_verify_q(user, prefix="report__project__")
        return project_scope_q(user, "view", prefix="report__project__")


class ReportRevision(models.Model):
    """A requested change to a verified (locked) report. Applied only when a second
    person approves; keeps the report's values before and after."""

    report = models.ForeignKey(
        MonthlyReport, verbose_name=_("月报"), on_delete=models.CASCADE, related_name="revisions"
    )
    reason = models.TextField(_("修改理由"))
    proposed = models.JSONField(_("拟修改为"))
    before = models.JSONField(_("修改前"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    objects = ReportRevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("月报修改申请")
        verbose_name_plural = _("月报修改申请")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                name="revision_needs_second_person",
            )
        ]

    def __str__(self):
        return f"{self.report} 修改申请"


class Reminder(models.Model):
    """An in-app reminder (催报, 待审核, 待批准) shown to one user until read."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="reminders"
    )
    message = models.CharField(_("内容"), max_length=300)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="reminder_unread_idx")]

    def __str__(self):
        return self.message


class ReportPhotoQuerySet(RestrictedQuerySet):
    """A photo is visible and changeable exactly where its report's project is."""

    def scope_q(self, user, action):
        return project_scope_q(user, action, prefix="report__project__")


class ReportPhoto(models.Model):
    """A progress photo (形象进度照片) attached to a monthly report, often from a phone camera.
    Stored re-encoded as JPEG (which drops EXIF, GPS included) with a thumbnail; the
    original bytes are not kept."""

    report = models.ForeignKey(MonthlyReport, verbose_name=_("月报"), on_delete=models.CASCADE, related_name="photos")
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    image = models.BinaryField(_("照片"), editable=False)
    thumbnail = models.BinaryField(_("缩略图"), editable=False)
    width = models.PositiveIntegerField(_("宽"))
    height = models.PositiveIntegerField(_("高"))
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ReportPhotoQuerySet.as_manager()

    # The image bytes are not business data worth a before/after in the change log.
    AUDIT_EXCLUDE = frozenset({"image", "thumbnail"})

    class Meta:
        verbose_name = _("形象进度照片")
        verbose_name_plural = _("形象进度照片")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"{self.report} 照片{self.pk}"
