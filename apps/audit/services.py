"""Writing change records. Called by every service that changes business data,
inside the service's transaction, so the record and the change commit together."""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from apps.core.context import current_request_meta
from apps.core.money import decimal_str

from .models import ChangeAction, ChangeRecord


def _plain(value):
    if isinstance(value, Decimal):
        # One spelling per amount, so "10.5000" before and "10.5" after is no change.
        return decimal_str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def snapshot(instance: models.Model) -> dict:
    """Field values as JSON-safe primitives: FKs as ids, M2M as sorted id lists.

    A model lists fields that must never reach the log (secrets, noise) in AUDIT_EXCLUDE.
    """
    data = {}
    excluded = getattr(instance, "AUDIT_EXCLUDE", frozenset())
    for field in instance._meta.concrete_fields:
        if field.name in excluded:
            continue
        # The record has its own time; auto timestamps would make every save look like a change.
        if field.primary_key or getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        data[field.name] = _plain(field.value_from_object(instance))
    if instance.pk is not None:
        for field in instance._meta.many_to_many:
            if field.name in excluded:
                continue
            data[field.name] = sorted(obj.pk for obj in getattr(instance, field.name).all())
    return data


def change_record_write(
    *,
    actor,
    action: ChangeAction,
    instance: models.Model,
    before: dict | None,
    after: dict | None,
    project_id: int | None = None,
) -> ChangeRecord | None:
    """Write one change record. An update that changed nothing writes nothing."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("change records must be written inside the changing transaction")
    if action == ChangeAction.UPDATE and before == after:
        return None
    meta = current_request_meta()
    return ChangeRecord.objects.create(
        user=actor if actor is not None and actor.is_authenticated else None,
        user_name=actor.display_name if actor is not None and actor.is_authenticated else "",
        request_id=meta.request_id,
        client_ip=meta.client_ip,
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        project_id=project_id,
        before=before,
        after=after,
    )
