import re
import uuid

from .context import request_context

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def client_ip(request) -> str | None:
    # Only REMOTE_ADDR is trusted; a reverse proxy must be configured to set it.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Gives every request an id (kept from X-Request-ID when sane) for change records."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        with request_context(request_id=request_id, client_ip=client_ip(request)):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
