"""The import job on Celery (see runner.py for what makes it safe to repeat)."""

from celery import shared_task
from django.conf import settings

from . import runner


@shared_task(name="imports.run_batch", bind=True, acks_late=True)
def run_batch(self, batch_id: int, phase: str, actor_id: int, client_ip: str | None = None) -> None:
    retries = settings.JOB_MAX_RETRIES
    final = self.request.retries >= retries
    try:
        runner.execute(batch_id, phase, actor_id=actor_id, client_ip=client_ip, final=final)
    except runner.DATABASE_ERRORS as exc:
        runner.progress_queued(batch_id, phase)  # the page shows it waiting for the next try
        delay = min(60, settings.JOB_RETRY_DELAY * 2**self.request.retries)
        raise self.retry(exc=exc, countdown=delay, max_retries=retries) from exc
