"""Export endpoints (/api/v1/exports). They declare and delegate: files are made and recorded
by services; bad options answer 422, an owner unit outside the scope 404 (keyprojects/api.py)."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from apps.core.api_helpers import page_bounds
from apps.projects.api import ProjectFilterParams
from apps.projects.schemas import ErrorOut

from . import jobs, selectors, services
from .models import ExportFormat, ExportJob, ExportKind
from .schemas import ExportJobOut, ExportRecordListOut
from .views import file_response, job_file_response

router = Router(tags=["导出"])
FILE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
FILE_DOC = "返回文件（.xlsx 或 UTF-8 带 BOM 的 .csv），并写入一条导出记录。"
LARGE_DOC = (
    FILE_DOC + "行数超过 EXPORT_ASYNC_ROWS 时改为后台任务：返回 202 及任务状态，"
    "轮询 status_url 至 done 后从 file_url 下载（仅导出人可见）。"
)
JOB_ERRORS = {**FILE_ERRORS, 202: ExportJobOut}


def _file_or_job(request, kind: ExportKind):
    result = jobs.export_or_job(actor=request.user, kind=kind, params=request.GET)
    if isinstance(result, ExportJob):
        return Status(202, result)
    return file_response(result)


class ListExportParams(ProjectFilterParams):
    format: ExportFormat = ExportFormat.XLSX
    group: str | None = None
    year: int | None = None


class ProgressExportParams(ProjectFilterParams):
    year: int
    month: int
    format: ExportFormat = ExportFormat.XLSX
    group: str | None = None


class TemplateParams(Schema):
    year: int
    month: int
    owner_unit: int | None = None


@router.get("/projects", response=JOB_ERRORS, summary="导出项目清单", description=LARGE_DOC)
def export_projects(request: HttpRequest, params: Query[ListExportParams]):
    """The project list's filters (see GET /projects) plus format (xlsx|csv), group (category|county), year."""
    return _file_or_job(request, ExportKind.PROJECT_LIST)


@router.get("/progress", response=JOB_ERRORS, summary="导出月度推进情况表", description=LARGE_DOC)
def export_progress(request: HttpRequest, params: Query[ProgressExportParams]):
    return _file_or_job(request, ExportKind.PROGRESS)


@router.get(
    "/jobs/{job_id}",
    response={200: ExportJobOut, 401: ErrorOut, 404: ErrorOut},
    summary="导出任务状态",
    url_name="export_job",
)
def export_job(request: HttpRequest, job_id: int):
    return get_object_or_404(ExportJob.objects.restrict(request.user).defer("content"), pk=job_id)


@router.get(
    "/jobs/{job_id}/file",
    response={401: ErrorOut, 404: ErrorOut},
    summary="下载导出任务生成的文件",
    url_name="export_job_file",
)
def export_job_file(request: HttpRequest, job_id: int):
    return job_file_response(request.user, job_id)


@router.get("/template", response=FILE_ERRORS, summary="下载月报填报模板", description=FILE_DOC)
def export_template(request: HttpRequest, params: Query[TemplateParams]):
    return file_response(services.template_export(actor=request.user, params=request.GET))


@router.get("/records", response={200: ExportRecordListOut, 401: ErrorOut}, summary="导出记录")
def export_records(request: HttpRequest, kind: ExportKind | None = None, limit: int = 50, offset: int = 0):
    limit, offset = page_bounds(limit, offset)
    records = selectors.export_record_list(user=request.user, filters={"kind": kind.value if kind else None})
    return {"count": records.count(), "items": list(records[offset : offset + limit])}
