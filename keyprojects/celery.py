"""The Celery application: broker and results in Redis (REDIS_URL), settings from
keyprojects/settings.py (CELERY_*), tasks from each app's tasks.py.

    celery -A keyprojects worker -l info     # jobs
    celery -A keyprojects beat -l info       # the periodic schedule (CELERY_BEAT_SCHEDULE)
"""

import logging
import os

from celery import Celery, bootsteps, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyprojects.settings")

app = Celery("keyprojects")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Writes the worker's heartbeat to the cache every 15 s for /healthz."""

    requires = {"celery.worker.components:Timer"}
    INTERVAL = 15.0

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.timer_ref = None

    def start(self, worker):
        self.beat()
        self.timer_ref = worker.timer.call_repeatedly(self.INTERVAL, self.beat)

    def stop(self, worker):
        if self.timer_ref is not None:
            self.timer_ref.cancel()

    @staticmethod
    def beat():
        from apps.ops.health import worker_heartbeat_write

        try:
            worker_heartbeat_write()
        except Exception:  # Redis away for a moment: the next beat tries again
            logging.getLogger(__name__).warning("worker heartbeat not written", exc_info=True)


app.steps["worker"].add(WorkerHeartbeat)


@signals.task_prerun.connect
def _forget_content_types(**kwargs):
    # A worker outlives a database restore (and a test's flush), which gives content types new
    # ids; change records name theirs, so a job starts from the database's current ones.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
