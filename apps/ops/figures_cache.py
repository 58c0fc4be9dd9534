"""Cached indicator and dashboard payloads (Redis in production, in process in the demo).

A payload is keyed by what decides it: the kind (dashboard, API), the user's scope (the
inputs of `project_scope_q`: role, superuser, region, organisation), the region, period and
project set, the language and today's date (days to the statistics deadline), and the
**figures version**: the newest change record of the models the figures are computed from
(projects and their plans and milestones, monthly reports, official statistics, regions and
people, problems). Every write of those records a change in the same transaction (bulk
imports and undo included), so a committed change gives a new version and the next request
computes afresh: invalidation needs no signal and holds across processes. The version is
read before the payload is computed, so a payload computed while a change commits is stored
under the older version and never served after it.

One computation per payload: at month end every report gives a new version, and the city's
leaders reloading the dashboard all miss at once. The first takes a lock (an atomic `add`)
and computes; the others wait for its payload (the same version, so the same figures)
instead of each computing it again. A builder that fails or dies releases the lock or lets
it expire, and a waiter that sees no payload in time computes it itself.
"""

import hashlib
import json
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.utils import timezone, translation

#: The apps whose change records move the figures.
FIGURE_APPS = ("projects", "reporting", "statistics", "regions", "problems")
CACHE_SECONDS = 600
#: Longer than any computation of a payload (a lock left by a killed worker expires by then).
BUILD_LOCK_SECONDS = 120
#: How long a request waits for another's computation before computing it itself.
BUILD_WAIT_SECONDS = 60
BUILD_POLL_SECONDS = 0.05

# One index probe per content type (audit_changerecord (content_type_id, id)).
_VERSION_SQL = """
SELECT COALESCE(MAX(latest), 0) FROM (
    SELECT (SELECT MAX(r.id) FROM audit_changerecord r WHERE r.content_type_id = c.id) AS latest
    FROM django_content_type c WHERE c.app_label IN ({apps})
) AS per_type
"""


def figures_version() -> int:
    """Read where the figures are read (a replica, if the request may use one), so that the
    version and the data agree however far the replica lags."""
    from apps.audit.models import ChangeRecord

    with connections[router.db_for_read(ChangeRecord)].cursor() as cursor:
        cursor.execute(_VERSION_SQL.format(apps=", ".join(["%s"] * len(FIGURE_APPS))), FIGURE_APPS)
        return cursor.fetchone()[0]


def scope_key(user) -> str:
    """Users who see the same projects share payloads (see project_scope_q)."""
    return f"{user.role}.{int(user.is_superuser)}.{user.region_id or 0}.{user.organisation_id or 0}"


def payload_key(kind: str, user, **question) -> str:
    parts = json.dumps(question, sort_keys=True, default=str)
    digest = hashlib.sha256(
        f"{scope_key(user)}|{translation.get_language()}|{timezone.localdate()}|{parts}".encode()
    ).hexdigest()[:32]
    return f"figures:{kind}:{figures_version()}:{digest}"


def cached_payload(kind: str, user, build: Callable[[], object], **question):
    """The payload for `question` from the cache, else `build()` stored for next time."""
    if not getattr(settings, "FIGURES_CACHE", True):
        return build()
    key = payload_key(kind, user, **question)
    payload = cache.get(key)
    if payload is not None:
        return payload
    lock = f"{key}:building"
    holds_lock = cache.add(lock, 1, BUILD_LOCK_SECONDS)
    if not holds_lock:
        deadline = time.monotonic() + BUILD_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(BUILD_POLL_SECONDS)
            payload = cache.get(key)
            if payload is not None:
                return payload
            if cache.get(lock) is None:  # the builder failed: compute it here
                break
    try:
        payload = build()
        cache.set(key, payload, CACHE_SECONDS)
    finally:
        if holds_lock:  # a waiter computing after a timeout must not free another's lock
            cache.delete(lock)
    return payload
