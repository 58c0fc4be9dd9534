"""/api/v1/bulletins: list, draft from a fresh snapshot, detail with the snapshot, the
steps (submit, review, return, sign), the requirements, and the files."""

import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, Query, Router, Schema, Status

from apps.core.api_helpers import page_bounds
from apps.projects.schemas import ConflictOut, ErrorOut

from . import selectors, services
from .models import BULLETIN_EDITORS

router = Router(tags=["通报"])

READ_ERRORS = {401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut, 422: ErrorOut}
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


class BulletinOut(Schema):
    id: int
    region_id: int
    region_name: str = Field(..., alias="region.name")
    kind: str
    year: int
    month: int
    half: int | None
    title: str
    status: str
    verified_only: bool
    number: int | None
    reference: str
    requirements: str
    return_reason: str
    drafted_at: datetime.datetime
    published_on: datetime.date | None
    version: int


class BulletinDetailOut(BulletinOut):
    snapshot: dict


class BulletinListOut(Schema):
    count: int
    items: list[BulletinOut]


class BulletinListParams(Schema):
    status: str | None = Field(None, description="draft / in_review / reviewed / published")
    year: int | None = Field(None, ge=2000, le=2100)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class BulletinIn(Schema):
    region: int | None = Field(None, description="区划 id，默认本人所在区划")
    kind: str = Field(..., description="half_month / month / quarter / year")
    year: int
    month: int
    half: int | None = Field(None, description="半月通报：1 上半月，2 下半月")
    verified_only: bool = False


class StepIn(Schema):
    version: int = Field(..., description="操作时看到的版本号（必填）；过期时返回 409")
    reason: str = ""


class RequirementsIn(Schema):
    requirements: str
    version: int = Field(..., description="编辑时加载的版本号（必填）；过期时返回 409")


@router.get("", response={200: BulletinListOut, 401: ErrorOut}, summary="通报列表")
def bulletin_list(request: HttpRequest, params: Query[BulletinListParams]):
    queryset = selectors.bulletin_queryset(user=request.auth)
    if params.status:
        queryset = queryset.filter(status=params.status)
    if params.year:
        queryset = queryset.filter(year=params.year)
    limit, offset = page_bounds(params.limit, params.offset)
    return {"count": queryset.count(), "items": list(queryset[offset : offset + limit])}


@router.post("", response={201: BulletinDetailOut, **WRITE_ERRORS}, summary="起草通报（生成数据快照）")
def bulletin_create(request: HttpRequest, payload: BulletinIn):
    user = request.auth
    if user.role not in BULLETIN_EDITORS:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("只有市发改委管理员和县区用户可以起草通报。")
    region = selectors.bulletin_region_get(user=user, region_id=payload.region)
    bulletin = services.bulletin_draft(
        actor=user,
        region=region,
        kind=payload.kind,
        year=payload.year,
        month=payload.month,
        half=payload.half,
        verified_only=payload.verified_only,
    )
    return Status(201, selectors.bulletin_get(user=user, pk=bulletin.pk))


@router.get("/{bulletin_id}", response={200: BulletinDetailOut, **READ_ERRORS}, summary="通报详情（含数据快照）")
def bulletin_detail(request: HttpRequest, bulletin_id: int):
    bulletin = selectors.bulletin_get(user=request.auth, pk=bulletin_id)
    services.bulletin_mark_read(actor=request.auth, bulletin=bulletin)
    return bulletin


@router.put("/{bulletin_id}/requirements", response={200: BulletinOut, **WRITE_ERRORS}, summary="修改下步要求")
def bulletin_requirements(request: HttpRequest, bulletin_id: int, payload: RequirementsIn):
    services.bulletin_update(
        actor=request.auth, bulletin_id=bulletin_id, requirements=payload.requirements, version=payload.version
    )
    return selectors.bulletin_get(user=request.auth, pk=bulletin_id)


STEPS = {
    "submit": lambda user, pk, payload: services.bulletin_submit(actor=user, bulletin_id=pk, version=payload.version),
    "review": lambda user, pk, payload: services.bulletin_review(actor=user, bulletin_id=pk, version=payload.version),
    "return": lambda user, pk, payload: services.bulletin_return(
        actor=user, bulletin_id=pk, reason=payload.reason, version=payload.version
    ),
    "sign": lambda user, pk, payload: services.bulletin_sign(actor=user, bulletin_id=pk, version=payload.version),
}


@router.post(
    "/{bulletin_id}/steps/{step}", response={200: BulletinOut, **WRITE_ERRORS}, summary="送审、审核、退回、签发"
)
def bulletin_step(request: HttpRequest, bulletin_id: int, step: str, payload: StepIn):
    from django.http import Http404

    if step not in STEPS:
        raise Http404
    STEPS[step](request.auth, bulletin_id, payload)
    return selectors.bulletin_get(user=request.auth, pk=bulletin_id)


@router.get("/{bulletin_id}/files/{fmt}", response={200: None, **READ_ERRORS}, summary="通报文件（docx、xlsx、pdf）")
def bulletin_download(request: HttpRequest, bulletin_id: int, fmt: str):
    return file_response(selectors.bulletin_get(user=request.auth, pk=bulletin_id), fmt)


def file_response(bulletin, fmt: str) -> HttpResponse:
    """The bulletin's file as a download (page and API alike); 404 when there is none
    (no such format, or a PDF without LibreOffice)."""
    from django.http import Http404

    if fmt not in CONTENT_TYPES:
        raise Http404
    data = services.bulletin_file(bulletin, fmt)
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    name = bulletin.reference or f"{bulletin.title}（草稿）"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{name}.{fmt}")
    return response
