"""Export endpoints (/api/v1/exports). They declare and delegate: files are made and recorded
by services; bad options answer 422, an owner unit outside the scope 404 (keyprojects/api.py)."""

from django.http import HttpRequest
from ninja import Query, Router, Schema

from apps.core.api_helpers import page_bounds
from apps.projects.api import ProjectFilterParams
from apps.projects.schemas import ErrorOut

from . import selectors, services
from .models import ExportFormat, ExportKind
from .schemas import ExportRecordListOut
from .views import file_response

router = Router(tags=["导出"])
FILE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
FILE_DOC = "返回文件（.xlsx 或 UTF-8 带 BOM 的 .csv），并写入一条导出记录。"


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


@router.get("/projects", response=FILE_ERRORS, summary="导出项目清单", description=FILE_DOC)
def export_projects(request: HttpRequest, params: Query[ListExportParams]):
    """The project list's filters (see GET /projects) plus format (xlsx|csv), group (category|county), year."""
    return file_response(services.project_list_export(actor=request.user, params=request.GET))


@router.get("/progress", response=FILE_ERRORS, summary="导出月度推进情况表", description=FILE_DOC)
def export_progress(request: HttpRequest, params: Query[ProgressExportParams]):
    return file_response(services.progress_export(actor=request.user, params=request.GET))


@router.get("/template", response=FILE_ERRORS, summary="下载月报填报模板", description=FILE_DOC)
def export_template(request: HttpRequest, params: Query[TemplateParams]):
    return file_response(services.template_export(actor=request.user, params=request.GET))


@router.get("/records", response={200: ExportRecordListOut, 401: ErrorOut}, summary="导出记录")
def export_records(request: HttpRequest, kind: ExportKind | None = None, limit: int = 50, offset: int = 0):
    limit, offset = page_bounds(limit, offset)
    records = selectors.export_record_list(user=request.user, filters={"kind": kind.value if kind else None})
    return {"count": records.count(), "items": list(records[offset : offset + limit])}
