"""The import job on Celery (see runner.py for what makes it safe to repeat)."""

from celery import shared_task

from . import runner


@shared_task(
    name="imports.run_batch",
    bind=True,
    acks_late=True,
    max_retries=3,
    default_retry_delay=5,
)
def run_batch(self, batch_id: int, phase: str, actor_id: int, client_ip: str | None = None) -> None:
    final = self.request.retries >= self.max_retries
    try:
        runner.execute(batch_id, phase, actor_id=actor_id, client_ip=client_ip, final=final)
    except runner.DATABASE_ERRORS as exc:
        # the progress stays "queued" while waiting for the next try
        runner.progress_queued(batch_id, phase)
        raise self.retry(exc=exc, countdown=min(60, 5 * 2**self.request.retries)) from exc
