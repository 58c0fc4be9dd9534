"""The four indicators read from the other apps' rows (problems resolved on time, approvals
decided on time, bond spending pace, signed investment arrived), computed by hand for three
counties: 甲区 and 乙县 with rows, 丙县 with none (None: no data, never a guessed 0)."""

import datetime
from decimal import Decimal as D

import pytest

from apps.accounts.models import Role
from apps.approvals.models import ItemStatus
from apps.approvals.tests.factories import ItemFactory
from apps.assessment.indicators import DEFINITIONS, month_values
from apps.attraction.models import LeadStage
from apps.attraction.tests.factories import lead_with_history
from apps.bonds.models import BondAllocation, BondIssue, BondProject, BondSpending
from apps.bonds.tests.conftest import GOOD
from apps.problems.models import ProblemStatus
from apps.problems.tests.factories import ProblemFactory
from tests import factories as f

from .conftest import YEAR

NEW_KEYS = ["problems_on_time", "approvals_on_time", "bond_pace", "investment_arrival"]


def day(month: int, dom: int, year: int = YEAR) -> datetime.date:
    return datetime.date(year, month, dom)


@pytest.fixture
def counties(world):
    return [world.county_a, world.county_b, f.county(world.city, 4, "丙县")]


def values(world, counties, key: str, month: int) -> list:
    admin = world.users[Role.CITY_ADMIN]
    found = month_values(user=admin, counties=counties, keys=[key], year=YEAR, month=month)[key]
    return [found[county.pk] for county in counties]


def test_the_new_indicators_are_defined():
    for key in NEW_KEYS:
        assert DEFINITIONS[key].unit == "%"
        assert "÷" in str(DEFINITIONS[key].definition)


def test_problems_resolved_on_time_by_hand(world, counties):
    a, b, c = counties
    project_a, project_b = f.ProjectFactory(region=a), f.ProjectFactory(region=b)
    f.ProjectFactory(region=c)  # 丙县 has a project but no problem

    def problem(project, deadline, status=ProblemStatus.OPEN, resolved_on=None):
        ProblemFactory(project=project, deadline=deadline, status=status, resolved_on=resolved_on)

    problem(project_a, day(3, 10), ProblemStatus.CLOSED, day(3, 5))  # on time
    problem(project_a, day(5, 31), ProblemStatus.RESOLVED, day(6, 2))  # two days late
    problem(project_a, day(6, 30))  # due, still open
    problem(project_a, day(7, 15), ProblemStatus.CLOSED, day(6, 1))  # due after June: not counted yet
    problem(project_a, day(12, 20, YEAR - 1), ProblemStatus.CLOSED, day(12, 1, YEAR - 1))  # last year's
    problem(project_b, day(4, 1), ProblemStatus.CLOSED, day(4, 1))  # on the deadline: on time
    problem(project_b, day(2, 1), ProblemStatus.CANNOT_RESOLVE_NOW)
    # June: 甲区 1 of 3 due; 乙县 1 of 2; 丙县 none due.
    assert values(world, counties, "problems_on_time", 6) == [D("33.33"), D("50.00"), None]
    # March: 甲区 1 of 1 (the May and June deadlines not yet due); 乙县 0 of 1 (February).
    assert values(world, counties, "problems_on_time", 3) == [D("100.00"), D("0.00"), None]


def test_approvals_decided_on_time_by_hand(world, counties):
    a, b, _c = counties
    project_a, project_b = f.ProjectFactory(region=a), f.ProjectFactory(region=b)

    def item(project, due, status, decided_on=None, **fields):
        ItemFactory(project=project, due_date=due, status=status, decided_on=decided_on, **fields)

    item(project_a, day(4, 10), ItemStatus.APPROVED, day(4, 10))  # on the due date: on time
    item(project_a, day(5, 20), ItemStatus.DEEMED_APPROVED, day(5, 21))  # the clock ran out: late
    item(project_a, day(6, 15), ItemStatus.REJECTED, day(6, 1))  # decided (refused) in time
    item(project_a, day(6, 20), ItemStatus.ACCEPTED)  # past due, still open: late
    item(project_a, day(5, 1), ItemStatus.WITHDRAWN)  # withdrawn by the applicant: not counted
    item(project_a, day(4, 1), ItemStatus.APPROVED, day(5, 1), commitment_applies=False)  # no commitment
    item(project_b, day(6, 30), ItemStatus.APPROVED, day(6, 29))
    item(project_b, day(7, 1), ItemStatus.APPROVED, day(7, 9))  # due in July: not counted in June
    # June: 甲区 2 of 4; 乙县 1 of 1; 丙县 no item.
    assert values(world, counties, "approvals_on_time", 6) == [D("50.00"), D("100.00"), None]
    # July: 乙县 1 of 2.
    assert values(world, counties, "approvals_on_time", 7)[1] == D("50.00")


def allocate(world, region, *, issued_on, amount, spent=()):
    """One batch × project in `region`: `spent` is [(month, cumulative)] of YEAR."""
    bond_project = BondProject.objects.create(project=f.ProjectFactory(region=region), year=YEAR, **GOOD)
    issue = BondIssue.objects.create(
        name=f"{issued_on}专项债",
        region=world.city,
        batch=str(issued_on),
        issued_on=issued_on,
        value_date=issued_on,
        amount=D(amount),
        term_years=10,
        rate=D("2.5"),
        maturity_date=issued_on.replace(year=issued_on.year + 10),
    )
    allocation = BondAllocation.objects.create(
        issue=issue, bond_project=bond_project, amount=D(amount), allocated_on=issued_on
    )
    for month, cumulative in spent:
        BondSpending.objects.create(
            allocation=allocation,
            year=YEAR,
            month=month,
            cumulative=D(cumulative),
            entered_by=world.users[Role.CITY_ADMIN],
        )


def test_bond_spending_pace_by_hand(world, counties):
    a, b, _c = counties
    # September, milestones 25/50/75/100% at 3/6/9/12 months after the issue month.
    allocate(world, a, issued_on=day(1, 15), amount="1000", spent=[(9, "800")])  # 8 months: 80% ≥ 50%
    allocate(world, a, issued_on=day(3, 10), amount="2000", spent=[(6, "400")])  # 6 months: 20% < 50%
    allocate(world, a, issued_on=day(8, 1), amount="500")  # 1 month: no milestone yet, not counted
    allocate(world, b, issued_on=day(2, 1), amount="1000", spent=[(8, "750")])  # 7 months: 75% ≥ 50%
    allocate(world, b, issued_on=day(6, 1), amount="300")  # 3 months: 0% < 25%
    allocate(world, b, issued_on=day(6, 20), amount="300", spent=[(9, "100")])  # 33.3% ≥ 25%
    # 甲区 1 of 2 batches due; 乙县 2 of 3; 丙县 no batch.
    assert values(world, counties, "bond_pace", 9) == [D("50.00"), D("66.67"), None]
    # March: only 甲区's January batch is due (2 months: not yet) → nobody has a milestone due.
    assert values(world, counties, "bond_pace", 3) == [None, None, None]


def test_signed_investment_arrival_by_hand(world, counties):
    a, b, c = counties

    def lead(region, signed_on, amount, funds=(), exited_on=None):
        events = {LeadStage.LEAD: signed_on - datetime.timedelta(days=30), LeadStage.SIGNED: signed_on}
        if exited_on:
            events[LeadStage.EXITED] = exited_on
        return lead_with_history(events=events, contract=(amount, signed_on), funds=funds, region=region)

    lead(a, day(3, 1), "10000", funds=[(day(4, 1), "3000"), (day(7, 1), "2000")])  # July's arrival not yet
    lead(a, day(6, 30), "5000")  # signed on the last day, nothing arrived
    lead(a, day(7, 2), "8000", funds=[(day(7, 20), "8000")])  # signed after June: not counted
    lead(a, day(2, 1), "20000", exited_on=day(5, 1))  # exited before the end of June
    lead(b, day(11, 1, YEAR - 1), "4000", funds=[(day(12, 1, YEAR - 1), "1000"), (day(6, 30), "2000")])
    lead(b, day(1, 10), "2000", funds=[(day(2, 1), "500")], exited_on=day(8, 1))  # exits after June
    lead_with_history(events={LeadStage.LEAD: day(1, 5)}, region=c)  # 丙县: a lead, never signed
    # June: 甲区 3,000 ÷ 15,000; 乙县 (1,000 + 2,000 + 500) ÷ (4,000 + 2,000); 丙县 nothing signed.
    assert values(world, counties, "investment_arrival", 6) == [D("20.00"), D("58.33"), None]
    # August: 甲区 (3,000 + 2,000 + 8,000) ÷ (10,000 + 5,000 + 8,000); 乙县's second lead has exited.
    assert values(world, counties, "investment_arrival", 8) == [D("56.52"), D("75.00"), None]


def test_the_four_take_grouped_queries_whatever_the_number_of_rows(world, counties, django_assert_num_queries):
    a, b, _c = counties
    for region in (a, b, a):
        project = f.ProjectFactory(region=region)
        ProblemFactory(project=project, deadline=day(5, 1))
        ItemFactory(project=project, due_date=day(5, 1), status=ItemStatus.ACCEPTED)
        allocate(world, region, issued_on=day(1, 5), amount="100")
        lead_with_history(
            events={LeadStage.LEAD: day(1, 1), LeadStage.SIGNED: day(2, 1)}, contract=("100", day(2, 1)), region=region
        )
    admin = world.users[Role.CITY_ADMIN]
    # One each for problems and approvals, three for the bond pace (batches, spendings,
    # adjustments), two for the arrivals (contracts, arrived funds).
    with django_assert_num_queries(7):
        found = month_values(user=admin, counties=counties, keys=NEW_KEYS, year=YEAR, month=6)
    assert found["problems_on_time"][a.pk] == D("0.00")
    assert found["bond_pace"][b.pk] == D("0.00")
