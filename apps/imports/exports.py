"""The import batches (数据导入) for the one list export (apps/exports/lists.py)."""

from django.utils import timezone

from apps.exports.lists import ListLayout, numbered
from apps.exports.writers import COUNT, TEXT, Column


def _columns():
    return numbered(
        Column("上传时间", "created_at", TEXT, 18),
        Column("导入类型", "kind", TEXT, 12),
        Column("文件名", "file_name", TEXT, 30),
        Column("导入人", "user", TEXT, 12),
        Column("状态", "status", TEXT, 10),
        Column("导入时间", "committed_at", TEXT, 18),
        Column("数据行", "rows_total", COUNT, 9, summed=True),
        Column("新增", "rows_new", COUNT, 8, summed=True),
        Column("修改", "rows_changed", COUNT, 8, summed=True),
        Column("无变化", "rows_unchanged", COUNT, 8, summed=True),
        Column("错误", "rows_error", COUNT, 8, summed=True),
        Column("SHA-256", "sha256", TEXT, 20),
    )


def _time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _row(batch):
    return {
        "created_at": _time(batch.created_at),
        "kind": batch.get_kind_display(),
        "file_name": batch.file_name,
        "user": batch.user.display_name,
        "status": batch.get_status_display(),
        "committed_at": _time(batch.committed_at),
        "rows_total": batch.rows_total,
        "rows_new": batch.rows_new,
        "rows_changed": batch.rows_changed,
        "rows_unchanged": batch.rows_unchanged,
        "rows_error": batch.rows_error,
        "sha256": batch.sha256,
    }


BATCHES = ListLayout("数据导入记录", _columns, _row)
