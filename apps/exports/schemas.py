"""Response shapes of the export API (/api/v1/exports)."""

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from ninja import Schema

from .models import ExportFormat, ExportKind


class ExportRecordOut(Schema):
    id: int
    time: datetime.datetime
    user_name: str
    kind: ExportKind
    file_format: ExportFormat
    filters: dict[str, Any]
    row_count: int
    file_name: str
    size: int
    sha256: str
    request_id: str

    @staticmethod
    def resolve_time(obj) -> datetime.datetime:
        return timezone.localtime(obj.time)


class ExportRecordListOut(Schema):
    count: int
    items: list[ExportRecordOut]


class ExportJobOut(Schema):
    """A large export made in the background: poll `status_url` until `status` is done
    (then fetch `file_url`) or failed (`message` says why, in Chinese)."""

    id: int
    kind: ExportKind
    status: str
    status_display: str
    rows_expected: int
    rows_done: int
    message: str
    file_name: str
    status_url: str
    file_url: str | None

    @staticmethod
    def resolve_status_display(job) -> str:
        return str(job.get_status_display())

    @staticmethod
    def resolve_rows_done(job) -> int:
        from .jobs import progress_get

        return progress_get(job)["done"]

    @staticmethod
    def resolve_status_url(job) -> str:
        return reverse("api:export_job", kwargs={"job_id": job.pk})

    @staticmethod
    def resolve_file_url(job) -> str | None:
        if job.status != "done":
            return None
        return reverse("api:export_job_file", kwargs={"job_id": job.pk})
