"""Demo leaders in charge and on site: each demo city leader with projects is put in charge
of the lead departments of their projects (分管), has held a site visit a fortnight ago over
two of their projects (findings, and a decision taken on site tracked as a supervised action
with a deadline 10 working days later) and has one planned in ten days. Demo-sized sets
only; an initial load like the rest of the seed, so no change records."""

import datetime

from apps.accounts.models import User
from apps.problems.models import Meeting, MeetingKind, SupervisedAction
from apps.projects.models import Project
from apps.regions.models import Person

from .models import DepartmentCharge, SiteVisit

MAX_PROJECTS = 5000
DECISION_WORKDAYS = 10


def _deadline(day: datetime.date) -> datetime.date:
    from apps.workdays.services import workdays_add

    try:
        return workdays_add(day, DECISION_WORKDAYS)
    except Exception:  # no calendar data for the year: two calendar weeks
        return day + datetime.timedelta(days=14)


def generate_visits_if_small(*, projects: int, today: datetime.date) -> int:
    """Returns the number of site visits written."""
    if projects > MAX_PROJECTS:
        return 0
    admin = User.objects.filter(username="admin").select_related("region").first()
    if admin is None or admin.region_id is None:
        return 0
    city = admin.region
    written = 0
    for person in Person.objects.filter(is_city_leader=True, region=city).order_by("pk"):
        led = list(
            Project.objects.filter(lead_official=person, region__code__startswith=city.code_prefix)
            .select_related("lead_department")
            .order_by("-total_investment", "pk")[:2]
        )
        if not led:
            continue
        departments = {project.lead_department_id for project in led if project.lead_department_id}
        for department_id in sorted(departments):
            DepartmentCharge.objects.get_or_create(person=person, department_id=department_id)
        held_on = today - datetime.timedelta(days=14)
        names = "、".join(project.name for project in led)
        meeting = Meeting.objects.create(
            kind=MeetingKind.SPECIAL_MEETING,
            title=f"{person.name}现场调度（{held_on}）",
            region=city,
            held_on=held_on,
            chair=person,
            attendees="市发改委、项目牵头单位、建设单位负责同志",
            location="项目现场",
            minutes=f"实地察看{names}建设情况，现场协调解决施工推进中的问题。",
            created_by=admin,
        )
        meeting.projects.set(led)
        visit = SiteVisit.objects.create(
            person=person,
            visited_on=held_on,
            done=True,
            attendees=meeting.attendees,
            findings=f"{led[0].name}施工组织有待加强，部分要素保障需协调。",
            decisions=f"{led[0].name}倒排工期，{DECISION_WORKDAYS}个工作日内报送赶工方案。",
            meeting=meeting,
            created_by=admin,
        )
        visit.projects.set(led)
        owner = led[0].lead_department  # a supervised action is owned by a government department
        if owner is not None:
            action = SupervisedAction.objects.create(
                meeting=meeting,
                decision=visit.decisions,
                owner=owner,
                deadline=_deadline(held_on),
            )
            action.projects.set(led[:1])
        planned = SiteVisit.objects.create(
            person=person, visited_on=today + datetime.timedelta(days=10), done=False, created_by=admin
        )
        planned.projects.set(led[-1:])
        written += 2
    return written


def wipe_demo() -> None:
    """Remove what generate_visits_if_small wrote (before the users it references)."""
    SiteVisit.objects.all().delete()
    DepartmentCharge.objects.all().delete()
