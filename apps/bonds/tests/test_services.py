"""The bond cycle through the services: checks before submission, the review ladder on both
sides, 双入库, issues, allocations, spending and the pace lists, 用途调整, change records."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.bonds import selectors, services
from apps.bonds.models import BondProject, BondSpending
from apps.core.tests.versions import stored_version
from tests import factories as f
from tests.scope_table import CHANGES, SEES

from .conftest import GOOD, PDF

pytestmark = pytest.mark.django_db
day = datetime.date


def test_create_upload_submit(world):
    county = world.users[Role.COUNTY_USER]
    fields = {k: v for k, v in GOOD.items() if k != "total_investment"}
    bond_project = services.bond_project_create(actor=county, project_id=world.p_a.pk, year=2026, fields=fields)
    assert bond_project.total_investment == world.p_a.total_investment == D(10000)
    with pytest.raises(ValidationError) as error:
        services.bond_project_submit(
            actor=county, bond_project_id=bond_project.pk, expected_version=stored_version(BondProject, bond_project.pk)
        )
    assert set(error.value.message_dict) == {"documents"}
    for kind in ("plan", "financial", "legal"):
        services.bond_document_upload(
            actor=county,
            bond_project_id=bond_project.pk,
            kind=kind,
            filename=f"{kind}.pdf",
            content=PDF,
            expected_version=stored_version(BondProject, bond_project.pk),
        )
    submitted = services.bond_project_submit(
        actor=county, bond_project_id=bond_project.pk, expected_version=stored_version(BondProject, bond_project.pk)
    )
    assert (submitted.status, submitted.round, submitted.submitted_on) == ("submitted", 1, day(2026, 11, 15))
    records = ChangeRecord.objects.filter(project_id=world.p_a.pk)
    assert records.filter(content_type__model="bonddocument").count() == 3
    assert records.filter(content_type__model="bondproject").count() == 2  # create, submit
    with pytest.raises(ValidationError):
        services.bond_project_update(
            actor=county,
            bond_project_id=bond_project.pk,
            fields={"bond_amount": D(1)},
            expected_version=stored_version(BondProject, bond_project.pk),
        )


@pytest.mark.parametrize(
    ("filename", "content"),
    [("plan.exe", b"MZ"), ("plan.pdf", b"PK\x03\x04 not a pdf"), ("plan.pdf", b""), ("plan.docx", b"%PDF-1.7")],
)
def test_hostile_documents_are_refused(world, make_bond_project, filename, content):
    bond_project = make_bond_project(world.p_a, submitted=False)
    with pytest.raises(ValidationError):
        services.bond_document_upload(
            actor=world.users[Role.CITY_ADMIN],
            bond_project_id=bond_project.pk,
            kind="plan",
            filename=filename,
            content=content,
            expected_version=stored_version(BondProject, bond_project.pk),
        )


@pytest.mark.parametrize(
    ("overrides", "failing"),
    [
        ({"negative_category": "buildings"}, {"negative_list"}),
        ({"expected_income": D(0), "expected_cost": D(0)}, {"negative_list", "coverage", "stress"}),
        ({"other_debt": D(999)}, {"balance"}),
        ({"bonds_as_capital": D(7001)}, {"capital_cap"}),
        # (17000 − 5000) / 10000 = 1.20 passes coverage; stress (15300 − 5500) / 10000 = 0.98 fails.
        ({"expected_income": D(17000)}, {"stress"}),
        # (16990 − 5000) / 10000 = 1.199 below 1.2.
        ({"expected_income": D(16990)}, {"coverage", "stress"}),
        ({"operation_start_year": 2026}, {"periods"}),
    ],
)
def test_each_check_refuses_submission_and_writes_nothing(world, make_bond_project, overrides, failing):
    bond_project = make_bond_project(world.p_a, submitted=False, **overrides)
    with pytest.raises(ValidationError) as error:
        services.bond_project_submit(
            actor=world.users[Role.CITY_ADMIN],
            bond_project_id=bond_project.pk,
            expected_version=stored_version(BondProject, bond_project.pk),
        )
    assert set(error.value.message_dict) == failing
    bond_project.refresh_from_db()
    assert bond_project.status == "draft" and not ChangeRecord.objects.exists()


def test_capital_cap_counts_the_province(world, make_bond_project):
    # Submitted so far in the province: 2000 of 7000 as capital. p_b asks 1000 of 7000:
    # 3000 / 14000 = 21.43% passes; a third project asking 2000 more: 5000 / 21000 = 23.81% passes at 30%,
    # but with the cap at 20% it fails.
    make_bond_project(world.p_a, bonds_as_capital=D(2000))
    second = make_bond_project(world.p_b, submitted=False)
    checks = {c.key: c for c in services.bond_project_checks(second)}
    assert checks["capital_cap"].passed and "21.43" in checks["capital_cap"].detail


def test_capital_cap_setting_refuses(world, make_bond_project, settings):
    settings.BOND_CAPITAL_CAP_PERCENT = 20
    make_bond_project(world.p_a, bonds_as_capital=D(2000))
    second = make_bond_project(world.p_b, submitted=False)
    with pytest.raises(ValidationError) as error:
        services.bond_project_submit(
            actor=world.users[Role.CITY_ADMIN],
            bond_project_id=second.pk,
            expected_version=stored_version(BondProject, second.pk),
        )
    assert "21.43" in error.value.message_dict["capital_cap"][0]


def test_review_ladder_both_sides(world, finance, make_bond_project):
    bond_project = make_bond_project(world.p_a)  # county A project: county → city → province → national
    admin, county = world.users[Role.CITY_ADMIN], world.users[Role.COUNTY_USER]

    def review(**kwargs):
        return services.bond_review_record(
            **kwargs, expected_version=stored_version(BondProject, kwargs["bond_project_id"])
        )

    with pytest.raises(ValidationError):  # the city before the county
        review(actor=admin, bond_project_id=bond_project.pk, level="city", side="ndrc", result="passed")
    with pytest.raises(PermissionDenied):  # the city administrator does not record the county's step
        review(actor=admin, bond_project_id=bond_project.pk, level="county", side="ndrc", result="passed")
    review(actor=county, bond_project_id=bond_project.pk, level="county", side="ndrc", result="passed")
    with pytest.raises(PermissionDenied):  # a county user records no city result
        review(actor=county, bond_project_id=bond_project.pk, level="city", side="ndrc", result="passed")
    review(actor=admin, bond_project_id=bond_project.pk, level="city", side="ndrc", result="passed")
    review(actor=admin, bond_project_id=bond_project.pk, level="province", side="ndrc", result="passed")
    # The finance side: the city bureau may not record the county step; county A has no bureau of its own here,
    # and county B's bureau does not cover county A.
    with pytest.raises(PermissionDenied):
        review(actor=finance["city"], bond_project_id=bond_project.pk, level="county", side="finance", result="passed")
    with pytest.raises(PermissionDenied):
        review(
            actor=finance["county_b"], bond_project_id=bond_project.pk, level="county", side="finance", result="passed"
        )
    with pytest.raises(PermissionDenied):
        review(
            actor=world.users[Role.DEPARTMENT_USER],
            bond_project_id=bond_project.pk,
            level="city",
            side="finance",
            result="passed",
        )
    assert list(selectors.figure_bond_projects(user=admin, year=2026, region=None, key="passed")) == [bond_project]
    with pytest.raises(ValidationError):
        review(actor=admin, bond_project_id=bond_project.pk, level="province", side="ndrc", result="passed")


def test_a_return_ends_the_round(world, make_bond_project):
    bond_project = make_bond_project(world.p_a)
    county = world.users[Role.COUNTY_USER]
    with pytest.raises(ValidationError):  # a return needs an opinion
        services.bond_review_record(
            actor=county,
            bond_project_id=bond_project.pk,
            level="county",
            side="ndrc",
            result="returned",
            expected_version=stored_version(BondProject, bond_project.pk),
        )
    services.bond_review_record(
        actor=county,
        bond_project_id=bond_project.pk,
        level="county",
        side="ndrc",
        result="returned",
        opinion="用地手续不全",
        expected_version=stored_version(BondProject, bond_project.pk),
    )
    bond_project.refresh_from_db()
    assert bond_project.status == "returned"
    services.bond_project_update(
        actor=county,
        bond_project_id=bond_project.pk,
        fields={"revenue_source": "停车及充电"},
        expected_version=stored_version(BondProject, bond_project.pk),
    )
    again = services.bond_project_submit(
        actor=county, bond_project_id=bond_project.pk, expected_version=stored_version(BondProject, bond_project.pk)
    )
    assert again.round == 2
    services.bond_review_record(
        actor=county,
        bond_project_id=bond_project.pk,
        level="county",
        side="ndrc",
        result="passed",
        expected_version=stored_version(BondProject, bond_project.pk),
    )


def test_self_review_pilot_skips_the_national_step(world, make_bond_project, settings):
    bond_project = make_bond_project(world.p_a)
    assert services.review_levels(bond_project)[-1] == "national"
    settings.BOND_SELF_REVIEW_PROVINCES = ["61"]
    assert services.review_levels(bond_project) == ["county", "city", "province"]


def test_pools(world, finance, make_bond_project):
    bond_project = make_bond_project(world.p_a)
    services.bond_pool_record(
        actor=world.users[Role.CITY_ADMIN],
        bond_project_id=bond_project.pk,
        side="ndrc",
        result="in",
        expected_version=stored_version(BondProject, bond_project.pk),
    )
    with pytest.raises(PermissionDenied):
        services.bond_pool_record(
            actor=world.users[Role.CITY_ADMIN],
            bond_project_id=bond_project.pk,
            side="finance",
            result="in",
            expected_version=stored_version(BondProject, bond_project.pk),
        )
    services.bond_pool_record(
        actor=finance["city"],
        bond_project_id=bond_project.pk,
        side="finance",
        result="in",
        expected_version=stored_version(BondProject, bond_project.pk),
    )
    bond_project.refresh_from_db()
    assert (bond_project.ndrc_pool, bond_project.mof_pool) == ("in", "in")


def _issue(finance_user, world, issued_on, amount=D(20000), name="2026年示范省政府专项债券（一期）"):
    return services.issue_create(
        actor=finance_user,
        fields={
            "name": name,
            "batch": "第一批",
            "region": world.city,
            "nature": "new",
            "issued_on": issued_on,
            "value_date": issued_on,
            "amount": amount,
            "term_years": 10,
            "rate": D("2.25"),
            "interest_frequency": 2,
        },
    )


def test_issue_allocation_spending_and_pace_lists(world, finance, make_bond_project):
    user = finance["city"]
    issue = _issue(user, world, day(2026, 3, 10))
    assert issue.maturity_date == day(2036, 3, 10)
    a = make_bond_project(world.p_a)
    b = make_bond_project(world.p_b)
    alloc_a = services.allocation_add(
        actor=user, issue_id=issue.pk, bond_project_id=a.pk, amount=D(7000), allocated_on=day(2026, 3, 20)
    )
    alloc_b = services.allocation_add(
        actor=user, issue_id=issue.pk, bond_project_id=b.pk, amount=D(7000), allocated_on=day(2026, 3, 20)
    )
    with pytest.raises(ValidationError):  # 14000 + 7000 > 20000
        services.allocation_add(
            actor=user, issue_id=issue.pk, bond_project_id=make_bond_project(world.p_c).pk, amount=D(7000)
        )
    # a: 25% by June (3 months), 50% by September (6), 75% by December → on pace through November.
    services.spending_record(actor=user, allocation_id=alloc_a.pk, year=2026, month=6, cumulative=D(1750))
    services.spending_record(actor=user, allocation_id=alloc_a.pk, year=2026, month=9, cumulative=D(3500))
    # b: 1749.99 at June (just below 25%) and nothing more: failing June to November = 6 months.
    services.spending_record(actor=user, allocation_id=alloc_b.pk, year=2026, month=6, cumulative=D("1749.99"))
    with pytest.raises(ValidationError):  # cumulative cannot go down
        services.spending_record(actor=user, allocation_id=alloc_b.pk, year=2026, month=7, cumulative=D(1000))
    with pytest.raises(ValidationError):  # nor exceed the allocation
        services.spending_record(actor=user, allocation_id=alloc_b.pk, year=2026, month=7, cumulative=D("7000.01"))
    with pytest.raises(ValidationError):  # nor be for a future month
        services.spending_record(actor=user, allocation_id=alloc_b.pk, year=2026, month=12, cumulative=D(1))
    october = selectors.pace_lists(user=user, year=2026, month=10)
    assert [row.allocation for row in october.failing] == [alloc_b] and october.warning == []
    assert [r.consecutive_failing for r in october.failing] == [5]
    november = selectors.pace_lists(user=user, year=2026, month=11)
    assert [row.allocation for row in november.warning] == [alloc_b]
    row_a = next(r for r in november.all if r.allocation == alloc_a)
    assert (row_a.pace.months, row_a.pace.required, row_a.pace.ratio, row_a.pace.status) == (8, 50, 50, "ok")
    assert ChangeRecord.objects.filter(content_type__model="bondspending").count() == 3
    # Nobody else enters spending.
    for role in Role:
        with pytest.raises(PermissionDenied):
            services.spending_record(
                actor=world.users[role], allocation_id=alloc_a.pk, year=2026, month=10, cumulative=D(3600)
            )


def test_use_adjustment(world, finance, make_bond_project):
    user = finance["city"]
    issue = _issue(user, world, day(2026, 3, 10))
    a, b = make_bond_project(world.p_a), make_bond_project(world.p_b)
    alloc_a = services.allocation_add(actor=user, issue_id=issue.pk, bond_project_id=a.pk, amount=D(7000))
    services.spending_record(actor=user, allocation_id=alloc_a.pk, year=2026, month=6, cumulative=D(1000))
    owner = world.users[Role.OWNER_REPORTER]
    with pytest.raises(ValidationError):  # 7000 − 1000 spent = 6000 available
        services.adjustment_request(
            actor=owner,
            allocation_id=alloc_a.pk,
            amount=D("6000.01"),
            reason="surplus",
            explanation="结余",
            to_bond_project_id=a.pk,
        )
    with pytest.raises(ValidationError):  # the owner does not see p_b's bond project
        services.adjustment_request(
            actor=owner,
            allocation_id=alloc_a.pk,
            amount=D(2000),
            reason="surplus",
            explanation="结余",
            to_bond_project_id=b.pk,
        )
    adjustment = services.adjustment_request(
        actor=world.users[Role.CITY_ADMIN],
        allocation_id=alloc_a.pk,
        amount=D(2000),
        reason="project_changed",
        explanation="建设规模调减",
        to_bond_project_id=b.pk,
    )
    with pytest.raises(PermissionDenied):
        services.adjustment_decide(actor=world.users[Role.CITY_ADMIN], adjustment_id=adjustment.pk, approve=True)
    services.adjustment_decide(actor=user, adjustment_id=adjustment.pk, approve=True, note="同意")
    alloc_b = b.allocations.get()
    assert alloc_b.amount == D(2000)
    alloc_a.refresh_from_db()
    assert services.allocation_base(alloc_a) == D(5000)
    # The pace base falls to 5000 from the decision on: 1000 / 5000 = 20% < 50% in November.
    row = next(r for r in selectors.paces(user=user, year=2026, month=11) if r.allocation == alloc_a)
    assert (row.pace.base, row.pace.ratio, row.pace.status) == (D(5000), D(20), "failing")


def test_repayment_reminders(world, finance, make_bond_project):
    user = finance["city"]
    issue = _issue(user, world, day(2026, 6, 1))
    alloc = services.allocation_add(
        actor=user, issue_id=issue.pk, bond_project_id=make_bond_project(world.p_a).pk, amount=D(7000)
    )
    # Semi-annual from 2026-06-01: first interest 2026-12-01, 7000 × 2.25% ÷ 2 = 78.75, within 30 days of 11-15.
    [line] = selectors.repayment_reminders(user=user)
    assert (line.allocation, line.payment.due, line.payment.amount) == (alloc, day(2026, 12, 1), D("78.75"))
    assert selectors.repayment_reminders(user=world.users[Role.OWNER_REPORTER])[0].allocation == alloc
    assert selectors.repayment_reminders(user=world.users[Role.COUNTY_USER])  # p_a is county A's
    assert selectors.repayment_reminders(user=finance["county_b"]) == []


@pytest.mark.parametrize("role", list(Role))
def test_bond_project_scope_is_the_projects(world, make_bond_project, role):
    bonds = {key: make_bond_project(getattr(world, key), submitted=False) for key in ("p_a", "p_b", "p_c")}
    user = world.users[role]
    seen = set(selectors.bond_project_queryset(user=user).values_list("pk", flat=True))
    assert seen == {bonds[key].pk for key in SEES[role]}
    for key, bond_project in bonds.items():
        if key in CHANGES[role]:
            services.bond_project_update(
                actor=user,
                bond_project_id=bond_project.pk,
                fields={"law_firm": "某律所"},
                expected_version=stored_version(BondProject, bond_project.pk),
            )
        else:
            with pytest.raises(PermissionDenied):
                services.bond_project_update(
                    actor=user,
                    bond_project_id=bond_project.pk,
                    fields={"law_firm": "x"},
                    expected_version=stored_version(BondProject, bond_project.pk),
                )


def test_issue_visibility(world, finance, make_bond_project):
    issue = _issue(finance["city"], world, day(2026, 3, 10))
    province_issue = _issue(finance["city"], world, day(2026, 4, 10), name="省本级")
    province_issue.region = world.city.parent
    province_issue.save()
    services.allocation_add(
        actor=finance["city"], issue_id=issue.pk, bond_project_id=make_bond_project(world.p_a).pk, amount=D(100)
    )

    def seen(user):
        return set(selectors.issue_queryset(user=user).values_list("name", flat=True))

    both = {issue.name, "省本级"}
    assert seen(world.users[Role.CITY_ADMIN]) == both and seen(world.users[Role.AUDITOR]) == both
    assert seen(world.users[Role.COUNTY_USER]) == both  # regions above the county
    assert seen(world.users[Role.OWNER_REPORTER]) == {issue.name}  # through its project's allocation
    assert seen(world.users[Role.DEPARTMENT_USER]) == {issue.name}  # p_a is the department's
    other = f.UserFactory(username="stranger", role=Role.OWNER_REPORTER, organisation=world.other_owner)
    assert seen(other) == set()
    with pytest.raises(PermissionDenied):  # county B's bureau does not issue for the city
        _issue(finance["county_b"], world, day(2026, 3, 10))


def test_figures_equal_an_independent_sum(world, finance, make_bond_project):
    """The speech figures against sums taken directly from the rows."""
    user = finance["city"]
    admin = world.users[Role.CITY_ADMIN]
    issue = _issue(user, world, day(2026, 3, 10))
    a = make_bond_project(world.p_a)
    b = make_bond_project(world.p_b, bond_amount=D(6000), capital_excl_bonds=D(3000))
    make_bond_project(world.p_c, submitted=False)  # a draft does not count
    for bond_project in (a, b):
        services.bond_pool_record(
            actor=admin,
            bond_project_id=bond_project.pk,
            side="ndrc",
            result="in",
            expected_version=stored_version(BondProject, bond_project.pk),
        )
    services.bond_pool_record(
        actor=user,
        bond_project_id=a.pk,
        side="finance",
        result="in",
        expected_version=stored_version(BondProject, a.pk),
    )
    alloc_a = services.allocation_add(actor=user, issue_id=issue.pk, bond_project_id=a.pk, amount=D(7000))
    alloc_b = services.allocation_add(actor=user, issue_id=issue.pk, bond_project_id=b.pk, amount=D(6000))
    services.spending_record(actor=user, allocation_id=alloc_a.pk, year=2026, month=6, cumulative=D(2000))
    services.spending_record(actor=user, allocation_id=alloc_a.pk, year=2026, month=9, cumulative=D(4000))
    services.spending_record(actor=user, allocation_id=alloc_b.pk, year=2026, month=11, cumulative=D(600))
    result = selectors.bond_figures(user=admin, year=2026, month=11)
    figures = {key: figure.value for key, figure in result.figures.items()}
    submitted = BondProject.objects.filter(year=2026, round__gt=0)
    assert figures["applied"] == submitted.count() == 2
    assert figures["applied_amount"] == sum(x.bond_amount for x in submitted) == D(13000)
    assert figures["pooled"] == 1
    assert figures["issued"] == D(13000)
    latest = {}
    for s in BondSpending.objects.order_by("year", "month"):
        latest[s.allocation_id] = s.cumulative
    assert figures["spent"] == sum(latest.values()) == D(4600)
    assert figures["spent_share"] == D("35.38")  # 4600 / 13000
    counties = {row["region"].name: (row["issued"], row["spent"]) for row in result.by_county}
    assert counties == {"甲区": (D(7000), D(4000)), "乙县": (D(6000), D(600))}
    assert [row["count"] for row in result.pooled_by_category if row["category"] == "infrastructure"] == [1]
    # The county user's figures cover county A only.
    county = selectors.bond_figures(user=world.users[Role.COUNTY_USER], year=2026, month=11)
    assert county.figures["issued"].value == D(7000) and county.figures["applied"].value == 1
