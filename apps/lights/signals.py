"""Re-evaluating what a change can move: a report counted, a project's dates set, a problem
or a supervised action closed, an approval decided. After the commit, through the job
queue (tasks.refresh), only the objects touched, for the latest period evaluated in full
(services.lights_refresh). Bulk writers
(imports) bypass signals; the period's evaluation (command or scheduler) covers them."""

from django.db import transaction
from django.db.models.signals import post_save

from apps.approvals.models import ApprovalItem
from apps.problems.models import Problem, SupervisedAction
from apps.projects.models import Project
from apps.reporting.models import MonthlyReport


def refresh_later(subject: str, object_id: int | None) -> None:
    """Queue the object's re-evaluation after the commit (a rolled-back change moves nothing).

    The objects wait in a set per subject on the connection; the first callback to run after
    the commit queues them all as one job, the later ones find the set empty. So a
    fill-and-submit (two saves of one report) or a batch verification evaluates each project
    once. An object left in the set by a rolled-back change is evaluated with the next commit's:
    harmless, an evaluation only records what the data say."""
    if object_id is None:
        return
    connection = transaction.get_connection()
    pending = connection.__dict__.setdefault("_lights_pending", {})
    pending.setdefault(subject, set()).add(object_id)

    def queue():
        from .tasks import refresh

        object_ids = pending.pop(subject, None)
        if object_ids:
            refresh.delay(subject, sorted(object_ids))

    transaction.on_commit(queue)


#: (model, subject, the attribute naming the object to re-evaluate): a report moves its
#: project's lights; the others their own.
WATCHED = (
    (MonthlyReport, "project", "project_id"),
    (Project, "project", "pk"),
    (Problem, "problem", "pk"),
    (SupervisedAction, "supervised_action", "pk"),
    (ApprovalItem, "approval_item", "pk"),
)


def _watch(model, subject: str, attribute: str) -> None:
    def saved(sender, instance, raw=False, **kwargs):
        if not raw:  # fixtures loading
            refresh_later(subject, getattr(instance, attribute))

    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"lights_{model._meta.label_lower}")


for _model, _subject, _attribute in WATCHED:
    _watch(_model, _subject, _attribute)
