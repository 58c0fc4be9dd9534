"""Large exports as Celery jobs (`exports.run_job`).

An export of more than settings.EXPORT_ASYNC_ROWS rows would hold a web worker for tens of
seconds (and a gunicorn timeout cuts it off): it becomes an ExportJob, made by a worker,
with its progress in the cache (shared by web and workers through Redis) and its outcome
on the job. The page and the API poll the job; only the user who started it sees it or
downloads the file. Smaller exports stay a direct download.

A job is safe to deliver twice: a worker claims it (queued → running) in one UPDATE, so a
second delivery finds nothing to do; a database error puts it back in the queue for the
retry; any other failure ends it with a Chinese reason.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.context import current_request_meta, request_context

from . import selectors, services
from .forms import options_or_error
from .models import ExportJob, ExportJobStatus, ExportKind

logger = logging.getLogger(__name__)
PROGRESS_SECONDS = 3600
DATABASE_ERRORS = (OperationalError, InterfaceError)

#: The exports that may run as jobs: kind → (service, whether the options need a period).
JOB_EXPORTS = {
    ExportKind.PROJECT_LIST.value: (services.project_list_export, False),
    ExportKind.PROGRESS.value: (services.progress_export, True),
}


def _key(job_id: int) -> str:
    return f"exports:job:{job_id}"


def progress_get(job: ExportJob) -> dict:
    """{"done", "total"}: rows written so far of the rows expected."""
    done = cache.get(_key(job.pk), 0) if job.status == ExportJobStatus.RUNNING else 0
    if job.status == ExportJobStatus.DONE:
        done = job.record.row_count if job.record_id else job.rows_expected
    return {"done": done, "total": job.rows_expected}


def _plain(params) -> dict[str, list[str]]:
    if hasattr(params, "lists"):
        return {key: list(values) for key, values in params.lists()}
    return {key: [str(value)] for key, value in params.items() if value not in (None, "")}


def _query_dict(params: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, values)
    return query


def rows_expected(*, actor, params) -> int:
    """The rows of the export: the projects of the list's scope and filters (the progress
    table keeps those due or reported in the month, so at most as many)."""
    queryset, _region = selectors.project_list_queryset(user=actor, params=params)
    return queryset.order_by().count()


def export_or_job(*, actor, kind: ExportKind, params):
    """The file (an ExportFile) when small, else a queued ExportJob. Bad options are refused
    here, before anything is queued (ValidationError, as for a direct download)."""
    service, period_required = JOB_EXPORTS[ExportKind(kind).value]
    options_or_error(params, period_required=period_required)
    expected = rows_expected(actor=actor, params=params)
    if expected <= settings.EXPORT_ASYNC_ROWS:
        return service(actor=actor, params=params)
    meta = current_request_meta()
    job = ExportJob.objects.create(
        user=actor,
        kind=kind,
        params=_plain(params),
        rows_expected=expected,
        request_id=meta.request_id,
        client_ip=meta.client_ip,
    )
    from .tasks import run_job

    run_job.delay(job.pk)
    job.refresh_from_db(fields=["status", "message", "record", "file_name"])  # done already when run eagerly
    return job


def job_run(job_id: int, *, final: bool = True) -> None:
    """The job itself. A database error is raised for a retry unless this is the last try."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJobStatus.QUEUED).update(status=ExportJobStatus.RUNNING)
    if not claimed:
        return  # done, failed, or being made by another worker
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    service, _period = JOB_EXPORTS[job.kind]
    try:
        if not job.user.is_active:
            raise PermissionDenied(_("导出人的账号已停用，未生成文件。"))
        with request_context(request_id=job.request_id or f"job-export-{job_id}", client_ip=job.client_ip):
            export = service(
                actor=job.user,
                params=_query_dict(job.params),
                progress=lambda done: cache.set(_key(job_id), done, PROGRESS_SECONDS),
            )
        with export.file:
            content = export.file.read()
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJobStatus.DONE,
            record=export.record,
            file_name=export.file_name,
            content_type=export.content_type,
            content=content,
            finished_at=timezone.now(),
            message="",
        )
    except DATABASE_ERRORS:
        if not final:
            ExportJob.objects.filter(pk=job_id).update(status=ExportJobStatus.QUEUED)
            raise
        logger.exception("export job %s: database unavailable", job_id)
        _fail(job_id, _("数据库暂时无法访问，多次重试仍未成功；未生成文件。请稍后重新导出。"))
    except (ValidationError, PermissionDenied) as exc:
        reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        _fail(job_id, _("未导出：%(reason)s") % {"reason": reason})
    except Exception:  # the page must learn that the job stopped, whatever stopped it
        logger.exception("export job %s failed", job_id)
        _fail(
            job_id,
            _("生成文件时发生系统内部错误（任务编号 %(id)s，已记录日志）。请重新导出或联系系统管理员。")
            % {"id": job_id},
        )
    finally:
        cache.delete(_key(job_id))


def _fail(job_id: int, message: str) -> None:
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportJobStatus.FAILED, message=message, finished_at=timezone.now()
    )
