"""Consequences of a light, as the rule version configures them (Sanya 2022: yellow → 约谈
of the project principal, the second yellow → the 分管 leader, red → the lead official).

Each consequence is a supervised action (督办事项) of the period's "亮灯约谈" meeting of the
project's city, created once per rule, object, period and step (LightAction), with a change
record naming the rule and version that caused it.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.audit.models import ChangeAction
from apps.audit.services import change_record_write, snapshot

from .measures import period_end_of
from .models import Colour

STEPS = {
    "yellow": gettext_lazy("黄灯"),
    "repeat_yellow": gettext_lazy("再次黄灯"),
    "red": gettext_lazy("红灯"),
}
TARGETS = {
    "principal": gettext_lazy("约谈项目负责人（建设单位）"),
    "deputy": gettext_lazy("由分管领导约谈牵头单位"),
    "lead_official": gettext_lazy("由包抓领导约谈"),
}
DEFAULT_DAYS = 15


def check_actions(actions: dict) -> None:
    for step, target in (actions or {}).items():
        if step == "days":
            if not str(target).isdigit() or not 1 <= int(target) <= 90:
                raise ValidationError({"actions": _("整改期限应为1到90天。")})
            continue
        if step not in STEPS or target not in TARGETS:
            raise ValidationError(
                {"actions": _("后续措施设置无效：%(step)s → %(target)s。") % {"step": step, "target": target}}
            )


def step_of(colour: str, streak: int) -> str | None:
    if colour == Colour.RED:
        return "red"
    if colour == Colour.YELLOW:
        return "repeat_yellow" if streak >= 2 else "yellow"
    return None


def _meeting(project, year: int, month: int, organiser, cache: dict):
    from apps.problems.models import Meeting, MeetingKind
    from apps.regions.models import Region

    city_code = project.region.code[:4] + "00"
    key = city_code
    if key not in cache:
        city = Region.objects.filter(code=city_code).first() or project.region
        title = _("%(year)s年%(month)s月亮灯预警约谈（系统生成）") % {"year": year, "month": month}
        meeting = Meeting.objects.filter(region=city, title=title).first()
        if meeting is None:
            meeting = Meeting.objects.create(
                kind=MeetingKind.SPECIAL_MEETING,
                title=title,
                region=city,
                held_on=min(timezone.localdate(), period_end_of(year, month)),
                created_by=organiser,
                minutes=_("根据亮灯规则自动生成的约谈事项。"),
            )
            change_record_write(
                actor=None, action=ChangeAction.CREATE, instance=meeting, before=None, after=snapshot(meeting)
            )
        cache[key] = meeting
    return cache[key]


def _organiser(version):
    from apps.accounts.models import Role, User

    if version.created_by_id:
        return version.created_by
    return User.objects.filter(role=Role.CITY_ADMIN, is_active=True).order_by("pk").first()


def consequences_apply(*, rule, version, outcomes, year: int, month: int) -> int:
    """Create the configured supervised actions for the lit `outcomes` (project lights only),
    once per step; returns how many were created."""
    from apps.problems.models import SupervisedAction
    from apps.projects.models import Project

    from .models import LightAction

    if rule.subject != "project":
        return 0
    wanted = {}
    for outcome in outcomes:
        step = step_of(outcome.colour, outcome.streak)
        if step and version.actions.get(step):
            wanted[outcome.reading.object_id] = (outcome, step)
    if not wanted:
        return 0
    done = set(
        LightAction.objects.filter(rule=rule, year=year, month=month, object_id__in=list(wanted)).values_list(
            "object_id", "step"
        )
    )
    todo = {pk: item for pk, item in wanted.items() if (pk, item[1]) not in done}
    if not todo:
        return 0
    organiser = _organiser(version)
    if organiser is None:
        return 0
    projects = Project.objects.select_related("region", "owner_unit", "lead_department", "lead_official").in_bulk(
        list(todo)
    )
    days = int(version.actions.get("days") or DEFAULT_DAYS)
    meetings: dict = {}
    made = []  # (action, project, step)
    for pk, (outcome, step) in todo.items():
        project = projects.get(pk)
        if project is None:
            continue
        target = version.actions[step]
        owner = project.owner_unit if target == "principal" else (project.lead_department or project.owner_unit)
        meeting = _meeting(project, year, month, organiser, meetings)
        action = SupervisedAction(
            meeting=meeting,
            decision=_("【%(rule)s 第%(number)s版·%(step)s】%(project)s：%(reason)s。%(target)s，限期整改。")
            % {
                "rule": rule.name,
                "number": version.number,
                "step": STEPS[step],
                "project": project.name,
                "reason": outcome.reason,
                "target": TARGETS[target],
            },
            owner=owner,
            owner_person=project.lead_official if target == "lead_official" else None,
            deadline=meeting.held_on + datetime.timedelta(days=days),
        )
        made.append((action, project, step))
    return _write_actions(rule, version, year, month, made)


def _write_actions(rule, version, year: int, month: int, made: list) -> int:
    """The actions, their project links, the LightActions and the change records, each kind
    in one bulk statement (a province's first evaluation under Sanya's rule makes tens of
    thousands): no per-action save signals, one hash-chained batch of change records."""
    from django.db.models import prefetch_related_objects

    from apps.audit.services import change_records_write_bulk
    from apps.problems.models import SupervisedAction

    from .models import LightAction

    if not made:
        return 0
    # bulk_create sets each action's pk (RETURNING, on PostgreSQL and SQLite alike).
    actions = SupervisedAction.objects.bulk_create([action for action, _project, _step in made], batch_size=1000)
    links = SupervisedAction.projects.through
    links.objects.bulk_create(
        [links(supervisedaction_id=action.pk, project_id=project.pk) for action, project, _step in made],
        batch_size=2000,
    )
    LightAction.objects.bulk_create(
        [
            LightAction(
                rule=rule, version=version, object_id=project.pk, year=year, month=month, step=step, action=action
            )
            for action, project, step in made
        ],
        batch_size=2000,
    )
    prefetch_related_objects(actions, "projects", "problems")  # snapshot reads them: one query each
    change_records_write_bulk(
        actor=None,
        entries=(
            (
                ChangeAction.CREATE,
                action,
                None,
                snapshot(action) | {"cause": {"rule": rule.code, "version": version.number, "step": step}},
                project.pk,
            )
            for action, project, step in made
        ),
    )
    return len(actions)
