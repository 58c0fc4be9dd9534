# The Celery app loads with Django so that @shared_task uses it (eager without Redis).
from .celery import app as celery_app

__all__ = ("celery_app",)
