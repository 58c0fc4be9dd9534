"""Review, withdraw and restore, promotion into the annual plan (once), the department
review, the figures against a hand count, and the scope matrix through the API."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts.models import APIToken, Role
from apps.audit.models import ChangeRecord
from apps.core.tests.versions import stored_version
from apps.problems.models import Meeting, MeetingKind
from apps.projects.models import AnnualPlan, Stage
from apps.reserve import selectors, services
from apps.reserve.models import ReserveProject, ReviewStatus

from .conftest import make

D = datetime.date


def test_propose_review_admit_with_change_records(world):
    dept = world.users[Role.DEPARTMENT_USER]
    item = services.reserve_propose(
        actor=dept,
        fields={
            "name": "市域智慧交通大脑",
            "region": world.county_a,
            "planning_source": "department",
            "category": "infrastructure",
            "estimated_investment": Decimal("35000"),
            "proposed_on": D(2026, 11, 20),
        },
    )
    assert item.proposer == world.dept and item.status == ReviewStatus.SUBMITTED
    county = world.users[Role.COUNTY_USER]
    with pytest.raises(ValidationError, match="请填写原因"):
        services.reserve_first_review(
            actor=county, pk=item.pk, approve=False, expected_version=stored_version(ReserveProject, item.pk)
        )
    services.reserve_first_review(
        actor=county, pk=item.pk, approve=True, expected_version=stored_version(ReserveProject, item.pk)
    )
    with pytest.raises(PermissionDenied):
        services.reserve_final_review(
            actor=county, pk=item.pk, approve=True, expected_version=stored_version(ReserveProject, item.pk)
        )
    services.reserve_final_review(
        actor=world.users[Role.CITY_ADMIN],
        pk=item.pk,
        approve=True,
        expected_version=stored_version(ReserveProject, item.pk),
    )
    item.refresh_from_db()
    assert item.status == ReviewStatus.ADMITTED and item.admitted_on == D(2026, 12, 1)
    assert (
        ChangeRecord.objects.filter(object_id=item.pk, content_type__model="reserveproject").count() == 3
    )  # refusals write nothing
    # Once in review, the department no longer edits it.
    with pytest.raises(PermissionDenied, match="发改部门"):
        services.reserve_update(
            actor=dept, pk=item.pk, fields={"name": "改名"}, expected_version=stored_version(ReserveProject, item.pk)
        )


def test_return_resubmit_withdraw_restore(world, items):
    admin = world.users[Role.CITY_ADMIN]
    item = items["r_a"]
    services.reserve_first_review(
        actor=admin,
        pk=item.pk,
        approve=False,
        reason="建设内容不清",
        expected_version=stored_version(ReserveProject, item.pk),
    )
    item.refresh_from_db()
    assert (item.status, item.status_reason) == (ReviewStatus.RETURNED, "建设内容不清")
    with pytest.raises(ValidationError, match="不能办理此操作"):
        services.reserve_final_review(
            actor=admin, pk=item.pk, approve=True, expected_version=stored_version(ReserveProject, item.pk)
        )
    services.reserve_resubmit(
        actor=world.users[Role.DEPARTMENT_USER], pk=item.pk, expected_version=stored_version(ReserveProject, item.pk)
    )
    services.reserve_first_review(
        actor=admin, pk=item.pk, approve=True, expected_version=stored_version(ReserveProject, item.pk)
    )
    services.reserve_final_review(
        actor=admin, pk=item.pk, approve=True, expected_version=stored_version(ReserveProject, item.pk)
    )
    with pytest.raises(ValidationError, match="请填写原因"):
        services.reserve_withdraw(
            actor=admin, pk=item.pk, reason=" ", expected_version=stored_version(ReserveProject, item.pk)
        )
    services.reserve_withdraw(
        actor=admin, pk=item.pk, reason="规划调整，暂缓实施", expected_version=stored_version(ReserveProject, item.pk)
    )
    item.refresh_from_db()
    assert item.status == ReviewStatus.WITHDRAWN
    services.reserve_restore(actor=admin, pk=item.pk, expected_version=stored_version(ReserveProject, item.pk))
    item.refresh_from_db()
    assert item.status == ReviewStatus.ADMITTED and item.status_reason == ""


def test_promotion_needs_maturity_and_happens_once(world, items):
    admin = world.users[Role.CITY_ADMIN]
    item = items["r_a"]
    ReserveProject.objects.filter(pk=item.pk).update(status=ReviewStatus.ADMITTED, maturity="feasibility")
    args = {
        "year": 2027,
        "planned_investment": Decimal("4000"),
        "planned_start_date": D(2027, 3, 1),
        "planned_end_date": D(2028, 12, 31),
        "owner_unit": world.owner,
        "project_code": "2026-610302-48-01-770001",
    }
    with pytest.raises(ValidationError, match="具备申报条件"):
        services.reserve_promote(
            actor=admin, pk=item.pk, expected_version=stored_version(ReserveProject, item.pk), **args
        )
    ReserveProject.objects.filter(pk=item.pk).update(maturity="ready")
    services.reserve_promote(actor=admin, pk=item.pk, expected_version=stored_version(ReserveProject, item.pk), **args)
    item.refresh_from_db()
    project = item.project
    assert item.status == ReviewStatus.PROMOTED and item.tier == "annual"
    assert project.stage == Stage.PRELIMINARY and project.total_investment == Decimal("10000")
    assert AnnualPlan.objects.get(project=project).planned_investment == Decimal("4000")
    with pytest.raises(ValidationError, match="不能重复转入"):
        services.reserve_promote(
            actor=admin, pk=item.pk, expected_version=stored_version(ReserveProject, item.pk), **args
        )
    # Counted once: out of the reserve's figures, into the plan's.
    figures = selectors.reserve_figures(user=admin, year=2027)
    assert figures.count == 0 and figures.plan_count == 1 and figures.promoted == 1


def test_department_review_lists_its_projects_by_maturity_and_tracks_decisions(world, items):
    admin = world.users[Role.CITY_ADMIN]
    ReserveProject.objects.filter(pk=items["r_b"].pk).update(maturity="feasibility")
    review = selectors.department_review(user=admin, department=world.dept)
    assert review["count"] == 2 and review["investment"] == Decimal("20000")
    rows = {row["maturity"].value: [i.name for i in row["items"]] for row in review["rows"]}
    assert rows == {"concept": ["甲区智慧物流园"], "outline": [], "feasibility": ["乙县高速连接线"], "ready": []}
    meeting = Meeting.objects.create(
        kind=MeetingKind.DEPARTMENT_REVIEW,
        title="市交通运输局项目谋划半天会",
        region=world.city,
        held_on=D(2026, 11, 28),
        created_by=admin,
    )
    action = services.reserve_review_decision(
        actor=admin,
        pk=items["r_a"].pk,
        meeting_id=meeting.pk,
        decision="12月底前完成可研编制",
        owner=world.dept,
        deadline=D(2026, 12, 31),
    )
    assert list(items["r_a"].supervised_actions.all()) == [action]
    assert list(items["r_a"].reviewed_at.all()) == [meeting]


def test_figures_match_the_hand_count(world):
    admin = world.users[Role.CITY_ADMIN]
    a, b = world.county_a, world.county_b
    admitted = ReviewStatus.ADMITTED
    make(
        world,
        region=a,
        proposer=world.dept,
        status=admitted,
        category="industry",
        planning_source="attraction",
        catalogue_class="encouraged",
        maturity="ready",
        estimated_investment=Decimal(30000),
    )
    make(
        world,
        region=a,
        proposer=world.dept,
        status=admitted,
        category="infrastructure",
        maturity="outline",
        estimated_investment=Decimal(50000),
    )
    make(
        world,
        region=b,
        proposer=world.dept,
        status=admitted,
        category="infrastructure",
        planning_source="county",
        maturity="concept",
        estimated_investment=Decimal(20000),
    )
    make(world, region=b, proposer=world.dept, status=ReviewStatus.SUBMITTED, category="industry")  # not in the reserve
    make(world, region=b, proposer=world.dept, status=ReviewStatus.WITHDRAWN, category="industry")  # left it
    make(world, region=b, proposer=world.dept, status=ReviewStatus.PROMOTED, category="industry", project=world.p_b)
    AnnualPlan.objects.create(project=world.p_b, year=2026, planned_investment=Decimal(1))
    figures = selectors.reserve_figures(user=admin, year=2026)
    assert (figures.count, figures.investment) == (3, Decimal(100000))
    by_source = {g.key: (g.count, g.investment) for g in figures.by_source}
    assert by_source["attraction"] == (1, Decimal(30000)) and by_source["department"] == (1, Decimal(50000))
    assert by_source["county"] == (1, Decimal(20000)) and by_source["township"] == (0, Decimal(0))
    assert {g.key: g.count for g in figures.by_maturity} == {"concept": 1, "outline": 1, "feasibility": 0, "ready": 1}
    assert {g.label: g.investment for g in figures.by_region} == {"甲区": Decimal(80000), "乙县": Decimal(20000)}
    assert figures.industry_share_reserve == Decimal("33.3") and figures.infrastructure_share_reserve == Decimal("66.7")
    assert figures.industry_short is True
    # The plan: p_b (infrastructure in the world) is the one project with a 2026 plan.
    assert figures.plan_count == 1 and figures.infrastructure_share_plan == Decimal("100.0")
    # Ever admitted: 3 admitted + 1 withdrawn + 1 promoted; promoted 1 (p_b has started).
    assert (figures.admitted_ever, figures.promoted) == (5, 1)
    assert figures.conversion_to_plan == Decimal("20.0")


SEES = {
    Role.CITY_ADMIN: {"r_a", "r_b", "r_c"},
    Role.CITY_LEADER: {"r_a", "r_b", "r_c"},
    Role.COUNTY_USER: {"r_a"},
    Role.DEPARTMENT_USER: {"r_a", "r_b"},
    Role.OWNER_REPORTER: set(),
    Role.AUDITOR: {"r_a", "r_b", "r_c"},
    # 三员: administrators of the system, its security and its audit trail see no business data.
    Role.SYSTEM_ADMIN: set(),
    Role.SECURITY_ADMIN: set(),
    Role.AUDIT_ADMIN: set(),
}
FIRST_REVIEWS = {
    Role.CITY_ADMIN: {"r_a", "r_b", "r_c"},
    Role.CITY_LEADER: set(),
    Role.COUNTY_USER: {"r_a"},
    Role.DEPARTMENT_USER: set(),
    Role.OWNER_REPORTER: set(),
    Role.AUDITOR: set(),
    Role.SYSTEM_ADMIN: set(),
    Role.SECURITY_ADMIN: set(),
    Role.AUDIT_ADMIN: set(),
}


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("key", ["r_a", "r_b", "r_c"])
def test_api_scope_matrix(client, world, items, role, key):
    _, raw = APIToken.issue(user=world.users[role], name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    listed = {item["id"] for item in client.get("/api/v1/reserve", **auth).json()["items"]}
    assert listed == {items[k].pk for k in SEES[role]}
    url = f"/api/v1/reserve/{items[key].pk}"
    assert client.get(url, **auth).status_code == (200 if key in SEES[role] else 404)
    response = client.post(
        f"{url}/first-review", {"approve": True, "version": items[key].version}, content_type="application/json", **auth
    )
    expected = 404 if key not in SEES[role] else (200 if key in FIRST_REVIEWS[role] else 403)
    assert response.status_code == expected, response.content[:200]


def test_api_refusals_are_chinese_422(client, world, items):
    client.force_login(world.users[Role.CITY_ADMIN])
    response = client.post(
        f"/api/v1/reserve/{items['r_a'].pk}/final-review",
        {"approve": True, "version": items["r_a"].version},
        content_type="application/json",
    )
    assert response.status_code == 422 and "待初审" in response.json()["errors"]["status"][0]
    response = client.get("/api/v1/reserve/figures")
    assert response.status_code == 200 and response.json()["count"] == 0


def test_hostile_inputs_are_422_and_write_nothing(client, world):
    client.force_login(world.users[Role.CITY_ADMIN])
    base = {
        "name": "项目",
        "region": world.county_a.pk,
        "planning_source": "county",
        "category": "industry",
        "estimated_investment": "1",
        "proposed_on": "2026-11-30",
    }
    for change in (
        {"name": "长" * 500},
        {"estimated_investment": "1" * 30},
        {"industry_code": "C38411234"},
        {"estimated_investment": "NaN"},
        {"region": 999999},
        {"planned_start_year": 99999},
    ):
        response = client.post("/api/v1/reserve", {**base, **change}, content_type="application/json")
        assert response.status_code == 422, (change, response.content[:300])
    assert not ReserveProject.objects.exists()


def test_attraction_conversion_needs_a_lead_the_proposer_sees(world):
    from apps.attraction.tests.factories import LeadFactory

    county = world.users[Role.COUNTY_USER]
    hidden = LeadFactory(region=world.county_b)
    seen = LeadFactory(region=world.county_a)
    fields = {
        "name": "电池二期",
        "region": world.county_a,
        "planning_source": "attraction",
        "category": "industry",
        "estimated_investment": Decimal("20000"),
        "proposed_on": D(2026, 11, 30),
        "proposer": world.dept,
    }
    with pytest.raises(ValidationError, match="关联来源招商线索"):
        services.reserve_propose(actor=county, fields=fields)
    with pytest.raises(ValidationError, match="不在您的权限范围内"):
        services.reserve_propose(actor=county, fields={**fields, "source_lead": hidden})
    item = services.reserve_propose(actor=county, fields={**fields, "source_lead": seen})
    assert item.source_lead == seen
