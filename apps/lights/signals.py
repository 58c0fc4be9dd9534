"""Re-evaluating what a change can move: a report counted, a project's dates set, a problem
or a supervised action closed, an approval decided. After the commit, only the objects
touched, for the latest period evaluated in full (services.lights_refresh). Bulk writers
(imports) bypass signals; the period's evaluation (command or scheduler) covers them."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from apps.approvals.models import ApprovalItem
from apps.problems.models import Problem, SupervisedAction
from apps.projects.models import Project
from apps.reporting.models import MonthlyReport


class _Refresh:
    """One after-commit re-evaluation of the objects of one subject that the transaction
    touched: a fill-and-submit saves its report twice, a batch verification many reports,
    and each object is evaluated once."""

    def __init__(self, subject: str):
        self.subject = subject
        self.object_ids: set[int] = set()

    def __call__(self):
        from .services import lights_refresh

        lights_refresh(subject=self.subject, object_ids=sorted(self.object_ids))


def refresh_later(subject: str, object_id: int | None) -> None:
    """Re-evaluate the object after the commit (a rolled-back change moves nothing)."""
    if object_id is None:
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # A callback of this transaction still pending. Sharing it is safe: it was registered
        # in savepoints since released (never rolled back alone now) or still open, which
        # enclose this change too (rolling one back drops the callback and the change alike).
        for _savepoints, callback, _robust in connection.run_on_commit:
            if isinstance(callback, _Refresh) and callback.subject == subject:
                callback.object_ids.add(object_id)
                return
    refresh = _Refresh(subject)
    refresh.object_ids.add(object_id)
    transaction.on_commit(refresh)


@receiver(post_save, sender=MonthlyReport, dispatch_uid="lights_report")
def report_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_later("project", instance.project_id)


@receiver(post_save, sender=Project, dispatch_uid="lights_project")
def project_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_later("project", instance.pk)


@receiver(post_save, sender=Problem, dispatch_uid="lights_problem")
def problem_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_later("problem", instance.pk)


@receiver(post_save, sender=SupervisedAction, dispatch_uid="lights_action")
def action_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_later("supervised_action", instance.pk)


@receiver(post_save, sender=ApprovalItem, dispatch_uid="lights_approval")
def approval_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_later("approval_item", instance.pk)
