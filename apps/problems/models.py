"""Problems (存在问题) and how they are pushed to a solution: the escalation ladder
(包抓领导 → 专题会议 → 政府常务会 → 市委常委会), supervision letters (交办函、提醒函、督办函)
and meetings (月调度、专题会议、政府常务会、市委常委会) whose decisions become supervised
actions (督办事项) tracked to closure.

Scope follows the project's (project_scope_q): whoever sees a project sees its problems;
a department also sees the problems it is responsible for, letters addressed to it and
the supervised actions it owns.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.querysets import RestrictedQuerySet
from apps.projects.models import project_scope_q


class ProblemType(models.TextChoices):
    LAND = "land", _("征地拆迁")
    PLANNING = "planning", _("规划")
    ENVIRONMENT = "environment", _("环境")
    FUNDS = "funds", _("资金")
    APPROVALS = "approvals", _("审批手续")
    CONSTRUCTION = "construction", _("施工建设")
    UTILITIES = "utilities", _("水电气等配套")
    OTHER = "other", _("其他")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("待协调")
    IN_PROGRESS = "in_progress", _("协调中")
    RESOLVED = "resolved", _("已解决待确认")
    CLOSED = "closed", _("已销号")
    CANNOT_RESOLVE_NOW = "cannot_resolve_now", _("暂不能解决")


# Problems still waiting for someone to act; overdue only makes sense for these.
ACTIVE_STATUSES = (ProblemStatus.OPEN, ProblemStatus.IN_PROGRESS)
# Escalation lifts a problem nobody could solve at its level, including one put aside.
ESCALATABLE_STATUSES = (*ACTIVE_STATUSES, ProblemStatus.CANNOT_RESOLVE_NOW)
DONE_STATUSES = (ProblemStatus.RESOLVED, ProblemStatus.CLOSED)


class EscalationLevel(models.TextChoices):
    """The ladder, in order: a problem climbs one rung at a time."""

    LEAD_OFFICIAL = "lead_official", _("包抓领导协调")
    SPECIAL_MEETING = "special_meeting", _("专题会议")
    EXECUTIVE_MEETING = "executive_meeting", _("政府常务会")
    STANDING_COMMITTEE = "standing_committee", _("市委常委会")


LADDER = list(EscalationLevel)

# Calendar days a problem may stay unresolved at a level before it is flagged overdue.
# Override with settings.PROBLEM_LEVEL_TIME_LIMITS (a dict with the same keys).
DEFAULT_LEVEL_TIME_LIMITS = {
    EscalationLevel.LEAD_OFFICIAL: 15,
    EscalationLevel.SPECIAL_MEETING: 30,
    EscalationLevel.EXECUTIVE_MEETING: 30,
    EscalationLevel.STANDING_COMMITTEE: 60,
}


def level_time_limit(level: str) -> int:
    limits = {**DEFAULT_LEVEL_TIME_LIMITS, **getattr(settings, "PROBLEM_LEVEL_TIME_LIMITS", {})}
    return int(limits[EscalationLevel(level)])


def next_level(level: str) -> EscalationLevel | None:
    index = LADDER.index(EscalationLevel(level))
    return LADDER[index + 1] if index + 1 < len(LADDER) else None


def overdue_q(today: datetime.date, prefix: str = "") -> Q:
    """Unresolved problems past their level's time limit or their own deadline."""
    return Q(**{f"{prefix}status__in": ACTIVE_STATUSES}) & (
        Q(**{f"{prefix}level_due_date__lt": today}) | Q(**{f"{prefix}deadline__lt": today})
    )


def problem_scope_q(user, action: str, prefix: str = "") -> Q | None:
    """Which problems `user` may see ("view") or work on ("handle": record actions, escalate,
    resolve, put aside, edit the responsibility).

    view: the problems of the projects the user sees; a department user also those it is
    responsible for. handle: the city administrator and county users on the projects they
    may change; a department user on problems it is responsible for; a city leader on the
    problems they coordinate or whose project they lead. Confirming a solution is the raiser's
    alone (see services).
    """
    from apps.accounts.models import Role

    def q(**lookups):
        return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})

    project_q = project_scope_q(user, "view", prefix=f"{prefix}project__")
    if action == "view":
        if user.role == Role.DEPARTMENT_USER and user.organisation_id:
            own = q(responsible_department_id=user.organisation_id)
            return own if project_q is None else project_q | own
        return project_q
    if action != "handle" or project_q is None:
        return None
    if user.role in (Role.CITY_ADMIN, Role.COUNTY_USER):
        return project_scope_q(user, "change", prefix=f"{prefix}project__")
    if user.role == Role.DEPARTMENT_USER and user.organisation_id:
        return q(responsible_department_id=user.organisation_id)
    if user.role == Role.CITY_LEADER and user.person_id:
        return project_q & (q(coordinating_leader_id=user.person_id) | q(project__lead_official_id=user.person_id))
    return None


class ProblemQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return problem_scope_q(user, action)

    def with_list_relations(self):
        return self.select_related(
            "project",
            "project__region",
            "responsible_department",
            "responsible_person",
            "coordinating_leader",
            "raised_by",
        )

    def overdue(self, today: datetime.date | None = None):
        return self.filter(overdue_q(today or timezone.localdate()))


class Problem(models.Model):
    """An obstacle holding a project back, and who must remove it by when."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="problems"
    )
    problem_type = models.CharField(_("问题类型"), max_length=20, choices=ProblemType.choices)
    description = models.TextField(_("问题描述"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+"
    )
    raised_on = models.DateField(_("提出日期"))
    responsible_department = models.ForeignKey(
        "regions.Organisation",
        verbose_name=_("责任单位"),
        on_delete=models.PROTECT,
        related_name="responsible_problems",
    )
    responsible_person = models.ForeignKey(
        "regions.Person",
        verbose_name=_("责任人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_problems",
    )
    coordinating_leader = models.ForeignKey(
        "regions.Person",
        verbose_name=_("协调领导"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_problems",
        limit_choices_to={"is_city_leader": True},
    )
    deadline = models.DateField(_("办结时限"))
    status = models.CharField(_("状态"), max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    level = models.CharField(
        _("协调层级"), max_length=20, choices=EscalationLevel.choices, default=EscalationLevel.LEAD_OFFICIAL
    )
    level_since = models.DateField(_("进入本层级日期"))
    # Fixed when the problem reaches the level, from the time limit then in force.
    level_due_date = models.DateField(_("本层级办理时限"))
    resolution = models.TextField(_("解决情况"), blank=True)
    resolved_on = models.DateField(_("解决日期"), null=True, blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    status_note = models.TextField(_("状态说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["-raised_on", "-id"]
        indexes = [
            models.Index(fields=["status", "level"]),
            models.Index(fields=["level_due_date"]),
            models.Index(fields=["deadline"]),
        ]

    def __str__(self):
        return f"{self.project} · {self.get_problem_type_display()}：{self.description[:30]}"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status in ACTIVE_STATUSES and (self.level_due_date < today or self.deadline < today)

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def level_overdue(self) -> bool:
        return self.status in ACTIVE_STATUSES and self.level_due_date < timezone.localdate()

    @property
    def days_to_resolve(self) -> int | None:
        return (self.resolved_on - self.raised_on).days if self.resolved_on else None


class ProblemChildQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return problem_scope_q(user, action, prefix="problem__")


class ProblemAction(models.Model):
    """One thing done about a problem (协调、现场办公、会商…), with its date."""

    problem = models.ForeignKey(Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="actions")
    taken_on = models.DateField(_("日期"))
    description = models.TextField(_("措施"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ProblemChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("协调措施")
        verbose_name_plural = _("协调措施")
        ordering = ["taken_on", "id"]

    def __str__(self):
        return f"{self.taken_on} {self.description[:30]}"


class Escalation(models.Model):
    """A problem lifted one rung up the ladder, with the reason."""

    problem = models.ForeignKey(Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="escalations")
    from_level = models.CharField(_("原层级"), max_length=20, choices=EscalationLevel.choices)
    to_level = models.CharField(_("提请层级"), max_length=20, choices=EscalationLevel.choices)
    reason = models.TextField(_("提请理由"))
    escalated_on = models.DateField(_("提请日期"))
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提请人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ProblemChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题提级")
        verbose_name_plural = _("问题提级")
        ordering = ["escalated_on", "id"]

    def __str__(self):
        return f"{self.get_from_level_display()} → {self.get_to_level_display()}"


# --- letters ----------------------------------------------------------------------


class LetterKind(models.TextChoices):
    ASSIGNMENT = "assignment", _("交办函")
    REMINDER = "reminder", _("提醒函")
    SUPERVISION = "supervision", _("督办函")


# The character of the number that tells the kind: 示范市发改督〔2026〕12号.
LETTER_NUMBER_MARK = {LetterKind.ASSIGNMENT: "交", LetterKind.REMINDER: "提", LetterKind.SUPERVISION: "督"}


def letter_scope_q(user, action: str) -> Q | None:
    """Letters are seen with their problem; a department also sees those addressed to it
    and answers them ("respond")."""
    from apps.accounts.models import Role

    if action == "view":
        problem_q = problem_scope_q(user, "view", prefix="problem__")
        if user.role == Role.DEPARTMENT_USER and user.organisation_id:
            own = Q(addressee_id=user.organisation_id)
            return own if problem_q is None else problem_q | own
        return problem_q
    if action == "respond":
        if user.role == Role.DEPARTMENT_USER and user.organisation_id:
            return Q(addressee_id=user.organisation_id)
        if user.role in (Role.CITY_ADMIN, Role.COUNTY_USER):
            return problem_scope_q(user, "handle", prefix="problem__")
    return None


class LetterQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return letter_scope_q(user, action)


class LetterCounter(models.Model):
    """The last number given to letters of one issuer, year and kind. Locked while a
    letter is numbered, so that numbers have no gaps and no duplicates."""

    issuer_code = models.CharField(_("发文机关代码"), max_length=6)
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("函件类型"), max_length=20, choices=LetterKind.choices)
    last_number = models.PositiveIntegerField(_("已用最大编号"), default=0)

    class Meta:
        verbose_name = _("函件编号计数")
        verbose_name_plural = _("函件编号计数")
        constraints = [
            models.UniqueConstraint(fields=["issuer_code", "year", "kind"], name="letter_counter_unique"),
        ]

    def __str__(self):
        return f"{self.issuer_code} {self.year} {self.kind} {self.last_number}"


class Letter(models.Model):
    """A 交办函 / 提醒函 / 督办函 about a problem, with its Word document and the answer."""

    problem = models.ForeignKey(Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(_("函件类型"), max_length=20, choices=LetterKind.choices)
    issuer_code = models.CharField(_("发文机关代码"), max_length=6)
    issuer_name = models.CharField(_("发文机关"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("序号"))
    reference = models.CharField(_("文号"), max_length=60)
    addressee = models.ForeignKey(
        "regions.Organisation", verbose_name=_("主送单位"), on_delete=models.PROTECT, related_name="letters"
    )
    title = models.CharField(_("标题"), max_length=200)
    matter = models.TextField(_("事项"))
    deadline = models.DateField(_("办理时限"))
    issued_on = models.DateField(_("发文日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )
    document = models.BinaryField(_("函件文档"), editable=False)
    response = models.TextField(_("办理情况"), blank=True)
    responded_on = models.DateField(_("反馈日期"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("反馈人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = LetterQuerySet.as_manager()

    # The document is large and regenerated from the other fields; the log keeps those.
    AUDIT_EXCLUDE = frozenset({"document"})

    class Meta:
        verbose_name = _("函件")
        verbose_name_plural = _("函件")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["issuer_code", "year", "kind", "number"], name="letter_number_unique"),
        ]

    def __str__(self):
        return self.reference

    @property
    def answered_on_time(self) -> bool | None:
        if self.responded_on is None:
            return None
        return self.responded_on <= self.deadline

    @property
    def awaiting_overdue(self) -> bool:
        return self.responded_on is None and self.deadline < timezone.localdate()


# --- meetings and supervised actions ----------------------------------------------


class MeetingKind(models.TextChoices):
    MONTHLY_DISPATCH = "monthly_dispatch", _("月调度会")
    SPECIAL_MEETING = "special_meeting", _("专题会议")
    EXECUTIVE_MEETING = "executive_meeting", _("政府常务会")
    STANDING_COMMITTEE = "standing_committee", _("市委常委会")
    # 每个部门安排半天时间听取项目谋划 (apps/reserve lists the department's planned projects).
    DEPARTMENT_REVIEW = "department_review", _("部门项目谋划会")


# The ladder rung whose problems a meeting takes up; the monthly dispatch reviews the
# problems still in the lead officials' hands.
MEETING_LEVEL = {
    MeetingKind.MONTHLY_DISPATCH: EscalationLevel.LEAD_OFFICIAL,
    MeetingKind.SPECIAL_MEETING: EscalationLevel.SPECIAL_MEETING,
    MeetingKind.EXECUTIVE_MEETING: EscalationLevel.EXECUTIVE_MEETING,
    MeetingKind.STANDING_COMMITTEE: EscalationLevel.STANDING_COMMITTEE,
    MeetingKind.DEPARTMENT_REVIEW: EscalationLevel.LEAD_OFFICIAL,
}


def _region_and_ancestors_q(region, field: str) -> Q:
    """Regions at or above `region` (GB/T 2260 prefixes): a county user sees city meetings."""
    code = region.code
    return Q(**{f"{field}__code__in": {code[:2] + "0000", code[:4] + "00", code}})


def meeting_scope_q(user, action: str) -> Q | None:
    """view: meetings of the user's region, its sub-regions and the regions above it
    (a department, those of its organisation's region and above); auditors everything.
    change (agenda, minutes, decisions): the city administrator and county users within
    their region."""
    from apps.accounts.models import Role

    if action == "view":
        if user.role == Role.AUDITOR or user.is_superuser:
            return Q()
        if user.role in (Role.CITY_ADMIN, Role.CITY_LEADER, Role.COUNTY_USER) and user.region_id:
            return Q(region__code__startswith=user.region.code_prefix) | _region_and_ancestors_q(user.region, "region")
        if user.role == Role.DEPARTMENT_USER and user.organisation_id:
            return _region_and_ancestors_q(user.organisation.region, "region")
        return None
    if action == "change" and user.role in (Role.CITY_ADMIN, Role.COUNTY_USER) and user.region_id:
        return Q(region__code__startswith=user.region.code_prefix)
    return None


class MeetingQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return meeting_scope_q(user, action)


class Meeting(models.Model):
    kind = models.CharField(_("会议类型"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("会议名称"), max_length=200)
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT)
    held_on = models.DateField(_("会议日期"))
    chair = models.ForeignKey(
        "regions.Person", verbose_name=_("主持人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attendees = models.TextField(_("参会人员"), blank=True)
    location = models.CharField(_("会议地点"), max_length=100, blank=True)
    problems = models.ManyToManyField(Problem, verbose_name=_("研究的问题"), blank=True, related_name="meetings")
    projects = models.ManyToManyField(
        "projects.Project", verbose_name=_("调度的项目"), blank=True, related_name="meetings"
    )
    minutes = models.TextField(_("会议纪要"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("组织人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return self.title


class ActionStatus(models.TextChoices):
    OPEN = "open", _("待办理")
    IN_PROGRESS = "in_progress", _("办理中")
    DONE = "done", _("已办结待确认")
    CLOSED = "closed", _("已销号")


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


def supervised_action_scope_q(user, action: str) -> Q | None:
    """view: the actions of meetings the user sees, those its organisation owns, and those
    about projects it sees. report (progress, done): the owner's department users and the
    meeting's organisers. close (confirm, reopen): the meeting's organisers."""
    from apps.accounts.models import Role
    from apps.projects.models import Project

    organiser_q = meeting_scope_q(user, "change")
    organiser = Q(meeting__in=Meeting.objects.filter(organiser_q)) if organiser_q is not None else None
    own = Q(owner_id=user.organisation_id) if user.role == Role.DEPARTMENT_USER and user.organisation_id else None
    if action == "view":
        parts = [own]
        meeting_q = meeting_scope_q(user, "view")
        if meeting_q is not None:
            parts.append(Q(meeting__in=Meeting.objects.filter(meeting_q)))
        project_q = project_scope_q(user, "view")
        if project_q is not None:
            through = SupervisedAction.projects.through.objects.filter(
                project__in=Project.objects.filter(project_q)
            ).values("supervisedaction_id")
            parts.append(Q(pk__in=through))
        return _any(parts)
    if action == "report":
        return _any([own, organiser])
    if action == "close":
        return organiser
    return None


def _any(parts: list[Q | None]) -> Q | None:
    result = None
    for part in parts:
        if part is not None:
            result = part if result is None else result | part
    return result


class SupervisedActionQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return supervised_action_scope_q(user, action)

    def overdue(self, today: datetime.date | None = None):
        return self.filter(status__in=OPEN_ACTION_STATUSES, deadline__lt=today or timezone.localdate())


class SupervisedAction(models.Model):
    """督办事项: one decision of a meeting's minutes, with an owner and a deadline,
    tracked until the organiser closes it."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="supervised_actions"
    )
    decision = models.TextField(_("议定事项"))
    owner = models.ForeignKey(
        "regions.Organisation", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="supervised_actions"
    )
    owner_person = models.ForeignKey(
        "regions.Person", verbose_name=_("责任人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deadline = models.DateField(_("完成时限"))
    status = models.CharField(_("状态"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    progress = models.TextField(_("办理进展"), blank=True)
    done_on = models.DateField(_("办结日期"), null=True, blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    projects = models.ManyToManyField(
        "projects.Project", verbose_name=_("相关项目"), blank=True, related_name="supervised_actions"
    )
    problems = models.ManyToManyField(
        Problem, verbose_name=_("相关问题"), blank=True, related_name="supervised_actions"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = SupervisedActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return self.decision[:60]

    @property
    def overdue(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES and self.deadline < timezone.localdate()
