"""Helpers shared by the apps' tests."""


def stored_version(model, pk: int) -> int:
    """The version an editor loading the object now would see (a service call's expected_version)."""
    return model.objects.values_list("version", flat=True).get(pk=pk)


def assert_stale_edit_refused(call, instance, *, named: str) -> None:
    """Someone saves `instance` after the editor loaded it; `call(expected_version)` with the
    version the editor loaded is refused naming the object (`named`), and nothing is written:
    the row as the other save left it, no change record."""
    import pytest
    from django.db.models import F

    from apps.audit.models import ChangeRecord
    from apps.core.exceptions import ConcurrentEditError

    model = type(instance)
    loaded = stored_version(model, instance.pk)
    model.objects.filter(pk=instance.pk).update(version=F("version") + 1)  # the other editor's save
    row = model.objects.filter(pk=instance.pk).values().get()
    records = ChangeRecord.objects.count()
    with pytest.raises(ConcurrentEditError) as refusal:
        call(loaded)
    message = str(refusal.value)
    assert named in message and "已被他人修改" in message and "请刷新" in message, message
    assert model.objects.filter(pk=instance.pk).values().get() == row
    assert ChangeRecord.objects.count() == records
