"""Export downloads and the export log. Views declare and delegate: the files are made and
recorded by services; bad options come back as a message on the page they came from."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import jobs, selectors, services
from .models import ExportFormat, ExportJob, ExportJobStatus, ExportKind


def file_response(export) -> HttpResponse:
    """The file as an attachment: from memory when small, streamed from disk when large."""
    if export.record.size > services.SPOOL_BYTES:
        return FileResponse(
            export.file, as_attachment=True, filename=export.file_name, content_type=export.content_type
        )
    with export.file:
        response = HttpResponse(export.file.read(), content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=export.file_name)
    return response


def _refused(request, error: ValidationError, fallback: str):
    messages.error(request, _("未导出：%(reason)s") % {"reason": " ".join(error.messages)})
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return redirect(referer)
    return redirect(fallback)


def _with_format(request, fmt: str | None):
    if fmt is None:
        return request.GET
    if fmt not in ExportFormat.values:
        raise Http404
    params = request.GET.copy()
    params["format"] = fmt
    return params


def _file_or_job(request, kind: ExportKind, fmt: str | None, fallback: str):
    """The file, or (above settings.EXPORT_ASYNC_ROWS rows) the page of the job making it."""
    try:
        result = jobs.export_or_job(actor=request.user, kind=kind, params=_with_format(request, fmt))
    except ValidationError as error:
        return _refused(request, error, fallback)
    if isinstance(result, ExportJob):
        return redirect("exports:job", result.pk)
    return file_response(result)


@login_required
def project_list_export(request, fmt: str | None = None):
    """项目清单 of the list page's scope and filters (also at /projects/export.<fmt>)."""
    return _file_or_job(request, ExportKind.PROJECT_LIST, fmt, "projects:list")


@login_required
def progress_export(request, fmt: str | None = None):
    return _file_or_job(request, ExportKind.PROGRESS, fmt, "reporting:unreported")


def _job_context(request, pk: int) -> dict:
    job = get_object_or_404(ExportJob.objects.restrict(request.user).select_related("record").defer("content"), pk=pk)
    working = job.status in (ExportJobStatus.QUEUED, ExportJobStatus.RUNNING)
    return {"job": job, "progress": jobs.progress_get(job), "working": working}


@login_required
def job_detail(request, pk: int):
    return render(request, "exports/job.html", _job_context(request, pk))


@login_required
def job_progress(request, pk: int):
    return render(request, "exports/_job_progress.html", _job_context(request, pk))


@login_required
def job_file(request, pk: int):
    return job_file_response(request.user, pk)


def job_file_response(user, pk: int) -> HttpResponse:
    """The finished job's file, to the user who started it only (404 for anyone else)."""
    job = get_object_or_404(ExportJob.objects.restrict(user), pk=pk, status=ExportJobStatus.DONE)
    response = HttpResponse(bytes(job.content), content_type=job.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=job.file_name)
    return response


@login_required
def template_download(request):
    try:
        export = services.template_export(actor=request.user, params=request.GET)
    except ValidationError as error:
        return _refused(request, error, "reporting:mine")
    return file_response(export)


@login_required
def record_list(request):
    kind = request.GET.get("kind")
    filters = {
        "kind": kind if kind in ExportKind.values else None,
        "user_name__icontains": request.GET.get("user", "").strip(),
        "time__date__gte": request.GET.get("date_from") or None,
        "time__date__lte": request.GET.get("date_to") or None,
    }
    page = Paginator(selectors.export_record_list(user=request.user, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "exports/record_list.html", {"page": page, "kinds": ExportKind.choices})
