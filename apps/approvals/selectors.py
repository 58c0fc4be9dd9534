"""Reads of approvals and factor support. Every function takes the acting user and starts
from the restricted queryset (item_scope_q), so pages, API and figures share one scope.

Working-day figures come from one loaded calendar per call; a date without calendar data
leaves the figure empty and returns the calendar's message for the page to show.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, Value, When
from django.http import Http404
from django.utils import timezone

from apps.projects.models import Project
from apps.workdays.services import WorkCalendar, WorkdayDataMissing

from .catalogue import CONSTRUCTION_PERMIT_CODE, ESTABLISHMENT_CODES
from .filters import ApprovalItemFilterSet
from .models import (
    CLOCK_STATUSES,
    DECIDED_STATUSES,
    DONE_STATUSES,
    OPEN_STATUSES,
    ApprovalItem,
    ApprovalItemType,
    ApprovalSettings,
    FactorNeed,
    Intake,
    ItemStatus,
)

ITEM_RELATIONS = ("project", "project__region", "item_type", "department")
# Ready to be submitted: not with a department, and not done.
SUBMITTABLE = (ItemStatus.NOT_STARTED, ItemStatus.WITHDRAWN, ItemStatus.REJECTED)


def late_q(today: datetime.date, prefix: str = "") -> Q:
    """超期: on the clock and past the due date."""
    return Q(**{f"{prefix}status__in": CLOCK_STATUSES, f"{prefix}due_date__lt": today})


def item_queryset(*, user, action: str = "view"):
    return ApprovalItem.objects.restrict(user, action)


def item_list(*, user, today: datetime.date | None = None):
    today = today or timezone.localdate()
    return (
        item_queryset(user=user)
        .select_related(*ITEM_RELATIONS)
        .annotate(late=Case(When(late_q(today), then=Value(1)), default=Value(0), output_field=IntegerField()))
    )


def item_filterset(*, user, params, request=None) -> ApprovalItemFilterSet:
    return ApprovalItemFilterSet(params, queryset=item_list(user=user), request=request)


def item_get(*, user, pk: int, action: str = "view") -> ApprovalItem:
    """The item if the user may see it (else 404) and may do `action` on it (else 403)."""
    item = item_list(user=user).filter(pk=pk).first()
    if item is None:
        raise Http404("审批事项不存在或不在您的权限范围内。")
    if action != "view" and not item_can(user=user, item=item, action=action):
        raise PermissionDenied("您无权对该审批事项执行此操作。")
    return item


def item_can(*, user, item: ApprovalItem, action: str) -> bool:
    return item_queryset(user=user, action=action).filter(pk=item.pk).exists()


def item_history(*, user, item: ApprovalItem):
    from django.contrib.contenttypes.models import ContentType

    from apps.audit.models import ChangeRecord

    # Whoever sees the item sees its history, also a department handling an item of a project
    # it neither leads nor partners (the project-based record scope would hide it from them).
    if not item_queryset(user=user).filter(pk=item.pk).exists():
        return ChangeRecord.objects.none()
    return (
        ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(ApprovalItem), object_id=item.pk)
        .select_related("content_type")
        .order_by("-time", "-id")
    )


def item_type_list(*, user):
    return ApprovalItemType.objects.restrict(user).select_related("authority").prefetch_related("prerequisites")


def item_type_get(*, user, pk: int, action: str = "view") -> ApprovalItemType:
    item_type = item_type_list(user=user).filter(pk=pk).first()
    if item_type is None:
        raise Http404("审批事项类型不存在。")
    if action != "view" and not ApprovalItemType.objects.restrict(user, action).filter(pk=pk).exists():
        raise PermissionDenied("只有市发改委管理员可以维护审批事项目录。")
    return item_type


def worklist(*, user, today: datetime.date | None = None):
    """A department's pending items (a department user: their own department's): overdue
    first, then by due date; items waiting to be accepted (no due date yet) after those."""
    today = today or timezone.localdate()
    items = item_list(user=user, today=today).filter(status__in=OPEN_STATUSES)
    if user.organisation_id and user.role == "department_user":
        items = items.filter(department_id=user.organisation_id)
    no_due = Case(When(due_date__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField())
    return items.annotate(no_due=no_due).order_by("-late", "no_due", "due_date", "submitted_on", "pk")


def overdue_list(*, user, today: datetime.date | None = None):
    today = today or timezone.localdate()
    return item_list(user=user, today=today).filter(late_q(today)).order_by("due_date", "pk")


def checklist(*, user, project: Project):
    deps = ApprovalItem.objects.select_related("item_type").only("pk", "status", "item_type__name")
    return (
        item_list(user=user)
        .filter(project=project)
        .prefetch_related(Prefetch("depends_on", queryset=deps))
        .order_by("item_type__sequence", "pk")
    )


def ready_items(*, user, project: Project) -> list[ApprovalItem]:
    """Items the user may submit now: not with a department and every prerequisite done."""
    items = checklist(user=user, project=project).filter(status__in=SUBMITTABLE)
    allowed = set(item_queryset(user=user, action="apply").filter(project=project).values_list("pk", flat=True))
    return [
        item
        for item in items
        if item.pk in allowed and all(dep.status in DONE_STATUSES for dep in item.depends_on.all())
    ]


def project_intakes(*, user, project: Project):
    if not Project.objects.restrict(user).filter(pk=project.pk).exists():
        return Intake.objects.none()
    return Intake.objects.filter(project=project).select_related("received_by").order_by("-received_on", "-pk")


def factor_list(*, user, project: Project | None = None):
    """Factor needs the user sees, each with `can_change` (so a page shows 修改 only where it opens)."""
    changeable = FactorNeed.objects.restrict(user, "change").filter(pk=OuterRef("pk"))
    needs = (
        FactorNeed.objects.restrict(user)
        .select_related("project", "department")
        .annotate(can_change=Exists(changeable))
    )
    return needs.filter(project=project) if project is not None else needs


def factor_get(*, user, pk: int, action: str = "view") -> FactorNeed:
    need = factor_list(user=user).filter(pk=pk).first()
    if need is None:
        raise Http404("要素需求不存在或不在您的权限范围内。")
    if action != "view" and not FactorNeed.objects.restrict(user, action).filter(pk=pk).exists():
        raise PermissionDenied("您无权修改该要素需求。")
    return need


# --- working days --------------------------------------------------------------------------


def with_elapsed(items, *, today: datetime.date | None = None, calendar: WorkCalendar | None = None):
    """Set `elapsed` on each item: working days with the department, from submission to the
    decision or today. Returns (items, the calendar's message or None)."""
    today = today or timezone.localdate()
    calendar = calendar or WorkCalendar.load()
    items, error = list(items), None
    for item in items:
        item.elapsed = None
        if item.submitted_on and item.status in (*OPEN_STATUSES, *DECIDED_STATUSES):
            try:
                item.elapsed = calendar.between(item.submitted_on, item.decided_on or today)
            except WorkdayDataMissing as missing:
                error = error or missing.messages[0]
    return items, error


# --- the timeline --------------------------------------------------------------------------


def timeline(*, user, project: Project, today: datetime.date | None = None) -> dict:
    """The Gantt chart's data: one lane per item (in stage order), its planned bar and its
    actual bar (submission to decision, or to today while open)."""
    today = today or timezone.localdate()
    lanes = []
    for item in checklist(user=user, project=project):
        actual_end = item.decided_on or (today if item.status in OPEN_STATUSES else None)
        lanes.append(
            {
                "id": item.pk,
                "name": item.item_type.name,
                "stage": item.item_type.get_stage_display(),
                "department": str(item.department or ""),
                "status": item.status,
                "status_label": item.get_status_display(),
                "planned": [_iso(item.planned_start_date), _iso(item.planned_end_date)],
                "actual": [_iso(item.submitted_on), _iso(actual_end)],
                "due": _iso(item.due_date),
                "late": bool(item.late),
                "depends_on": [dep.pk for dep in item.depends_on.all()],
            }
        )
    return {"today": today.isoformat(), "lanes": lanes}


def _iso(day):
    return day.isoformat() if day else None


# --- figures -------------------------------------------------------------------------------


@dataclass
class Group:
    key: object
    label: str
    pending: int = 0
    overdue: int = 0
    deemed: int = 0
    decided: int = 0
    total_days: int = 0
    longest: int | None = None
    longest_item: dict | None = None
    filter: str = ""  # the item list's query for this group ("department=3"), for the count links

    @property
    def average(self):
        return round(self.total_days / self.decided, 1) if self.decided else None


@dataclass
class WholeProcessRow:
    project_id: int
    name: str
    start: datetime.date
    end: datetime.date
    finished: bool
    workdays: int | None

    def over(self, target: int) -> bool:
        return self.workdays is not None and self.workdays > target


@dataclass
class Figures:
    today: datetime.date
    by_department: list = field(default_factory=list)
    by_item_type: list = field(default_factory=list)
    stuck: list = field(default_factory=list)  # open items, longest with their department first
    whole_process: list = field(default_factory=list)
    target: int = 120
    average_whole_process: float | None = None
    finished_within_target: int = 0
    finished_count: int = 0
    calendar_error: str | None = None


STUCK_LIMIT = 10


def figures(*, user, today: datetime.date | None = None) -> Figures:
    """Per department and per item type: pending, overdue, deemed approved, average working
    days of decided items (submission to decision) and the longest (open items counted to
    today: "stuck at X for N working days"); the whole process from establishment (立项) to the
    construction permit against the target. Three queries and the calendar's two."""
    today = today or timezone.localdate()
    calendar = WorkCalendar.load()
    result = Figures(today=today, target=ApprovalSettings.current().target_workdays)
    rows = (
        item_queryset(user=user)
        .filter(submitted_on__isnull=False, status__in=(*OPEN_STATUSES, *DECIDED_STATUSES))
        .values(
            "pk",
            "project_id",
            "project__name",
            "item_type_id",
            "item_type__name",
            "item_type__sequence",
            "department_id",
            "department__name",
            "department__short_name",
            "status",
            "submitted_on",
            "due_date",
            "decided_on",
        )
        .order_by("pk")
    )
    departments: dict = {}
    item_types: dict = {}
    stuck = []
    for row in rows:
        department_id = row["department_id"]
        department = departments.setdefault(
            department_id,
            Group(
                department_id,
                row["department__short_name"] or row["department__name"] or "—",
                filter=f"department={department_id}" if department_id else "no_department=true",
            ),
        )
        item_type = item_types.setdefault(
            row["item_type_id"],
            Group(row["item_type__sequence"], row["item_type__name"], filter=f"item_type={row['item_type_id']}"),
        )
        status = row["status"]
        is_open = status in OPEN_STATUSES
        days = None
        try:
            days = calendar.between(row["submitted_on"], row["decided_on"] or today)
        except WorkdayDataMissing as missing:
            result.calendar_error = result.calendar_error or missing.messages[0]
        described = {
            "id": row["pk"],
            "project": row["project__name"],
            "project_id": row["project_id"],
            "item": row["item_type__name"],
            "department": department.label,
            "days": days,
            "open": is_open,
        }
        for group in (department, item_type):
            group.pending += is_open
            group.overdue += status in CLOCK_STATUSES and row["due_date"] is not None and row["due_date"] < today
            group.deemed += status == ItemStatus.DEEMED_APPROVED
            if days is None:
                continue
            if not is_open:
                group.decided += 1
                group.total_days += days
            if group.longest is None or days > group.longest:
                group.longest, group.longest_item = days, described
        if is_open and days is not None:
            stuck.append(described)
    result.by_department = sorted(departments.values(), key=lambda g: (-g.overdue, -g.pending, g.label))
    result.by_item_type = sorted(item_types.values(), key=lambda g: g.key)
    result.stuck = sorted(stuck, key=lambda s: (-s["days"], s["id"]))[:STUCK_LIMIT]
    _whole_process(user=user, today=today, calendar=calendar, result=result)
    return result


def _whole_process(*, user, today, calendar, result: Figures) -> None:
    ends = (
        item_queryset(user=user)
        .filter(item_type__code__in=[*ESTABLISHMENT_CODES, CONSTRUCTION_PERMIT_CODE], status__in=DONE_STATUSES)
        .values_list("project_id", "project__name", "item_type__code", "decided_on")
        .order_by("project_id")
    )
    starts, permits, names = {}, {}, {}
    for project_id, name, code, decided_on in ends:
        names[project_id] = name
        (permits if code == CONSTRUCTION_PERMIT_CODE else starts)[project_id] = decided_on
    rows = []
    for project_id, start in starts.items():
        end = permits.get(project_id)
        workdays = None
        try:
            workdays = calendar.between(start, end or today)
        except WorkdayDataMissing as missing:
            result.calendar_error = result.calendar_error or missing.messages[0]
        rows.append(WholeProcessRow(project_id, names[project_id], start, end or today, end is not None, workdays))
    rows.sort(key=lambda r: (-(r.workdays or 0), r.project_id))
    finished = [r.workdays for r in rows if r.finished and r.workdays is not None]
    result.whole_process = rows
    result.finished_count = len(finished)
    result.finished_within_target = sum(1 for days in finished if days <= result.target)
    result.average_whole_process = round(sum(finished) / len(finished), 1) if finished else None
