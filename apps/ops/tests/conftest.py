import pytest
import redis

from tests import processes


@pytest.fixture(scope="session")
def process_logs(tmp_path_factory):
    return tmp_path_factory.mktemp("processes")


@pytest.fixture(scope="session")
def worker_processes(django_db_setup, django_db_blocker, process_logs):
    """Two real Celery workers (one process each) for the session, on this checkout's Redis
    database (flushed first) and the test database. The database waits at most 2 s for a
    lock, so that a held lock is a quick failure (and a retry)."""
    url = processes.require_redis()
    with django_db_blocker.unblock():
        processes.database_url()  # skips when no other process can reach the test database
    redis.Redis.from_url(url).flushdb()
    started = []
    try:
        with django_db_blocker.unblock():
            for name in ("w1", "w2"):
                started.append(processes.celery_worker(name, process_logs, lock_timeout_ms=2000))
        yield started
    finally:
        for worker in started:
            worker.stop()


@pytest.fixture
def workers(worker_processes, transactional_db, settings):
    """This process sending jobs through Redis to the session's workers."""
    with processes.celery_through_redis(settings) as app:
        yield app, worker_processes
