import datetime

from django.urls import reverse
from ninja import Schema


class RowErrorOut(Schema):
    column: str
    field: str
    message: str


class RowOut(Schema):
    sheet: str
    row: int
    label: str
    status: str
    changes: dict[str, list[str]]
    errors: list[RowErrorOut]


class BatchOut(Schema):
    id: int
    kind: str
    status: str
    user: str
    created_at: datetime.datetime
    committed_at: datetime.datetime | None
    undone_at: datetime.datetime | None
    file_name: str
    file_size: int
    sha256: str
    file_format: str
    encoding: str
    parameters: dict
    rows_total: int
    rows_new: int
    rows_changed: int
    rows_unchanged: int
    rows_error: int
    warnings: list[str]
    reading: dict
    message: str
    # Background work (a queued or running preview/commit): {"phase", "done", "total",
    # "queued", "stalled"}; None when nothing runs. `working` is true until it ends.
    progress: dict | None
    working: bool
    status_url: str  # poll this (GET) while `working`

    @staticmethod
    def resolve_status_url(batch) -> str:
        return reverse("api:imports_detail", args=[batch.pk])

    @staticmethod
    def resolve_user(batch) -> str:
        return batch.user.display_name

    @staticmethod
    def resolve_progress(batch) -> dict | None:
        from .runner import progress_get

        return progress_get(batch.pk)

    @staticmethod
    def resolve_working(batch) -> bool:
        from .runner import working

        return working(batch)


class BatchDetailOut(BatchOut):
    rows: list[RowOut]

    @staticmethod
    def resolve_rows(batch) -> list[dict]:
        # Errors first, then changes; unchanged rows are only counted.
        return batch.preview
