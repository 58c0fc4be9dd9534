"""Funding of projects (资金来源与到位), disbursement of government money (资金拨付/支付)
and upper-level funding applications (向上争取).

Funds by source follow the rows of the national fixed-asset-investment form (本年实际到位资金
and its parts, see FAI_ROWS); each row has a planned and an arrived amount per project and year.

Scope: a project's funding is seen and changed by whoever sees and changes the project
(project_scope_q, the one definition). A finance bureau (财政局, a department registered as
a FinanceOffice) also sees the funding of every project in its region and is the one that
enters disbursements.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from apps.core.money import MoneyField
from apps.core.querysets import RestrictedQuerySet
from apps.projects.models import MONEY_NON_NEGATIVE, project_scope_q


@dataclass(frozen=True)
class FaiRow:
    code: str
    label: str
    parent: str | None  # the row it is a part of ("其中")


# The funds-arrived rows of the national FAI form, in the form's order. The form's checks:
# total = state_budget + domestic_loans + self_raised + foreign + other (all parts listed);
# state_budget ≥ its parts and central ≥ its parts ("其中": other money may sit in the total).
FAI_ROWS: tuple[FaiRow, ...] = (
    FaiRow("total", _("本年实际到位资金"), None),
    FaiRow("state_budget", _("国家预算资金"), "total"),
    FaiRow("central", _("中央预算资金"), "state_budget"),
    FaiRow("central_budget_investment", _("中央预算内投资"), "central"),
    FaiRow("central_fiscal", _("中央财政资金"), "central"),
    FaiRow("treasury_bonds", _("国债"), "central"),
    FaiRow("ultra_long_bonds", _("超长期特别国债"), "central"),
    FaiRow("provincial_fiscal", _("省级财政资金"), "state_budget"),
    FaiRow("local_fiscal", _("市县财政资金"), "state_budget"),
    FaiRow("general_bonds", _("地方政府一般债券"), "state_budget"),
    FaiRow("special_bonds", _("地方政府专项债券"), "state_budget"),
    FaiRow("domestic_loans", _("国内贷款"), "total"),
    FaiRow("self_raised", _("自筹资金"), "total"),
    FaiRow("foreign", _("利用外资"), "total"),
    FaiRow("other", _("其他资金"), "total"),
)
FAI_CODES = tuple(row.code for row in FAI_ROWS)
FAI_LABELS = {row.code: row.label for row in FAI_ROWS}
# Rows whose parts must add up exactly (every part is listed); the others are "≥ parts".
EXACT_SUM_ROWS = frozenset({"total"})
# The government money a finance bureau releases and pays (the leaves of 国家预算资金).
GOVERNMENT_SOURCES = tuple(
    row.code for row in FAI_ROWS if row.parent in ("central", "state_budget") and row.code != "central"
)


def fai_parts(code: str) -> list[str]:
    return [row.code for row in FAI_ROWS if row.parent == code]


class FinanceOffice(models.Model):
    """A department acting as the finance side (财政局) for its region and the regions below."""

    organisation = models.OneToOneField(
        "regions.Organisation",
        verbose_name=_("财政部门"),
        on_delete=models.CASCADE,
        related_name="finance_office",
        limit_choices_to={"kind": "department"},
    )

    class Meta:
        verbose_name = _("财政部门")
        verbose_name_plural = _("财政部门")

    def __str__(self):
        return str(self.organisation)


def finance_region(user):
    """The region a finance-bureau user covers (its office's region), or None for anyone else."""
    from apps.accounts.models import Role

    if not user.is_authenticated or user.role != Role.DEPARTMENT_USER or not user.organisation_id:
        return None
    cached = getattr(user, "_finance_region", False)
    if cached is not False:
        return cached
    office = FinanceOffice.objects.select_related("organisation__region").filter(organisation_id=user.organisation_id)
    office = office.first()
    user._finance_region = office.organisation.region if office else None
    return user._finance_region


def finance_region_prefix(user) -> str | None:
    region = finance_region(user)
    return region.code_prefix if region else None


def is_finance_user(user) -> bool:
    return finance_region_prefix(user) is not None


def funding_scope_q(user, action: str, prefix: str = "") -> Q | None:
    """Which projects' funding `user` may see ("view"), change ("change": sources, gaps,
    applications) or enter government-money movements for ("finance": disbursements).

    view/change: the project's own scope, plus, for a finance bureau, viewing every
    project of its region. finance: the finance bureau of the project's region only.
    """
    finance_prefix = finance_region_prefix(user)
    finance_q = Q(**{f"{prefix}region__code__startswith": finance_prefix}) if finance_prefix else None
    if action == "finance":
        return finance_q
    project_q = project_scope_q(user, action, prefix=prefix)
    if action == "view" and finance_q is not None:
        return finance_q if project_q is None else project_q | finance_q
    return project_q


class FundingChildQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return funding_scope_q(user, action, prefix="project__")


class FundingRecord(models.Model):
    """One project's funds for one year: planned and arrived by FAI source row (万元),
    PPP and REITs flags, and the funding gap with how it is to be closed."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="funding_records"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    is_ppp = models.BooleanField(_("PPP项目"), default=False)
    ppp_mode = models.CharField(_("PPP运作方式"), max_length=30, blank=True)
    reits_candidate = models.BooleanField(_("可作为REITs培育项目"), default=False)
    gap = MoneyField(_("资金缺口（万元）"), default=0, validators=[MONEY_NON_NEGATIVE])
    gap_arranged = models.BooleanField(_("缺口是否已有安排"), default=False)
    gap_note = models.TextField(_("缺口安排说明"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = FundingChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("资金来源")
        verbose_name_plural = _("资金来源")
        ordering = ["-year", "project_id"]
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="funding_record_one_per_year")]

    def __str__(self):
        return f"{self.project} {self.year}年资金来源"

    def amount(self, side: str, code: str):
        return getattr(self, f"{side}_{code}")


for _row in FAI_ROWS:
    FundingRecord.add_to_class(
        f"planned_{_row.code}",
        MoneyField(format_lazy(_("计划·{}（万元）"), _row.label), default=0, validators=[MONEY_NON_NEGATIVE]),
    )
    FundingRecord.add_to_class(
        f"arrived_{_row.code}",
        MoneyField(format_lazy(_("到位·{}（万元）"), _row.label), default=0, validators=[MONEY_NON_NEGATIVE]),
    )
AMOUNT_FIELDS = tuple(f"{side}_{code}" for code in FAI_CODES for side in ("planned", "arrived"))


class Disbursement(models.Model):
    """Government money released to a project (拨付) and paid out of it (支付) on one date."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="disbursements"
    )
    source = models.CharField(
        _("资金来源"), max_length=30, choices=[(code, FAI_LABELS[code]) for code in GOVERNMENT_SOURCES]
    )
    on_date = models.DateField(_("日期"))
    released = MoneyField(_("拨付金额（万元）"), default=0, validators=[MONEY_NON_NEGATIVE])
    paid = MoneyField(_("支付金额（万元）"), default=0, validators=[MONEY_NON_NEGATIVE])
    note = models.CharField(_("说明"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = FundingChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("资金拨付")
        verbose_name_plural = _("资金拨付")
        ordering = ["-on_date", "-id"]
        indexes = [models.Index(fields=["project", "on_date"])]

    def __str__(self):
        return f"{self.project} {self.on_date} {self.get_source_display()}"


class Programme(models.TextChoices):
    CENTRAL_BUDGET = "central_budget", _("中央预算内投资")
    ULTRA_LONG_BONDS = "ultra_long_bonds", _("超长期特别国债")
    MINISTRY_FUNDS = "ministry_funds", _("部委专项资金")
    PROVINCIAL_FUNDS = "provincial_funds", _("省级专项资金")


class ApplicationStatus(models.TextChoices):
    PREPARED = "prepared", _("谋划准备")
    SUBMITTED = "submitted", _("已申报")
    APPROVED = "approved", _("已批复")
    REJECTED = "rejected", _("未获批")
    RELEASED = "released", _("资金已下达")
    SPENT = "spent", _("资金已支出")


# Which step may follow which (a rejected application is final; a new one is prepared).
APPLICATION_STEPS = {
    ApplicationStatus.PREPARED: (ApplicationStatus.SUBMITTED,),
    ApplicationStatus.SUBMITTED: (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED),
    ApplicationStatus.APPROVED: (ApplicationStatus.RELEASED,),
    ApplicationStatus.RELEASED: (ApplicationStatus.SPENT,),
    ApplicationStatus.REJECTED: (),
    ApplicationStatus.SPENT: (),
}
# Statuses at or past approval: the application "won" money (争取到位 counts released and spent).
WON_STATUSES = (ApplicationStatus.APPROVED, ApplicationStatus.RELEASED, ApplicationStatus.SPENT)
ARRIVED_STATUSES = (ApplicationStatus.RELEASED, ApplicationStatus.SPENT)


class FundingApplication(models.Model):
    """One application for upper-level money (向上争取) for one project, through its steps."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="funding_applications"
    )
    programme = models.CharField(_("资金渠道"), max_length=30, choices=Programme.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    batch = models.CharField(_("批次"), max_length=60, blank=True)
    document_number = models.CharField(_("下达文号"), max_length=60, blank=True)
    responsible_department = models.ForeignKey(
        "regions.Organisation",
        verbose_name=_("责任部门"),
        on_delete=models.PROTECT,
        related_name="funding_applications",
        limit_choices_to={"kind": "department"},
    )
    deadline = models.DateField(_("申报截止日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.PREPARED
    )
    requested = MoneyField(_("申请金额（万元）"), validators=[MONEY_NON_NEGATIVE])
    approved = MoneyField(_("批复金额（万元）"), default=0, validators=[MONEY_NON_NEGATIVE])
    released = MoneyField(_("下达金额（万元）"), default=0, validators=[MONEY_NON_NEGATIVE])
    spent = MoneyField(_("支出金额（万元）"), default=0, validators=[MONEY_NON_NEGATIVE])
    submitted_on = models.DateField(_("申报日期"), null=True, blank=True)
    decided_on = models.DateField(_("批复日期"), null=True, blank=True)
    released_on = models.DateField(_("下达日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = FundingChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("向上争取资金申请")
        verbose_name_plural = _("向上争取资金申请")
        ordering = ["-year", "deadline", "id"]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self):
        return f"{self.project} · {self.get_programme_display()}（{self.year}）"
