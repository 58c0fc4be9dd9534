"""Reads of change records, and their presentation as field-by-field differences."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q

from .models import ChangeRecord

HIDDEN_FIELDS = frozenset({"version"})


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class ChangeView:
    record: ChangeRecord
    changes: list[FieldChange] = field(default_factory=list)


def change_record_list(*, user, filters: dict | None = None):
    queryset = ChangeRecord.objects.restrict(user).select_related("content_type")
    filters = dict(filters or {})
    # One box finds a record by our request id or by the client's own correlation id.
    request_id = filters.pop("request_id", None)
    if request_id:
        queryset = queryset.filter(Q(request_id=request_id) | Q(correlation_id=request_id))
    for key, value in filters.items():
        if value not in (None, ""):
            queryset = queryset.filter(**{key: value})
    return queryset.order_by("-time", "-id")


def _display(model_field, value, names: dict) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if model_field is None:
        return str(value)
    if model_field.many_to_many:
        return "、".join(names.get((model_field.related_model, pk), f"#{pk}") for pk in value)
    if model_field.is_relation:
        return names.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def change_views(records) -> list[ChangeView]:
    """Records with their changed fields labelled and related ids named (one query per related model)."""
    records = list(records)
    wanted = defaultdict(set)
    resolved = []
    for record in records:
        model = record.content_type.model_class()
        fields = []
        for name in record.changed_fields:
            if name in HIDDEN_FIELDS:
                continue
            try:
                model_field = model._meta.get_field(name) if model else None
            except FieldDoesNotExist:
                model_field = None
            fields.append((name, model_field))
            if model_field is not None and model_field.is_relation:
                for side in (record.before or {}, record.after or {}):
                    value = side.get(name)
                    ids = value if isinstance(value, list) else [value]
                    wanted[model_field.related_model].update(pk for pk in ids if pk is not None)
        resolved.append((record, fields))
    names = {}
    for related_model, ids in wanted.items():
        for obj in related_model._default_manager.filter(pk__in=ids):
            names[(related_model, obj.pk)] = str(obj)
    views = []
    for record, fields in resolved:
        view = ChangeView(record=record)
        for name, model_field in fields:
            label = str(model_field.verbose_name) if model_field is not None else name
            view.changes.append(
                FieldChange(
                    label=label,
                    before=_display(model_field, (record.before or {}).get(name), names),
                    after=_display(model_field, (record.after or {}).get(name), names),
                )
            )
        views.append(view)
    return views
