"""The hash chain over change records and security events (等保 数据完整性 of the audit trail).

Each row's `hash` is SHA-256 of the previous row's hash (by id) and the row's own content,
so altering, removing or inserting a row breaks every link after it; `manage.py
audit_verify` walks the chain and names the first broken link.

Writers take a per-table lock before reading the previous hash (PostgreSQL: a transaction
advisory lock; SQLite already serialises writing transactions), so concurrent writers
chain one after another, in id order, and rows of a rolled-back transaction leave no gap.
"""

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, models

# Content hashed per model; ids of related rows as stored (user_id, content_type_id).
CHAIN_FIELDS = {
    "changerecord": (
        "time",
        "user_id",
        "user_name",
        "request_id",
        "correlation_id",
        "client_ip",
        "action",
        "content_type_id",
        "object_id",
        "object_repr",
        "project_id",
        "before",
        "after",
    ),
    "securityevent": (
        "time",
        "kind",
        "user_id",
        "username",
        "actor_name",
        "request_id",
        "correlation_id",
        "client_ip",
        "detail",
    ),
}
# Advisory lock keys (any constant bigints unique to this use).
_LOCK_KEYS = {"changerecord": 0x4B50_0001, "securityevent": 0x4B50_0002}


def _canonical(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return value


# One encoder for every hash: json.dumps with options builds a new one per call.
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def row_hash(previous: str, values: dict, model_name: str) -> str:
    content = {name: _canonical(values.get(name)) for name in CHAIN_FIELDS[model_name]}
    return hashlib.sha256(f"{previous}|{_ENCODER.encode(content)}".encode()).hexdigest()


def row_hasher(model_name: str, shared: dict) -> Callable[[str, dict], str]:
    """`row_hash` for many rows that share some values (`shared`: a bulk write's time, user,
    request): the same content and so the same hashes, with the shared values made
    canonical once."""
    names = CHAIN_FIELDS[model_name]
    fixed = {name: _canonical(shared[name]) for name in names if name in shared}
    own = [name for name in names if name not in fixed]

    def hash_row(previous: str, values: dict) -> str:
        content = fixed.copy()
        for name in own:
            content[name] = _canonical(values.get(name))
        return hashlib.sha256(f"{previous}|{_ENCODER.encode(content)}".encode()).hexdigest()

    return hash_row


def lock_and_last_hash(model: type[models.Model]) -> str:
    """Take the table's chain lock (held until the transaction ends) and return the last hash."""
    name = model._meta.model_name
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEYS[name]])
    return model._base_manager.order_by("-id").values_list("hash", flat=True).first() or ""


def seal(instance: models.Model) -> None:
    """Set `instance.hash` for a row about to be inserted (inside its transaction)."""
    name = instance._meta.model_name
    values = {field.attname: _prepared(instance, field) for field in instance._meta.concrete_fields}
    instance.hash = row_hash(lock_and_last_hash(type(instance)), values, name)


def _prepared(instance, field):
    value = getattr(instance, field.attname)
    if isinstance(field, models.GenericIPAddressField) and value:
        return field.to_python(value)
    return value


@dataclass
class ChainReport:
    model: str
    checked: int
    broken_id: int | None = None
    reason: str = ""


def verify(model: type[models.Model], chunk_size: int = 5000) -> ChainReport:
    """Walk the chain in id order; stop at the first row whose hash does not follow."""
    name = model._meta.model_name
    fields = ["id", "hash", *CHAIN_FIELDS[name]]
    previous = ""
    checked = 0
    last_id = 0
    while True:
        rows = list(model._base_manager.filter(id__gt=last_id).order_by("id").values(*fields)[:chunk_size])
        if not rows:
            return ChainReport(model=name, checked=checked)
        for row in rows:
            expected = row_hash(previous, row, name)
            if row["hash"] != expected:
                return ChainReport(model=name, checked=checked, broken_id=row["id"], reason="hash")
            previous = row["hash"]
            checked += 1
        last_id = rows[-1]["id"]
