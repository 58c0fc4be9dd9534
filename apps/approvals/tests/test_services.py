"""Checklists, parallel and serial items, the intake window, the department's steps and
factor needs: each write checked against hand-worked values and its change record."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts.models import Role
from apps.approvals import services
from apps.approvals.models import ApprovalItem, FactorKind, FactorNeed, FactorStatus, Intake, ItemStatus
from apps.audit.models import ChangeRecord
from apps.core.exceptions import ConcurrentEditError
from apps.reporting.models import Reminder

from .conftest import dept_user
from .factories import ItemFactory, ItemTypeFactory

D = datetime.date


def records(**filters):
    return list(ChangeRecord.objects.filter(**filters).order_by("id"))


def test_checklist_from_the_project_type_with_dependencies_and_planned_dates(catalogue):
    world = catalogue
    admin = world.users[Role.CITY_ADMIN]
    # p_a: a government infrastructure project whose code says 01 (审批).
    outcome = services.checklist_generate(actor=admin, project_id=world.p_a.pk, start=D(2026, 9, 21))
    items = {item.item_type.code: item for item in ApprovalItem.objects.filter(project=world.p_a)}
    assert len(items) == 12
    assert "project_approval_approval" in items
    assert "project_approval_ratification" not in items and "project_approval_filing" not in items
    assert "road_works_permit" in items  # infrastructure only
    deps = {code: sorted(d.item_type.code for d in item.depends_on.all()) for code, item in items.items()}
    assert deps["project_approval_approval"] == ["land_pre_review"]
    assert deps["land_planning_permit"] == ["project_approval_approval"]
    assert deps["environmental_assessment"] == []  # parallel
    assert deps["construction_permit"] == [
        "drawing_review",
        "environmental_assessment",
        "land_grant",
        "works_planning_permit",
    ]
    # 20 working days after 21 Sep 2026 over Mid-Autumn and National Day (make-up Sat 10 Oct):
    # 26 Oct. The approval is planned to be filed the next day, 27 Oct, and its 20 working days
    # count from 28 Oct: 28–30 Oct (3), 2–6 Nov (8), 9–13 (13), 16–20 (18), 23, 24 Nov (20).
    assert (items["land_pre_review"].planned_start_date, items["land_pre_review"].planned_end_date) == (
        D(2026, 9, 21),
        D(2026, 10, 26),
    )
    assert items["project_approval_approval"].planned_start_date == D(2026, 10, 27)
    assert items["project_approval_approval"].planned_end_date == D(2026, 11, 24)
    assert items["environmental_assessment"].planned_end_date == D(2026, 10, 26)
    assert items["road_works_permit"].department == world.dept
    assert items["soil_water_plan"].department == world.other_dept
    # Then 建设用地规划许可 25 Nov – 9 Dec, 建设工程规划许可 10 – 24 Dec; what reaches 2027 is
    # left unplanned with the calendar's message, not guessed.
    assert items["works_planning_permit"].planned_end_date == D(2026, 12, 24)
    assert items["land_grant"].planned_end_date is None
    assert items["construction_permit"].planned_start_date is None
    assert "2027-01-01" in outcome.calendar_error
    created = records(action="create", project_id=world.p_a.pk)
    assert len(created) == 12
    assert all(r.user == admin for r in created)
    # Again: nothing new, nothing written.
    assert services.checklist_generate(actor=admin, project_id=world.p_a.pk).items == []
    assert ChangeRecord.objects.count() == 12


def test_filing_projects_get_the_filing_item(catalogue):
    world = catalogue
    world.p_a.project_code = "2026-610302-48-03-000001"
    world.p_a.save()
    services.checklist_generate(actor=world.users[Role.COUNTY_USER], project_id=world.p_a.pk)
    codes = set(ApprovalItem.objects.filter(project=world.p_a).values_list("item_type__code", flat=True))
    assert "project_approval_filing" in codes and "project_approval_approval" not in codes


@pytest.mark.parametrize("role", [Role.CITY_LEADER, Role.DEPARTMENT_USER, Role.OWNER_REPORTER, Role.AUDITOR])
def test_only_checklist_managers_generate(catalogue, role):
    with pytest.raises(PermissionDenied):
        services.checklist_generate(actor=catalogue.users[role], project_id=catalogue.p_a.pk)
    assert not ApprovalItem.objects.exists()


def test_county_user_cannot_generate_outside_its_county(catalogue):
    with pytest.raises(PermissionDenied):
        services.checklist_generate(actor=catalogue.users[Role.COUNTY_USER], project_id=catalogue.p_b.pk)


@pytest.fixture
def chain(world):
    """A and B run in parallel; C waits for A. All of p_a, A and C handled by world.dept."""
    a = ItemFactory(project=world.p_a, item_type=ItemTypeFactory(name="甲事项"), department=world.dept)
    b = ItemFactory(project=world.p_a, item_type=ItemTypeFactory(name="乙事项"), department=world.other_dept)
    c = ItemFactory(project=world.p_a, item_type=ItemTypeFactory(name="丙事项"), department=world.dept)
    c.depends_on.set([a])
    return a, b, c


def test_intake_routes_parallel_items_at_once(world, chain):
    a, b, _c = chain
    owner = world.users[Role.OWNER_REPORTER]
    intake = services.intake_register(
        actor=owner, project_id=world.p_a.pk, item_ids=[a.pk, b.pk], received_on=D(2026, 9, 21), applicant="甲区城投"
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.submitted_on, a.intake_id) == (ItemStatus.SUBMITTED, D(2026, 9, 21), intake.pk)
    assert (b.status, b.submitted_on, b.intake_id) == (ItemStatus.SUBMITTED, D(2026, 9, 21), intake.pk)
    assert intake.number == f"JJ20260921-{intake.pk:05d}"
    # Each department's users hear of their item.
    assert Reminder.objects.filter(
        user=world.users[Role.DEPARTMENT_USER], message="新申报待受理：甲区快速路 · 甲事项"
    ).exists()
    assert [r.action for r in records(project_id=world.p_a.pk)] == ["update", "update", "create"]


def test_a_serial_item_waits_and_the_intake_refuses_as_a_whole(world, chain):
    a, b, c = chain
    county = world.users[Role.COUNTY_USER]
    with pytest.raises(ValidationError) as error:
        services.intake_register(
            actor=county, project_id=world.p_a.pk, item_ids=[b.pk, c.pk], received_on=D(2026, 9, 21)
        )
    assert error.value.message_dict["items"] == ["“丙事项”须待前置事项（甲事项）批复后才能申报。"]
    b.refresh_from_db()
    assert b.status == ItemStatus.NOT_STARTED  # nothing written
    assert not Intake.objects.exists() and not ChangeRecord.objects.exists()
    with pytest.raises(ValidationError):
        services.item_submit(actor=county, item_id=c.pk, submitted_on=D(2026, 9, 21))
    # A goes through; then C may be submitted.
    handler = world.users[Role.DEPARTMENT_USER]
    services.item_submit(actor=county, item_id=a.pk, submitted_on=D(2026, 9, 21))
    services.item_accept(actor=handler, item_id=a.pk, accepted_on=D(2026, 9, 22))
    services.item_decide(
        actor=handler, item_id=a.pk, approve=True, decided_on=D(2026, 9, 24), document_number="宝环批〔2026〕12号"
    )
    services.item_submit(actor=county, item_id=c.pk, submitted_on=D(2026, 9, 25))
    c.refresh_from_db()
    assert c.status == ItemStatus.SUBMITTED


def test_department_steps_validate_and_are_recorded(world, chain):
    a, b, _c = chain
    county, handler = world.users[Role.COUNTY_USER], world.users[Role.DEPARTMENT_USER]
    services.item_submit(actor=county, item_id=a.pk, submitted_on=D(2026, 9, 18))
    with pytest.raises(PermissionDenied):  # another department's item
        services.item_submit(actor=county, item_id=b.pk, submitted_on=D(2026, 9, 18))
        services.item_accept(actor=handler, item_id=b.pk, accepted_on=D(2026, 9, 21))
    with pytest.raises(ValidationError) as error:
        services.item_accept(actor=handler, item_id=a.pk, accepted_on=D(2026, 9, 17))
    assert error.value.message_dict == {"accepted_on": ["受理日期不能早于申报日期。"]}
    with pytest.raises(ValidationError) as error:
        services.item_accept(actor=handler, item_id=a.pk, accepted_on=D(2026, 9, 21), missing_documents="水保方案")
    assert "supplement_deadline" in error.value.message_dict
    services.item_accept(actor=handler, item_id=a.pk, accepted_on=D(2026, 9, 21), handler="张三")
    with pytest.raises(ValidationError) as error:
        services.item_decide(actor=handler, item_id=a.pk, approve=True, decided_on=D(2026, 9, 24))
    assert error.value.message_dict == {"document_number": ["请填写批复文号。"]}
    with pytest.raises(ValidationError) as error:
        services.item_decide(actor=handler, item_id=a.pk, approve=False, decided_on=D(2026, 9, 24))
    assert error.value.message_dict == {"note": ["请填写不予批准的理由。"]}
    services.item_decide(actor=handler, item_id=a.pk, approve=False, decided_on=D(2026, 9, 24), note="选址与规划不符")
    a.refresh_from_db()
    assert (a.status, a.decision_note, a.due_date) == (ItemStatus.REJECTED, "选址与规划不符", D(2026, 9, 29))
    steps = [(r.before["status"], r.after["status"]) for r in records(object_id=a.pk)]
    assert steps == [("not_started", "submitted"), ("submitted", "accepted"), ("accepted", "rejected")]
    # Submitted again after the rejection: the earlier steps are cleared.
    services.item_submit(actor=county, item_id=a.pk, submitted_on=D(2026, 10, 9))
    a.refresh_from_db()
    assert (a.status, a.accepted_on, a.decided_on, a.decision_note) == (ItemStatus.SUBMITTED, None, None, "")


def test_withdraw_and_delete(world, chain):
    a, _b, c = chain
    owner, admin = world.users[Role.OWNER_REPORTER], world.users[Role.CITY_ADMIN]
    services.item_submit(actor=owner, item_id=a.pk, submitted_on=D(2026, 9, 18))

    def version():
        return ApprovalItem.objects.get(pk=a.pk).version

    with pytest.raises(ValidationError):
        services.item_delete(actor=admin, item_id=a.pk, expected_version=version())
    services.item_withdraw(actor=owner, item_id=a.pk)
    with pytest.raises(PermissionDenied):  # the applicant does not edit the checklist
        services.item_delete(actor=owner, item_id=a.pk, expected_version=version())
    with pytest.raises(ValidationError) as missing:  # no version: refused, naming it
        services.item_delete(actor=admin, item_id=a.pk, expected_version=None)
    assert "version" in missing.value.message_dict
    with pytest.raises(ConcurrentEditError):
        services.item_delete(actor=admin, item_id=a.pk, expected_version=version() - 1)
    assert ApprovalItem.objects.filter(pk=a.pk).exists()
    services.item_delete(actor=admin, item_id=a.pk, expected_version=version())
    assert not ApprovalItem.objects.filter(pk=a.pk).exists()
    c.refresh_from_db()
    assert list(c.depends_on.all()) == []
    actions = [(r.object_id, r.action) for r in records(project_id=world.p_a.pk)]
    assert actions == [(a.pk, "update"), (a.pk, "update"), (c.pk, "update"), (a.pk, "delete")]


def test_item_update_moves_the_due_date_and_refuses_cycles(world, chain):
    a, _b, c = chain
    admin, handler = world.users[Role.CITY_ADMIN], world.users[Role.DEPARTMENT_USER]
    services.item_submit(actor=admin, item_id=a.pk, submitted_on=D(2026, 9, 18))
    services.item_accept(actor=handler, item_id=a.pk, accepted_on=D(2026, 9, 21))
    a.refresh_from_db()
    services.item_update(actor=admin, item_id=a.pk, fields={"committed_workdays": 3}, expected_version=a.version)
    a.refresh_from_db()
    assert a.due_date == D(2026, 9, 24)  # 22, 23, 24 Sep
    with pytest.raises(ValidationError) as error:
        services.item_update(actor=admin, item_id=a.pk, fields={"depends_on": [c]})
    assert error.value.message_dict == {"depends_on": ["前置事项形成循环等待，请调整。"]}
    record = records(object_id=a.pk)[-1]
    assert (record.before["committed_workdays"], record.after["committed_workdays"]) == (5, 3)
    assert (record.before["due_date"], record.after["due_date"]) == ("2026-09-29", "2026-09-24")
    with pytest.raises(PermissionDenied):
        services.item_update(actor=handler, item_id=a.pk, fields={"committed_workdays": 30})


def test_factor_needs_by_managers_and_the_responsible_department(world):
    admin, handler = world.users[Role.CITY_ADMIN], world.users[Role.DEPARTMENT_USER]
    need = services.factor_need_create(
        actor=admin,
        project_id=world.p_c.pk,
        fields={"kind": FactorKind.LAND, "quantity": 120, "department": world.dept, "description": "新增建设用地"},
    )
    assert need.unit == "亩"
    with pytest.raises(ValidationError) as error:
        services.factor_need_update(actor=handler, need_id=need.pk, fields={"quantity": 80})
    assert error.value.message_dict == {"quantity": ["责任部门只能更新保障进展。"]}
    with pytest.raises(ValidationError) as error:
        services.factor_need_update(actor=handler, need_id=need.pk, fields={"secured_quantity": 150})
    assert error.value.message_dict == {"secured_quantity": ["已落实量不能超过需求量。"]}
    services.factor_need_update(
        actor=handler, need_id=need.pk, fields={"secured_quantity": 80, "status": FactorStatus.IN_PROGRESS}
    )
    with pytest.raises(PermissionDenied):
        services.factor_need_update(actor=world.users[Role.COUNTY_USER], need_id=need.pk, fields={"status": "secured"})
    need.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.factor_need_delete(actor=handler, need_id=need.pk, expected_version=need.version)
    services.factor_need_delete(actor=admin, need_id=need.pk, expected_version=need.version)
    assert not FactorNeed.objects.exists()
    assert [(r.action, r.user.username) for r in records(project_id=world.p_c.pk)] == [
        ("create", "admin"),
        ("update", "dept"),
        ("delete", "admin"),
    ]


def test_catalogue_edit_is_the_administrators_and_recorded(catalogue):
    from apps.approvals.models import ApprovalItemType

    item_type = ApprovalItemType.objects.get(code="energy_review")
    with pytest.raises(PermissionDenied):
        services.item_type_update(actor=catalogue.users[Role.COUNTY_USER], item_type_id=item_type.pk, fields={})
    services.item_type_update(
        actor=catalogue.users[Role.CITY_ADMIN], item_type_id=item_type.pk, fields={"committed_workdays": 10}
    )
    record = ChangeRecord.objects.get()
    assert (record.before["committed_workdays"], record.after["committed_workdays"]) == (15, 10)


def test_a_second_department_user_sees_the_same_worklist(world, chain):
    a, _b, _c = chain
    other = dept_user(world, world.dept, "dept2")
    services.item_submit(actor=world.users[Role.CITY_ADMIN], item_id=a.pk, submitted_on=D(2026, 9, 18))
    services.item_accept(actor=other, item_id=a.pk, accepted_on=D(2026, 9, 21))
    a.refresh_from_db()
    assert a.status == ItemStatus.ACCEPTED
