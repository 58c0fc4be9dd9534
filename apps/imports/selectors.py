"""Reads of import batches, scoped by the acting user."""

from django.http import Http404

from apps.accounts.models import User

from .models import ImportBatch

PLAN_IMPORTERS = ("city_admin", "county_user")


def import_batch_list(*, user: User):
    return ImportBatch.objects.restrict(user, "view").select_related("user").defer("content", "preview")


def import_batch_get(*, user: User, batch_id: int) -> ImportBatch:
    batch = ImportBatch.objects.restrict(user, "view").select_related("user").filter(pk=batch_id).first()
    if batch is None:
        raise Http404
    return batch


def import_kinds_for(*, user: User) -> list[str]:
    """The import kinds a role may use: plans for the city and counties, progress and bond
    project tables (apps/bonds/imports.py) for whoever changes projects."""
    from apps.reporting.services import REPORTER_ROLES

    kinds = []
    if user.role in PLAN_IMPORTERS:
        kinds.append("plan")
    if user.role in REPORTER_ROLES:
        kinds.extend(("progress", "bonds"))
    from apps.attraction.services import LEAD_REGISTRARS

    if user.role in LEAD_REGISTRARS:
        kinds.append("leads")  # 招商线索清单 (apps/attraction/imports.py)
    return kinds
