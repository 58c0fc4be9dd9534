"""Response shapes of the export API (/api/v1/exports)."""

import datetime
from typing import Any

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
