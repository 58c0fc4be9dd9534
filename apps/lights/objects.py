"""The lights of objects other apps own (bond batches, investment leads: subjects they
registered), for their pages and lists: the worst light of each object of a page for the
latest evaluated period, and one object's recent lights. One query each.

The caller passes ids it read through its own scoped selectors (a lead or a batch the user
may see): a department's attraction bureau sees its leads' lights though the leads belong to
no project, which Light's own scope (by region or project) would not give it.
"""

from django.db.models import Q

from apps.core.querysets import pk_in

from .models import SEVERITY, Light
from .selectors import default_period


def worst_object_lights(*, subject: str, object_ids, year: int | None = None, month: int | None = None) -> dict:
    """object id → its most severe light of the period (default: the latest evaluated)."""
    ids = sorted({int(pk) for pk in object_ids})
    if not ids:
        return {}
    if year is None or month is None:
        year, month = default_period()
    best: dict[int, Light] = {}
    for light in Light.objects.filter(pk_in(ids, "object_id"), subject=subject, year=year, month=month).select_related(
        "rule"
    ):
        current = best.get(light.object_id)
        if current is None or SEVERITY[light.colour] > SEVERITY[current.colour]:
            best[light.object_id] = light
    return best


def object_lights(*, subject: str, object_id: int, months: int = 12) -> list[Light]:
    """One object's lights over the `months` months up to the latest evaluated, newest first."""
    year, month = default_period()
    first = year * 12 + month - months
    first_year, first_month = first // 12, first % 12 + 1
    return list(
        Light.objects.filter(subject=subject, object_id=object_id)
        .filter(Q(year__gt=first_year) | Q(year=first_year, month__gte=first_month))
        .filter(Q(year__lt=year) | Q(year=year, month__lte=month))
        .select_related("rule", "version")
        .order_by("-year", "-month", "rule__code")
    )


def switch_on_presets(presets) -> None:
    """Install another app's presets (as its migration does: a flushed demo database has
    none) and switch them on: the demo's lights of bond batches and leads."""
    from .models import LightRule, LightRuleVersion
    from .presets import install

    install(LightRule, LightRuleVersion, presets)
    LightRule.objects.filter(code__in=[preset["code"] for preset in presets]).update(is_active=True)
