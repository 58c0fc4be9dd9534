"""Row-level scoping, done once at the queryset (after NetBox's RestrictedQuerySet).

Every model the users see defines `scope_q(user, action)` on its queryset; every
read path calls `.restrict(user, action)`. Actions: "view", "change", "delete".
"""

from django.db import models
from django.db.models import Q


class RestrictedQuerySet(models.QuerySet):
    def scope_q(self, user, action: str) -> Q:  # pragma: no cover - abstract
        raise NotImplementedError

    def restrict(self, user, action: str = "view"):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        q = self.scope_q(user, action)
        if q is None:
            return self.none()
        return self.filter(q)
