"""Large exports on Celery (apps/exports/jobs.py)."""

from celery import shared_task
from django.conf import settings

from . import jobs


@shared_task(name="exports.run_job", bind=True, acks_late=True)
def run_job(self, job_id: int) -> None:
    retries = settings.JOB_MAX_RETRIES
    try:
        jobs.job_run(job_id, final=self.request.retries >= retries)
    except jobs.DATABASE_ERRORS as exc:
        delay = min(60, settings.JOB_RETRY_DELAY * 2**self.request.retries)
        raise self.retry(exc=exc, countdown=delay, max_retries=retries) from exc
