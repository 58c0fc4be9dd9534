"""Special bonds (地方政府专项债券) through their whole cycle: the bond project record
(收益与融资自求平衡, 一案两书), review steps county → city → province (→ national outside
the 自审自发 pilot) on the 发改 and 财政 sides, 双入库, quotas by region and year, issues in
批次 allocated to projects, monthly spending against the pace rule, 用途调整, and the
repayment schedule.

Scope: a bond project is its project's (funding_scope_q: whoever sees or changes the project,
plus the finance bureau of its region). Issues and quotas belong to a region: seen by the
users of that region, the regions above and below it, and by whoever sees a project they
are allocated to; entered by the finance bureau (财政局) of the region.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.money import MoneyField
from apps.core.querysets import RestrictedQuerySet
from apps.funding.models import finance_region, funding_scope_q
from apps.projects.models import MONEY_NON_NEGATIVE


class BondKind(models.TextChoices):
    SPECIAL = "special", _("专项债券")
    GENERAL = "general", _("一般债券")


class BondField(models.TextChoices):
    """投向领域, as the issue disclosures list them."""

    LAND_RESERVE = "land_reserve", _("土地储备")
    SHANTYTOWN = "shantytown", _("棚户区改造")
    AFFORDABLE_HOUSING = "affordable_housing", _("保障性安居工程")
    TRANSPORT = "transport", _("交通基础设施")
    ENERGY = "energy", _("能源")
    AGRICULTURE_WATER = "agriculture_water", _("农林水利")
    ECOLOGY = "ecology", _("生态环保")
    SOCIAL = "social", _("社会事业（民生服务）")
    COLD_CHAIN = "cold_chain", _("城乡冷链等物流基础设施")
    MUNICIPAL_PARKS = "municipal_parks", _("市政和产业园区基础设施")
    NEW_INFRASTRUCTURE = "new_infrastructure", _("新型基础设施")
    OTHER = "other", _("其他")


class NegativeCategory(models.TextChoices):
    """投向负面清单 (国办发〔2024〕52号): a project in any of these may not use special bonds."""

    NONE = "none", _("不属于负面清单")
    NO_REVENUE = "no_revenue", _("完全无收益的项目")
    BUILDINGS = "buildings", _("楼堂馆所")
    IMAGE = "image", _("形象工程和政绩工程")
    REAL_ESTATE = "real_estate", _("除保障性住房、土地储备以外的房地产开发")
    THEME_PARKS = "theme_parks", _("主题公园、仿古城（镇、村、街）等商业设施")
    COMPETITIVE = "competitive", _("一般竞争性产业项目")


class BondProjectStatus(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已申报")
    RETURNED = "returned", _("已退回")


class PoolResult(models.TextChoices):
    PENDING = "pending", _("未入库")
    IN = "in", _("已入库")
    REFUSED = "refused", _("未通过")


def bond_project_scope_q(user, action: str, prefix: str = "") -> Q | None:
    return funding_scope_q(user, action, prefix=f"{prefix}project__")


class BondProjectQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return bond_project_scope_q(user, action)


class BondProject(models.Model):
    """One project's application for bonds in one year, with its self-balance figures."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="bond_projects"
    )
    year = models.PositiveSmallIntegerField(_("申报年度"))
    kind = models.CharField(_("债券类型"), max_length=10, choices=BondKind.choices, default=BondKind.SPECIAL)
    field = models.CharField(_("投向领域"), max_length=30, choices=BondField.choices)
    negative_category = models.CharField(
        _("负面清单类别"), max_length=20, choices=NegativeCategory.choices, default=NegativeCategory.NONE
    )
    revenue_source = models.CharField(_("收入来源"), max_length=200, blank=True)
    total_investment = MoneyField(_("项目总投资（万元）"), validators=[MONEY_NON_NEGATIVE])
    capital_excl_bonds = MoneyField(_("不含专项债的资本金（万元）"), default=0, validators=[MONEY_NON_NEGATIVE])
    bond_amount = MoneyField(_("申请专项债总额（万元）"), validators=[MONEY_NON_NEGATIVE])
    bonds_as_capital = MoneyField(_("专项债作资本金（万元）"), default=0, validators=[MONEY_NON_NEGATIVE])
    other_debt = MoneyField(_("其他债务融资（万元）"), default=0, validators=[MONEY_NON_NEGATIVE])
    other_debt_source = models.CharField(_("其他债务融资来源"), max_length=200, blank=True)
    construction_start = models.DateField(_("建设期起"))
    construction_end = models.DateField(_("建设期止"))
    operation_start_year = models.PositiveSmallIntegerField(_("运营期起（年）"))
    operation_end_year = models.PositiveSmallIntegerField(_("运营期止（年）"))
    expected_income = MoneyField(_("运营期预期收入（万元）"), default=0, validators=[MONEY_NON_NEGATIVE])
    expected_cost = MoneyField(_("运营期成本（万元）"), default=0, validators=[MONEY_NON_NEGATIVE])
    debt_service = MoneyField(
        _("债券存续期应付本息（万元）"),
        validators=[MONEY_NON_NEGATIVE],
        help_text=_("专项债券本金与利息合计，为覆盖倍数的分母。"),
    )
    accounting_firm = models.CharField(_("会计师事务所"), max_length=100, blank=True)
    law_firm = models.CharField(_("律师事务所"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=BondProjectStatus.choices, default=BondProjectStatus.DRAFT
    )
    round = models.PositiveSmallIntegerField(_("申报轮次"), default=0, editable=False)
    submitted_on = models.DateField(_("申报日期"), null=True, blank=True, editable=False)
    ndrc_pool = models.CharField(
        _("国家重大建设项目库"), max_length=10, choices=PoolResult.choices, default=PoolResult.PENDING
    )
    ndrc_pool_on = models.DateField(_("发改入库日期"), null=True, blank=True)
    mof_pool = models.CharField(
        _("地方政府债券项目库"), max_length=10, choices=PoolResult.choices, default=PoolResult.PENDING
    )
    mof_pool_on = models.DateField(_("财政入库日期"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = BondProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("专项债券项目")
        verbose_name_plural = _("专项债券项目")
        ordering = ["-year", "project_id"]
        constraints = [models.UniqueConstraint(fields=["project", "year", "kind"], name="bond_project_one_per_year")]

    def __str__(self):
        return f"{self.project} · {self.year}年{self.get_kind_display()}"


class DocumentKind(models.TextChoices):
    """一案两书."""

    PLAN = "plan", _("实施方案")
    FINANCIAL = "financial", _("财务评估报告")
    LEGAL = "legal", _("法律意见书")


class BondDocumentQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return bond_project_scope_q(user, action, prefix="bond_project__")


class BondDocument(models.Model):
    bond_project = models.ForeignKey(BondProject, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("文件类型"), max_length=10, choices=DocumentKind.choices)
    filename = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content = models.BinaryField(_("文件内容"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    AUDIT_EXCLUDE = frozenset({"content"})
    objects = BondDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("一案两书文件")
        verbose_name_plural = _("一案两书文件")
        ordering = ["kind", "-uploaded_at"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.filename}"


class ReviewLevel(models.TextChoices):
    COUNTY = "county", _("县级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")
    NATIONAL = "national", _("国家")


class ReviewSide(models.TextChoices):
    NDRC = "ndrc", _("发改")
    FINANCE = "finance", _("财政")


class ReviewResult(models.TextChoices):
    PASSED = "passed", _("通过")
    RETURNED = "returned", _("退回")


class BondReviewQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return bond_project_scope_q(user, action, prefix="bond_project__")


class BondReview(models.Model):
    """One review step's result on one side, in one round of submission."""

    bond_project = models.ForeignKey(BondProject, on_delete=models.CASCADE, related_name="reviews")
    round = models.PositiveSmallIntegerField(_("申报轮次"))
    level = models.CharField(_("审核层级"), max_length=10, choices=ReviewLevel.choices)
    side = models.CharField(_("审核部门"), max_length=10, choices=ReviewSide.choices)
    result = models.CharField(_("审核结果"), max_length=10, choices=ReviewResult.choices)
    reviewed_on = models.DateField(_("审核日期"))
    opinion = models.TextField(_("审核意见"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = BondReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("专项债券审核")
        verbose_name_plural = _("专项债券审核")
        ordering = ["bond_project", "round", "reviewed_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bond_project", "round", "level", "side"], name="bond_review_one_per_step")
        ]

    def __str__(self):
        return f"{self.bond_project} {self.get_level_display()}{self.get_side_display()}{self.get_result_display()}"


def _ancestor_ids(region) -> list[int]:
    ids = []
    while region is not None:
        ids.append(region.pk)
        region = region.parent
    return ids


def region_scope_q(user, action: str, prefix: str = "", *, through_allocations: bool = False) -> Q | None:
    """Which region-owned bond rows (issues, quotas) `user` may see or enter ("change").

    view: the user's region, the regions above it and below it (a county sees the
    province's issues it receives money from); the auditor everything; others the rows
    whose allocations reach a project they see. change: the finance bureau, in its region
    and below."""
    from apps.accounts.models import Role

    REGION_ROLES = (Role.CITY_ADMIN, Role.CITY_LEADER, Role.COUNTY_USER)

    def q(**lookups):
        return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})

    office_region = finance_region(user)
    if action != "view":
        return q(region__code__startswith=office_region.code_prefix) if office_region else None
    if user.is_superuser or user.role == Role.AUDITOR:
        return Q()
    region = office_region or (user.region if user.region_id else None)
    if region is not None and (office_region or user.role in REGION_ROLES):
        return q(region__code__startswith=region.code_prefix) | q(region_id__in=_ancestor_ids(region))
    # Others (a department, a construction unit): the issues that reach a project they see.
    projects = bond_project_scope_q(user, "view", prefix="allocations__bond_project__")
    if projects is None or not through_allocations:
        return None
    return q(pk__in=BondIssue.objects.filter(projects).values("pk"))


class QuotaKind(models.TextChoices):
    NEW = "new", _("新增专项债券")
    REFINANCING = "refinancing", _("再融资债券")


class QuotaQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return region_scope_q(user, action)


class IssueQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return region_scope_q(user, action, through_allocations=True)


class BondQuota(models.Model):
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("额度类型"), max_length=15, choices=QuotaKind.choices, default=QuotaKind.NEW)
    amount = MoneyField(_("额度（万元）"), validators=[MONEY_NON_NEGATIVE])
    document_number = models.CharField(_("下达文号"), max_length=60, blank=True)
    allocated_on = models.DateField(_("下达日期"), null=True, blank=True)

    objects = QuotaQuerySet.as_manager()

    class Meta:
        verbose_name = _("专项债券额度")
        verbose_name_plural = _("专项债券额度")
        ordering = ["-year", "region__code"]
        constraints = [models.UniqueConstraint(fields=["region", "year", "kind"], name="bond_quota_one_per_year")]

    def __str__(self):
        return f"{self.region} {self.year}年{self.get_kind_display()}额度"


class IssueNature(models.TextChoices):
    NEW = "new", _("新增")
    REPLACEMENT = "replacement", _("置换")
    REFINANCING = "refinancing", _("再融资")


class InterestFrequency(models.IntegerChoices):
    ANNUAL = 1, _("按年付息")
    SEMIANNUAL = 2, _("半年付息")


class BondIssue(models.Model):
    """One issue (批次/期): one provincial issue covers many projects."""

    name = models.CharField(_("债券名称"), max_length=120)
    batch = models.CharField(_("批次"), max_length=40)
    code = models.CharField(_("债券编码"), max_length=40, blank=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("发行/转贷区划"), on_delete=models.PROTECT)
    nature = models.CharField(_("债券性质"), max_length=15, choices=IssueNature.choices, default=IssueNature.NEW)
    issued_on = models.DateField(_("发行日期"))
    value_date = models.DateField(_("起息日"))
    amount = MoneyField(_("发行金额（万元）"), validators=[MONEY_NON_NEGATIVE])
    term_years = models.PositiveSmallIntegerField(_("期限（年）"))
    rate = models.DecimalField(_("票面利率（%）"), max_digits=6, decimal_places=4)
    interest_frequency = models.PositiveSmallIntegerField(
        _("付息方式"), choices=InterestFrequency.choices, default=InterestFrequency.SEMIANNUAL
    )
    maturity_date = models.DateField(_("到期日"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("债券发行批次")
        verbose_name_plural = _("债券发行批次")
        ordering = ["-issued_on", "-id"]

    def __str__(self):
        return f"{self.name}（{self.batch}）"


class AllocationQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return bond_project_scope_q(user, action, prefix="bond_project__")


class BondAllocation(models.Model):
    """The share of an issue put down to one project (下达至项目的本批金额)."""

    issue = models.ForeignKey(
        BondIssue, verbose_name=_("发行批次"), on_delete=models.PROTECT, related_name="allocations"
    )
    bond_project = models.ForeignKey(
        BondProject, verbose_name=_("债券项目"), on_delete=models.PROTECT, related_name="allocations"
    )
    amount = MoneyField(_("下达金额（万元）"), validators=[MONEY_NON_NEGATIVE])
    as_capital = MoneyField(_("其中用作资本金（万元）"), default=0, validators=[MONEY_NON_NEGATIVE])
    allocated_on = models.DateField(_("下达日期"))

    objects = AllocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("债券资金下达")
        verbose_name_plural = _("债券资金下达")
        ordering = ["issue", "bond_project"]
        constraints = [models.UniqueConstraint(fields=["issue", "bond_project"], name="bond_allocation_one_per_issue")]

    def __str__(self):
        return f"{self.issue} → {self.bond_project.project}"

    def schedule(self):
        """Interest and principal due on this batch's money (rules.repayment_schedule)."""
        from .rules import repayment_schedule

        issue = self.issue
        return repayment_schedule(
            amount=self.amount,
            rate=issue.rate,
            frequency=issue.interest_frequency,
            value_date=issue.value_date,
            maturity=issue.maturity_date,
        )


class AllocationChildQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return bond_project_scope_q(user, action, prefix="allocation__bond_project__")


class BondSpending(models.Model):
    """Cumulative spending of one allocation at the end of one month (本批累计支出)."""

    allocation = models.ForeignKey(BondAllocation, on_delete=models.CASCADE, related_name="spendings")
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    cumulative = MoneyField(_("累计支出（万元）"), validators=[MONEY_NON_NEGATIVE])
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = AllocationChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("债券资金支出")
        verbose_name_plural = _("债券资金支出")
        ordering = ["allocation", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["allocation", "year", "month"], name="bond_spending_one_per_month")
        ]

    def __str__(self):
        return f"{self.allocation} {self.year}-{self.month:02d}"


class AdjustmentReason(models.TextChoices):
    """财预〔2021〕110号 的四种情形."""

    PROJECT_CHANGED = "project_changed", _("项目发生重大变化，债券资金需求减少或取消")
    SURPLUS = "surplus", _("项目建成后有结余")
    AUDIT = "audit", _("审计、督查等发现问题需要调整")
    OTHER = "other", _("其他")


class AdjustmentStatus(models.TextChoices):
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class UseAdjustment(models.Model):
    """用途调整: part of an allocation moved to another bond project, once approved."""

    allocation = models.ForeignKey(BondAllocation, on_delete=models.PROTECT, related_name="adjustments")
    amount = MoneyField(_("调整金额（万元）"), validators=[MONEY_NON_NEGATIVE])
    reason = models.CharField(_("调整情形"), max_length=20, choices=AdjustmentReason.choices)
    explanation = models.TextField(_("调整理由"))
    to_bond_project = models.ForeignKey(
        BondProject, verbose_name=_("调入项目"), on_delete=models.PROTECT, related_name="adjustments_in"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=AdjustmentStatus.choices, default=AdjustmentStatus.REQUESTED
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField(_("申请日期"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_on = models.DateField(_("审批日期"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    objects = AllocationChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("用途调整")
        verbose_name_plural = _("用途调整")
        ordering = ["-requested_on", "-id"]

    def __str__(self):
        return f"{self.allocation} → {self.to_bond_project}（{self.amount}）"


class RepaymentKind(models.TextChoices):
    INTEREST = "interest", _("付息")
    PRINCIPAL = "principal", _("还本")


class BondRepayment(models.Model):
    """还本付息 actually paid against one line of the schedule (rules.repayment_schedule):
    entered by the finance bureau of the project's region; a correction updates the row
    (the change record keeps what it said before)."""

    allocation = models.ForeignKey(
        BondAllocation, verbose_name=_("债券资金下达"), on_delete=models.PROTECT, related_name="repayments"
    )
    due_date = models.DateField(_("应付日期"))
    kind = models.CharField(_("类型"), max_length=10, choices=RepaymentKind.choices)
    scheduled = MoneyField(_("应付金额（万元）"), validators=[MONEY_NON_NEGATIVE])
    paid_on = models.DateField(_("实际支付日期"))
    amount = MoneyField(_("实际支付金额（万元）"), validators=[MONEY_NON_NEGATIVE])
    note = models.CharField(_("说明"), max_length=300, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    objects = AllocationChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("还本付息记录")
        verbose_name_plural = _("还本付息记录")
        ordering = ["due_date", "allocation", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["allocation", "due_date", "kind"], name="bond_repayment_one_per_line")
        ]

    def __str__(self):
        return f"{self.allocation} {self.due_date} {self.get_kind_display()}"


def months_between(start: datetime.date, year: int, month: int) -> int:
    """Whole months from the month of `start` to (year, month)."""
    return (year * 12 + month) - (start.year * 12 + start.month)
