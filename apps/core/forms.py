"""The form flow the pages share: a valid POST saved through a service, the service's
ValidationError put back on the form."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def saved_through_service(request, form, save, *, success: str):
    """On a valid POST, `save()` (a service call, after the form's cleaning) and a success
    message; returns what it returned, or None when nothing was saved (GET, invalid form,
    or the service refused: its errors are on the form, per field where the form has it)."""
    from apps.projects.forms import apply_service_errors

    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save()
    except ValidationError as error:
        apply_service_errors(form, error)
        return None
    messages.success(request, success)
    return result
