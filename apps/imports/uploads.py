"""Refusing an oversize upload before its body is read.

The import upload paths (the page and the API) get this treatment from
`UploadCapMiddleware`, which runs before anything touches `request.POST` (the CSRF check
reads it): a declared Content-Length over the cap is answered at once, without reading
the body; otherwise a streaming upload handler counts the file's bytes as they arrive and
stops the upload at the cap (a body whose length was not declared, or lied about).
Each refusal is kept as a `RefusedUpload`: name, size, SHA-256 of what arrived, reason.
"""

import hashlib

from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.middleware import client_ip

from .models import RefusedUpload
from .reading import max_bytes

# Room for the form's other fields and the multipart framing around the file.
FORM_OVERHEAD = 64 * 1024


def _size_message(size: int) -> str:
    return _("文件大小 %(size).1f MB 超过上限 %(limit).0f MB，未接收。") % {
        "size": size / 1048576,
        "limit": max_bytes() / 1048576,
    }


def _record(request, *, reason: str, declared: int | None, file_name="", received=0, sha256="") -> None:
    user = getattr(request, "user", None)
    RefusedUpload.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        path=request.path[:200],
        file_name=file_name[:255],
        declared_size=declared,
        received_size=received,
        sha256=sha256,
        reason=reason,
        client_ip=client_ip(request),
    )


class CappedUploadHandler(FileUploadHandler):
    """First in the chain: counts and hashes each file's bytes, stops at the cap."""

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0
        self.digest = hashlib.sha256()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        self.digest.update(raw_data)
        if self.received > max_bytes():
            self.request.import_upload_refused = {
                "file_name": self.file_name or "",
                "received": self.received,
                "sha256": self.digest.hexdigest(),
            }
            # The rest of the body is not read.
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def upload_refusal(request) -> str | None:
    """Called by the upload views: the streaming cap's verdict, recorded; None if none."""
    refused = getattr(request, "import_upload_refused", None)
    if refused is None:
        return None
    reason = _size_message(refused["received"])
    _record(
        request,
        reason=reason,
        declared=_declared(request),
        file_name=refused["file_name"],
        received=refused["received"],
        sha256=refused["sha256"],
    )
    return reason


def _declared(request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


class UploadCapMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._paths = None

    def upload_paths(self) -> dict[str, bool]:
        if self._paths is None:
            # path → answers in JSON
            self._paths = {reverse("imports:list"): False, reverse("api:imports_upload"): True}
        return self._paths

    def __call__(self, request):
        paths = self.upload_paths()
        if request.method == "POST" and request.path in paths:
            declared = _declared(request)
            if declared is not None and declared > max_bytes() + FORM_OVERHEAD:
                reason = _size_message(declared)
                _record(request, reason=reason, declared=declared)
                if paths[request.path]:
                    response = JsonResponse({"detail": reason}, status=413, json_dumps_params={"ensure_ascii": False})
                else:
                    messages.error(request, reason)
                    response = redirect("imports:list")
                # The body was not read: the connection cannot carry another request.
                response["Connection"] = "close"
                return response
            request.upload_handlers.insert(0, CappedUploadHandler(request))
        return self.get_response(request)
