"""Row-level scoping, done once at the queryset (after NetBox's RestrictedQuerySet).

Every model the users see defines `scope_q(user, action)` on its queryset; every
read path calls `.restrict(user, action)`. Actions: "view", "change", "delete".
"""

import json

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


def pk_in(ids, field: str = "pk") -> Q:
    """`pk IN (ids)` (or another integer field's) as a single bound parameter, for id lists of any length.

    A plain `pk__in=[...]` binds one parameter per id, and SQLite refuses more than
    32,766 of them; a province-wide figure can stand on 60,000 projects.
    """
    return _in_one_parameter(field, [int(pk) for pk in ids], "bigint")


def text_in(values, field: str) -> Q:
    """`field IN (values)` for text values, as `pk_in` does it for ids (an import looks up
    the 50,000 codes and names of its sheet in one statement)."""
    return _in_one_parameter(field, [str(value) for value in values], "text")


def _in_one_parameter(field: str, values: list, sql_type: str) -> Q:
    from django.db import connection
    from django.db.models.expressions import RawSQL

    if connection.vendor == "postgresql":
        # sql_type is "bigint" or "text" (our callers); the values are one bound parameter.
        return Q(**{f"{field}__in": RawSQL(f"SELECT unnest(%s::{sql_type}[])", [values])})  # noqa: S611
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__in": RawSQL("SELECT value FROM json_each(%s)", [json.dumps(values)])})
    return Q(**{f"{field}__in": values})
