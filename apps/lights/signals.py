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


def refresh_later(subject: str, object_id: int | None) -> None:
    """Re-evaluate the object after the commit (a rolled-back change moves nothing).

    The objects wait in a set per subject on the connection; the first callback to run after
    the commit evaluates them all, the later ones find the set empty. So a fill-and-submit
    (two saves of one report) or a batch verification evaluates each project once. An object
    left in the set by a rolled-back change is evaluated with the next commit's: harmless, an
    evaluation only records what the data say."""
    if object_id is None:
        return
    connection = transaction.get_connection()
    pending = connection.__dict__.setdefault("_lights_pending", {})
    pending.setdefault(subject, set()).add(object_id)

    def refresh():
        from .services import lights_refresh

        object_ids = pending.pop(subject, None)
        if object_ids:
            lights_refresh(subject=subject, object_ids=sorted(object_ids))

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
