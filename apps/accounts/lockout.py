"""Login lockout tiers on django-axes' database handler.

axes compares one failure count (the highest over its lockout parameters) with one limit. An
office behind one NAT address shares a client address, so a client limit as low as the account
limit lets one person (or one attacker inside or outside that office) lock everyone out. Here each
lockout parameter has its own limit (settings.KP_LOCKOUT_LIMITS, in the order of
AXES_LOCKOUT_PARAMETERS): the account locks after KP_LOGIN_FAILURE_LIMIT failures, the client
address only after the much higher KP_LOGIN_CLIENT_FAILURE_LIMIT (password spraying).
"""

from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.db.models import Sum


def token_username(request) -> str:
    """The account name that wrong API tokens count against: one per client address, so a
    client with a bad token is refused tokens without touching anyone's password logins."""
    return f"api-token@{getattr(request, 'axes_ip_address', None) or '-'}"


class TieredLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """The failures in units of the base limit (AXES_FAILURE_LIMIT): for each parameter,
        `count × base // its limit`, which reaches the base limit exactly when the count
        reaches the parameter's own limit; axes then decides with its one comparison."""
        base = get_failure_limit(request, credentials)
        limits = settings.KP_LOCKOUT_LIMITS
        scaled = 0
        for attempts, limit in zip(self.get_user_attempts(request, credentials), limits, strict=True):
            count = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            scaled = max(scaled, count * base // max(limit, 1))
        return scaled
