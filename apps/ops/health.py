"""What /healthz checks: database, migrations, cache, broker, worker and beat heartbeats.

The database, the migrations and the cache decide whether this web process can serve
(200 or 503 for the load balancer); a missing broker or worker only degrades background
jobs, so it is reported without taking the web process out of rotation (`?strict=1`
makes every check count, for monitoring).
"""

import socket
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

WORKER_KEY = "ops:heartbeat:worker"
BEAT_KEY = "ops:heartbeat:beat"
_migrations_applied = False  # once applied they stay applied: checked until then


def _stamp() -> dict:
    return {"at": time.time(), "host": socket.gethostname()}


def worker_heartbeat_write() -> None:
    cache.set(WORKER_KEY, _stamp(), settings.WORKER_HEARTBEAT_MAX_AGE * 10)


def beat_heartbeat_write() -> None:
    cache.set(BEAT_KEY, _stamp(), settings.WORKER_HEARTBEAT_MAX_AGE * 10)


def _error(exc: Exception) -> str:
    # The class only: a message can name hosts and users.
    return type(exc).__name__


def check_database() -> dict:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "error": _error(exc)}


def check_migrations() -> dict:
    global _migrations_applied
    if _migrations_applied:
        return {"ok": True}
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return {"ok": False, "error": _error(exc)}
    _migrations_applied = not pending
    return {"ok": not pending, "pending": len(pending)}


def check_cache() -> dict:
    key, value = f"ops:health:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, value, 10)
        ok = cache.get(key) == value
        cache.delete(key)
        return {"ok": ok, "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}
    except Exception as exc:
        return {"ok": False, "error": _error(exc)}


def jobs_eager() -> bool:
    return bool(settings.CELERY_TASK_ALWAYS_EAGER)


def check_broker() -> dict:
    if jobs_eager():
        return {"ok": True, "mode": "eager"}
    from keyprojects.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "error": _error(exc)}


def _heartbeat(key: str) -> dict:
    if jobs_eager():
        return {"ok": True, "mode": "eager"}
    try:
        stamp = cache.get(key)
    except Exception as exc:
        return {"ok": False, "error": _error(exc)}
    if not stamp:
        return {"ok": False, "age": None}
    age = round(time.time() - stamp["at"], 1)
    return {"ok": age <= settings.WORKER_HEARTBEAT_MAX_AGE, "age": age, "host": stamp.get("host")}


def health_report(*, strict: bool = False) -> tuple[bool, dict]:
    checks = {
        "database": check_database(),
        "migrations": check_migrations(),
        "cache": check_cache(),
        "broker": check_broker(),
        "worker": _heartbeat(WORKER_KEY),
        "beat": _heartbeat(BEAT_KEY),
    }
    critical = list(checks) if strict else ["database", "migrations", "cache"]
    healthy = all(checks[name]["ok"] for name in critical)
    status = "ok" if all(check["ok"] for check in checks.values()) else ("degraded" if healthy else "fail")
    return healthy, {"status": status, "checks": checks}
