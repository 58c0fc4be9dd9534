"""/api/v1/lights and /api/v1/light-rules: declare and delegate (selectors read, services
write; errors become JSON in keyprojects/api.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from apps.accounts.models import Role
from apps.core.api_helpers import invalid_filters, page_bounds
from apps.projects.schemas import ErrorOut
from apps.regions.models import Region

from . import selectors, services
from .measures import MEASURES
from .schemas import (
    ActiveIn,
    LightListOut,
    LightPeriodIn,
    LightVersionIn,
    MeasureOut,
    RegionCountOut,
    ReplayIn,
    ReplayOut,
    RuleDetailOut,
    RuleIn,
    RuleOut,
    RunOut,
    VersionOut,
)

lights_router = Router(tags=["亮灯预警"])
rules_router = Router(tags=["亮灯规则"])
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
REPLAY_ITEMS = 500


class LightFilterParams(Schema):
    """Documents LightFilterSet's parameters; the FilterSet reads and validates request.GET."""

    year: int | None = None
    month: int | None = None
    colour: list[str] | None = None
    rule: str | None = None
    region: int | None = None
    subject: str | None = None
    department: int | None = None
    leader: int | None = None
    project: int | None = None
    measure: list[str] | None = None
    set: str | None = None
    limit: int = 50
    offset: int = 0


@lights_router.get("", response={200: LightListOut, **READ_ERRORS}, summary="亮灯列表")
def light_list(request: HttpRequest, filters: Query[LightFilterParams]):
    """Filters: year and month (default: the latest evaluated period), colour (repeatable),
    rule (code or id), region (with sub-regions), subject, department, leader, project."""
    filterset = selectors.light_filterset(user=request.auth, params=request.GET, request=request)
    if not filterset.is_valid():
        return invalid_filters(filterset)
    limit, offset = page_bounds(filters.limit, filters.offset)
    queryset = filterset.qs
    return {
        "count": queryset.count(),
        "limit": limit,
        "offset": offset,
        "year": int(filterset.data["year"]),
        "month": int(filterset.data["month"]),
        "items": list(queryset[offset : offset + limit]),
    }


@lights_router.get("/counts", response={200: list[RegionCountOut], **READ_ERRORS}, summary="亮灯数按区划")
def light_counts(request: HttpRequest, filters: Query[LightFilterParams]):
    """Counts per region and colour of the same filters (each links to /lights?region=…&colour=…)."""
    filterset = selectors.light_filterset(user=request.auth, params=request.GET, request=request)
    if not filterset.is_valid():
        return invalid_filters(filterset)
    return [
        {"region_id": row.region_id, "name": row.name, "counts": row.counts, "total": row.total}
        for row in selectors.counts_by_region(queryset=filterset.qs)
    ]


@lights_router.post("/evaluate", response={200: RunOut, **WRITE_ERRORS}, summary="评价一个月份")
def evaluate(request: HttpRequest, payload: LightPeriodIn):
    """City administrator only; the same as `manage.py lights_evaluate`."""
    if request.auth.role != Role.CITY_ADMIN:
        raise PermissionDenied(_("只有市发改委管理员可以发起亮灯评价。"))
    return services.lights_evaluate(year=payload.year, month=payload.month, trigger="api")


@rules_router.get("", response={200: list[RuleOut], 401: ErrorOut}, summary="亮灯规则")
def rule_list(request: HttpRequest):
    return list(selectors.rule_queryset(user=request.auth))


@rules_router.get("/measures", response={200: list[MeasureOut], 401: ErrorOut}, summary="可用的度量")
def measure_list(request: HttpRequest):
    return [
        {
            "key": measure.key,
            "subject": measure.subject,
            "label": str(measure.label),
            "unit": str(measure.unit),
            "fields": {name: str(label) for name, label in measure.fields.items()},
            "params": [
                {"name": p.name, "label": str(p.label), "kind": p.kind, "default": p.default, "required": p.required}
                for p in measure.params
            ],
            "description": str(measure.description),
        }
        for measure in MEASURES.values()
    ]


@rules_router.get("/{rule_id}", response={200: RuleDetailOut, **READ_ERRORS}, summary="规则及其各版本")
def rule_detail(request: HttpRequest, rule_id: int):
    rule = selectors.rule_get(user=request.auth, pk=rule_id)
    rule.versions_all = list(rule.versions.order_by("-number"))
    return rule


@rules_router.post("", response={201: RuleOut, **WRITE_ERRORS}, summary="新建规则")
def rule_create(request: HttpRequest, payload: RuleIn):
    data = payload.model_dump()
    region = None
    if data.pop("region") is not None:
        region = Region.objects.filter(pk=payload.region).first()
        if region is None:
            raise ValidationError({"region": _("所选对象不存在。")})
    rule = services.rule_create(actor=request.auth, region=region, **data)
    return Status(201, selectors.rule_get(user=request.auth, pk=rule.pk))


@rules_router.post("/{rule_id}/versions", response={201: VersionOut, **WRITE_ERRORS}, summary="保存新版本")
def version_create(request: HttpRequest, rule_id: int, payload: LightVersionIn):
    rule = selectors.rule_get(user=request.auth, pk=rule_id, action="change")
    data = payload.model_dump()
    version = services.rule_version_save(actor=request.auth, rule=rule, **data)
    return Status(201, version)


@rules_router.post("/{rule_id}/active", response={200: RuleOut, **WRITE_ERRORS}, summary="启用或停用")
def rule_active(request: HttpRequest, rule_id: int, payload: ActiveIn):
    rule = selectors.rule_get(user=request.auth, pk=rule_id, action="change")
    services.rule_set_active(actor=request.auth, rule=rule, is_active=payload.is_active)
    return selectors.rule_get(user=request.auth, pk=rule_id)


@rules_router.post(
    "/{rule_id}/replay", response={200: ReplayOut, **WRITE_ERRORS}, summary="回放：该规则在过去某月会亮哪些灯"
)
def rule_replay(request: HttpRequest, rule_id: int, payload: ReplayIn):
    """Nothing is saved. With `definition`, the draft of a next version is replayed instead."""
    rule = selectors.rule_get(user=request.auth, pk=rule_id, action="change")
    definition = payload.definition.model_dump() if payload.definition else None
    replay = services.rule_replay(
        actor=request.auth, rule=rule, year=payload.year, month=payload.month, definition=definition
    )
    return replay_out(replay)


def replay_out(replay) -> dict:
    from .measures import quantize

    return {
        "year": replay.year,
        "month": replay.month,
        "counts": replay.counts(),
        "changes": replay.changes,
        "notes": replay.notes,
        "items": [
            {
                "object_id": outcome.reading.object_id,
                "label": outcome.reading.label,
                "colour": outcome.colour,
                "value": None if outcome.reading.value is None else quantize(outcome.reading.value),
                "threshold": outcome.threshold,
                "reason": outcome.reason,
                "was": replay.stored.get(outcome.reading.object_id),
            }
            for outcome in replay.lit[:REPLAY_ITEMS]
        ],
    }
