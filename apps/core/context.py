"""Who is acting and through which request, for change records.

The middleware sets these for web requests; management commands call
`command_context` so their change records carry a request id too.
"""

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestMeta:
    request_id: str
    client_ip: str | None = None
    # The client's own X-Request-ID, if any: for correlating logs only, never for grouping.
    correlation_id: str = ""


_current: contextvars.ContextVar[RequestMeta | None] = contextvars.ContextVar("kp_request", default=None)


def current_request_meta() -> RequestMeta:
    meta = _current.get()
    # Shell and tests without a request still get a traceable id.
    return meta or RequestMeta(request_id=f"local-{uuid.uuid4().hex[:16]}")


@contextmanager
def request_context(*, request_id: str, client_ip: str | None = None, correlation_id: str = ""):
    token = _current.set(RequestMeta(request_id=request_id, client_ip=client_ip, correlation_id=correlation_id))
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def command_context(name: str):
    with request_context(request_id=f"cmd-{name}-{uuid.uuid4().hex[:12]}"):
        yield


_actor: contextvars.ContextVar = contextvars.ContextVar("kp_actor", default=None)


@contextmanager
def actor_context(user):
    """The logged-in user of this request, for records written where no actor is passed
    (signals on the user model)."""
    token = _actor.set(user if user is not None and user.is_authenticated else None)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor():
    return _actor.get()


_scope_misses: contextvars.ContextVar[list | None] = contextvars.ContextVar("kp_scope_misses", default=None)


@contextmanager
def scope_miss_context():
    """Collects this request's scoped single-object fetches that found nothing (see
    RestrictedQuerySet); the request middleware judges them if the answer is a 404."""
    misses: list = []
    token = _scope_misses.set(misses)
    try:
        yield misses
    finally:
        _scope_misses.reset(token)


def note_scope_miss(miss) -> None:
    misses = _scope_misses.get()
    # A few per request are enough to judge a 404; a loop of misses must not grow memory.
    if misses is not None and len(misses) < 5:
        misses.append(miss)
