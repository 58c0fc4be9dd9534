"""Writing change records. Called by every service that changes business data,
inside the service's transaction, so the record and the change commit together."""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from apps.core.context import current_request_meta
from apps.core.money import decimal_str

from .chain import lock_and_last_hash, row_hasher
from .models import ChangeAction, ChangeRecord


def _plain(value):
    if isinstance(value, Decimal):
        # One spelling per amount, so "10.5000" before and "10.5" after is no change.
        return decimal_str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


_AS_IS = frozenset({str, int, bool, float, type(None)})


def _snapshot_fields(model: type[models.Model]) -> tuple[list, list]:
    """(concrete, many-to-many) fields a snapshot records, worked out once per model."""
    cached = _SNAPSHOT_FIELDS.get(model)
    if cached is None:
        excluded = getattr(model, "AUDIT_EXCLUDE", frozenset())
        concrete = [
            field
            for field in model._meta.concrete_fields
            # The record has its own time; auto timestamps would make every save look like a change.
            if field.name not in excluded
            and not field.primary_key
            and not getattr(field, "auto_now", False)
            and not getattr(field, "auto_now_add", False)
        ]
        many = [field for field in model._meta.many_to_many if field.name not in excluded]
        cached = _SNAPSHOT_FIELDS[model] = (concrete, many)
    return cached


_SNAPSHOT_FIELDS: dict[type, tuple[list, list]] = {}


def snapshot(instance: models.Model) -> dict:
    """Field values as JSON-safe primitives: FKs as ids, M2M as sorted id lists.

    A model lists fields that must never reach the log (secrets, noise) in AUDIT_EXCLUDE.
    """
    concrete, many = _snapshot_fields(type(instance))
    values = instance.__dict__
    # Read the instance dict directly (fast); a deferred field is loaded as usual.
    data = {}
    for field in concrete:
        value = values[field.attname] if field.attname in values else getattr(instance, field.attname)
        # Most values are already plain; the type test is cheaper than the call (100,000s in an import).
        data[field.name] = value if type(value) in _AS_IS else _plain(value)
    if instance.pk is not None:
        for field in many:
            data[field.name] = sorted(obj.pk for obj in getattr(instance, field.name).all())
    return data


def change_record_write(
    *,
    actor,
    action: ChangeAction,
    instance: models.Model,
    before: dict | None,
    after: dict | None,
    project_id: int | None = None,
) -> ChangeRecord | None:
    """Write one change record. An update that changed nothing writes nothing."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("change records must be written inside the changing transaction")
    if action == ChangeAction.UPDATE and before == after:
        return None
    meta = current_request_meta()
    return ChangeRecord.objects.create(
        user=actor if actor is not None and actor.is_authenticated else None,
        user_name=actor.display_name if actor is not None and actor.is_authenticated else "",
        request_id=meta.request_id,
        correlation_id=meta.correlation_id,
        client_ip=meta.client_ip,
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        project_id=project_id,
        before=before,
        after=after,
    )


def change_records_write_bulk(*, actor, entries, batch_size: int = 2000) -> int:
    """Write many change records at once (imports): `entries` yields
    (action, instance, before, after, project_id). Same rules as change_record_write:
    inside the changing transaction, and an update that changed nothing writes nothing.

    One executemany of plain INSERTs: the ORM's bulk_create spends about four times as long
    compiling the same rows, and an import writes one record per object it touches."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("change records must be written inside the changing transaction")
    meta = current_request_meta()
    user = actor if actor is not None and actor.is_authenticated else None
    fields = {field.name: field for field in ChangeRecord._meta.concrete_fields if not field.primary_key}
    prep = {name: field.get_db_prep_save for name, field in fields.items()}
    now = timezone.now()
    client_ip = fields["client_ip"].to_python(meta.client_ip) if meta.client_ip else None
    constant = {
        "time": prep["time"](now, connection),
        "user": user.pk if user else None,
        "user_name": user.display_name if user else "",
        "request_id": meta.request_id,
        "correlation_id": meta.correlation_id,
        "client_ip": prep["client_ip"](client_ip, connection),
    }
    # The chain's content of every row, less what differs per row.
    chained = {
        "time": now,
        "user_id": constant["user"],
        "user_name": constant["user_name"],
        "request_id": meta.request_id,
        "correlation_id": meta.correlation_id,
        "client_ip": client_ip,
    }
    hash_row = row_hasher("changerecord", chained)
    previous = lock_and_last_hash(ChangeRecord)
    content_types: dict[type, int] = {}
    names = list(fields)
    # Identifiers come from the model's own metadata, quoted; values are bound parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        connection.ops.quote_name(ChangeRecord._meta.db_table),
        ", ".join(connection.ops.quote_name(fields[name].column) for name in names),
        ", ".join(["%s"] * len(names)),
    )
    written = 0
    rows = []
    with connection.cursor() as cursor:
        for action, instance, before, after, project_id in entries:
            if action == ChangeAction.UPDATE and before == after:
                continue
            model = type(instance)
            if model not in content_types:
                content_types[model] = ContentType.objects.get_for_model(model).pk
            own = {
                "action": str(action),
                "content_type_id": content_types[model],
                "object_id": instance.pk,
                "object_repr": str(instance)[:200],
                "project_id": project_id,
                "before": before,
                "after": after,
            }
            previous = hash_row(previous, own)
            values = {
                **constant,
                "action": own["action"],
                "content_type": own["content_type_id"],
                "object_id": own["object_id"],
                "object_repr": own["object_repr"],
                "project_id": project_id,
                "before": prep["before"](before, connection),
                "after": prep["after"](after, connection),
                "hash": previous,
            }
            rows.append([values[name] for name in names])
            # Written a batch at a time: 100,000 records' JSON need not be held at once.
            if len(rows) == batch_size:
                cursor.executemany(sql, rows)
                written, rows = written + len(rows), []
        if rows:
            cursor.executemany(sql, rows)
    return written + len(rows)


def security_event_write(*, kind, user=None, username: str = "", actor=None, detail: dict | None = None):
    """Record a security event (login, lockout, second factor, password, token, role,
    access denied). Its own transaction when called outside one: a refused login is
    recorded even though nothing else is written."""
    from .models import SecurityEvent

    meta = current_request_meta()
    if user is not None and not getattr(user, "pk", None):
        user = None
    with transaction.atomic():
        return SecurityEvent.objects.create(
            kind=kind,
            user=user,
            username=(username or (user.get_username() if user is not None else ""))[:150],
            actor_name=(actor.display_name if actor is not None and actor.is_authenticated else "")[:150],
            request_id=meta.request_id,
            correlation_id=meta.correlation_id,
            client_ip=meta.client_ip,
            detail=detail or {},
        )
