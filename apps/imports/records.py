"""What the import kinds of other apps (apps/bonds/imports.py, apps/attraction/imports.py)
share once a row's record is built: its outcome against what the database holds, and the
change records of the writes."""

from apps.audit.models import ChangeAction

from .preparation import CHANGED, NEW, UNCHANGED, PlanWrite, _diff, snapshot_without_m2m


def record_write(outcome, record, before: dict | None, new_fields) -> PlanWrite | None:
    """The row's write (new or changed record, its changes shown in the preview), or None
    when the record is as the database holds it (outcome unchanged)."""
    after = snapshot_without_m2m(record)
    if before is None:
        outcome.status = NEW
        outcome.changes = _diff({}, after, new_fields)
    else:
        changed = [name for name in after if before.get(name) != after.get(name)]
        if not changed:
            outcome.status = UNCHANGED
            return None
        outcome.status = CHANGED
        outcome.changes = _diff(before, after, changed)
    return PlanWrite(outcome=outcome, record=record, record_before=before)


def record_entries(writes) -> list[tuple]:
    """(action, instance, before, after, project id) of each write, for change_records_write_bulk."""
    return [
        (
            ChangeAction.CREATE if write.record_before is None else ChangeAction.UPDATE,
            write.record,
            write.record_before,
            snapshot_without_m2m(write.record),
            write.record.project_id,
        )
        for write in writes
    ]
