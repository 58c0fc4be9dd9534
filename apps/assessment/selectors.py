"""Reads of the assessment, taking the acting user: schemes, runs, results and traces (a
county sees only its own results; outside scope → 404)."""

from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404

from .indicators import DEFINITIONS
from .models import Result, Run, RunStatus, Scheme


def scheme_queryset(*, user, action: str = "view"):
    return Scheme.objects.restrict(user, action).select_related("region")


def scheme_scope_exists(*, user) -> bool:
    """Whether the user has an assessment scope at all (an empty one shows an empty page)."""
    from .models import scheme_scope_q

    return user.is_authenticated and scheme_scope_q(user, "view") is not None


def scheme_get(*, user, pk: int, action: str = "view") -> Scheme:
    return get_object_or_404(scheme_queryset(user=user, action=action), pk=pk)


def run_queryset(*, user):
    return Run.objects.restrict(user, "view").select_related("scheme__region", "computed_by", "published_by")


def run_get(*, user, pk: int) -> Run:
    return get_object_or_404(run_queryset(user=user), pk=pk)


def latest_published(*, user) -> Run | None:
    return run_queryset(user=user).filter(status=RunStatus.PUBLISHED).order_by("-scheme__year", "-quarter").first()


def result_queryset(*, user):
    return Result.objects.restrict(user, "view").select_related("region", "run__scheme")


def run_results(*, user, run: Run) -> list[Result]:
    """The results of a run the user may see (the city all, a county its own), by rank."""
    return list(result_queryset(user=user).filter(run=run).order_by("rank", "region__code"))


def result_get(*, user, run: Run, region_id: int) -> Result:
    result = result_queryset(user=user).filter(run=run, region_id=region_id).first()
    if result is None:
        raise Http404
    return result


def boards(results: list[Result]) -> dict:
    return {
        "red": [r for r in results if r.board == "red"],
        "black": [r for r in results if r.board == "black"],
        "flagged": [r for r in results if r.bottom_flag],
    }


def year_totals(*, user, scheme: Scheme) -> list[dict]:
    """Quarters into the year: the average of the published quarters so far, per county the
    user may see (labelled with the quarters it covers: never a guessed quarter)."""
    runs = list(run_queryset(user=user).filter(scheme=scheme, status=RunStatus.PUBLISHED).order_by("quarter"))
    rows: dict[int, dict] = {}
    for result in result_queryset(user=user).filter(run__in=runs).order_by("region__code"):
        row = rows.setdefault(result.region_id, {"region": result.region, "quarters": {}})
        row["quarters"][result.run.quarter] = result.total
    for row in rows.values():
        scores = list(row["quarters"].values())
        row["average"] = (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01")) if scores else None
    return sorted(rows.values(), key=lambda row: -(row["average"] or 0))


def indicator_choices() -> list[tuple[str, str]]:
    return [(key, str(item.label)) for key, item in DEFINITIONS.items()]
