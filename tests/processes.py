"""Real processes for tests: Celery workers (and gunicorn, celery beat) against the real Redis
and the test database.

Redis: KP_TEST_REDIS_URL (default redis://127.0.0.1:6379/3, this checkout's database; each
pytest-xdist worker after the first takes the next one), which the tests flush. Without Redis
these tests are skipped with a message, except in CI (CI=1, set by .ci/run), where a missing
Redis fails them. A worker is another process: it reaches the test database by URL, so the
database must be a server (PostgreSQL) or a file.
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _redis_url() -> str:
    """KP_TEST_REDIS_URL, one database further for each pytest-xdist worker after the first
    (gw0: the given one, gw1: the next), so that two workers' brokers, results, caches and
    flushes never meet."""
    url = urlsplit(os.environ.get("KP_TEST_REDIS_URL", "redis://127.0.0.1:6379/3"))
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    return urlunsplit(url._replace(path=f"/{int(url.path.strip('/') or 0) + worker}"))


REDIS_URL = _redis_url()


def require_redis() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        message = f"Redis 不可用（{REDIS_URL}）：真实 Celery worker 测试需要 Redis。{type(exc).__name__}"
        if os.environ.get("CI"):
            pytest.fail(message + "（CI 中 Redis 必须可用）")
        pytest.skip(message)
    return REDIS_URL


def database_url(*, lock_timeout_ms: int | None = None) -> str:
    """The test database as another process reaches it (PostgreSQL: waiting at most
    `lock_timeout_ms` for a lock, so that a held lock is a quick, retryable failure)."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = quote(settings["USER"] or "postgres")
        if settings.get("PASSWORD"):
            auth += ":" + quote(settings["PASSWORD"])
        host = settings.get("HOST") or "127.0.0.1"
        url = f"postgres://{auth}@{host}:{settings.get('PORT') or 5432}/{settings['NAME']}"
        if lock_timeout_ms:
            url += f"?options={quote(f'-c lock_timeout={lock_timeout_ms}')}"
        return url
    name = str(settings["NAME"])
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        return f"sqlite:///{name}"
    pytest.skip("真实进程测试需要其他进程可访问的数据库：PostgreSQL 或 SQLite 文件（内存数据库仅本进程可见）")


def process_env(*, lock_timeout_ms: int | None = None, **extra) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="keyprojects.settings",
        DEBUG="0",
        SECRET_KEY="test-only-secret-key-for-real-processes",
        DATABASE_URL=database_url(lock_timeout_ms=lock_timeout_ms),
        REDIS_URL=REDIS_URL,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # A plain-HTTP rig on loopback: no HTTPS redirect or secure-only cookies, one factor.
        KP_HTTPS="0",
        KP_REQUIRE_2FA="0",
        PYTHONUNBUFFERED="1",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


class Process:
    def __init__(self, name: str, args: list[str], env: dict, log_dir: Path):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self.log = self.log_path.open("w")
        self.popen = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return
            if self.popen.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"{self.name} did not say {text!r}:\n{self.output()[-3000:]}")

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(5)
        self.log.close()


def celery_worker(
    name: str, log_dir: Path, *, concurrency: int = 1, lock_timeout_ms: int | None = None, **env
) -> Process:
    process = Process(
        name,
        [
            str(BIN / "celery"),
            "-A",
            "keyprojects",
            "worker",
            f"--hostname={name}@%h",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=info",
        ],
        process_env(lock_timeout_ms=lock_timeout_ms, **env),
        log_dir,
    )
    process.wait_for("ready.")
    return process


@contextmanager
def celery_through_redis(settings):
    """Send jobs to the real broker from this (test) process; results and cache in Redis."""
    from keyprojects.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False)
    _drop_connections(app)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = REDIS_URL
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "kp"}
    }
    settings.IMPORTS_RUN_INLINE = False
    try:
        yield app
    finally:
        app.conf.update(saved)
        _drop_connections(app)


def _drop_connections(app) -> None:
    """The app keeps the broker connection pool, the producer pool and the result backend it made
    first (an earlier test may have made them for another broker): drop them so the next job goes
    to the broker now configured. Without this, jobs went to the old broker and no worker saw them.
    (Not `app.close()`: it also deregisters the app, and a task module imported afterwards, say
    the first import job's, then never registered on it: NotRegistered when a test ran alone.)"""
    app._pool = None
    app.amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)


def collectstatic(static_root: Path, **env) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=process_env(STATIC_ROOT=static_root, **env),
        check=True,
        timeout=300,
    )


def gunicorn(port: int, log_dir: Path, **env) -> Process:
    """gunicorn with the project's config (keyprojects/gunicorn.conf.py) on 127.0.0.1:port."""
    process = Process(
        "gunicorn",
        [str(BIN / "gunicorn"), "-c", "keyprojects/gunicorn.conf.py", "keyprojects.wsgi"],
        process_env(GUNICORN_BIND=f"127.0.0.1:{port}", **env),
        log_dir,
    )
    process.wait_for("Booting worker", timeout=60)
    return process


def celery_beat(log_dir: Path, schedule: Path, **env) -> Process:
    process = Process(
        "beat",
        [str(BIN / "celery"), "-A", "keyprojects", "beat", "--loglevel=info", f"--schedule={schedule}"],
        process_env(**env),
        log_dir,
    )
    process.wait_for("beat: Starting", timeout=60)
    return process
