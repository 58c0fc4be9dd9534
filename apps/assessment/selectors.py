"""Reads of the assessment, taking the acting user: schemes, runs, results and traces (a
county sees only its own results; outside scope → 404)."""

from decimal import Decimal

from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404

from .indicators import DEFINITIONS
from .models import Result, Run, RunStatus, Scheme, Subject


def scheme_queryset(*, user, action: str = "view"):
    return Scheme.objects.restrict(user, action).select_related("region")


def scheme_scope_exists(*, user) -> bool:
    """Whether the user has an assessment scope at all (an empty one shows an empty page)."""
    from apps.accounts.models import Role

    from .models import scheme_scope_q

    if not user.is_authenticated or scheme_scope_q(user, "view") is None:
        return False
    # A department has one only while its city assesses departments.
    return user.role != Role.DEPARTMENT_USER or scheme_queryset(user=user).exists()


def scheme_get(*, user, pk: int, action: str = "view") -> Scheme:
    return get_object_or_404(scheme_queryset(user=user, action=action), pk=pk)


def run_queryset(*, user):
    return Run.objects.restrict(user, "view").select_related("scheme__region", "computed_by", "published_by")


def run_get(*, user, pk: int) -> Run:
    return get_object_or_404(run_queryset(user=user), pk=pk)


def latest_published(*, user) -> Run | None:
    return run_queryset(user=user).filter(status=RunStatus.PUBLISHED).order_by("-scheme__year", "-quarter").first()


def result_queryset(*, user):
    return Result.objects.restrict(user, "view").select_related("region", "organisation", "run__scheme")


def county_result_queryset(*, user):
    """The counties' results only (allocation factors and tiers are per county)."""
    return result_queryset(user=user).filter(subject=Subject.COUNTY)


def run_results(*, user, run: Run, subject: str | None = Subject.COUNTY) -> list[Result]:
    """The results of a run the user may see (the city all, a county its own, a department
    its own), by rank (无数据 last); `subject` None: both kinds, counties first."""
    queryset = result_queryset(user=user).filter(run=run)
    if subject is not None:
        queryset = queryset.filter(subject=subject)
    order = ("subject", F("rank").asc(nulls_last=True), "region__code", "organisation__name")
    return list(queryset.order_by(*order))


def result_get(*, user, run: Run, region_id: int) -> Result:
    result = result_queryset(user=user).filter(run=run, subject=Subject.COUNTY, region_id=region_id).first()
    if result is None:
        raise Http404
    return result


def department_result_get(*, user, run: Run, organisation_id: int) -> Result:
    """A department's result and trace: the city, the auditor and the department itself (a
    county only when the scheme opens departments' results to counties); else 404."""
    result = (
        result_queryset(user=user).filter(run=run, subject=Subject.DEPARTMENT, organisation_id=organisation_id).first()
    )
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
    """Quarters into the year: the average of the published quarters so far, per county (then
    department) the user may see (labelled with the quarters it covers: never a guessed quarter;
    a quarter without data is not averaged in)."""
    runs = list(run_queryset(user=user).filter(scheme=scheme, status=RunStatus.PUBLISHED).order_by("quarter"))
    rows: dict[tuple, dict] = {}
    order = ("subject", "region__code", "organisation__name")
    for result in result_queryset(user=user).filter(run__in=runs).order_by(*order):
        row = rows.setdefault(
            (result.subject, result.subject_id),
            {"name": result.subject_name, "department": result.subject == Subject.DEPARTMENT, "quarters": {}},
        )
        row["quarters"][result.run.quarter] = result.total
    for row in rows.values():
        scores = [score for score in row["quarters"].values() if score is not None]
        row["average"] = (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01")) if scores else None
    return sorted(rows.values(), key=lambda row: (row["department"], -(row["average"] or 0)))


def indicator_choices() -> list[tuple[str, str]]:
    return [(key, str(item.label)) for key, item in DEFINITIONS.items()]
