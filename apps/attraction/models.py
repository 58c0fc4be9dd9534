"""Investment attraction (招商引资): a lead (招商线索) from the first contact to a producing
enterprise, 线索 → 研判 → 在谈 → 签约 → 注册 → 供地 → 开工 → 入统 → 投产 → 达产, or 退出.

At 开工 the lead is linked to a registry project, once (`InvestmentLead.project`, unique):
from then on its completed investment and statistics inclusion are the project's, read
from the registry, so that nothing is counted in both places.

Scope: the attraction unit that works the lead (a department user, e.g. 市招商局), the
county where it would land (county users), and the city (administrator, leaders) see it;
auditors read everything. Investor contacts are personal data: only the attraction unit,
the landing county's users and the city administrator read them, and each read is logged
(`PersonalDataRead`).
"""

import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.money import MoneyField
from apps.core.querysets import RestrictedQuerySet
from apps.projects.models import MONEY_NON_NEGATIVE, Category
from apps.regions.validators import validate_credit_code

# GB/T 4754-2017: an optional section letter, then the division (2 digits), group (3) or class (4).
INDUSTRY_CODE_RE = re.compile(r"^[A-T]?\d{2,4}$")


def validate_industry_code(value: str) -> None:
    if not INDUSTRY_CODE_RE.match(value or ""):
        raise ValidationError(
            _("国民经济行业代码（GB/T 4754）应为 2—4 位数字，可带门类字母（如 C3612），当前为“%(value)s”。"),
            code="format",
            params={"value": value},
        )


class LeadStage(models.TextChoices):
    LEAD = "lead", _("线索")
    ASSESSING = "assessing", _("研判")
    NEGOTIATING = "negotiating", _("在谈")
    SIGNED = "signed", _("签约")
    REGISTERED = "registered", _("注册")
    LAND_SUPPLIED = "land_supplied", _("供地")
    STARTED = "started", _("开工")
    IN_STATISTICS = "in_statistics", _("入统")
    IN_PRODUCTION = "in_production", _("投产")
    AT_CAPACITY = "at_capacity", _("达产")
    EXITED = "exited", _("退出")


# The forward path, in order; 退出 is the side exit from any stage before the last.
PIPELINE = [stage for stage in LeadStage if stage != LeadStage.EXITED]
FINAL_STAGES = (LeadStage.AT_CAPACITY, LeadStage.EXITED)
SIGNED_OR_LATER = tuple(PIPELINE[PIPELINE.index(LeadStage.SIGNED) :])
STARTED_OR_LATER = tuple(PIPELINE[PIPELINE.index(LeadStage.STARTED) :])
PRE_SIGNING = tuple(PIPELINE[: PIPELINE.index(LeadStage.SIGNED)])


def stage_index(stage: str) -> int:
    return PIPELINE.index(LeadStage(stage))


def stages_from(stage: str) -> tuple:
    """The stage and every later one on the forward path (a lead that reached `stage`)."""
    return tuple(PIPELINE[stage_index(stage) :])


class LeadSource(models.TextChoices):
    COMMISSIONED = "commissioned", _("委托招商")
    INVESTOR_REFERRAL = "investor_referral", _("以商招商")
    EXPO = "expo", _("展会招商")
    RESIDENT_OFFICE = "resident_office", _("驻外招商")
    INDUSTRY_CHAIN = "industry_chain", _("产业链招商")
    ONLINE = "online", _("网络招商")
    VISIT = "visit", _("上门洽谈")
    OTHER = "other", _("其他")


class ExitReason(models.TextChoices):
    NOT_REGISTERED = "not_registered", _("签约后逾期未注册")
    START_OVERDUE = "start_overdue", _("限期通知后仍未开工")
    INVESTOR_WITHDREW = "investor_withdrew", _("投资方主动终止")
    ASSESSMENT_REJECTED = "assessment_rejected", _("研判不通过")
    FALSE_INFORMATION = "false_information", _("提供虚假信息")
    NEGOTIATION_FAILED = "negotiation_failed", _("洽谈未果")
    OTHER = "other", _("其他")


class NoticeKind(models.TextChoices):
    START_DEADLINE = "start_deadline", _("限期开工通知书")
    EXIT = "exit", _("项目退出通知书")


# Deadlines of the pipeline (Jiangmen 江府办函〔2024〕37号, Ganzi 退出管理办法, Anqing 2015; see
# /work/shared/reference/bonds-and-attraction.md §2). Override with settings.ATTRACTION_RULES.
DEFAULT_RULES = {
    "respond_workdays": 1,  # 线索: registered and a person named within 1 working day
    "assess_workdays": 3,  # 研判: concluded within 3 working days
    "report_every_days": 14,  # 跟进: a progress report every 2 weeks
    "register_days": 30,  # after signing: an enterprise registered within 30 days
    "land_months": 3,  # after signing: land supplied
    "start_months": 6,  # after signing: construction started (unless the contract says otherwise)
    "funds_share": Decimal("0.25"),  # funds arrived ≥25% of the contract amount …
    "funds_months": 3,  # … within 3 months of signing
    "start_grace_months": 6,  # 6 months past the agreed start → 限期开工通知书
    "due_soon_days": 7,  # a deadline this close is flagged 临期
    "no_investment_months": 3,  # 只开工不落地: started, no investment reported for 3 months
    # 落地: the stage from which a lead counts as landed (注册, 供地 or 开工 in published rules).
    "landed_from": "registered",
    # 开工率: the stage from which a signed lead counts as started (Weinan counts 投产 too: all
    # stages from 开工 on count).
    "started_from": "started",
}


def rules() -> dict:
    merged = {**DEFAULT_RULES, **getattr(settings, "ATTRACTION_RULES", {})}
    merged["funds_share"] = Decimal(str(merged["funds_share"]))
    return merged


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    import calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def lead_scope_q(user, action: str, prefix: str = "") -> Q | None:
    """Which leads `user` may see ("view"), work on ("change") or whose investor contacts
    they may read ("contacts")."""
    from apps.accounts.models import Role

    def q(**lookups):
        return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})

    role = user.role
    region_q = q(region__code__startswith=user.region.code_prefix) if user.region_id else None
    unit_q = q(attraction_unit_id=user.organisation_id) if user.organisation_id else None
    if role in (Role.CITY_ADMIN, Role.COUNTY_USER):
        return region_q
    if role == Role.DEPARTMENT_USER:
        return unit_q
    if action != "view":
        return None
    if role == Role.CITY_LEADER:
        return region_q
    if role == Role.AUDITOR or user.is_superuser:
        return Q()
    return None


class LeadQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return lead_scope_q(user, action)

    def with_list_relations(self):
        return self.select_related("region", "attraction_unit", "contract", "project")


class InvestmentLead(models.Model):
    """招商线索: one prospective investment, from the first contact to a producing enterprise."""

    name = models.CharField(_("项目名称"), max_length=200)
    investor_name = models.CharField(_("投资方"), max_length=200)
    investor_credit_code = models.CharField(
        _("投资方统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    is_leading_enterprise = models.BooleanField(_("龙头企业"), default=False)
    investor_origin = models.CharField(_("投资方来源地"), max_length=100, blank=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("拟落地县区"), on_delete=models.PROTECT)
    industry_code = models.CharField(
        _("国民经济行业代码"), max_length=5, validators=[validate_industry_code], help_text=_("GB/T 4754-2017")
    )
    encouraged_industry = models.BooleanField(_("属鼓励类产业目录"), default=False)
    category = models.CharField(_("项目类别"), max_length=20, choices=Category.choices, default=Category.INDUSTRY)
    intended_investment = MoneyField(_("意向投资（万元）"), validators=[MONEY_NON_NEGATIVE])
    source = models.CharField(_("线索来源"), max_length=20, choices=LeadSource.choices)
    attraction_unit = models.ForeignKey(
        "regions.Organisation",
        verbose_name=_("招商单位"),
        on_delete=models.PROTECT,
        related_name="investment_leads",
        limit_choices_to={"kind": "department"},
    )
    attraction_person = models.CharField(_("招商责任人"), max_length=50)
    content = models.TextField(_("投资内容"), blank=True)
    received_on = models.DateField(_("线索获取日期"))
    stage = models.CharField(_("阶段"), max_length=20, choices=LeadStage.choices, default=LeadStage.LEAD)
    stage_since = models.DateField(_("进入本阶段日期"))
    exit_reason = models.CharField(_("退出原因"), max_length=30, choices=ExitReason.choices, blank=True)
    exit_note = models.TextField(_("退出说明"), blank=True)
    registered_credit_code = models.CharField(
        _("注册企业统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    registered_name = models.CharField(_("注册企业名称"), max_length=200, blank=True)
    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("对应项目库项目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="investment_lead",
    )
    supervised_actions = models.ManyToManyField(
        "problems.SupervisedAction", verbose_name=_("跟踪督办事项"), blank=True, related_name="investment_leads"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = LeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("招商线索")
        verbose_name_plural = _("招商线索")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["stage"]), models.Index(fields=["received_on"])]

    def __str__(self):
        return self.name

    @property
    def is_exited(self) -> bool:
        return self.stage == LeadStage.EXITED

    def reached(self, stage: str) -> bool:
        """Whether the lead got to `stage` (an exited lead: before it left)."""
        return self.stage_dates().get(stage) is not None

    def stage_dates(self) -> dict:
        """Stage → date entered, from the prefetched stage events."""
        return {event.stage: event.entered_on for event in self.stage_events.all()}


class LeadChildQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return lead_scope_q(user, action, prefix="lead__")


class LeadStageEvent(models.Model):
    """The day a lead entered a stage: the trail behind the funnel and the days per stage."""

    lead = models.ForeignKey(InvestmentLead, on_delete=models.CASCADE, related_name="stage_events")
    stage = models.CharField(_("阶段"), max_length=20, choices=LeadStage.choices)
    entered_on = models.DateField(_("进入日期"))
    note = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = LeadChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("阶段记录")
        verbose_name_plural = _("阶段记录")
        ordering = ["entered_on", "id"]
        constraints = [models.UniqueConstraint(fields=["lead", "stage"], name="lead_stage_once")]

    def __str__(self):
        return f"{self.lead} {self.get_stage_display()} {self.entered_on}"


class LeadContract(models.Model):
    """签约: the contract or agreement signed with the investor, and what each side committed."""

    lead = models.OneToOneField(InvestmentLead, on_delete=models.CASCADE, related_name="contract")
    amount = MoneyField(_("合同投资额（万元）"), validators=[MONEY_NON_NEGATIVE])
    signed_on = models.DateField(_("签约日期"))
    counterpart = models.CharField(_("签约主体"), max_length=200)
    commitments = models.TextField(_("双方承诺事项"), blank=True)
    # The contract's own dates; blank means the rule's period after signing.
    agreed_start_date = models.DateField(_("约定开工日期"), null=True, blank=True)
    signed_at_event = models.CharField(_("签约活动"), max_length=100, blank=True)

    objects = LeadChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("签约合同")
        verbose_name_plural = _("签约合同")

    def __str__(self):
        return f"{self.lead} {self.signed_on}"


class LeadFollowUp(models.Model):
    """跟进报告: the two-weekly report on a lead's progress."""

    lead = models.ForeignKey(InvestmentLead, on_delete=models.CASCADE, related_name="follow_ups")
    reported_on = models.DateField(_("报告日期"))
    content = models.TextField(_("进展情况"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = LeadChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("跟进报告")
        verbose_name_plural = _("跟进报告")
        ordering = ["-reported_on", "-id"]

    def __str__(self):
        return f"{self.lead} {self.reported_on}"


class LeadFundsArrival(models.Model):
    """到位资金: money of the investor that actually arrived, with its date."""

    lead = models.ForeignKey(InvestmentLead, on_delete=models.CASCADE, related_name="funds_arrivals")
    arrived_on = models.DateField(_("到位日期"))
    amount = MoneyField(_("到位金额（万元）"), validators=[MONEY_NON_NEGATIVE])
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = LeadChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("到位资金")
        verbose_name_plural = _("到位资金")
        ordering = ["arrived_on", "id"]

    def __str__(self):
        return f"{self.lead} {self.arrived_on} {self.amount}"


class LeadNotice(models.Model):
    """限期开工通知书 / 项目退出通知书 issued to the investor."""

    lead = models.ForeignKey(InvestmentLead, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("通知类型"), max_length=20, choices=NoticeKind.choices)
    issued_on = models.DateField(_("发出日期"))
    deadline = models.DateField(_("限期"), null=True, blank=True)
    content = models.TextField(_("通知内容"), blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = LeadChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("限期通知")
        verbose_name_plural = _("限期通知")
        ordering = ["issued_on", "id"]

    def __str__(self):
        return f"{self.lead} {self.get_kind_display()}"


class ContactQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        # Contacts are personal data: read and written by the roles that may change the lead.
        return lead_scope_q(user, "change", prefix="lead__")


class InvestorContact(models.Model):
    """投资方联系人 (personal data: see the module docstring)."""

    lead = models.ForeignKey(InvestmentLead, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)

    objects = ContactQuerySet.as_manager()

    # The log is read more widely than the contacts: it keeps who changed a contact, not the numbers.
    AUDIT_EXCLUDE = frozenset({"phone", "email"})

    class Meta:
        verbose_name = _("投资方联系人")
        verbose_name_plural = _("投资方联系人")
        ordering = ["id"]

    def __str__(self):
        return self.name


class PersonalDataReadQuerySet(RestrictedQuerySet):
    def update(self, **kwargs):
        raise PermissionError("personal-data reads are append-only")

    def delete(self):
        raise PermissionError("personal-data reads are append-only")

    def scope_q(self, user, action):
        from apps.accounts.models import Role

        # The audit administrator (三员) reads the audit trail, this log of personal-data reads included.
        if action == "view" and (user.role in (Role.AUDITOR, Role.AUDIT_ADMIN, Role.CITY_ADMIN) or user.is_superuser):
            return Q()
        return None


class PersonalDataRead(models.Model):
    """One read of a lead's investor contacts (安全审计: who read whose personal data, when, how)."""

    time = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("读取人"), on_delete=models.PROTECT)
    user_name = models.CharField(_("读取人姓名"), max_length=150)
    lead = models.ForeignKey(InvestmentLead, verbose_name=_("招商线索"), on_delete=models.PROTECT)
    contacts = models.PositiveSmallIntegerField(_("联系人数"))
    channel = models.CharField(_("途径"), max_length=20)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(_("客户端 IP"), null=True, blank=True)

    objects = PersonalDataReadQuerySet.as_manager()

    class Meta:
        verbose_name = _("个人信息读取记录")
        verbose_name_plural = _("个人信息读取记录")
        ordering = ["-time", "-id"]

    def __str__(self):
        return f"{self.user_name} {self.lead_id} {self.time}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("personal-data reads are append-only")
        super().save(*args, **kwargs)
