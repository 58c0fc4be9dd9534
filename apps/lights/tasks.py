"""The lights' jobs on the queue (Celery; eager without Redis, as `make run` has it).

- `lights.evaluate_closed_month` (celery beat, daily): evaluates the latest month whose
  reporting period is closed (the month's reports are in: "monthly at period close"), or,
  where no reporting period is kept, the latest ended month. Idempotent: a month already
  evaluated is re-evaluated and only the lights that moved are rewritten (services).
- `lights.refresh`: re-evaluates the objects a change touched (signals.py queues it after
  the commit).
"""

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from apps.core.context import command_context
from apps.ops.tasks import RETRY  # the periodic jobs' retry on database errors

logger = logging.getLogger(__name__)


def month_to_evaluate(today: datetime.date) -> tuple[int, int]:
    """The latest month whose reporting period is closed; without any, the latest ended month."""
    from apps.reporting.models import PeriodStatus, ReportingPeriod

    closed = (
        ReportingPeriod.objects.filter(status=PeriodStatus.CLOSED)
        .order_by("-year", "-month")
        .values_list("year", "month")
        .first()
    )
    if closed is not None:
        return closed
    last = today.replace(day=1) - datetime.timedelta(days=1)
    return last.year, last.month


@shared_task(name="lights.evaluate_closed_month", **RETRY)
def evaluate_closed_month(today: str | None = None) -> dict:
    from .services import lights_evaluate

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    year, month = month_to_evaluate(day)
    with command_context("lights_evaluate"):
        run = lights_evaluate(year=year, month=month, trigger="schedule")
    summary = {"year": year, "month": month, "lights": run.lights, "seconds": str(run.seconds)}
    logger.info("lights.evaluate_closed_month: %s", summary)
    return summary


@shared_task(name="lights.refresh", **RETRY)
def refresh(subject: str, object_ids: list[int]) -> int | None:
    from .services import lights_refresh

    with command_context("lights_refresh"):
        run = lights_refresh(subject=subject, object_ids=object_ids, trigger="change")
    return None if run is None else run.lights
