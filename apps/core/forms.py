"""The form flow the pages share: a valid POST saved through a service, the service's
ValidationError put back on the form; the version the editor loaded carried by a hidden field."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.exceptions import ConcurrentEditError


class LoadedVersionForm(forms.Form):
    """The version of the object the page was loaded at: required (stale: refused by the service)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": _("修改时必须提交编辑时加载的版本号。")}
    )


def saved_through_service(request, form, save, *, success: str):
    """On a valid POST, `save()` (a service call, after the form's cleaning) and a success
    message; returns what it returned, or None when nothing was saved (GET, invalid form,
    or the service refused: its errors are on the form, per field where the form has it;
    a stale version as the form's error)."""
    from apps.projects.forms import apply_service_errors

    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save()
    except ValidationError as error:
        apply_service_errors(form, error)
        return None
    except ConcurrentEditError as error:
        form.add_error(None, str(error))
        return None
    messages.success(request, success)
    return result
