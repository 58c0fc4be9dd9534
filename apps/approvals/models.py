"""Approvals on the commitment clock (审批承诺制) and factor support (要素保障).

A catalogue of approval item types (the four stages of the engineering-construction approval
reform), per-project checklists of approval items with their steps and due dates in working
days, unified intakes, factor needs, and the settings (whole-process target, reminders).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.querysets import RestrictedQuerySet
from apps.core.text import validate_name
from apps.projects.models import project_scope_q


class ApprovalStage(models.TextChoices):
    APPROVAL_AND_LAND = "approval_and_land", _("立项用地规划许可")
    ENGINEERING_PERMIT = "engineering_permit", _("工程建设许可")
    CONSTRUCTION_PERMIT = "construction_permit", _("施工许可")
    COMPLETION_ACCEPTANCE = "completion_acceptance", _("竣工验收")


class Establishment(models.TextChoices):
    """立项的三种方式, also segment 4 of the project code (01 审批, 02 核准, 03 备案)."""

    APPROVAL = "approval", _("审批")
    RATIFICATION = "ratification", _("核准")
    FILING = "filing", _("备案")


class ItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未申报")
    SUBMITTED = "submitted", _("已申报")
    ACCEPTED = "accepted", _("已受理")
    ACCEPTED_WITH_GAPS = "accepted_with_gaps", _("容缺受理")
    APPROVED = "approved", _("已批复")
    REJECTED = "rejected", _("不予批准")
    DEEMED_APPROVED = "deemed_approved", _("视为同意")
    WITHDRAWN = "withdrawn", _("已撤回")


# With the authority: waiting to be accepted or decided.
OPEN_STATUSES = (ItemStatus.SUBMITTED, ItemStatus.ACCEPTED, ItemStatus.ACCEPTED_WITH_GAPS)
# On the clock: accepted, the committed time limit runs.
CLOCK_STATUSES = (ItemStatus.ACCEPTED, ItemStatus.ACCEPTED_WITH_GAPS)
# Done: what a serial successor waits for.
DONE_STATUSES = (ItemStatus.APPROVED, ItemStatus.DEEMED_APPROVED)
DECIDED_STATUSES = (ItemStatus.APPROVED, ItemStatus.DEEMED_APPROVED, ItemStatus.REJECTED)


class ItemTypeQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        from apps.accounts.models import Role

        if action == "view":
            return Q()
        return Q() if user.role == Role.CITY_ADMIN else None


class ApprovalItemType(models.Model):
    """One kind of approval (审批事项) in the city's catalogue."""

    code = models.SlugField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("事项名称"), max_length=100, validators=[validate_name])
    stage = models.CharField(_("审批阶段"), max_length=30, choices=ApprovalStage.choices)
    sequence = models.PositiveSmallIntegerField(_("顺序"), default=0)
    authority = models.ForeignKey(
        "regions.Organisation",
        verbose_name=_("审批部门"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "department"},
    )
    authority_hint = models.CharField(
        _("审批部门（名称关键字）"),
        max_length=30,
        blank=True,
        help_text=_("未指定审批部门时，按名称包含该关键字的政府部门匹配。"),
    )
    committed_workdays = models.PositiveSmallIntegerField(
        _("承诺时限（工作日）"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    commitment_applies = models.BooleanField(
        _("适用审批承诺制"), default=True, help_text=_("超过承诺时限未批复的，视为同意。")
    )
    prerequisites = models.ManyToManyField(
        "self",
        verbose_name=_("前置事项"),
        symmetrical=False,
        blank=True,
        related_name="successors",
        help_text=_("须待这些事项（项目清单中有的）办结后才能申报；没有前置事项的可并联办理。"),
    )
    establishment = models.CharField(
        _("立项方式"),
        max_length=20,
        choices=Establishment.choices,
        blank=True,
        help_text=_("立项事项填写；清单只包含与项目立项方式相符的一项。"),
    )
    investor_types = models.JSONField(_("适用投资主体"), default=list, blank=True, help_text=_("空为全部。"))
    categories = models.JSONField(_("适用项目类别"), default=list, blank=True, help_text=_("空为全部。"))
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ItemTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("审批事项类型")
        verbose_name_plural = _("审批事项类型")
        ordering = ["sequence", "id"]

    def __str__(self):
        return self.name


def item_scope_q(user, action: str, prefix: str = "") -> Q | None:
    """Who sees and does what with approval items: the one definition, for UI, API and services.

    view: the item's project is in the user's project scope, or the user's department handles it.
    manage (edit the checklist): city administrator and county users on projects they change.
    apply (intake, submit, withdraw): whoever changes the project (the owner unit's reporter too).
    handle (accept, decide, record supplements): users of the handling department.
    """
    from apps.accounts.models import Role

    def q(**lookups):
        return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})

    handles = user.role == Role.DEPARTMENT_USER and user.organisation_id
    if action == "view":
        projects = project_scope_q(user, "view", prefix=f"{prefix}project__")
        if handles:
            mine = q(department_id=user.organisation_id)
            return mine if projects is None else projects | mine
        return projects
    if action == "manage":
        if user.role not in (Role.CITY_ADMIN, Role.COUNTY_USER):
            return None
        return project_scope_q(user, "change", prefix=f"{prefix}project__")
    if action == "apply":
        return project_scope_q(user, "change", prefix=f"{prefix}project__")
    if action == "handle":
        return q(department_id=user.organisation_id) if handles else None
    return None


class ApprovalItemQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return item_scope_q(user, action)


class Intake(models.Model):
    """统一接件: one application registered at the intake window, its items routed at once."""

    project = models.ForeignKey("projects.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+")
    received_on = models.DateField(_("接件日期"))
    applicant = models.CharField(_("申请人"), max_length=100, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接件人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("统一接件")
        verbose_name_plural = _("统一接件")
        ordering = ["-received_on", "-id"]

    def __str__(self):
        return _("接件 %(number)s") % {"number": self.number}

    @property
    def number(self) -> str:
        return f"JJ{self.received_on:%Y%m%d}-{self.pk:05d}" if self.pk else ""


class ApprovalItem(models.Model):
    """One approval a project needs, with its steps, the handling department and its due date."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="approval_items"
    )
    item_type = models.ForeignKey(ApprovalItemType, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "regions.Organisation",
        verbose_name=_("审批部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approval_items",
    )
    status = models.CharField(_("状态"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED)
    committed_workdays = models.PositiveSmallIntegerField(
        _("承诺时限（工作日）"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    commitment_applies = models.BooleanField(_("适用审批承诺制"), default=True)
    depends_on = models.ManyToManyField(
        "self", verbose_name=_("前置事项"), symmetrical=False, blank=True, related_name="successors"
    )
    planned_start_date = models.DateField(_("计划申报日期"), null=True, blank=True)
    planned_end_date = models.DateField(_("计划办结日期"), null=True, blank=True)
    intake = models.ForeignKey(
        Intake, verbose_name=_("统一接件"), on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    submitted_on = models.DateField(_("申报日期"), null=True, blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    due_date = models.DateField(_("承诺办结日期"), null=True, blank=True)
    remind_on = models.DateField(_("提醒日期"), null=True, blank=True)
    missing_documents = models.TextField(_("容缺材料"), blank=True)
    supplement_deadline = models.DateField(_("补正期限"), null=True, blank=True)
    supplemented_on = models.DateField(_("补正日期"), null=True, blank=True)
    decided_on = models.DateField(_("办结日期"), null=True, blank=True)
    document_number = models.CharField(_("批复文号"), max_length=100, blank=True)
    handler = models.CharField(_("经办人"), max_length=50, blank=True)
    decision_note = models.TextField(_("办理意见"), blank=True)
    deemed_reason = models.CharField(_("视为同意理由"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ApprovalItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("审批事项")
        verbose_name_plural = _("审批事项")
        ordering = ["project", "item_type__sequence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "item_type"], name="approval_item_one_per_type"),
        ]
        indexes = [
            models.Index(fields=["department", "status"], name="approval_item_dept_status"),
            models.Index(fields=["status", "due_date"], name="approval_item_status_due"),
        ]

    def __str__(self):
        return f"{self.project} · {self.item_type}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def clean(self):
        errors = {}
        steps = [
            ("submitted_on", "accepted_on", _("受理日期不能早于申报日期。")),
            ("accepted_on", "decided_on", _("办结日期不能早于受理日期。")),
            ("submitted_on", "decided_on", _("办结日期不能早于申报日期。")),
            ("accepted_on", "supplement_deadline", _("补正期限不能早于受理日期。")),
            ("accepted_on", "supplemented_on", _("补正日期不能早于受理日期。")),
            ("planned_start_date", "planned_end_date", _("计划办结日期不能早于计划申报日期。")),
        ]
        for earlier, later, message in steps:
            a, b = getattr(self, earlier), getattr(self, later)
            if a and b and b < a and later not in errors:
                errors[later] = message
        if self.status == ItemStatus.ACCEPTED_WITH_GAPS:
            if not self.missing_documents.strip():
                errors["missing_documents"] = _("容缺受理须列明容缺材料。")
            if not self.supplement_deadline:
                errors["supplement_deadline"] = _("容缺受理须填写补正期限。")
        if errors:
            raise ValidationError(errors)


class FactorKind(models.TextChoices):
    LAND = "land", _("用地")
    ENERGY = "energy", _("能耗")
    WATER = "water", _("用水")
    ENVIRONMENTAL_CAPACITY = "environmental_capacity", _("环境容量")
    FUNDS = "funds", _("资金")


FACTOR_UNITS = {
    FactorKind.LAND: _("亩"),
    FactorKind.ENERGY: _("吨标准煤/年"),
    FactorKind.WATER: _("万立方米/年"),
    FactorKind.ENVIRONMENTAL_CAPACITY: _("吨/年（主要污染物排放量）"),
    FactorKind.FUNDS: _("万元"),
}


class FactorStatus(models.TextChoices):
    PENDING = "pending", _("待落实")
    IN_PROGRESS = "in_progress", _("协调中")
    SECURED = "secured", _("已保障")
    BLOCKED = "blocked", _("存在困难")


def factor_scope_q(user, action: str) -> Q | None:
    """view: like approval items; change: who manages the checklist, and the responsible department."""
    from apps.accounts.models import Role

    handles = user.role == Role.DEPARTMENT_USER and user.organisation_id
    if action == "view":
        projects = project_scope_q(user, "view", prefix="project__")
        if handles:
            mine = Q(department_id=user.organisation_id)
            return mine if projects is None else projects | mine
        return projects
    if action == "change":
        if handles:
            return Q(department_id=user.organisation_id)
        return item_scope_q(user, "manage")
    if action == "delete":
        return item_scope_q(user, "manage")
    return None


class FactorNeedQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return factor_scope_q(user, action)


class FactorNeed(models.Model):
    """要素保障: one factor (land, energy, water, environmental capacity, funds) a project needs."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="factor_needs"
    )
    kind = models.CharField(_("要素"), max_length=30, choices=FactorKind.choices)
    quantity = models.DecimalField(
        _("需求量"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message=_("需求量不能为负数。"))],
    )
    secured_quantity = models.DecimalField(
        _("已落实量"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message=_("已落实量不能为负数。"))],
    )
    description = models.CharField(_("说明"), max_length=300, blank=True)
    department = models.ForeignKey(
        "regions.Organisation",
        verbose_name=_("责任部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "department"},
    )
    status = models.CharField(_("保障状态"), max_length=20, choices=FactorStatus.choices, default=FactorStatus.PENDING)
    needed_by = models.DateField(_("需求时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = FactorNeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("要素需求")
        verbose_name_plural = _("要素需求")
        ordering = ["project", "kind", "id"]

    def __str__(self):
        return f"{self.project} · {self.get_kind_display()}"

    @property
    def unit(self) -> str:
        return str(FACTOR_UNITS[self.kind])

    def clean(self):
        if self.quantity is not None and self.secured_quantity is not None and self.secured_quantity > self.quantity:
            raise ValidationError({"secured_quantity": _("已落实量不能超过需求量。")})


class ApprovalSettings(models.Model):
    """One row: the whole-process target and the reminder lead time."""

    target_workdays = models.PositiveSmallIntegerField(
        _("全流程审批目标（工作日）"),
        default=120,
        validators=[MinValueValidator(1)],
        help_text=_("从立项到取得施工许可的工作日目标。"),
    )
    reminder_workdays = models.PositiveSmallIntegerField(
        _("到期前提醒（工作日）"), default=3, validators=[MinValueValidator(0), MaxValueValidator(30)]
    )

    class Meta:
        verbose_name = _("审批设置")
        verbose_name_plural = _("审批设置")

    def __str__(self):
        return str(_("审批设置"))

    @classmethod
    def current(cls) -> "ApprovalSettings":
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row
