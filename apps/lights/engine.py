"""Turning a rule version's readings into colours: thresholds, then memory across periods.

`version_outcomes` is pure (reads, writes nothing): evaluation (services.lights_evaluate)
stores its outcomes, replay shows them.
"""

import operator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .measures import MEASURES, Context, Measure, Reading
from .models import SEVERITY, Colour

OPERATORS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
OPERATOR_WORDS = {">": "＞", ">=": "≥", "<": "＜", "<=": "≤"}
LIT_FROM = SEVERITY[Colour.YELLOW]  # memory counts yellow and worse (blue is a reminder)


@dataclass
class Outcome:
    reading: Reading
    colour: str
    threshold: str
    streak: int
    escalated: bool = False

    @property
    def colour_label(self) -> str:
        return Colour(self.colour).label

    @property
    def reason(self) -> str:
        if self.escalated:
            return self.reading.text + _("；已连续%(n)s个月亮灯，升为红灯") % {"n": self.streak}
        return self.reading.text


def check_version(*, subject: str, measure: str, params: dict, levels: list, memory: dict) -> Measure:
    """Validate a version's definition; ValidationError (Chinese, per field) when it cannot be used."""
    errors = {}
    found = MEASURES.get(measure)
    if found is None:
        raise ValidationError({"measure": _("未知的度量“%(key)s”。") % {"key": measure}})
    if found.subject != subject:
        errors["measure"] = _("度量“%(measure)s”不适用于该亮灯对象。") % {"measure": found.label}
    for param in found.params:
        if param.required and params.get(param.name) in (None, ""):
            errors["params"] = _("请填写“%(label)s”。") % {"label": param.label}
    if not isinstance(levels, list) or not levels:
        errors["levels"] = _("至少设置一个颜色阈值。")
    else:
        for position, level in enumerate(levels, start=1):
            problem = _level_problem(level, found)
            if problem:
                errors["levels"] = _("第%(n)s个阈值：%(problem)s") % {"n": position, "problem": problem}
                break
    consecutive = (memory or {}).get("consecutive")
    if consecutive not in (None, "") and (not str(consecutive).isdigit() or not 2 <= int(consecutive) <= 24):
        errors["memory"] = _("连续月数应为2到24之间的整数。")
    if errors:
        raise ValidationError(errors)
    return found


def _level_problem(level, measure: Measure) -> str | None:
    if not isinstance(level, dict):
        return _("格式不正确。")
    if level.get("colour") not in Colour.values or level.get("colour") == Colour.GREEN:
        return _("颜色应为红、橙、黄、蓝之一。")
    if level.get("op") not in OPERATORS:
        return _("比较方式应为 >、>=、<、<= 之一。")
    if level.get("field", "value") not in measure.fields:
        return _("度量没有“%(field)s”这一项。") % {"field": level.get("field")}
    try:
        Decimal(str(level.get("value")))
    except (InvalidOperation, ValueError):
        return _("阈值应为数字。")
    return None


def compile_levels(levels: list, measure: Measure) -> list[tuple]:
    """(field, comparison, bound, colour, words) per level, worked out once per evaluation."""
    compiled = []
    for level in levels:
        name = level.get("field", "value")
        bound = Decimal(str(level["value"]))
        words = f"{measure.field_label(name)} {OPERATOR_WORDS[level['op']]} {bound}"
        compiled.append((name, OPERATORS[level["op"]], bound, level["colour"], words))
    return compiled


def classify(compiled: list[tuple], values: dict) -> tuple[str, str]:
    """(colour, the threshold that gave it in words); green and "" when no level holds."""
    for name, compare, bound, colour, words in compiled:
        value = values.get(name)
        if value is not None and compare(value, bound):
            return colour, words
    return Colour.GREEN, ""


def remember(colour: str, threshold: str, previous_streak: int, memory: dict) -> tuple[str, str, int, bool]:
    """Memory across periods: the streak of consecutive lit periods (yellow or worse), and
    the N-th of them turned red when the version says so."""
    streak = previous_streak + 1 if SEVERITY[colour] >= LIT_FROM else 0
    consecutive = int((memory or {}).get("consecutive") or 0)
    if consecutive and streak >= consecutive and SEVERITY[colour] < SEVERITY[Colour.RED]:
        return Colour.RED, _("连续%(n)s个月亮灯") % {"n": consecutive}, streak, True
    return colour, threshold, streak, False


def version_outcomes(
    version, *, subject: str, region, year: int, month: int, previous: dict[int, int], object_ids=None, shared=None
):
    """The outcome of every lit object in scope for one period (green ones are not kept:
    only lit objects are stored, and the words of green ones are never formatted).

    `version` is a LightRuleVersion, saved or not (replay tries unsaved ones); `previous`
    maps object ids to their streak in the month before; `shared` (a dict) lets the rules of
    one run share their reads (measures.Context.shared)."""
    measure = check_version(
        subject=subject, measure=version.measure, params=version.params, levels=version.levels, memory=version.memory
    )
    ctx = Context(
        year=year,
        month=month,
        params=version.params or {},
        scope=version.scope or {},
        region=region,
        object_ids=frozenset(object_ids) if object_ids is not None else None,
        shared=shared,
    )
    compiled = compile_levels(version.levels, measure)
    memory = version.memory or {}
    outcomes = []
    for reading in measure.compute(ctx):
        colour, threshold = classify(compiled, reading.values)
        if colour == Colour.GREEN:
            # Memory never turns green into a colour (its streak is 0): nothing to keep.
            continue
        colour, threshold, streak, escalated = remember(colour, threshold, previous.get(reading.object_id, 0), memory)
        outcomes.append(Outcome(reading, colour, threshold, streak, escalated))
    return outcomes, ctx.notes


def previous_period(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)
