"""领导简报: one page for a city leader before a meeting: the figures of the speeches for
their projects (those they lead and those led by the departments in their charge), the red and yellow projects with the reason and the responsible unit, the
problems waiting for them, the next milestones, and the meetings and supervised actions
that concern them. Everything through the acting user's scope; every figure carries the
link to its projects (the dashboard's drill-down of the set `person:<id>`)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from apps.accounts.models import Role
from apps.briefs.models import DepartmentCharge, SiteVisit
from apps.bulletins.lights import project_lights
from apps.bulletins.snapshot import key_project_rows
from apps.core.querysets import pk_in
from apps.problems.models import ACTIVE_STATUSES, OPEN_ACTION_STATUSES, Meeting, Problem, SupervisedAction
from apps.projects.models import Milestone
from apps.regions.models import Person, Region
from apps.statistics.indicators import indicators_compute, parse_project_set, percent, period_end, to_yi

#: Rows per list: the brief is one A4 page.
LIST_ROWS = 5
FIGURES = (
    "key_projects_count",
    "key_projects_total_investment",
    "annual_planned_investment",
    "completed_ytd",
    "plan_completion_rate",
    "lag_points",
    "started_count",
    "planned_new_starts",
    "new_starts_started",
    "start_rate",
    "not_started_count",
    "unverified_reports",
)


@dataclass
class BriefFigure:
    key: str
    label: str
    value: object
    unit: str
    url: str


@dataclass
class Brief:
    person: Person
    region: Region
    year: int
    month: int
    figures: list[BriefFigure]
    projects: list[dict]
    totals: dict
    lights: list[dict]
    problems: list
    milestones: list
    overdue_milestones: int
    actions: list
    meetings: list
    completed_count: int
    as_of: str = ""
    recent_visits: list = field(default_factory=list)
    due_visits: list = field(default_factory=list)
    departments: list = field(default_factory=list)  # in the leader's charge (分管)

    def figure(self, key: str) -> BriefFigure:
        return next(item for item in self.figures if item.key == key)


def brief_leaders(*, user) -> list[Person]:
    """The city leaders whose brief the user may read: a city leader their own; the city's
    administrators and auditors every city leader of their region."""
    if user.role == Role.CITY_LEADER:
        return [user.person] if user.person_id else []
    if user.role in (Role.CITY_ADMIN, Role.AUDITOR) or user.is_superuser:
        people = Person.objects.filter(is_city_leader=True).order_by("name")
        if user.region_id:
            people = people.filter(region__code__startswith=user.region.code_prefix[:4])
        return list(people)
    return []


def brief_person_get(*, user, person_id: int) -> Person:
    person = next((item for item in brief_leaders(user=user) if item.pk == int(person_id)), None)
    if person is None:
        raise Http404("领导不存在或不在您的范围内。")
    return person


def _region_for(user, person: Person) -> Region:
    return user.region if user.region_id else person.region


def brief_get(*, user, person: Person, year: int | None = None, month: int | None = None) -> Brief:
    today = timezone.localdate()
    if year is None or month is None:
        year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    region = _region_for(user, person)
    project_set = f"person:{person.pk}"
    report = indicators_compute(user=user, region=region, year=year, month=month, project_set=project_set)
    base = {"region": region.pk, "year": year, "month": month, "set": project_set}

    def url(key):
        return f"{reverse('dashboard:projects')}?{urlencode({**base, 'indicator': key})}"

    figures = [BriefFigure(key, report[key].label, report[key].value, report[key].unit, url(key)) for key in FIGURES]
    rows = key_project_rows(user=user, region=region, year=year, month=month, set_q=parse_project_set(project_set))
    end = period_end(year, month)
    lit = project_lights(user=user, project_ids=[row["pk"] for row in rows], year=year, month=month)
    projects, lights = [], []
    completed_count = 0
    for row in rows:
        light = lit.by_project.get(row["pk"])
        item = {
            "id": row["pk"],
            "name": row["name"],
            "region": row["region__name"],
            "stage": row["stage"],
            "planned": to_yi(row["planned"]),
            "completed": to_yi(row["completed"]),
            "rate": percent(row["completed"], row["planned"]),
            "light": light.colour if light else "none",
            "light_label": light.colour_label if light else "—",
            "reason": light.reason if light else "",
            "department": row["lead_department__name"] or "",
            "owner": row["owner_unit__name"] or "",
        }
        projects.append(item)
        if light is not None:
            lights.append(item)
        if row["actual_end_date"] and row["actual_end_date"] <= end:
            completed_count += 1
    lights.sort(key=lambda item: item["light"] != "red")  # red first, then largest plan first
    planned = sum((row["planned"] or Decimal(0) for row in rows), Decimal(0))
    done = sum((row["completed"] for row in rows), Decimal(0))
    totals = {"planned": to_yi(planned), "completed": to_yi(done), "rate": percent(done, planned)}

    ids = [row["pk"] for row in rows]
    problems = list(
        Problem.objects.restrict(user, "view")
        .filter(status__in=ACTIVE_STATUSES, coordinating_leader=person)
        .select_related("project", "responsible_department")
        .order_by("deadline", "pk")[:LIST_ROWS]
    )
    open_milestones = Milestone.objects.filter(pk_in(ids, "project_id"), actual_date__isnull=True)
    milestones = list(
        open_milestones.filter(baseline_date__gte=today)
        .select_related("project")
        .order_by("baseline_date", "pk")[:LIST_ROWS]
    )
    overdue = open_milestones.filter(baseline_date__lt=today).count()
    actions = list(
        SupervisedAction.objects.restrict(user, "view")
        .filter(pk_in(ids, "projects"), status__in=OPEN_ACTION_STATUSES)
        .select_related("owner", "meeting")
        .distinct()
        .order_by("deadline", "pk")[:LIST_ROWS]
    )
    visits = site_visit_queryset(user=user).filter(person=person).prefetch_related("projects")
    recent_visits = list(visits.filter(done=True, visited_on__gte=today - datetime.timedelta(days=90))[:3])
    due_visits = list(visits.filter(done=False, visited_on__gte=today).order_by("visited_on", "pk")[:3])
    departments = list(
        DepartmentCharge.objects.filter(person=person).select_related("department").order_by("department__name")
    )
    meetings = list(
        Meeting.objects.restrict(user, "view")
        .filter(pk_in(ids, "projects"), held_on__gte=today - datetime.timedelta(days=60))
        .distinct()
        .order_by("-held_on", "pk")[:3]
    )
    return Brief(
        person=person,
        region=region,
        year=year,
        month=month,
        figures=figures,
        projects=projects,
        totals=totals,
        lights=lights,
        problems=problems,
        milestones=milestones,
        overdue_milestones=overdue,
        actions=actions,
        meetings=meetings,
        completed_count=completed_count,
        recent_visits=recent_visits,
        due_visits=due_visits,
        departments=[charge.department for charge in departments],
        as_of=f"截至{month}月底" if month != 12 else f"截至{year}年底",
    )


def site_visit_queryset(*, user, action: str = "view"):
    """Site visits about at least one project the user may see; to change one (complete it,
    add decisions) the user records visits (services.RECORDERS) and may see all its projects."""
    from apps.projects.models import Project

    from .services import RECORDERS

    through = SiteVisit.projects.through.objects
    visible = Project.objects.restrict(user, "view").values("pk")
    queryset = SiteVisit.objects.filter(pk__in=through.filter(project_id__in=visible).values("sitevisit_id"))
    if action == "view":
        return queryset
    if user.role not in RECORDERS or user.region_id is None:
        return SiteVisit.objects.none()
    return queryset.exclude(pk__in=through.exclude(project_id__in=visible).values("sitevisit_id"))


def site_visit_get(*, user, pk: int) -> SiteVisit:
    visit = site_visit_queryset(user=user).select_related("person", "meeting", "created_by").filter(pk=pk).first()
    if visit is None:
        raise Http404
    return visit


def site_visit_actions(*, user, visit: SiteVisit) -> list:
    """The supervised actions decided on the visit that the user may see."""
    if visit.meeting_id is None:
        return []
    return list(
        SupervisedAction.objects.restrict(user, "view")
        .filter(meeting_id=visit.meeting_id)
        .select_related("owner", "owner_person")
        .order_by("deadline", "pk")
    )
