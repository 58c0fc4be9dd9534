"""Without Redis (the embedded default, `make run`) jobs run eagerly in the request: the
import pages work the same, with no worker."""

import io

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.imports.models import BatchStatus, ImportBatch
from apps.imports.tests.test_plan_import import row
from apps.imports.tests.workbooks import PLAN_HEADER, xlsx
from apps.ops import tasks
from apps.projects.models import Project
from apps.reporting.models import PeriodStatus, Reminder, ReportingPeriod
from tests import factories as f


@pytest.fixture
def eager(settings):
    settings.IMPORTS_RUN_INLINE = False  # through Celery, which runs the job at once
    assert settings.CELERY_TASK_ALWAYS_EAGER


def test_import_pages_run_the_job_eagerly(client, world, eager):
    f.DepartmentFactory(name="市自然资源局", region=world.city)
    client.force_login(world.users[Role.CITY_ADMIN])
    file = io.BytesIO(xlsx([PLAN_HEADER, row()]))
    file.name = "plan.xlsx"
    client.post(reverse("imports:list"), {"kind": "plan", "file": file})
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.PREVIEWED
    client.post(reverse("imports:commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    assert Project.objects.filter(name="甲区新项目").exists()


def test_periodic_jobs_called_directly_are_idempotent(world):
    ReportingPeriod.objects.create(year=2026, month=10, deadline="2026-10-25", status=PeriodStatus.OPEN)
    first = tasks.remind_unreported.delay().get()
    assert first["sent"] == 1 and Reminder.objects.count() == 1
    assert tasks.remind_unreported.delay().get()["sent"] == 0
    assert tasks.approvals_tick.delay(today="2026-12-01").get()["deemed"] == 0


def test_remind_unreported_without_an_open_period(db):
    assert tasks.remind_unreported() == {"period": None, "sent": 0, "unreported": 0}
