import ipaddress
import logging
import re
import uuid
from functools import lru_cache

from django.conf import settings

from .context import request_context, scope_miss_context

logger = logging.getLogger(__name__)

_SAFE_CORRELATION_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@lru_cache(maxsize=8)
def _trusted_networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted_networks(tuple(settings.KP_TRUSTED_PROXIES)))


def client_ip(request) -> str | None:
    """The client's address. X-Forwarded-For is believed only when the request comes from a
    trusted proxy (settings.KP_TRUSTED_PROXIES), and then only as far back as the chain of
    trusted proxies goes: the first address (from the right) that is not a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR") or None
    if remote is None or not settings.KP_TRUSTED_PROXIES or not _is_trusted(remote):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        try:
            ipaddress.ip_address(address)
        except ValueError:
            return remote  # a garbled header: keep the proxy's address rather than guess
        if not _is_trusted(address):
            return address
    return remote


class RequestContextMiddleware:
    """Gives every request a server-generated id (change records and security events carry
    it; imports group their changes under ids of their own). A client's X-Request-ID is kept
    apart as a correlation id: it can never make a change part of someone else's batch."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        correlation_id = incoming if _SAFE_CORRELATION_ID.match(incoming) else ""
        request_id = uuid.uuid4().hex
        request.request_id = request_id
        request.client_ip = client_ip(request)
        with (
            request_context(request_id=request_id, client_ip=request.client_ip, correlation_id=correlation_id),
            scope_miss_context() as misses,
        ):
            response = self.get_response(request)
            if response.status_code == 404 and misses:
                record_access_denied(request, misses)
        response["X-Request-ID"] = request_id
        return response


def record_access_denied(request, misses) -> None:
    """A 404 stays a 404 (nothing tells the client the object exists), but when the object
    the scoped fetch missed does exist outside the user's scope, that is an access-denied
    security event (user, path, object type and id; the event carries the request and
    correlation ids). A 404 for an id that exists nowhere is an ordinary miss: not logged.
    One event per request at most; never allowed to turn the 404 into a 5xx."""
    from django.db import transaction

    from apps.audit.models import SecurityEventKind
    from apps.audit.services import security_event_write

    # The last miss is the fetch that ended in the 404 (an earlier one may have been a first
    # try that a fallback then satisfied).
    miss = misses[-1]
    try:
        with transaction.atomic():  # a savepoint: a failed probe leaves the connection usable
            exists = miss.exists_unscoped()
        if exists:
            security_event_write(
                kind=SecurityEventKind.ACCESS_DENIED,
                user=miss.user,
                detail={
                    "path": request.path[:200],
                    "method": request.method,
                    "status": 404,
                    "object_type": miss.model._meta.label_lower,
                    "object_id": str(miss.object_id)[:40],
                    "action": miss.action,
                },
            )
    except Exception:  # the audit probe must never change the answer
        logger.exception("access-denied probe failed for %s", request.path[:200])
