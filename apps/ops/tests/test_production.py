"""Production mode: settings from the environment, /healthz, 503 when the database is away."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import OperationalError, connection
from django.db.migrations.executor import MigrationExecutor

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.ops import health
from apps.projects.models import Project

ROOT = Path(__file__).resolve().parents[3]
PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "debug": settings.DEBUG,
    "hosts": settings.ALLOWED_HOSTS,
    "origins": settings.CSRF_TRUSTED_ORIGINS,
    "cache": settings.CACHES["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "proxy": list(getattr(settings, "SECURE_PROXY_SSL_HEADER", None) or []),
    "db": settings.DATABASES["default"]["ENGINE"],
    "beat": sorted(settings.CELERY_BEAT_SCHEDULE),
}))
"""


def probe(**env):
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "REDIS_URL", "DATABASE_URL")}
    base["DJANGO_SETTINGS_MODULE"] = "keyprojects.settings"
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=60
    )
    return result


def test_production_refuses_to_start_without_secret_key():
    result = probe()
    assert result.returncode != 0
    assert "SECRET_KEY 未设置" in result.stderr


def test_debug_is_off_unless_asked_and_everything_comes_from_the_environment():
    result = probe(
        SECRET_KEY="x" * 50,
        REDIS_URL="redis://127.0.0.1:6379/9",
        DATABASE_URL="postgres://kp@db.internal:5432/kp",
        ALLOWED_HOSTS="kp.example.gov.cn, www.kp.example.gov.cn",
        CSRF_TRUSTED_ORIGINS="https://kp.example.gov.cn",
        USE_X_FORWARDED_PROTO="1",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["hosts"] == ["kp.example.gov.cn", "www.kp.example.gov.cn"]
    assert values["origins"] == ["https://kp.example.gov.cn"]
    assert values["cache"].endswith("RedisCache")
    assert values["eager"] is False and values["broker"] == "redis://127.0.0.1:6379/9"
    assert values["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["db"].endswith("postgresql")
    assert values["beat"] == [
        "approvals-tick",
        "heartbeat",
        "lights-evaluate",
        "remind-unreported",
        "report-partitions",
    ]


def test_embedded_default_needs_no_redis():
    values = json.loads(probe(DEBUG="1").stdout)
    assert values["debug"] is True
    assert values["cache"].endswith("LocMemCache")
    assert values["eager"] is True
    assert values["db"].endswith("sqlite3")
    assert values["proxy"] == []


def test_make_run_turns_debug_on():
    makefile = (ROOT / "Makefile").read_text()
    assert "run: export DEBUG = 1" in makefile


# --- /healthz -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_reports_every_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "cache", "broker", "worker", "beat"}
    assert body["checks"]["broker"] == {"ok": True, "mode": "eager"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_fails_with_pending_migrations(client, monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("migration", False)])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"ok": False, "pending": 1}


@pytest.mark.django_db
def test_healthz_fails_without_cache_and_names_no_host(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis.internal:6379")

    monkeypatch.setattr(health.cache, "set", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == {"ok": False, "error": "ConnectionError"}
    assert "redis.internal" not in response.content.decode()


@pytest.mark.django_db
def test_healthz_worker_down_degrades_but_strict_fails(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    health.cache.delete(health.WORKER_KEY)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["worker"] == {"ok": False, "age": None}
    assert client.get("/healthz?strict=1").status_code == 503
    health.worker_heartbeat_write()
    assert client.get("/healthz").json()["checks"]["worker"]["ok"] is True


# --- the database away ----------------------------------------------------------------------


class DatabaseAway:
    """An execute wrapper: statements fail as if the server had gone, from a given point on.
    Transaction control (savepoints, rollback) still reaches the database, as the driver's
    own rollback would, so that the test can look at what was left behind."""

    def __init__(self, after: str | None = None):
        self.after = after  # fail from the first statement containing this (None: at once)
        self.failing = after is None

    def __call__(self, execute, sql, params, many, context):
        if self.after and self.after in sql:
            self.failing = True
        control = sql.lstrip().upper().startswith(("SAVEPOINT", "ROLLBACK", "RELEASE"))
        if self.failing and not control:
            raise OperationalError("server closed the connection unexpectedly (db.internal:5432)")
        return execute(sql, params, many, context)


@pytest.mark.django_db
def test_page_answers_503_in_chinese_with_retry_after(client, world):
    client.force_login(world.users[Role.CITY_ADMIN])
    with connection.execute_wrapper(DatabaseAway()):
        response = client.get("/projects/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    text = response.content.decode()
    assert "数据库暂时无法访问" in text and "没有保存任何数据" in text
    assert "db.internal" not in text and "Traceback" not in text


@pytest.mark.django_db
def test_api_answers_503_json(client, world):
    client.force_login(world.users[Role.CITY_ADMIN])
    with connection.execute_wrapper(DatabaseAway()):
        response = client.get("/api/v1/projects")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "detail": "数据库暂时无法访问，请稍后重试。您刚才的操作没有保存任何数据。",
        "retry_after": 30,
    }


@pytest.mark.django_db
def test_debug_on_shows_no_traceback_either(client, world, settings):
    settings.DEBUG = True
    client.force_login(world.users[Role.CITY_ADMIN])
    with connection.execute_wrapper(DatabaseAway()):
        response = client.get("/dashboard/")
    assert response.status_code == 503
    assert "db.internal" not in response.content.decode()


@pytest.mark.django_db
def test_database_lost_between_write_and_change_record_leaves_nothing(client, world):
    """The project row is updated, then the connection goes before its change record: 503,
    and neither the change nor a record remains."""
    client.force_login(world.users[Role.CITY_ADMIN])
    project = world.p_a
    records = ChangeRecord.objects.count()
    with connection.execute_wrapper(DatabaseAway(after='INSERT INTO "audit_changerecord"')):
        response = client.patch(
            f"/api/v1/projects/{project.pk}",
            {"version": project.version, "location": "新地址"},
            content_type="application/json",
        )
    assert response.status_code == 503
    project.refresh_from_db()
    assert project.location != "新地址"
    assert ChangeRecord.objects.count() == records


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL: the server really ends the session")
@pytest.mark.django_db(transaction=True)
def test_postgresql_session_killed_mid_request_writes_nothing(client, world):
    """The server terminates the request's session between the project update and its change
    record (pg_terminate_backend from another session): 503, nothing committed."""
    client.force_login(world.users[Role.CITY_ADMIN])
    project = world.p_a
    records = ChangeRecord.objects.count()
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    killed = []

    def kill_before_record(execute, sql, params_, many, context):
        if 'INSERT INTO "audit_changerecord"' in sql and not killed:
            pid = connection.connection.info.backend_pid
            with psycopg.connect(**params, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
            killed.append(pid)
        return execute(sql, params_, many, context)

    with connection.execute_wrapper(kill_before_record):
        response = client.patch(
            f"/api/v1/projects/{project.pk}",
            {"version": project.version, "location": "新地址"},
            content_type="application/json",
        )
    assert killed
    assert response.status_code == 503
    connection.close()  # the test client keeps the dead connection; a request would drop it
    project.refresh_from_db()
    assert project.location != "新地址"
    assert ChangeRecord.objects.count() == records
    assert Project.objects.filter(location="新地址").count() == 0
