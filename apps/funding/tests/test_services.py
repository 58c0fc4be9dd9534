"""Funding writes: the form's checks refuse, scope follows the project's, the finance
bureau enters disbursements, every write leaves a change record."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.core.tests.versions import stored_version
from apps.funding import selectors, services
from apps.funding.models import ApplicationStatus, FundingApplication, FundingRecord
from tests.scope_table import CHANGES, SEES

pytestmark = pytest.mark.django_db

GOOD = {
    "planned_total": D(500),
    "planned_state_budget": D(300),
    "planned_special_bonds": D(300),
    "planned_self_raised": D(200),
    "arrived_total": D(120),
    "arrived_state_budget": D(100),
    "arrived_special_bonds": D(100),
    "arrived_domestic_loans": D(20),
}


def test_record_saved_with_a_change_record(world):
    admin = world.users[Role.CITY_ADMIN]
    record = services.funding_record_save(
        actor=admin, project_id=world.p_a.pk, year=2026, fields=GOOD, expected_version=None
    )
    assert record.arrived_total == D(120)
    change = ChangeRecord.objects.get(object_id=record.pk, content_type__model="fundingrecord")
    assert change.action == "create" and change.project_id == world.p_a.pk
    again = services.funding_record_save(
        actor=admin,
        project_id=world.p_a.pk,
        year=2026,
        fields={**GOOD, "gap": D(50), "gap_arranged": True, "gap_note": "申请银行贷款"},
        expected_version=record.version,
    )
    assert again.pk == record.pk and again.version == 2
    assert ChangeRecord.objects.filter(object_id=record.pk, content_type__model="fundingrecord").count() == 2


def test_sum_errors_refuse_and_write_nothing(world):
    admin = world.users[Role.CITY_ADMIN]
    bad = {**GOOD, "arrived_total": D(121)}
    with pytest.raises(ValidationError) as error:
        services.funding_record_save(actor=admin, project_id=world.p_a.pk, year=2026, fields=bad, expected_version=None)
    assert "arrived_total" in error.value.message_dict
    assert not FundingRecord.objects.exists() and not ChangeRecord.objects.exists()


def test_gap_arranged_needs_a_note_and_negative_amounts_refused(world):
    admin = world.users[Role.CITY_ADMIN]
    with pytest.raises(ValidationError) as error:
        services.funding_record_save(
            actor=admin,
            project_id=world.p_a.pk,
            year=2026,
            fields={"gap": D(10), "gap_arranged": True},
            expected_version=None,
        )
    assert "gap_note" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.funding_record_save(
            actor=admin, project_id=world.p_a.pk, year=2026, fields={"planned_other": D(-1)}, expected_version=None
        )
    assert "planned_other" in error.value.message_dict


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("key", ["p_a", "p_b", "p_c"])
def test_record_change_scope_is_the_projects(world, role, key):
    user = world.users[role]
    project = getattr(world, key)
    if key in CHANGES[role]:
        services.funding_record_save(actor=user, project_id=project.pk, year=2026, fields=GOOD, expected_version=None)
    else:
        with pytest.raises(PermissionDenied):
            services.funding_record_save(
                actor=user, project_id=project.pk, year=2026, fields=GOOD, expected_version=None
            )


@pytest.mark.parametrize("role", list(Role))
def test_record_view_scope_is_the_projects(world, role):
    admin = world.users[Role.CITY_ADMIN]
    for key in ("p_a", "p_b", "p_c"):
        services.funding_record_save(
            actor=admin, project_id=getattr(world, key).pk, year=2026, fields=GOOD, expected_version=None
        )
    seen = {r.project.name for r in selectors.record_queryset(user=world.users[role]).select_related("project")}
    assert seen == {getattr(world, key).name for key in SEES[role]}


def test_finance_bureau_sees_its_region_and_enters_disbursements(world, finance):
    admin = world.users[Role.CITY_ADMIN]
    for key in ("p_a", "p_b", "p_c"):
        services.funding_record_save(
            actor=admin, project_id=getattr(world, key).pk, year=2026, fields=GOOD, expected_version=None
        )
    assert selectors.record_queryset(user=finance["city"]).count() == 3
    assert {r.project_id for r in selectors.record_queryset(user=finance["county_b"])} == {world.p_b.pk, world.p_c.pk}
    # The finance bureau does not change a project's sources; it enters money movements.
    with pytest.raises(PermissionDenied):
        services.funding_record_save(
            actor=finance["city"], project_id=world.p_a.pk, year=2026, fields=GOOD, expected_version=None
        )
    item = services.disbursement_add(
        actor=finance["city"],
        project_id=world.p_a.pk,
        source="special_bonds",
        on_date=datetime.date(2026, 6, 1),
        released=D(100),
        paid=D(30),
    )
    assert ChangeRecord.objects.filter(object_id=item.pk, content_type__model="disbursement").exists()
    with pytest.raises(PermissionDenied):
        services.disbursement_add(
            actor=finance["county_b"],
            project_id=world.p_a.pk,
            source="special_bonds",
            on_date=datetime.date(2026, 6, 1),
            released=D(1),
            paid=D(0),
        )
    for role in Role:
        with pytest.raises(PermissionDenied):
            services.disbursement_add(
                actor=world.users[role],
                project_id=world.p_a.pk,
                source="special_bonds",
                on_date=datetime.date(2026, 6, 1),
                released=D(1),
                paid=D(0),
            )


def test_paid_cannot_exceed_released(world, finance):
    user = finance["city"]
    services.disbursement_add(
        actor=user,
        project_id=world.p_a.pk,
        source="local_fiscal",
        on_date=datetime.date(2026, 5, 1),
        released=D(100),
        paid=D(60),
    )
    with pytest.raises(ValidationError) as error:
        services.disbursement_add(
            actor=user,
            project_id=world.p_a.pk,
            source="local_fiscal",
            on_date=datetime.date(2026, 6, 1),
            released=D(0),
            paid=D("40.01"),
        )
    assert "paid" in error.value.message_dict
    services.disbursement_add(
        actor=user,
        project_id=world.p_a.pk,
        source="local_fiscal",
        on_date=datetime.date(2026, 6, 1),
        released=D(0),
        paid=D(40),
    )
    [line] = selectors.disbursement_summary(user=user, year=2026)
    # 100% paid against 50.14% of the year.
    assert (line.released, line.paid, line.pace.paid_ratio, line.pace.behind) == (D(100), D(100), D(100), False)
    with pytest.raises(ValidationError):
        services.disbursement_add(
            actor=user,
            project_id=world.p_a.pk,
            source="local_fiscal",
            on_date=datetime.date(2026, 7, 3),
            released=D(1),
            paid=D(0),
        )


def test_application_steps_and_figures(world):
    admin = world.users[Role.CITY_ADMIN]
    fields = {"programme": "central_budget", "year": 2026, "responsible_department": world.dept, "requested": D(5000)}
    app = services.application_create(actor=admin, project_id=world.p_a.pk, fields=fields)
    with pytest.raises(ValidationError):
        services.application_step(
            actor=admin,
            application_id=app.pk,
            to_status=ApplicationStatus.APPROVED,
            amount=1,
            expected_version=stored_version(FundingApplication, app.pk),
        )
    services.application_step(
        actor=admin,
        application_id=app.pk,
        to_status="submitted",
        on=datetime.date(2026, 3, 1),
        expected_version=stored_version(FundingApplication, app.pk),
    )
    services.application_step(
        actor=admin,
        application_id=app.pk,
        to_status="approved",
        amount=D(3000),
        document_number="发改投资〔2026〕12号",
        expected_version=stored_version(FundingApplication, app.pk),
    )
    with pytest.raises(ValidationError) as error:
        services.application_step(
            actor=admin,
            application_id=app.pk,
            to_status="released",
            amount=D(3001),
            expected_version=stored_version(FundingApplication, app.pk),
        )
    assert "released" in error.value.message_dict
    services.application_step(
        actor=admin,
        application_id=app.pk,
        to_status="released",
        amount=D(2000),
        on=datetime.date(2026, 6, 1),
        expected_version=stored_version(FundingApplication, app.pk),
    )
    # Last year's: 1000 released by 1 July 2025 and 500 after (outside the same period).
    old = services.application_create(
        actor=admin, project_id=world.p_b.pk, fields={**fields, "year": 2025, "requested": D(2000)}
    )
    for step, amount, on in (
        ("submitted", None, "2025-02-01"),
        ("approved", 1500, "2025-03-01"),
        ("released", 1000, "2025-06-30"),
    ):
        services.application_step(
            actor=admin,
            application_id=old.pk,
            to_status=step,
            amount=amount,
            on=datetime.date.fromisoformat(on),
            expected_version=stored_version(FundingApplication, old.pk),
        )
    figures = selectors.application_figures(user=admin, year=2026)
    assert (figures.applied_count, figures.requested, figures.won_count, figures.approved) == (1, 5000, 1, 3000)
    assert (figures.arrived, figures.arrived_last_year, figures.growth) == (D(2000), D(1000), D("100.00"))
    assert figures.project_ids["arrived"] == [world.p_a.pk]
    assert ChangeRecord.objects.filter(object_id=app.pk, content_type__model="fundingapplication").count() == 4
    # The county user sees only p_a's application; its figures leave p_b's out.
    county = selectors.application_figures(user=world.users[Role.COUNTY_USER], year=2026)
    assert county.arrived_last_year == 0
