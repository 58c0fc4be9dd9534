"""Writes of the assessment: schemes and their indicators (city administrator only), the
quarter's hand-entered inputs, computing a quarter (a run) and publishing it. Every write
has its change record in the same transaction."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.models import ChangeAction
from apps.audit.services import change_record_write, snapshot
from apps.regions.models import Organisation, Region, RegionLevel

from .engine import Spec, apply_method, score_month, score_quarter
from .indicators import counties_of, definitions_for, department_read, departments_of, month_read
from .models import Method, QuarterInput, Result, Run, RunStatus, Scheme, SchemeIndicator, Subject, Subjects

SCHEME_FIELDS = (
    "name",
    "month_share",
    "review_share",
    "list_size",
    "flag_bottom",
    "flag_months",
    "source",
    "subjects",
    "departments_open",
)


def _check_admin(actor, scheme: Scheme | None = None, region: Region | None = None) -> None:
    from apps.accounts.models import Role

    if actor is None or actor.role != Role.CITY_ADMIN or not actor.region_id:
        raise PermissionDenied(_("只有市发改委管理员可以修改考核方案和考核结果。"))
    target = region or (scheme.region if scheme else None)
    if target is not None and not target.code.startswith(actor.region.code_prefix):
        raise PermissionDenied(_("该考核方案不在您的管理范围内。"))


def _check_shares(month_share: Decimal, review_share: Decimal) -> None:
    if month_share < 0 or review_share < 0 or month_share * 3 + review_share != 1:
        raise ValidationError({"month_share": _("三个月得分权重与现场评议权重之和应为100%（如30%×3 + 10%）。")})


@transaction.atomic
def scheme_create(*, actor, region: Region, year: int, name: str, **fields) -> Scheme:
    _check_admin(actor, region=region)
    if region.level != RegionLevel.CITY:
        raise ValidationError({"region": _("考核方案按市制定，请选择市级区划。")})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("请填写有效的年度。")})
    if Scheme.objects.filter(region=region, year=year).exists():
        raise ValidationError({"year": _("%(year)s年已有考核方案。") % {"year": year}})
    scheme = Scheme(region=region, year=year, name=name.strip(), **fields)
    _check_shares(Decimal(scheme.month_share), Decimal(scheme.review_share))
    _check_subjects(scheme)
    scheme.full_clean()
    scheme.save()
    change_record_write(actor=actor, action=ChangeAction.CREATE, instance=scheme, before=None, after=snapshot(scheme))
    return scheme


@transaction.atomic
def scheme_update(*, actor, scheme: Scheme, **fields) -> Scheme:
    _check_admin(actor, scheme)
    before = snapshot(scheme)
    for name, value in fields.items():
        if name not in SCHEME_FIELDS:
            raise ValidationError({name: _("该字段不能修改。")})
        setattr(scheme, name, value)
    _check_shares(Decimal(scheme.month_share), Decimal(scheme.review_share))
    _check_subjects(scheme)
    scheme.full_clean()
    scheme.save()
    change_record_write(actor=actor, action=ChangeAction.UPDATE, instance=scheme, before=before, after=snapshot(scheme))
    return scheme


def _check_subjects(scheme: Scheme) -> None:
    if scheme.subjects not in Subjects.values:
        raise ValidationError({"subjects": _("考核对象应为县区、部门或县区和部门。")})


def _check_indicator(key: str, weight, method: str, params: dict, subject: str = Subject.COUNTY) -> Decimal:
    if subject not in Subject.values:
        raise ValidationError({"subject": _("考核对象应为县区或部门。")})
    definitions = definitions_for(subject)
    if key not in definitions:
        raise ValidationError({"key": _("未知的考核指标“%(key)s”。") % {"key": key}})
    if method not in Method.values:
        raise ValidationError({"method": _("未知的赋分方法“%(method)s”。") % {"method": method}})
    try:
        weight = Decimal(str(weight))
    except InvalidOperation:
        weight = Decimal(-1)
    if not weight.is_finite() or weight <= 0 or weight > 100:
        raise ValidationError({"weight": _("分值应大于0、不超过100。")})
    # The method must run on its parameters: tried on two sample values.
    try:
        apply_method(Spec(key, key, weight, method, params or {}), {1: Decimal(1), 2: Decimal(2), 3: None})
    except (ValueError, KeyError, TypeError, ArithmeticError, IndexError):
        raise ValidationError(
            {"params": _("“%(key)s”的方法参数不完整或无效，请对照赋分方法说明填写。") % {"key": definitions[key].label}}
        ) from None
    return weight


@transaction.atomic
def indicator_set(
    *, actor, scheme: Scheme, key: str, weight, method: str, params: dict | None = None, subject: str = Subject.COUNTY
) -> SchemeIndicator:
    """Add or change one indicator of the scheme (by subject and key): the counties' and the
    departments' indicators are two lists, each weighted out of 100."""
    _check_admin(actor, scheme)
    weight = _check_indicator(key, weight, method, params or {}, subject)
    existing = scheme.indicators.filter(subject=subject, key=key).first()
    if existing is None:
        position = (scheme.indicators.filter(subject=subject).aggregate(n=Max("position"))["n"] or 0) + 1
        indicator = SchemeIndicator.objects.create(
            scheme=scheme,
            subject=subject,
            key=key,
            weight=weight,
            method=method,
            params=params or {},
            position=position,
        )
        change_record_write(
            actor=actor, action=ChangeAction.CREATE, instance=indicator, before=None, after=snapshot(indicator)
        )
        return indicator
    before = snapshot(existing)
    existing.weight, existing.method, existing.params = weight, method, params or {}
    existing.save()
    change_record_write(
        actor=actor, action=ChangeAction.UPDATE, instance=existing, before=before, after=snapshot(existing)
    )
    return existing


@transaction.atomic
def indicator_delete(*, actor, indicator: SchemeIndicator) -> None:
    _check_admin(actor, indicator.scheme)
    change_record_write(
        actor=actor, action=ChangeAction.DELETE, instance=indicator, before=snapshot(indicator), after=None
    )
    indicator.delete()


def _check_quarter(quarter: int) -> None:
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("季度应为1至4。")})


@transaction.atomic
def quarter_input_set(
    *,
    actor,
    scheme: Scheme,
    quarter: int,
    region: Region | None = None,
    department: Organisation | None = None,
    review_score=None,
    vetoed: bool = False,
    veto_reason: str = "",
) -> QuarterInput:
    """The on-site review score (0–100) and the veto of a county (or, when the scheme assesses
    departments, of a lead department) for a quarter."""
    _check_admin(actor, scheme)
    _check_quarter(quarter)
    if department is not None:
        if region is not None or not scheme.assesses_departments:
            raise ValidationError({"department": _("本考核方案不考核部门。")})
        if department.pk not in {item.pk for item in departments_of(scheme.region)}:
            raise ValidationError({"department": _("请选择本市牵头项目的部门。")})
    elif region is None or region.parent_id != scheme.region_id:
        raise ValidationError({"region": _("请选择本市所辖县区。")})
    if review_score is not None:
        try:
            review_score = Decimal(str(review_score))
        except InvalidOperation:
            review_score = Decimal(-1)
        if not review_score.is_finite() or not 0 <= review_score <= 100:
            raise ValidationError({"review_score": _("现场评议得分应在0至100之间。")})
    veto_reason = (veto_reason or "").strip()
    if vetoed and not veto_reason:
        raise ValidationError({"veto_reason": _("一票否决须写明事由（如统计造假的查实文件）。")})
    subject = {"organisation": department} if department is not None else {"region": region}
    item = QuarterInput.objects.filter(scheme=scheme, quarter=quarter, **subject).first()
    before = snapshot(item) if item else None
    if item is None:
        item = QuarterInput(scheme=scheme, quarter=quarter, **subject)
    item.review_score, item.vetoed, item.veto_reason = review_score, vetoed, veto_reason if vetoed else ""
    item.save()
    change_record_write(
        actor=actor,
        action=ChangeAction.UPDATE if before else ChangeAction.CREATE,
        instance=item,
        before=before,
        after=snapshot(item),
    )
    return item


def _specs(scheme: Scheme, subject: str = Subject.COUNTY) -> list[Spec]:
    definitions = definitions_for(subject)
    return [
        Spec(item.key, str(definitions[item.key].label), item.weight, item.method, item.params)
        for item in scheme.indicators.all()
        if item.subject == subject
    ]


def previous_published(scheme: Scheme, quarter: int) -> Run | None:
    """The published run of the period before (the quarter before, or Q4 of last year's scheme)."""
    if quarter > 1:
        where = {"scheme": scheme, "quarter": quarter - 1}
    else:
        where = {"scheme__region": scheme.region, "scheme__year": scheme.year - 1, "quarter": 4}
    return Run.objects.filter(status=RunStatus.PUBLISHED, **where).order_by("-version").first()


def _plain(values: dict) -> dict:
    return {key: {str(c): None if v is None else str(v) for c, v in by.items()} for key, by in values.items()}


@transaction.atomic
def run_compute(*, actor, scheme: Scheme, quarter: int, reason: str = "", today: datetime.date | None = None) -> Run:
    """Compute a quarter: read the raw values of its three months (as the dashboard shows
    them, in the actor's scope), the hand-entered inputs, score, rank, and keep it all in a
    draft run. A draft is replaced; once published, a re-run needs a reason and is a new version."""
    _check_admin(actor, scheme)
    _check_quarter(quarter)
    today = today or timezone.localdate()
    if (scheme.year, 3 * quarter) >= (today.year, today.month):
        raise ValidationError({"quarter": _("第%(q)s季度尚未结束，不能考核。") % {"q": quarter}})
    counties = counties_of(scheme.region) if scheme.assesses_counties else []
    if scheme.assesses_counties:
        if not _specs(scheme):
            raise ValidationError({"scheme": _("考核方案尚无指标。")})
        if not counties:
            raise ValidationError({"scheme": _("本市没有县区。")})
    if scheme.assesses_departments:
        if not _specs(scheme, Subject.DEPARTMENT):
            raise ValidationError({"scheme": _("考核方案考核部门，但尚无部门的考核指标。")})
        if not departments_of(scheme.region):
            raise ValidationError({"scheme": _("本市没有牵头项目的部门。")})
    runs = Run.objects.select_for_update().filter(scheme=scheme, quarter=quarter)
    published = runs.filter(status=RunStatus.PUBLISHED).exists()
    reason = (reason or "").strip()
    if published and not reason:
        raise ValidationError({"reason": _("本季度结果已发布，重新计算须填写原因，结果作为新版本。")})
    for draft in runs.filter(status=RunStatus.DRAFT):
        change_record_write(
            actor=actor, action=ChangeAction.DELETE, instance=draft, before=_run_summary(draft), after=None
        )
        draft.delete()
    version = (runs.aggregate(n=Max("version"))["n"] or 0) + 1

    run = build_run(actor=actor, scheme=scheme, quarter=quarter, counties=counties, version=version, reason=reason)
    change_record_write(actor=actor, action=ChangeAction.CREATE, instance=run, before=None, after=_run_summary(run))
    return run


def build_run(*, actor, scheme: Scheme, quarter: int, counties: list, version: int, reason: str = "") -> Run:
    """Read, score and store a quarter (no checks, no change record: run_compute's core, and
    the demo seed's initial load): the counties, and the lead departments when the scheme
    assesses them, each ranked among its own kind."""
    departments = departments_of(scheme.region) if scheme.assesses_departments else []
    inputs = list(QuarterInput.objects.filter(scheme=scheme, quarter=quarter))
    previous = previous_published(scheme, quarter)
    earlier = list(previous.results.all()) if previous is not None else []
    county_part, department_part = (
        _score_subjects(
            actor=actor,
            scheme=scheme,
            quarter=quarter,
            subject=subject,
            members=members,
            inputs=inputs,
            earlier=earlier,
        )
        for subject, members in ((Subject.COUNTY, counties), (Subject.DEPARTMENT, departments))
    )
    stored = {"months": [3 * quarter - 2, 3 * quarter - 1, 3 * quarter], **county_part["inputs"]}
    stored["shares"] = {"month": str(scheme.month_share), "review": str(scheme.review_share)}
    if departments:
        stored["departments"] = department_part["inputs"]
    run = Run.objects.create(
        scheme=scheme,
        quarter=quarter,
        version=version,
        reason=reason,
        computed_by=actor,
        computed_at=timezone.now(),
        inputs=stored,
    )
    Result.objects.bulk_create(
        [Result(run=run, **fields) for fields in county_part["results"] + department_part["results"]]
    )
    return run


def _score_subjects(*, actor, scheme: Scheme, quarter: int, subject: str, members: list, inputs: list, earlier: list):
    """The raw values (with their bases), scores, ranks and traces of one kind of subject:
    {"inputs": what the run keeps of them, "results": the Result fields of each}."""
    if not members:
        return {"inputs": {}, "results": []}
    department = subject == Subject.DEPARTMENT
    field = "organisation_id" if department else "region_id"
    specs = _specs(scheme, subject)
    ids = [member.pk for member in members]
    keys = [spec.key for spec in specs]
    months_values, months_bases = [], []
    for month in range(3 * quarter - 2, 3 * quarter + 1):
        if department:
            values, bases = department_read(
                user=actor, city=scheme.region, departments=members, keys=keys, year=scheme.year, month=month
            )
        else:
            values, bases = month_read(user=actor, counties=members, keys=keys, year=scheme.year, month=month)
        months_values.append(values)
        months_bases.append(bases)
    by_member = {getattr(item, field): item for item in inputs if getattr(item, field) is not None}
    reviews = {pk: by_member[pk].review_score if pk in by_member else None for pk in ids}
    vetoes = {pk: by_member[pk].veto_reason if pk in by_member and by_member[pk].vetoed else "" for pk in ids}
    names = {member.pk: str(member) if department else member.name for member in members}
    month_scores = [
        score_month(specs, values, ids, bases) for values, bases in zip(months_values, months_bases, strict=True)
    ]
    earlier_month_ranks, previous_ranks = {}, {}
    for result in earlier:
        if result.subject == subject:
            earlier_month_ranks[getattr(result, field)] = result.month_ranks
            previous_ranks[getattr(result, field)] = result.rank
    try:
        quarters = score_quarter(
            months=month_scores,
            counties=ids,
            reviews=reviews,
            vetoes=vetoes,
            month_share=scheme.month_share,
            review_share=scheme.review_share,
            list_size=scheme.list_size,
            flag_bottom=scheme.flag_bottom,
            flag_months=scheme.flag_months,
            earlier_month_ranks=earlier_month_ranks,
        )
    except ValidationError as error:
        scored = {pk for pk in ids if any(month[pk].total is not None for month in month_scores)}
        missing = [names[pk] for pk in ids if pk in scored and reviews.get(pk) is None]
        message = (
            _("以下部门未录入现场评议得分：%(names)s") if department else _("以下县区未录入现场评议得分：%(names)s")
        )
        raise ValidationError({"review_score": message % {"names": "、".join(missing)}}) from error
    kept = {
        "values": [_plain(values) for values in months_values],
        "bases": [
            {key: {str(pk): b for pk, b in by.items() if b} for key, by in bases.items()} for bases in months_bases
        ],
        "reviews": {str(pk): None if v is None else str(v) for pk, v in reviews.items()},
        "vetoes": {str(pk): v for pk, v in vetoes.items()},
        "indicators": [
            {"key": s.key, "label": s.label, "weight": str(s.weight), "method": s.method, "params": s.params}
            for s in specs
        ],
    }
    if department:
        kept["names"] = {str(pk): name for pk, name in names.items()}
    results = [
        {
            "subject": subject,
            field: pk,
            "total": quarters[pk].total,
            "rank": quarters[pk].rank,
            "previous_rank": previous_ranks.get(pk),
            "month_scores": [None if month[pk].total is None else str(month[pk].total) for month in month_scores],
            "month_ranks": quarters[pk].month_ranks,
            "review_score": reviews[pk],
            "vetoed": bool(vetoes[pk]),
            "board": quarters[pk].board,
            "bottom_flag": quarters[pk].bottom_flag,
            "trace": {
                "quarter": quarters[pk].trace,
                "months": [
                    {
                        "total": None if m[pk].total is None else str(m[pk].total),
                        "trace": m[pk].trace,
                        "rows": m[pk].rows,
                    }
                    for m in month_scores
                ],
            },
        }
        for pk in ids
    ]
    return {"inputs": kept, "results": results}


def _run_summary(run: Run) -> dict:
    return {
        "scheme": run.scheme_id,
        "quarter": run.quarter,
        "version": run.version,
        "status": run.status,
        "reason": run.reason,
        "results": {
            str(region_id) if region_id else f"d{organisation_id}": [None if total is None else str(total), rank]
            for region_id, organisation_id, total, rank in run.results.values_list(
                "region_id", "organisation_id", "total", "rank"
            )
        },
    }


@transaction.atomic
def run_publish(*, actor, run: Run) -> Run:
    """Publish a draft: it is frozen from now on; the version it replaces is marked superseded."""
    _check_admin(actor, run.scheme)
    run = Run.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.DRAFT:
        raise ValidationError({"status": _("只能发布试算结果；已发布的结果不能再改，请重新计算生成新版本。")})
    for older in Run.objects.filter(scheme=run.scheme, quarter=run.quarter, status=RunStatus.PUBLISHED):
        before = _run_summary(older)
        older.status = RunStatus.SUPERSEDED
        older.save(update_fields=["status"])
        change_record_write(
            actor=actor, action=ChangeAction.UPDATE, instance=older, before=before, after=_run_summary(older)
        )
    before = _run_summary(run)
    mark_published(run, actor=actor)
    change_record_write(actor=actor, action=ChangeAction.UPDATE, instance=run, before=before, after=_run_summary(run))
    return run


def mark_published(run: Run, *, actor) -> None:
    run.status, run.published_by, run.published_at = RunStatus.PUBLISHED, actor, timezone.now()
    run.save(update_fields=["status", "published_by", "published_at"])
