"""Periodic jobs (celery beat, CELERY_BEAT_SCHEDULE) and the worker's heartbeat.

Each job is idempotent: the services they call lock what they change and skip what is done
(an item already deemed approved, a reminder already unread), so a second delivery or a
retry after a lost connection changes nothing more. A database error retries with backoff.
"""

import datetime
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from apps.core.context import command_context

from . import health

logger = logging.getLogger(__name__)
RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="ops.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Beat → broker → worker round trip, seen by /healthz."""
    health.beat_heartbeat_write()


@shared_task(name="ops.approvals_tick", **RETRY)
def approvals_tick(today: str | None = None) -> dict:
    from apps.approvals import services

    day = datetime.date.fromisoformat(today) if today else None
    with command_context("approvals_tick"):
        result = services.commitment_clock_run(today=day)
    summary = {
        "deemed": len(result.deemed),
        "overdue": result.overdue,
        "rescheduled": result.rescheduled,
        "reminded": result.reminded,
        "calendar_errors": sorted(set(result.calendar_errors)),
    }
    logger.info("approvals_tick: %s", summary)
    return summary


@shared_task(name="ops.remind_unreported", **RETRY)
def remind_unreported() -> dict:
    from apps.reporting import services
    from apps.reporting.models import PeriodStatus, ReportingPeriod

    period = ReportingPeriod.objects.filter(status=PeriodStatus.OPEN).order_by("-year", "-month").first()
    if period is None:
        return {"period": None, "sent": 0, "unreported": 0}
    with command_context("remind_unreported"):
        sent, unreported = services.reminder_send_unreported_all(period=period)
    return {"period": str(period), "sent": sent, "unreported": unreported}


@shared_task(name="ops.report_partitions_ensure", **RETRY)
def report_partitions_ensure() -> list[int]:
    """This year's and next year's monthly-report partitions (PostgreSQL; nothing on SQLite).
    Idempotent: a year that has its partition is skipped."""
    from apps.reporting import partitions

    created = partitions.year_partitions_ensure()
    if created:
        logger.info("report partitions created: %s", created)
    return created
