"""The change log (变更记录) for the one list export (apps/exports/lists.py)."""

from django.utils import timezone
from django.utils.dateparse import parse_date

from apps.exports.lists import ListLayout, numbered
from apps.exports.writers import TEXT, Column

from .models import ChangeAction


def _date(value):
    try:
        return parse_date(value or "")
    except ValueError:  # well-formed but impossible (2026-02-30): no filter rather than a 500
        return None


def change_filters(params) -> dict:
    """The change log's filters from the query string, shared by the page and its export."""
    return {
        "action": params.get("action") if params.get("action") in ChangeAction.values else None,
        "request_id": params.get("request_id", "").strip(),
        "user_name__icontains": params.get("user", "").strip(),
        "time__date__gte": _date(params.get("date_from")),
        "time__date__lte": _date(params.get("date_to")),
    }


def _columns():
    return numbered(
        Column("时间", "time", TEXT, 20),
        Column("操作人", "user", TEXT, 12),
        Column("操作", "action", TEXT, 8),
        Column("对象类型", "type", TEXT, 14),
        Column("对象", "object", TEXT, 36),
        Column("所属项目编号", "project", TEXT, 10),
        Column("变更字段", "fields", TEXT, 36),
        Column("请求编号", "request_id", TEXT, 24),
        Column("客户端 IP", "ip", TEXT, 16),
    )


def _row(record):
    return {
        "time": timezone.localtime(record.time).strftime("%Y-%m-%d %H:%M:%S"),
        "user": record.user_name,
        "action": record.get_action_display(),
        "type": str(record.content_type.model_class()._meta.verbose_name) if record.content_type.model_class() else "",
        "object": record.object_repr,
        "project": str(record.project_id or ""),
        "fields": "、".join(record.changed_fields),
        "request_id": record.request_id,
        "ip": record.client_ip or "",
    }


CHANGES = ListLayout("变更记录", _columns, _row)
