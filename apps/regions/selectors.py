"""Reads of reference data (regions, organisations, people).

Reference data is readable by every active, authenticated user; anonymous or
inactive users get empty querysets, like RestrictedQuerySet.restrict does.
"""

from django.db.models import Q

from .models import Organisation, Person, Region


def _can_read(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def region_list(*, user, level: str | None = None):
    if not _can_read(user):
        return Region.objects.none()
    queryset = Region.objects.order_by("code")
    if level:
        queryset = queryset.filter(level=level)
    return queryset


def organisation_list(*, user, kind: str | None = None, q: str | None = None):
    if not _can_read(user):
        return Organisation.objects.none()
    queryset = Organisation.objects.order_by("kind", "name", "id")
    if kind:
        queryset = queryset.filter(kind=kind)
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(credit_code__icontains=q))
    return queryset


def person_list(*, user, is_city_leader: bool | None = None):
    if not _can_read(user):
        return Person.objects.none()
    queryset = Person.objects.order_by("-is_city_leader", "name", "id")
    if is_city_leader is not None:
        queryset = queryset.filter(is_city_leader=is_city_leader)
    return queryset
