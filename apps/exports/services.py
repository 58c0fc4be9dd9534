"""Producing an export file and recording it (who, when, what, which filters, how many rows,
the file's name and SHA-256) in one append-only ExportRecord."""

import functools
import hashlib
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.context import current_request_meta
from apps.reporting.services import REPORTER_ROLES

from . import selectors
from .forms import options_or_error
from .models import ExportFormat, ExportKind, ExportRecord
from .writers import Table, write_csv, write_xlsx

CONTENT_TYPES = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.CSV: "text/csv; charset=utf-8",
}
# Memory for the finished file before it spills to disk.
SPOOL_BYTES = 8 * 1024 * 1024


@dataclass
class ExportFile:
    record: ExportRecord
    file: BinaryIO  # positioned at the start; the caller closes it (FileResponse does)
    file_name: str
    content_type: str


def _plain_filters(filters: dict) -> dict:
    """Query parameters as JSON: single values as strings, repeated ones as lists."""
    if hasattr(filters, "lists"):
        return {key: values[0] if len(values) == 1 else values for key, values in filters.lists() if key != "page"}
    return {key: value for key, value in filters.items() if value not in (None, "")}


def _sha256(handle: BinaryIO) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    handle.seek(0)
    while chunk := handle.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    handle.seek(0)
    return digest.hexdigest(), size


def export_create(
    *,
    actor,
    kind: ExportKind,
    file_format: ExportFormat,
    table: Table,
    file_name: str,
    filters: dict,
    progress: Callable[[int], None] | None = None,
) -> ExportFile:
    """Write `table` as `file_format` and record the export. The file is written before the
    record (a failed write records nothing); the record is written in its own transaction."""
    if kind not in ExportKind.values:
        raise ValidationError({"kind": [_("不支持的导出类型。")]})
    if file_format not in ExportFormat.values:
        raise ValidationError({"format": [_("导出格式应为 xlsx 或 csv。")]})
    if progress is not None:
        table.rows = _counted(table.rows, progress)
    # Handed to the response, which closes it after sending.
    handle = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    try:
        # Files are official Chinese documents whatever the UI language (choice labels included).
        with translation.override("zh-hans"):
            rows = (write_xlsx if file_format == ExportFormat.XLSX else write_csv)(table, handle)
        sha256, size = _sha256(handle)
    except BaseException:
        handle.close()
        raise
    record = _record(
        actor=actor,
        kind=kind,
        file_format=file_format,
        filters=_plain_filters(filters),
        row_count=rows,
        file_name=file_name,
        size=size,
        sha256=sha256,
    )
    return ExportFile(record=record, file=handle, file_name=file_name, content_type=CONTENT_TYPES[file_format])


def _counted(rows: Iterable[dict], progress: Callable[[int], None], every: int = 200) -> Iterator[dict]:
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % every == 0:
            progress(done)
    progress(done)


@transaction.atomic
def _record(*, actor, **fields) -> ExportRecord:
    meta = current_request_meta()
    authenticated = actor is not None and actor.is_authenticated
    return ExportRecord.objects.create(
        user=actor if authenticated else None,
        user_name=actor.display_name if authenticated else "",
        request_id=meta.request_id,
        client_ip=meta.client_ip,
        **fields,
    )


# --- the exports the pages, the API and the command offer ---------------------------------


def _in_chinese(function):
    """Titles, group rows and choice labels are built in Chinese whatever the UI language."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override("zh-hans"):
            return function(*args, **kwargs)

    return wrapper


@_in_chinese
def project_list_export(*, actor, params, queryset=None, title: str | None = None, progress=None) -> ExportFile:
    """项目清单 of the list page's scope and filters (or of `queryset`, already restricted to
    `actor`, e.g. a dashboard figure's projects). Options: format, group, year."""
    options = options_or_error(params)
    region = None
    if queryset is None:
        queryset, region = selectors.project_list_queryset(user=actor, params=params)
    table = selectors.project_list_table(
        user=actor, queryset=queryset, year=options["year"], grouping=options["group"], title=title, region=region
    )
    name = selectors.file_name("项目清单", selectors.stamp(), extension=options["format"])
    return export_create(
        actor=actor,
        kind=ExportKind.PROJECT_LIST,
        file_format=options["format"],
        table=table,
        file_name=name,
        filters=params,
        progress=progress,
    )


@_in_chinese
def progress_export(*, actor, params, progress=None) -> ExportFile:
    """月度推进情况表 for (year, month) of the list's scope and filters. Options: format, group."""
    options = options_or_error(params, period_required=True)
    year, month = options["year"], options["month"]
    table = selectors.progress_table(user=actor, params=params, year=year, month=month, grouping=options["group"])
    name = selectors.file_name("推进情况表", f"{year}年{month}月", selectors.stamp(), extension=options["format"])
    return export_create(
        actor=actor,
        kind=ExportKind.PROGRESS,
        file_format=options["format"],
        table=table,
        file_name=name,
        filters=params,
        progress=progress,
    )


@_in_chinese
def template_export(*, actor, params, owner_unit=None) -> ExportFile:
    """月报填报模板 (.xlsx) for (year, month): an owner reporter's own projects, a county
    user's county (optionally one owner unit of it), the city administrator's likewise."""
    if actor.role not in REPORTER_ROLES:
        raise PermissionDenied(_("您的角色不填报月报，没有填报模板。"))
    options = options_or_error(params, period_required=True)
    year, month = options["year"], options["month"]
    if owner_unit is None:
        owner_unit = selectors.template_owner_unit(user=actor, owner_unit_id=options["owner_unit"])
    table = selectors.template_table(user=actor, year=year, month=month, owner_unit=owner_unit)
    whose = owner_unit.name if owner_unit is not None else selectors.scope_name(actor)
    name = selectors.file_name("月报模板", f"{year}年{month}月", whose, extension=ExportFormat.XLSX)
    return export_create(
        actor=actor,
        kind=ExportKind.TEMPLATE,
        file_format=ExportFormat.XLSX,
        table=table,
        file_name=name,
        filters=params,
    )


@_in_chinese
def list_export(
    *, actor, title: str, columns, rows, params, sheet_name: str = "", kind: str = ExportKind.LIST
) -> ExportFile:
    """Any list page as .xlsx (or CSV with format=csv) in the offices' layout: the page's own
    FilterSet gives `rows` (dicts by column key, already scoped to the actor), this writes
    them with a title, the export time, a frozen header, totals of summed columns, and
    records the export. One mechanism for every list (review queue, problems, approvals…)."""
    file_format = params.get("format") or ExportFormat.XLSX
    table = Table(
        title=title,
        sheet_name=(sheet_name or title)[:31],
        columns=list(columns),
        rows=rows,
        exported_at=timezone.localtime(),
        totals=any(column.summed for column in columns),
    )
    name = selectors.file_name(title, selectors.stamp(), extension=file_format)
    return export_create(actor=actor, kind=kind, file_format=file_format, table=table, file_name=name, filters=params)
