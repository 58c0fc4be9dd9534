"""Row-level scoping, done once at the queryset (after NetBox's RestrictedQuerySet).

Every model the users see defines `scope_q(user, action)` on its queryset; every
read path calls `.restrict(user, action)`. Actions: "view", "change", "delete".
"""

import json
from dataclasses import dataclass

from django.db import models
from django.db.models import Q

_ID_KEYS = ("pk", "id", "pk__exact", "id__exact")


class RestrictedQuerySet(models.QuerySet):
    """A restricted queryset remembers whose scope it is and the lookups chained after the
    scope, so that a single-object fetch that finds nothing (`get`, `first`, hence every
    `get_object_or_404` and `*_get` selector) can be told apart later: an object that exists
    outside the scope (an access-denied security event) or one that does not exist at all."""

    _kp_scope: tuple | None = None  # (user, action) once restricted
    _kp_lookups: tuple = ()

    def scope_q(self, user, action: str) -> Q:  # pragma: no cover - abstract
        raise NotImplementedError

    def restrict(self, user, action: str = "view"):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        q = self.scope_q(user, action)
        # A role that sees none of these still gets a marked queryset: a fetched id is judged too.
        restricted = self.none() if q is None else self.filter(q)
        restricted._kp_scope, restricted._kp_lookups = (user, action), ()
        return restricted

    def _clone(self):
        clone = super()._clone()
        clone._kp_scope, clone._kp_lookups = self._kp_scope, self._kp_lookups
        return clone

    def _filter_or_exclude(self, negate, args, kwargs):
        clone = super()._filter_or_exclude(negate, args, kwargs)
        if self._kp_scope is not None:
            clone._kp_lookups = (*self._kp_lookups, (negate, args, kwargs))
        return clone

    def get(self, *args, **kwargs):
        try:
            return super().get(*args, **kwargs)
        except self.model.DoesNotExist:
            self._kp_note_miss(((False, args, kwargs),) if args or kwargs else ())
            raise

    def first(self):
        found = super().first()
        if found is None:
            self._kp_note_miss(())
        return found

    def _kp_note_miss(self, extra: tuple) -> None:
        if self._kp_scope is None:
            return
        lookups = (*self._kp_lookups, *extra)
        object_id = next((kw[key] for _, _, kw in lookups for key in _ID_KEYS if key in kw), None)
        if object_id is not None:
            from .context import note_scope_miss

            user, action = self._kp_scope
            note_scope_miss(ScopeMiss(model=self.model, object_id=object_id, lookups=lookups, user=user, action=action))


@dataclass(frozen=True)
class ScopeMiss:
    """A scoped fetch of one object by id that found nothing."""

    model: type
    object_id: object
    lookups: tuple
    user: object
    action: str

    def exists_unscoped(self) -> bool:
        """Whether the object is there for someone: the same lookups without the scope."""
        queryset = self.model._base_manager.all()
        for negate, args, kwargs in self.lookups:
            queryset = queryset.exclude(*args, **kwargs) if negate else queryset.filter(*args, **kwargs)
        return queryset.exists()


def note_miss_outside_scope(*, model, object_id, user, action: str = "view") -> None:
    """For a lookup that narrows by the user's scope without a RestrictedQuerySet (a region
    inside the user's tree, an owner unit the user reaches through projects): note the miss
    as a scoped fetch would, so a 404 for an object that exists is an access-denied event."""
    from .context import note_scope_miss

    lookups = ((False, (), {"pk": object_id}),)
    note_scope_miss(ScopeMiss(model=model, object_id=object_id, lookups=lookups, user=user, action=action))


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
