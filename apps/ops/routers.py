"""Reads that may go to a read replica (DATABASE_REPLICA_URL): the dashboard, indicators and
exports run inside `replica_reads()`; everything else, every write and any read inside a
transaction on the primary stays on the primary (read-your-writes)."""

import contextvars
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_replica_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar("kp_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads():
    token = _replica_allowed.set(True)
    try:
        yield
    finally:
        _replica_allowed.reset(token)


def uses_replica(view):
    """Decorator: the view's reads may be served by the replica."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        with replica_reads():
            return view(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _replica_allowed.get() and replica_configured() and not connections["default"].in_atomic_block:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # the replica receives the primary's changes, never migrations
