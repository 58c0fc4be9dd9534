"""Which key projects are red or yellow in a bulletin and a leader's brief: the lights the
engine (apps.lights) stored for the latest fully evaluated month up to the period, read
through its scoped read API, with each rule's reason in words. A project lit by several
rules shows its worst colour and the reasons of every rule that lit it; orange counts with
the yellow list (its colour is kept on the row)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from apps.core.querysets import pk_in
from apps.lights.models import SEVERITY, Colour, EvaluationRun
from apps.lights.selectors import light_queryset

#: The colours a bulletin lists: red, and the warning colours listed as 黄灯.
LISTED = (Colour.RED, Colour.ORANGE, Colour.YELLOW)


@dataclass
class ProjectLight:
    colour: str
    reasons: list[str] = field(default_factory=list)

    @property
    def listed_as(self) -> str:
        """ "red" or "yellow" (the list the project goes in)."""
        return "red" if self.colour == Colour.RED else "yellow"

    @property
    def colour_label(self) -> str:
        return str(Colour(self.colour).label)

    @property
    def reason(self) -> str:
        return "；".join(self.reasons)


@dataclass
class LightsReading:
    """The lights of a set of projects for one period: `evaluated` is the (year, month)
    read, None when the engine has evaluated no month up to the period."""

    evaluated: tuple[int, int] | None
    by_project: dict[int, ProjectLight]
    rules: list[str]

    def rule_text(self) -> str:
        if self.evaluated is None:
            return "截至本期尚未进行亮灯评价，本期不列红黄灯项目。"
        year, month = self.evaluated
        if not self.rules:
            return f"按{year}年{month}月亮灯评价结果，无红灯、黄灯项目。"
        return f"按{year}年{month}月亮灯评价结果（亮灯规则：{'、'.join(self.rules)}）。"


def evaluated_period(year: int, month: int) -> tuple[int, int] | None:
    """The latest month up to (year, month) that the engine evaluated in full."""
    run = (
        EvaluationRun.objects.filter(objects_limited=False)
        .filter(Q(year=year, month__lte=month) | Q(year__lt=year))
        .order_by("-year", "-month")
        .values_list("year", "month")
        .first()
    )
    return tuple(run) if run else None


def project_lights(*, user, project_ids, year: int, month: int) -> LightsReading:
    """The listed lights of `project_ids` (the user's scope applies) for the latest month
    evaluated up to (year, month): two queries whatever the number of projects."""
    evaluated = evaluated_period(year, month)
    if evaluated is None:
        return LightsReading(None, {}, [])
    rows = (
        light_queryset(user=user)
        .filter(pk_in(list(project_ids), "project_id"), year=evaluated[0], month=evaluated[1], colour__in=LISTED)
        .order_by("project_id", "rule__code", "pk")
        .values_list("project_id", "colour", "reason", "rule__name")
    )
    lit: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    rules: dict[str, None] = {}
    for project_id, colour, reason, rule_name in rows:
        lit[project_id].append((colour, reason, rule_name))
        rules[rule_name] = None
    by_project = {}
    for project_id, lights in lit.items():
        worst = max((colour for colour, _reason, _rule in lights), key=lambda colour: SEVERITY[colour])
        by_project[project_id] = ProjectLight(worst, [f"{rule}：{reason}" for _colour, reason, rule in lights])
    return LightsReading(evaluated, by_project, sorted(rules))
