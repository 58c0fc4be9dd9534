"""Running a preview or commit off the request, with progress the page can poll.

Large files take tens of seconds; the upload returns at once and the page asks for
progress every second. The work runs as a Celery job (`imports.run_batch`, apps/imports/
tasks.py) on a worker; without Redis (the embedded default) Celery runs it eagerly in the
request, and tests run it inline (settings.IMPORTS_RUN_INLINE). Progress lives in the cache
(it must be visible while the commit's own transaction is still open, and the cache is
Redis, shared by web and workers, in production); the outcome lives on the batch.

A job is safe to deliver twice or to retry: a preview only runs on a batch still pending,
a commit locks the batch and writes only while it is previewed (a second worker finds it
committed and stops without a word), and a commit that failed rolled back entirely.
"""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

from apps.core.context import request_context

from .models import BatchStatus, ImportBatch

logger = logging.getLogger(__name__)
PROGRESS_SECONDS = 3600
#: After this long in the queue the page says that the background worker may be down.
QUEUE_WARNING_SECONDS = 60
PHASES = ("preview", "commit")
DATABASE_ERRORS = (OperationalError, InterfaceError)


def _key(batch_id: int) -> str:
    return f"imports:progress:{batch_id}"


def progress_get(batch_id: int) -> dict | None:
    progress = cache.get(_key(batch_id))
    if progress and progress.get("queued"):
        progress["stalled"] = time.time() - progress.get("since", time.time()) > QUEUE_WARNING_SECONDS
    return progress


def working(batch: ImportBatch) -> bool:
    """Whether a preview or commit of the batch is still queued or running."""
    return batch.status == BatchStatus.PENDING or progress_get(batch.pk) is not None


def progress_queued(batch_id: int, phase: str) -> None:
    cache.set(
        _key(batch_id), {"phase": phase, "done": 0, "total": 0, "queued": True, "since": time.time()}, PROGRESS_SECONDS
    )


def progress_reporter(batch_id: int, phase: str) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        cache.set(_key(batch_id), {"phase": phase, "done": done, "total": total}, PROGRESS_SECONDS)

    report(0, 0)
    return report


def run(batch_id: int, phase: str, *, actor, client_ip: str | None = None) -> None:
    """Start the preview or commit of a batch: inline (tests) or as a Celery job."""
    if phase not in PHASES:
        raise ValueError(phase)
    if getattr(settings, "IMPORTS_RUN_INLINE", False):
        execute(batch_id, phase, actor_id=actor.pk, client_ip=client_ip)
        return
    from .tasks import run_batch

    progress_queued(batch_id, phase)
    run_batch.delay(batch_id, phase, actor.pk, client_ip)


def _due(batch: ImportBatch, phase: str) -> bool:
    """Whether the job still has work to do (a repeated delivery finds it done)."""
    return batch.status == (BatchStatus.PENDING if phase == "preview" else BatchStatus.PREVIEWED)


def execute(batch_id: int, phase: str, *, actor_id: int, client_ip: str | None = None, final: bool = True) -> None:
    """The job itself. A database error is raised for a retry unless this is the last try
    (`final`); any other failure ends the job with a Chinese reason on the batch."""
    from apps.accounts.models import User

    from . import services

    try:
        batch = ImportBatch.objects.filter(pk=batch_id).first()
        if batch is None or not _due(batch, phase):
            return
        progress = progress_reporter(batch_id, phase)
        if phase == "preview":
            services.import_batch_preview(batch_id=batch_id, progress=progress)
        else:
            actor = User.objects.get(pk=actor_id)
            with request_context(request_id=batch.request_id, client_ip=client_ip):
                services.import_batch_commit(actor=actor, batch_id=batch_id, progress=progress)
    except ValidationError as exc:
        batch.refresh_from_db(fields=["status"])
        if phase == "commit" and batch.status == BatchStatus.COMMITTED:
            return  # another delivery of the same job committed it first
        ImportBatch.objects.filter(pk=batch_id).update(message=" ".join(exc.messages))
    except PermissionDenied as exc:  # the uploader lost the right since (role or scope changed)
        _fail(batch_id, phase, str(exc) or _("您无权操作该导入批次。"))
    except DATABASE_ERRORS:
        if not final:
            raise
        logger.exception("import batch %s: database unavailable", batch_id)
        _fail(batch_id, phase, _("数据库暂时无法访问，多次重试仍未成功；未写入任何数据。请稍后重新操作。"))
    except Exception:  # the page must learn that the work stopped, whatever stopped it
        logger.exception("import batch %s failed", batch_id)
        _fail(
            batch_id,
            phase,
            _("处理时发生系统内部错误（批次编号 %(id)s，已记录日志）；未写入任何数据。请重试或联系系统管理员。")
            % {"id": batch_id},
        )
    finally:
        cache.delete(_key(batch_id))


def _fail(batch_id: int, phase: str, message: str) -> None:
    # A failed commit rolled back: the batch stays previewed and can be committed again.
    changes = {"message": message}
    if phase == "preview":
        changes["status"] = BatchStatus.FAILED
    ImportBatch.objects.filter(pk=batch_id).update(**changes)
