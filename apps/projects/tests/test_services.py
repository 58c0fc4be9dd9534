import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.core.exceptions import ConcurrentEditError
from apps.projects import services
from apps.projects.models import AnnualPlan, Milestone, Project, Stage


def base_fields(world, **overrides):
    fields = {
        "name": "新建产业园道路",
        "project_code": "2026-610302-48-01-000777",
        "region": world.county_a,
        "level": "municipal",
        "category": "infrastructure",
        "investor_type": "government",
        "stage": Stage.PRELIMINARY,
        "total_investment": Decimal("12345.67"),
        "planned_start_date": datetime.date(2026, 5, 1),
        "planned_end_date": datetime.date(2027, 12, 31),
        "owner_unit": world.owner,
        "lead_official": world.leader,
        "lead_department": world.dept,
        "partner_units": [world.other_dept],
    }
    fields.update(overrides)
    return fields


def counts():
    return Project.objects.count(), ChangeRecord.objects.count()


@pytest.fixture
def admin(world):
    return world.users[Role.CITY_ADMIN]


def test_create_writes_one_record_with_after_values(world, admin):
    project = services.project_create(actor=admin, fields=base_fields(world))
    records = list(ChangeRecord.objects.filter(object_id=project.pk, content_type__model="project"))
    assert len(records) == 1
    record = records[0]
    assert record.action == "create" and record.before is None
    assert record.user == admin and record.request_id
    assert record.after["name"] == "新建产业园道路"
    assert record.after["total_investment"] == "12345.67"
    assert record.after["partner_units"] == [world.other_dept.pk]
    assert record.after["planned_start_date"] == "2026-05-01"


@pytest.mark.parametrize(
    ("overrides", "field", "message_part"),
    [
        ({"project_code": "2026-6103-48-01-000777"}, "project_code", "YYYY-RRRRRR-NN-NN-NNNNNN"),
        ({"project_code": "20260610302480100077X"}, "project_code", "YYYY-RRRRRR-NN-NN-NNNNNN"),
        ({"project_code": ""}, "project_code", "非储备阶段"),
        ({"total_investment": Decimal("-1")}, "total_investment", "不能为负数"),
        ({"planned_end_date": datetime.date(2026, 1, 1)}, "planned_end_date", "不能早于计划开工日期"),
        ({"stage": Stage.UNDER_CONSTRUCTION}, "actual_start_date", "必须填写实际开工日期"),
        ({"name": ""}, "name", ""),
    ],
)
def test_create_rejects_bad_input_and_writes_nothing(world, admin, overrides, field, message_part):
    before = counts()
    with pytest.raises(ValidationError) as info:
        services.project_create(actor=admin, fields=base_fields(world, **overrides))
    assert field in info.value.message_dict
    assert message_part in " ".join(info.value.message_dict[field])
    assert counts() == before


def test_reserve_projects_need_no_code(world, admin):
    project = services.project_create(actor=admin, fields=base_fields(world, stage=Stage.RESERVE, project_code=""))
    assert project.project_code is None


def test_project_code_is_unique(world, admin):
    services.project_create(actor=admin, fields=base_fields(world))
    before = counts()
    with pytest.raises(ValidationError) as info:
        services.project_create(actor=admin, fields=base_fields(world, name="另一个项目"))
    assert "project_code" in info.value.message_dict
    assert counts() == before


def test_county_user_cannot_create_outside_county(world):
    county_user = world.users[Role.COUNTY_USER]
    before = counts()
    with pytest.raises(ValidationError) as info:
        services.project_create(actor=county_user, fields=base_fields(world, region=world.county_b))
    assert "超出您的管辖范围" in info.value.message_dict["region"][0]
    assert counts() == before


@pytest.mark.parametrize("role", [Role.CITY_LEADER, Role.DEPARTMENT_USER, Role.OWNER_REPORTER, Role.AUDITOR])
def test_other_roles_cannot_create(world, role):
    with pytest.raises(PermissionDenied):
        services.project_create(actor=world.users[role], fields=base_fields(world))


def test_update_records_before_and_after_and_bumps_version(world, admin):
    project = world.p_a
    updated = services.project_update(
        actor=admin,
        project_id=project.pk,
        expected_version=1,
        fields={"total_investment": Decimal("20000.5"), "partner_units": [world.other_dept]},
    )
    assert updated.version == 2
    record = ChangeRecord.objects.get(object_id=project.pk, action="update")
    assert record.before["total_investment"] == "10000"
    assert record.after["total_investment"] == "20000.5"
    assert record.before["partner_units"] == [] and record.after["partner_units"] == [world.other_dept.pk]
    assert set(record.changed_fields) == {"total_investment", "partner_units", "version"}


def test_update_without_change_writes_nothing(world, admin):
    project = world.p_a
    before = ChangeRecord.objects.count()
    services.project_update(
        actor=admin, project_id=project.pk, expected_version=1, fields={"total_investment": Decimal("10000.0000")}
    )
    project.refresh_from_db()
    assert project.version == 1
    assert ChangeRecord.objects.count() == before


def test_stale_version_is_refused_and_nothing_changes(world, admin):
    project = world.p_a
    services.project_update(actor=admin, project_id=project.pk, expected_version=1, fields={"location": "第一次"})
    before = ChangeRecord.objects.count()
    with pytest.raises(ConcurrentEditError) as info:
        services.project_update(actor=admin, project_id=project.pk, expected_version=1, fields={"location": "第二次"})
    assert "已被他人修改" in str(info.value)
    project.refresh_from_db()
    assert project.location == "第一次"
    assert ChangeRecord.objects.count() == before


def test_owner_reporter_may_change_progress_fields_only(world):
    owner = world.users[Role.OWNER_REPORTER]
    project = world.p_a
    services.project_update(
        actor=owner, project_id=project.pk, expected_version=1, fields={"scope": "新增匝道两处", "name": project.name}
    )
    with pytest.raises(ValidationError) as info:
        services.project_update(
            actor=owner, project_id=project.pk, expected_version=2, fields={"total_investment": Decimal(1)}
        )
    assert "total_investment" in info.value.message_dict
    project.refresh_from_db()
    assert project.total_investment == Decimal("10000") and project.scope == "新增匝道两处"


def test_update_out_of_scope_is_refused(world):
    with pytest.raises(PermissionDenied):
        services.project_update(
            actor=world.users[Role.COUNTY_USER], project_id=world.p_b.pk, expected_version=1, fields={"location": "x"}
        )


def test_annual_plan_year_must_be_in_span(world, admin):
    project = world.p_a  # planned 2026-03-01 .. 2028-12-31
    before = AnnualPlan.objects.count(), ChangeRecord.objects.count()
    with pytest.raises(ValidationError) as info:
        services.annual_plan_create(
            actor=admin, project_id=project.pk, fields={"year": 2029, "planned_investment": Decimal(100)}
        )
    assert "2026—2028" in info.value.message_dict["year"][0]
    assert (AnnualPlan.objects.count(), ChangeRecord.objects.count()) == before


def test_annual_plan_money_non_negative_and_not_above_total(world, admin):
    for amount, text in ((Decimal("-5"), "不能为负数"), (Decimal("10000.01"), "不能超过项目总投资")):
        with pytest.raises(ValidationError) as info:
            services.annual_plan_create(
                actor=admin, project_id=world.p_a.pk, fields={"year": 2026, "planned_investment": amount}
            )
        assert text in info.value.message_dict["planned_investment"][0]
    assert not AnnualPlan.objects.exists()


def test_annual_plan_one_per_year(world, admin):
    services.annual_plan_create(actor=admin, project_id=world.p_a.pk, fields={"year": 2026, "planned_investment": 1})
    with pytest.raises(ValidationError):
        services.annual_plan_create(
            actor=admin, project_id=world.p_a.pk, fields={"year": 2026, "planned_investment": 2}
        )
    assert AnnualPlan.objects.count() == 1


def test_child_changes_are_recorded_under_the_project(world, admin):
    project = world.p_a
    plan = services.annual_plan_create(
        actor=admin, project_id=project.pk, fields={"year": 2027, "planned_investment": Decimal("500")}
    )
    services.annual_plan_update(
        actor=admin,
        project_id=project.pk,
        plan_id=plan.pk,
        expected_version=world.p_a.__class__.objects.get(pk=project.pk).version,
        fields={"planned_investment": Decimal("600")},
    )
    milestone = services.milestone_create(
        actor=admin, project_id=project.pk, fields={"name": "施工许可", "baseline_date": datetime.date(2026, 9, 1)}
    )
    with pytest.raises(ValidationError):  # a delete without the loaded version is refused
        services.milestone_delete(actor=admin, project_id=project.pk, milestone_id=milestone.pk, expected_version=None)
    services.milestone_delete(
        actor=admin, project_id=project.pk, milestone_id=milestone.pk, expected_version=milestone.project.version
    )
    records = list(ChangeRecord.objects.filter(project_id=project.pk).order_by("id"))
    assert [(r.content_type.model, r.action) for r in records] == [
        ("annualplan", "create"),
        ("annualplan", "update"),
        ("milestone", "create"),
        ("milestone", "delete"),
    ]
    assert records[1].before["planned_investment"] == "500" and records[1].after["planned_investment"] == "600"
    assert not Milestone.objects.exists()
    project.refresh_from_db()
    assert project.version == 5  # every child change bumps the project's version


def test_shrinking_the_span_below_a_plan_is_refused(world, admin):
    services.annual_plan_create(actor=admin, project_id=world.p_a.pk, fields={"year": 2028, "planned_investment": 1})
    with pytest.raises(ValidationError) as info:
        services.project_update(
            actor=admin,
            project_id=world.p_a.pk,
            expected_version=2,
            fields={"planned_end_date": datetime.date(2027, 6, 30)},
        )
    assert "2028" in info.value.message_dict["planned_end_date"][0]


def test_delete_records_project_and_children(world, admin):
    project = world.p_a
    services.annual_plan_create(actor=admin, project_id=project.pk, fields={"year": 2026, "planned_investment": 1})
    services.project_delete(actor=admin, project_id=project.pk, expected_version=2)
    deleted = ChangeRecord.objects.filter(project_id=project.pk, action="delete")
    assert sorted(r.content_type.model for r in deleted) == ["annualplan", "project"]
    assert not Project.objects.filter(pk=project.pk).exists()


def test_change_records_are_append_only(world, admin):
    from apps.audit.models import AppendOnlyError

    services.project_update(actor=admin, project_id=world.p_a.pk, expected_version=1, fields={"location": "x"})
    record = ChangeRecord.objects.first()
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        ChangeRecord.objects.all().update(user_name="x")
    with pytest.raises(AppendOnlyError):
        ChangeRecord.objects.all().delete()
