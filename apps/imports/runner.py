"""Running a preview or commit off the request, with progress the page can poll.

Large files take tens of seconds; the upload returns at once and the page asks for
progress every second. Progress lives in the cache (it must be visible while the commit's
own transaction is still open); the outcome lives on the batch.
"""

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from .models import BatchStatus, ImportBatch

logger = logging.getLogger(__name__)
PROGRESS_SECONDS = 3600


def _key(batch_id: int) -> str:
    return f"imports:progress:{batch_id}"


def progress_get(batch_id: int) -> dict | None:
    return cache.get(_key(batch_id))


def progress_reporter(batch_id: int, phase: str) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        cache.set(_key(batch_id), {"phase": phase, "done": done, "total": total}, PROGRESS_SECONDS)

    report(0, 0)
    return report


def run(batch_id: int, phase: str, work: Callable[[Callable[[int, int], None]], object]) -> None:
    """Run `work(progress)` in a thread (inline when settings.IMPORTS_RUN_INLINE, as in tests)."""

    def target():
        try:
            work(progress_reporter(batch_id, phase))
        except ValidationError as exc:
            ImportBatch.objects.filter(pk=batch_id).update(message=" ".join(exc.messages))
        except Exception as exc:  # the page must learn that the work stopped, whatever stopped it
            logger.exception("import batch %s failed", batch_id)
            ImportBatch.objects.filter(pk=batch_id).update(status=BatchStatus.FAILED, message=str(exc)[:500])
        finally:
            cache.delete(_key(batch_id))
            if not getattr(settings, "IMPORTS_RUN_INLINE", False):
                connection.close()

    if getattr(settings, "IMPORTS_RUN_INLINE", False):
        target()
        return
    close_old_connections()
    threading.Thread(target=target, name=f"import-{batch_id}", daemon=True).start()
