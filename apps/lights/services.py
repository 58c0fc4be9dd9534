"""Writes of the lights: evaluating a period (all of it, or the objects a change touched),
and the city administrator's rule edits (each a new version, each with its change record)."""

import datetime
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.audit.models import ChangeAction
from apps.audit.services import change_record_write, snapshot
from apps.core.querysets import pk_in

from .engine import Outcome, check_version, previous_period, version_outcomes
from .measures import MEASURES, SUBJECTS, quantize
from .models import Colour, EvaluationRun, Light, LightRule, LightRuleVersion

SMALL_ID_LIST = 500
DEFINITION_FIELDS = ("measure", "params", "scope", "levels", "memory", "actions", "source_title", "source_url")


def check_period(year: int, month: int) -> None:
    """A period that has ended or is running; ValidationError otherwise."""
    today = timezone.localdate()
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise ValidationError({"month": _("请选择有效的年度和月份。")})
    if year * 12 + month > today.year * 12 + today.month:
        raise ValidationError(
            {"month": _("不能评价尚未开始的月份（%(year)s年%(month)s月）。") % {"year": year, "month": month}}
        )


def active_rules(*, subject: str | None = None, rules=None):
    queryset = LightRule.objects.filter(is_active=True, current_version__isnull=False).select_related(
        "current_version", "region"
    )
    if subject is not None:
        queryset = queryset.filter(subject=subject)
    if rules is not None:
        queryset = queryset.filter(pk__in=[rule.pk if isinstance(rule, LightRule) else rule for rule in rules])
    return list(queryset)


LIGHT_COLUMNS = (
    "rule_id",
    "version_id",
    "subject",
    "object_id",
    "label",
    "project_id",
    "region_id",
    "year",
    "month",
    "colour",
    "value",
    "threshold",
    "reason",
    "streak",
    "created_at",
)


def _light_row(rule: LightRule, version: LightRuleVersion, outcome: Outcome, year: int, month: int, now) -> tuple:
    reading = outcome.reading
    value = reading.value
    return (
        rule.pk,
        version.pk,
        rule.subject,
        reading.object_id,
        reading.label[:200],
        reading.project_id,
        reading.region_id,
        year,
        month,
        outcome.colour,
        None if value is None else quantize(value),
        outcome.threshold[:100],
        outcome.reason[:300],
        outcome.streak,
        now,
    )


def _write_lights(rows: list[tuple]) -> None:
    """A period's lights in one COPY on PostgreSQL (a province writes ~100,000 a period; the
    ORM would spend most of the evaluation compiling INSERTs), bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        by_attname = {field.attname: field.column for field in Light._meta.concrete_fields}
        columns = ", ".join(quote(by_attname[name]) for name in LIGHT_COLUMNS)
        sql = f"COPY {quote(Light._meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    Light.objects.bulk_create([Light(**dict(zip(LIGHT_COLUMNS, row, strict=True))) for row in rows], batch_size=2000)


CONTENT = slice(0, len(LIGHT_COLUMNS) - 1)  # all but created_at


def _stored_lights(queryset) -> dict[tuple, tuple[int, tuple]]:
    """The period's stored lights of the rules (and objects) evaluated: key → (pk, content)."""
    stored = {}
    for pk, *row in queryset.order_by().values_list("pk", *LIGHT_COLUMNS[CONTENT]):
        stored[(row[0], row[3])] = (pk, tuple(row))
    return stored


def _replace_lights(stored: dict[tuple, tuple[int, tuple]], rows: list[tuple]) -> None:
    """Make the stored lights the evaluated `rows`: a light whose content did not change is
    left as it is (its created_at is when it was first lit so), the others deleted in one
    statement and written in one COPY. Re-evaluating a month (idempotent runs, a change)
    writes only what moved instead of a province's 100,000 rows."""
    fresh, stale = [], []
    for row in rows:
        kept = stored.pop((row[0], row[3]), None)  # (rule, object): one light a period
        if kept is not None:
            if kept[1] == row[CONTENT]:
                continue
            stale.append(kept[0])
        fresh.append(row)
    stale.extend(pk for pk, _content in stored.values())
    if stale:
        Light.objects.filter(ids_q(stale, "pk")).delete()
    _write_lights(fresh)


def lights_evaluate(
    *, year: int, month: int, rules=None, subject: str | None = None, object_ids=None, trigger: str = "command"
) -> EvaluationRun:
    """Light one period (see _evaluate). The stored words (reasons, thresholds) are in the
    installation's language whatever the caller's request or job has active."""
    with translation.override(settings.LANGUAGE_CODE):
        return _evaluate(year=year, month=month, rules=rules, subject=subject, object_ids=object_ids, trigger=trigger)


@transaction.atomic
def _evaluate(
    *, year: int, month: int, rules=None, subject: str | None = None, object_ids=None, trigger: str = "command"
) -> EvaluationRun:
    """Light one period: every active rule (or those given), every object in scope (or only
    `object_ids`, for the objects a change touched). Idempotent: the period's lights of the
    rules (and objects) evaluated are replaced, so running it twice gives the same lights.

    A plain function: the command, the scheduler's job and the change hooks call it."""
    check_period(year, month)
    started = time.monotonic()
    previous_year, previous_month = previous_period(year, month)
    ids = None if object_ids is None else sorted({int(pk) for pk in object_ids})
    lit, notes, shared = 0, [], {}
    evaluated = active_rules(subject=subject, rules=rules)
    rule_ids = [rule.pk for rule in evaluated]
    limit = Q() if ids is None else ids_q(ids, "object_id")
    previous_streaks: dict[int, dict[int, int]] = defaultdict(dict)
    for rule_id, object_id, streak in Light.objects.filter(
        limit, year=previous_year, month=previous_month, rule__in=rule_ids
    ).values_list("rule_id", "object_id", "streak"):
        previous_streaks[rule_id][object_id] = streak
    stored = _stored_lights(Light.objects.filter(limit, year=year, month=month, rule__in=rule_ids))
    now = timezone.now()
    rows = []
    for rule in evaluated:
        version = rule.current_version
        outcomes, rule_notes = version_outcomes(
            version,
            subject=rule.subject,
            region=rule.region,
            year=year,
            month=month,
            previous=previous_streaks[rule.pk],
            object_ids=ids,
            shared=shared,
        )
        notes.extend(f"{rule.name}：{note}" for note in rule_notes)
        rows.extend(_light_row(rule, version, outcome, year, month, now) for outcome in outcomes)
        lit += len(outcomes)
        if version.actions:
            from .consequences import consequences_apply

            consequences_apply(rule=rule, version=version, outcomes=outcomes, year=year, month=month)
    _replace_lights(stored, rows)
    return EvaluationRun.objects.create(
        year=year,
        month=month,
        trigger=trigger,
        objects_limited=ids is not None,
        lights=lit,
        seconds=Decimal(str(round(time.monotonic() - started, 3))),
        notes="\n".join(notes),
    )


def ids_q(ids: list[int], field: str) -> Q:
    """A few ids (a change) as a plain IN list the planner sizes right; many as one parameter."""
    return Q(**{f"{field}__in": ids}) if len(ids) <= SMALL_ID_LIST else pk_in(ids, field)


def latest_evaluated_period() -> tuple[int, int] | None:
    run = EvaluationRun.objects.filter(objects_limited=False).order_by("-year", "-month").first()
    return (run.year, run.month) if run else None


def lights_refresh(*, subject: str, object_ids, trigger: str = "change") -> EvaluationRun | None:
    """Re-evaluate the objects a change touched, for the latest period evaluated in full (a
    period never evaluated is left to its evaluation). Cheap: only those objects are read."""
    period = latest_evaluated_period()
    ids = [pk for pk in object_ids if pk is not None]
    if period is None or not ids or not active_rules(subject=subject):
        return None
    return lights_evaluate(year=period[0], month=period[1], subject=subject, object_ids=ids, trigger=trigger)


# --- rules ------------------------------------------------------------------------


def _check_change(actor, rule: LightRule | None = None, region=None) -> None:
    from apps.accounts.models import Role

    if actor is None or actor.role != Role.CITY_ADMIN or not actor.region_id:
        raise PermissionDenied(_("只有市发改委管理员可以修改亮灯规则。"))
    if rule is not None and not LightRule.objects.restrict(actor, "change").filter(pk=rule.pk).exists():
        raise PermissionDenied(_("该规则不在您的管理范围内。"))
    if region is not None and not region.code.startswith(actor.region.code_prefix):
        raise PermissionDenied(_("只能为本市及下辖县区设置规则。"))


def _clean_definition(subject: str, definition: dict) -> dict:
    if subject not in SUBJECTS:
        raise ValidationError({"subject": _("未知的亮灯对象“%(key)s”。") % {"key": subject}})
    cleaned = {name: definition.get(name) for name in DEFINITION_FIELDS}
    for name in ("params", "scope", "memory", "actions"):
        cleaned[name] = cleaned[name] or {}
        if not isinstance(cleaned[name], dict):
            raise ValidationError({name: _("格式不正确。")})
    cleaned["levels"] = cleaned["levels"] or []
    cleaned["source_title"] = cleaned["source_title"] or ""
    cleaned["source_url"] = cleaned["source_url"] or ""
    measure = check_version(
        subject=subject,
        measure=cleaned["measure"] or "",
        params=cleaned["params"],
        levels=cleaned["levels"],
        memory=cleaned["memory"],
    )
    for param in measure.params:
        value = cleaned["params"].get(param.name)
        if param.kind == "date" and value not in (None, ""):
            try:
                datetime.date.fromisoformat(str(value))
            except ValueError:
                raise ValidationError(
                    {"params": _("“%(label)s”应为日期（YYYY-MM-DD）。") % {"label": param.label}}
                ) from None
        if param.kind == "month" and value not in (None, ""):
            try:
                datetime.date.fromisoformat(f"{value}-01")
            except ValueError:
                raise ValidationError(
                    {"params": _("“%(label)s”应为年月（YYYY-MM）。") % {"label": param.label}}
                ) from None
        if param.kind == "choice" and value not in (None, "") and value not in dict(param.choices):
            raise ValidationError({"params": _("“%(label)s”取值无效。") % {"label": param.label}})
    from .consequences import check_actions

    check_actions(cleaned["actions"])
    for key in ("min_total_investment", "min_annual_plan"):
        value = cleaned["scope"].get(key)
        if value not in (None, ""):
            try:
                if Decimal(str(value)) < 0:
                    raise ValueError
            except (ArithmeticError, ValueError):
                raise ValidationError({"scope": _("金额门槛应为非负数（万元）。")}) from None
    if cleaned["scope"].get("project_set") not in (None, ""):
        from apps.statistics.indicators import parse_project_set

        try:
            parse_project_set(cleaned["scope"]["project_set"])
        except ValueError as error:
            raise ValidationError({"scope": str(error)}) from error
    return cleaned


def _version_create(*, actor, rule: LightRule, definition: dict, reason: str) -> LightRuleVersion:
    number = (rule.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = LightRuleVersion.objects.create(
        rule=rule,
        number=number,
        reason=reason,
        created_by=actor if actor and actor.is_authenticated else None,
        **definition,
    )
    change_record_write(actor=actor, action=ChangeAction.CREATE, instance=version, before=None, after=snapshot(version))
    return version


@transaction.atomic
def rule_create(
    *, actor, code: str, name: str, subject: str, region=None, is_active: bool = False, reason: str = "", **definition
) -> LightRule:
    _check_change(actor, region=region)
    if not code or not name:
        raise ValidationError({"name": _("请填写规则代码和名称。")})
    if LightRule.objects.filter(code=code).exists():
        raise ValidationError({"code": _("规则代码“%(code)s”已存在。") % {"code": code}})
    cleaned = _clean_definition(subject, definition)
    rule = LightRule.objects.create(code=code, name=name, subject=subject, region=region, is_active=is_active)
    version = _version_create(actor=actor, rule=rule, definition=cleaned, reason=reason or _("新建规则"))
    rule.current_version = version
    rule.save(update_fields=["current_version", "updated_at"])
    change_record_write(actor=actor, action=ChangeAction.CREATE, instance=rule, before=None, after=snapshot(rule))
    return rule


@transaction.atomic
def rule_version_save(
    *, actor, rule: LightRule, reason: str, name: str | None = None, **definition
) -> LightRuleVersion:
    """A new version of `rule` (versions are never edited); the lights already lit keep
    naming the version that lit them."""
    _check_change(actor, rule)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写修改理由。")})
    rule = LightRule.objects.select_for_update().get(pk=rule.pk)
    before = snapshot(rule)
    cleaned = _clean_definition(rule.subject, definition)
    version = _version_create(actor=actor, rule=rule, definition=cleaned, reason=reason.strip())
    rule.current_version = version
    if name:
        rule.name = name
    rule.save()
    change_record_write(actor=actor, action=ChangeAction.UPDATE, instance=rule, before=before, after=snapshot(rule))
    return version


def rule_version_derive(*, actor, rule: LightRule, reason: str, **changes) -> LightRuleVersion:
    """A new version of `rule`: its current definition with `changes` (e.g. levels=…)."""
    current = rule.current_version
    definition = {name: getattr(current, name) for name in DEFINITION_FIELDS} | changes
    return rule_version_save(actor=actor, rule=rule, reason=reason, **definition)


@transaction.atomic
def rule_set_active(*, actor, rule: LightRule, is_active: bool) -> LightRule:
    _check_change(actor, rule)
    rule = LightRule.objects.select_for_update().get(pk=rule.pk)
    before = snapshot(rule)
    rule.is_active = is_active
    rule.save(update_fields=["is_active", "updated_at"])
    change_record_write(actor=actor, action=ChangeAction.UPDATE, instance=rule, before=before, after=snapshot(rule))
    return rule


# --- replay -------------------------------------------------------------------------


@dataclass
class Replay:
    """What a rule (as saved, or as drafted) would have lit in a past period, against what
    the saved rule did light then."""

    year: int
    month: int
    outcomes: list[Outcome]
    stored: dict[int, str]
    notes: list[str] = field(default_factory=list)

    @property
    def lit(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.colour != Colour.GREEN]

    def counts(self) -> dict[str, int]:
        counts = {colour: 0 for colour in Colour.values if colour != Colour.GREEN}
        for outcome in self.lit:
            counts[outcome.colour] += 1
        return counts

    @property
    def changes(self) -> dict[str, int]:
        now = {outcome.reading.object_id: outcome.colour for outcome in self.lit}
        return {
            "added": sum(1 for pk in now if pk not in self.stored),
            "removed": sum(1 for pk in self.stored if pk not in now),
            "changed": sum(1 for pk, colour in now.items() if pk in self.stored and self.stored[pk] != colour),
        }


def rule_replay(*, actor, rule: LightRule, year: int, month: int, definition: dict | None = None) -> Replay:
    """Replay a rule against a past period without saving anything. With `definition` (a
    draft of the next version) it is checked like a save; memory is replayed over the months
    it needs (N − 1 before the period), so a draft's "N consecutive months" is honoured."""
    _check_change(actor, rule)
    check_period(year, month)
    if definition is None:
        version = rule.current_version
    else:
        version = LightRuleVersion(rule=rule, **_clean_definition(rule.subject, definition))
    consecutive = int((version.memory or {}).get("consecutive") or 1)
    periods = [(year, month)]
    for _step in range(consecutive - 1):
        periods.insert(0, previous_period(*periods[0]))
    streaks: dict[int, int] = {}
    notes: list[str] = []
    outcomes: list[Outcome] = []
    for period_year, period_month in periods:
        outcomes, period_notes = version_outcomes(
            version, subject=rule.subject, region=rule.region, year=period_year, month=period_month, previous=streaks
        )
        notes.extend(period_notes)
        streaks = {outcome.reading.object_id: outcome.streak for outcome in outcomes if outcome.streak}
    stored = dict(Light.objects.filter(rule=rule, year=year, month=month).values_list("object_id", "colour"))
    return Replay(year=year, month=month, outcomes=outcomes, stored=stored, notes=notes)


def measure_choices(subject: str | None = None) -> list[tuple[str, str]]:
    return [(key, str(measure.label)) for key, measure in MEASURES.items() if subject in (None, measure.subject)]
