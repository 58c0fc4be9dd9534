"""Schemes, computing and publishing a quarter on the database: raw values from the projects,
scoping (a county sees only its own trace), city-administrator-only edits, change records,
and frozen publication (later corrections do not change it; a re-run is a new version)."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from apps.accounts.models import Role
from apps.assessment import selectors, services
from apps.assessment.models import Result, Run, RunStatus, Scheme
from apps.audit.models import ChangeRecord

from .conftest import YEAR, started


def compute(world, scheme, **kwargs) -> Run:
    return services.run_compute(actor=world.users[Role.CITY_ADMIN], scheme=scheme, quarter=3, **kwargs)


def test_a_quarter_from_the_projects(world, scheme):
    started(world.county_a, 5)
    started(world.county_a, 6)
    started(world.county_b, 7, amount="5000")  # below 1亿元: not counted
    run = compute(world, scheme)
    results = {r.region_id: r for r in run.results.all()}
    a, b = results[world.county_a.pk], results[world.county_b.pk]
    # July: 0 and 0 (max = min: full 100); August and September: A 2, B 0 → A 100, B 60.
    assert a.month_scores == ["100.00", "100.00", "100.00"]
    assert b.month_scores == ["100.00", "60.00", "60.00"]
    # B: 100×30% + 60×30% + 60×30% + 70×10% = 73.00.
    assert (a.total, b.total) == (D("99.00"), D("73.00"))
    assert (a.rank, b.rank) == (1, 2)
    assert b.trace["months"][1]["rows"][0]["trace"] == "60%×100.00 + 40%×100.00×(0 − 最低0)÷(最高2 − 最低0) = 60.00分"
    assert run.inputs["values"][1]["yi_new_starts"][str(world.county_a.pk)] == "2"


def test_a_county_sees_only_its_own_trace(world, scheme):
    run = compute(world, scheme)
    county = world.users[Role.COUNTY_USER]
    assert [r.region_id for r in selectors.run_results(user=county, run=run)] == [world.county_a.pk]
    with pytest.raises(Http404):
        selectors.result_get(user=county, run=run, region_id=world.county_b.pk)
    assert len(selectors.run_results(user=world.users[Role.CITY_LEADER], run=run)) == 2
    for role in (Role.DEPARTMENT_USER, Role.OWNER_REPORTER, Role.SYSTEM_ADMIN):
        assert selectors.run_results(user=world.users[role], run=run) == []
        assert not selectors.run_queryset(user=world.users[role]).exists()


@pytest.mark.parametrize("role", [Role.COUNTY_USER, Role.CITY_LEADER, Role.DEPARTMENT_USER, Role.AUDITOR])
def test_only_the_city_administrator_edits_and_computes(world, scheme, role):
    user = world.users[role]
    with pytest.raises(PermissionDenied):
        services.scheme_update(actor=user, scheme=scheme, name="改")
    with pytest.raises(PermissionDenied):
        services.indicator_set(actor=user, scheme=scheme, key="start_rate", weight="10", method="efficacy")
    with pytest.raises(PermissionDenied):
        services.run_compute(actor=user, scheme=scheme, quarter=3)


def test_every_edit_writes_a_change_record(world, scheme):
    admin = world.users[Role.CITY_ADMIN]
    kinds = lambda: list(ChangeRecord.objects.order_by("pk").values_list("content_type__model", "action"))  # noqa: E731
    assert kinds() == [
        ("scheme", "create"),
        ("schemeindicator", "create"),
        ("quarterinput", "create"),
        ("quarterinput", "create"),
    ]
    services.scheme_update(actor=admin, scheme=scheme, list_size=1)
    run = compute(world, scheme)
    services.run_publish(actor=admin, run=run)
    assert kinds()[4:] == [("scheme", "update"), ("run", "create"), ("run", "update")]
    published = ChangeRecord.objects.order_by("pk").last()
    assert published.before["status"] == "draft" and published.after["status"] == "published"
    assert published.after["results"][str(world.county_a.pk)] == ["99.00", 1]  # 100 × 90% + 90 × 10%


def test_bad_input_is_refused_and_writes_nothing(world, scheme):
    admin = world.users[Role.CITY_ADMIN]
    before = ChangeRecord.objects.count()
    bad = [
        {"key": "nonsense", "weight": "10", "method": "efficacy"},
        {"key": "start_rate", "weight": "0", "method": "efficacy"},
        {"key": "start_rate", "weight": "abc", "method": "efficacy"},
        {"key": "start_rate", "weight": "10", "method": "rank_bands", "params": {"bands": "x"}},
        {"key": "start_rate", "weight": "10", "method": "points_per_unit", "params": {"unit": "0"}},
    ]
    for fields in bad:
        with pytest.raises(ValidationError):
            services.indicator_set(actor=admin, scheme=scheme, **fields)
    with pytest.raises(ValidationError):
        services.scheme_update(actor=admin, scheme=scheme, month_share=D("0.5"))
    with pytest.raises(ValidationError):
        services.quarter_input_set(actor=admin, scheme=scheme, quarter=3, region=world.county_a, review_score="101")
    with pytest.raises(ValidationError):
        services.quarter_input_set(actor=admin, scheme=scheme, quarter=3, region=world.county_a, vetoed=True)
    with pytest.raises(ValidationError):
        services.run_compute(actor=admin, scheme=scheme, quarter=4, today=datetime.date(YEAR, 11, 5))
    assert ChangeRecord.objects.count() == before


def test_a_missing_review_score_names_the_county(world, scheme):
    admin = world.users[Role.CITY_ADMIN]
    services.quarter_input_set(actor=admin, scheme=scheme, quarter=3, region=world.county_b, review_score=None)
    with pytest.raises(ValidationError, match="乙县"):
        compute(world, scheme)
    assert not Run.objects.exists()


def test_publication_is_frozen_and_a_rerun_is_a_new_version(world, scheme):
    admin = world.users[Role.CITY_ADMIN]
    run = services.run_publish(actor=admin, run=compute(world, scheme))
    frozen = list(run.results.order_by("region_id").values_list("total", "rank", "trace"))
    # A data correction after publication: a 1亿元 start in B.
    started(world.county_b, 9)
    assert list(run.results.order_by("region_id").values_list("total", "rank", "trace")) == frozen
    with pytest.raises(ValidationError, match="原因"):
        compute(world, scheme)
    with pytest.raises(ValidationError):
        services.run_publish(actor=admin, run=run)
    rerun = compute(world, scheme, reason="乙县补报8月开工项目")
    assert (rerun.version, rerun.status, rerun.reason) == (2, RunStatus.DRAFT, "乙县补报8月开工项目")
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED  # until the new version is published
    services.run_publish(actor=admin, run=rerun)
    run.refresh_from_db()
    assert run.status == RunStatus.SUPERSEDED
    assert list(run.results.order_by("region_id").values_list("total", "rank", "trace")) == frozen
    # The new version reads the correction: in August B has one start, A none.
    assert Result.objects.get(run=rerun, region=world.county_a).month_scores == ["100.00", "60.00", "60.00"]


def test_movement_since_the_last_quarter(world, scheme):
    admin = world.users[Role.CITY_ADMIN]
    for county in (world.county_a, world.county_b):
        services.quarter_input_set(actor=admin, scheme=scheme, quarter=2, region=county, review_score="80")
    started(world.county_a, 1)
    q2 = services.run_compute(actor=admin, scheme=scheme, quarter=2)
    services.run_publish(actor=admin, run=q2)
    b_q2 = Result.objects.get(run=q2, region=world.county_b)
    assert b_q2.rank == 1 and b_q2.previous_rank is None  # nothing in Q2: all equal, shared first place
    started(world.county_b, 3)
    started(world.county_b, 4)
    q3 = compute(world, scheme)
    a, b = (Result.objects.get(run=q3, region=county) for county in (world.county_a, world.county_b))
    assert (a.previous_rank, a.rank, a.movement) == (1, 2, -1)
    assert (b.previous_rank, b.rank, b.movement) == (1, 1, 0)


def test_one_scheme_per_city_and_year(world, scheme):
    with pytest.raises(ValidationError):
        services.scheme_create(actor=world.users[Role.CITY_ADMIN], region=world.city, year=YEAR, name="重复")
    with pytest.raises(ValidationError):
        services.scheme_create(actor=world.users[Role.CITY_ADMIN], region=world.county_a, year=YEAR + 1, name="县")
    assert Scheme.objects.count() == 1
