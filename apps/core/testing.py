"""Helpers shared by the apps' tests."""


def stored_version(model, pk: int) -> int:
    """The version an editor loading the object now would see (a service call's expected_version)."""
    return model.objects.values_list("version", flat=True).get(pk=pk)
