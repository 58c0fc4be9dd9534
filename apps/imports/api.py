"""Import endpoints (/api/v1/imports): upload and preview, commit, undo. By default the
preview and the commit run within the request (the client waits for the answer);
`background=true` queues them as the pages do (a Celery job, apps/imports/runner.py) and
answers 202 at once: poll GET /imports/{id} (`status`, `progress`, `working`, `message`).
A file above settings.IMPORT_INLINE_MAX_BYTES is always previewed as a job (202), so the
web process never holds a large file's parsed rows. Errors become JSON in keyprojects/api.py."""

from typing import Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from apps.core.api_helpers import page_bounds
from apps.core.middleware import client_ip
from apps.projects.schemas import ErrorOut

from . import runner, selectors, services
from .models import BatchStatus
from .preparation import parse_column_choices
from .reading import FileRefused, check_size
from .schemas import BatchDetailOut, BatchOut
from .uploads import upload_refusal

router = Router(tags=["数据导入"])

READ_ERRORS = {401: ErrorOut, 404: ErrorOut}
# Optional so that an upload stopped at the size cap gets its own answer (413), not "required".
OPTIONAL_FILE = File(None)
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ImportParams(Schema):
    kind: str
    year: int | None = None
    month: int | None = None
    level: str | None = None
    investor_type: str | None = None
    submit: bool = False
    unit: Literal["元", "千元", "万元", "亿元"] | None = Field(None, description="金额单位（不填则按表格识别）")
    columns: str | None = Field(None, description="列选择，如“总投资=J；2026年计划投资=M”")
    hidden_rows: Literal["skip", "include"] = Field("skip", description="隐藏行：skip 不导入（默认）/ include 一并导入")
    blanks: Literal["keep", "clear"] = Field("keep", description="空白单元格：keep 不修改（默认）/ clear 清空")
    background: bool = Field(
        False, description="后台处理：true 时立即返回 202，轮询批次查看进度；超过内联上限的大文件总是后台处理"
    )


@router.get("", response=list[BatchOut], summary="导入批次列表")
def batch_list(request, limit: int = 50, offset: int = 0):
    limit, offset = page_bounds(limit, offset, 200)
    return list(selectors.import_batch_list(user=request.auth)[offset : offset + limit])


@router.post(
    "",
    response={201: BatchDetailOut, 202: BatchDetailOut, 413: ErrorOut, **WRITE_ERRORS},
    summary="上传文件并预览（不写入业务数据）",
    url_name="imports_upload",
)
def batch_create(request, params: Form[ImportParams], file: UploadedFile = OPTIONAL_FILE):
    refusal = upload_refusal(request)  # over the size cap while streaming: the file was not kept
    if refusal:
        return Status(413, {"detail": refusal})
    if params.kind not in selectors.import_kinds_for(user=request.auth):
        raise PermissionDenied(_("您的角色不能导入该类型的数据。"))
    if file is None:
        raise ValidationError({"file": _("请选择要导入的文件。")})
    try:
        check_size(file.size)
    except FileRefused as exc:
        raise ValidationError({"file": str(exc)}) from exc
    # Only the id is kept: the preview reads the file itself, the upload is not held twice.
    batch_id = services.import_batch_create(
        actor=request.auth,
        kind=params.kind,
        file_name=file.name or "upload",
        content=file.read(),
        parameters={
            **params.model_dump(exclude={"kind", "background"}),
            "columns": parse_column_choices(params.columns or ""),
        },
    ).pk
    if params.background or file.size > settings.IMPORT_INLINE_MAX_BYTES:
        runner.run(batch_id, "preview", actor=request.auth, client_ip=client_ip(request))
        return Status(202, selectors.import_batch_get(user=request.auth, batch_id=batch_id))
    return Status(201, services.import_batch_preview(batch_id=batch_id))


@router.get(
    "/{batch_id}", response={200: BatchDetailOut, **READ_ERRORS}, summary="导入批次及预览", url_name="imports_detail"
)
def batch_detail(request, batch_id: int):
    return selectors.import_batch_get(user=request.auth, batch_id=batch_id)


@router.post(
    "/{batch_id}/commit",
    response={200: BatchDetailOut, 202: BatchDetailOut, **WRITE_ERRORS},
    summary="确认导入（全部写入或全部不写）",
)
def batch_commit(request, batch_id: int, confirm: bool = False, background: bool = False):
    """`confirm=true` confirms the values the preview asked to check (an implausible amount);
    `background=true` queues the commit and answers 202 (poll GET /imports/{id})."""
    batch = selectors.import_batch_get(user=request.auth, batch_id=batch_id)
    if not background:
        return services.import_batch_commit(actor=request.auth, batch_id=batch_id, confirm=confirm)
    if batch.status != BatchStatus.PREVIEWED:  # refused now, not later in the job
        raise ValidationError(
            _("只有待确认的批次可以导入（当前状态：%(status)s）。") % {"status": batch.get_status_display()}
        )
    if confirm:  # travels with the batch to the job, as the page's box does
        services.import_batch_confirm(actor=request.auth, batch_id=batch_id)
    runner.run(batch_id, "commit", actor=request.auth, client_ip=client_ip(request))
    return Status(202, selectors.import_batch_get(user=request.auth, batch_id=batch_id))


@router.post("/{batch_id}/undo", response={200: BatchOut, **WRITE_ERRORS}, summary="撤销已导入的批次")
def batch_undo(request, batch_id: int):
    selectors.import_batch_get(user=request.auth, batch_id=batch_id)
    return services.import_batch_undo(actor=request.auth, batch_id=batch_id)
