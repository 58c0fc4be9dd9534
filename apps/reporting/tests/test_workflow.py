"""The reporting workflow through the services: create, submit, return, resubmit, verify,
lock, revisions by a second person, closed periods, the project's start, change records."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.core.exceptions import ConcurrentEditError
from apps.projects.models import Project, Stage
from apps.reporting import services
from apps.reporting.models import MonthlyReport, PeriodStatus, ReportingPeriod, ReportRevision, ReportStatus
from tests import factories as f

from .conftest import MONTH, YEAR, make_report

FIELDS = {
    "completed_investment": Decimal("1200.5"),
    "physical_progress": "路基完成 60%",
    "percent_complete": Decimal("35"),
    "problems": "拆迁滞后",
    "next_steps": "加快征拆",
    "notes": "质量安全平稳",
}


def records(instance=None, **filters):
    queryset = ChangeRecord.objects.all()
    if instance is not None:
        queryset = queryset.filter(object_id=instance.pk, content_type__model=instance._meta.model_name)
    return queryset.filter(**filters).order_by("id")


def create(actor, project, **overrides):
    return services.report_create(
        actor=actor, project_id=project.pk, year=YEAR, month=MONTH, fields={**FIELDS, **overrides}
    )


def test_full_cycle_create_submit_return_resubmit_verify_lock(world, period, owner, county):
    report = create(owner, world.p_a)
    assert report.status == ReportStatus.DRAFT and report.version == 1

    report = services.report_submit(actor=owner, report_id=report.pk, expected_version=1)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == owner and report.version == 2

    report = services.report_return(actor=county, report_id=report.pk, reason="  投资额与台账不符  ")
    assert report.status == ReportStatus.RETURNED and report.returned_reason == "投资额与台账不符"

    report = services.report_update(
        actor=owner, report_id=report.pk, expected_version=report.version, fields={"completed_investment": "1100"}
    )
    report = services.report_submit(actor=owner, report_id=report.pk)
    assert report.status == ReportStatus.SUBMITTED and report.returned_reason == ""

    report = services.report_verify(actor=county, report_id=report.pk, expected_version=report.version)
    assert report.status == ReportStatus.VERIFIED and report.verified_by == county and report.is_locked

    with pytest.raises(ValidationError, match="已锁定"):
        services.report_update(
            actor=owner, report_id=report.pk, expected_version=report.version, fields={"problems": "无"}
        )
    report.refresh_from_db()
    assert report.completed_investment == Decimal("1100") and report.problems == "拆迁滞后"

    # create, submit, return, update, submit, verify: one record each, all on the project's history.
    assert list(records(report).values_list("action", flat=True)) == ["create"] + ["update"] * 5
    assert set(records(report).values_list("project_id", flat=True)) == {world.p_a.pk}
    returned = records(report)[2]
    assert returned.before["status"] == "submitted" and returned.after["status"] == "returned"
    assert returned.after["returned_reason"] == "投资额与台账不符"


def test_return_needs_a_reason(world, period, owner, county):
    report = create(owner, world.p_a)
    services.report_submit(actor=owner, report_id=report.pk)
    count = ChangeRecord.objects.count()
    with pytest.raises(ValidationError) as info:
        services.report_return(actor=county, report_id=report.pk, reason="   ")
    assert "必须填写退回原因" in info.value.message_dict["reason"][0]
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and ChangeRecord.objects.count() == count


def test_resubmitting_identical_content_is_idempotent(world, period, owner):
    report = services.report_fill(
        actor=owner, project_id=world.p_a.pk, year=YEAR, month=MONTH, fields=FIELDS, submit=True
    )
    count, version = ChangeRecord.objects.count(), report.version
    again = services.report_fill(
        actor=owner,
        project_id=world.p_a.pk,
        year=YEAR,
        month=MONTH,
        fields=dict(FIELDS, completed_investment=Decimal("1200.5000")),
        expected_version=version,
        submit=True,
    )
    assert again.status == ReportStatus.SUBMITTED and again.version == version
    services.report_submit(actor=owner, report_id=report.pk)
    assert ChangeRecord.objects.count() == count


def test_stale_version_is_refused(world, period, owner, county):
    report = create(owner, world.p_a)
    services.report_update(actor=county, report_id=report.pk, expected_version=1, fields={"problems": "县区补充"})
    with pytest.raises(ConcurrentEditError) as info:
        services.report_update(actor=owner, report_id=report.pk, expected_version=1, fields={"problems": "旧"})
    assert info.value.current == 2
    report.refresh_from_db()
    assert report.problems == "县区补充"


def test_one_report_per_project_and_month(world, period, owner, county):
    create(owner, world.p_a)
    with pytest.raises(ValidationError, match="已存在"):
        create(county, world.p_a)
    assert MonthlyReport.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"completed_investment": Decimal("-1")}, "completed_investment", "不能为负数"),
        ({"percent_complete": Decimal("101")}, "percent_complete", "0 到 100"),
        ({"actual_start_date": datetime.date(2026, 11, 2)}, "actual_start_date", "不能晚于报告月份"),
    ],
)
def test_invalid_figures_are_refused_in_chinese(world, period, owner, overrides, field, message):
    with pytest.raises(ValidationError) as info:
        create(owner, world.p_a, **overrides)
    assert message in " ".join(info.value.message_dict[field])
    assert not MonthlyReport.objects.exists() and not ChangeRecord.objects.exists()


def test_closed_or_missing_period_refuses_writes(world, period, admin, owner):
    report = create(owner, world.p_a)
    services.period_close(actor=admin, period_id=period.pk)
    count = ChangeRecord.objects.count()
    with pytest.raises(ValidationError, match="未开启或已关闭"):
        services.report_update(actor=owner, report_id=report.pk, expected_version=1, fields={"problems": "x"})
    with pytest.raises(ValidationError, match="未开启或已关闭"):
        services.report_submit(actor=owner, report_id=report.pk)
    with pytest.raises(ValidationError, match="未开启或已关闭"):
        create(owner, world.p_a)
    with pytest.raises(ValidationError, match="未开启或已关闭"):
        services.report_create(actor=owner, project_id=world.p_a.pk, year=YEAR, month=9, fields=FIELDS)
    assert ChangeRecord.objects.count() == count
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.problems == FIELDS["problems"]


def test_submitted_reports_of_a_closed_period_can_still_be_verified(world, period, admin, owner, county):
    report = create(owner, world.p_a)
    services.report_submit(actor=owner, report_id=report.pk)
    services.period_close(actor=admin, period_id=period.pk)
    with pytest.raises(ValidationError, match="未开启或已关闭"):
        services.report_return(actor=county, report_id=report.pk, reason="补充")
    assert services.report_verify(actor=county, report_id=report.pk).status == ReportStatus.VERIFIED


def test_owner_reporters_and_partners_cannot_verify(world, period, owner, users, dept):
    report = make_report(world.p_a)
    for actor in (owner, users[Role.CITY_LEADER], users[Role.AUDITOR]):
        with pytest.raises(PermissionDenied):
            services.report_verify(actor=actor, report_id=report.pk)
    partner_report = make_report(world.p_b)  # dept only partners p_b
    with pytest.raises(PermissionDenied):
        services.report_verify(actor=dept, report_id=partner_report.pk)
    assert services.report_verify(actor=dept, report_id=report.pk).status == ReportStatus.VERIFIED


def test_only_submitted_reports_are_verified_or_returned(world, period, county):
    draft = make_report(world.p_a, status=ReportStatus.DRAFT)
    with pytest.raises(ValidationError, match="只有已报送"):
        services.report_verify(actor=county, report_id=draft.pk)
    with pytest.raises(ValidationError, match="只有已报送"):
        services.report_return(actor=county, report_id=draft.pk, reason="x")


def test_verification_starts_the_project(world, period, owner, county):
    report = create(owner, world.p_a, actual_start_date=datetime.date(2026, 10, 8))
    services.report_submit(actor=owner, report_id=report.pk)
    services.report_verify(actor=county, report_id=report.pk)
    project = Project.objects.get(pk=world.p_a.pk)
    assert project.actual_start_date == datetime.date(2026, 10, 8)
    assert project.stage == Stage.UNDER_CONSTRUCTION and project.version == 2
    project_record = records(project).get()
    assert project_record.user == county and project_record.project_id == project.pk
    assert project_record.after["stage"] == "under_construction"


def test_verification_keeps_an_existing_start_date(world, period, county):
    Project.objects.filter(pk=world.p_a.pk).update(
        actual_start_date=datetime.date(2026, 4, 1), stage=Stage.UNDER_CONSTRUCTION
    )
    report = make_report(world.p_a, actual_start_date=datetime.date(2026, 10, 8))
    services.report_verify(actor=county, report_id=report.pk)
    project = Project.objects.get(pk=world.p_a.pk)
    assert project.actual_start_date == datetime.date(2026, 4, 1) and project.version == 1


def test_lead_department_verifying_a_start_records_it_on_the_project(world, period, dept):
    report = make_report(world.p_a, actual_start_date=datetime.date(2026, 10, 8))
    services.report_verify(actor=dept, report_id=report.pk)
    world.p_a.refresh_from_db()
    assert world.p_a.actual_start_date == datetime.date(2026, 10, 8)
    assert sorted(ChangeRecord.objects.values_list("content_type__model", flat=True)) == ["monthlyreport", "project"]


def test_a_project_that_started_already_keeps_its_start(world, period, county):
    world.p_a.actual_start_date = datetime.date(2026, 9, 1)
    world.p_a.stage = "under_construction"
    world.p_a.save()
    report = make_report(world.p_a, actual_start_date=datetime.date(2026, 10, 8))
    services.report_verify(actor=county, report_id=report.pk)
    world.p_a.refresh_from_db()
    assert world.p_a.actual_start_date == datetime.date(2026, 9, 1)
    assert not ChangeRecord.objects.filter(content_type__model="project").exists()


# --- revisions -------------------------------------------------------------------


@pytest.fixture
def verified(world, period, owner, county):
    report = create(owner, world.p_a)
    services.report_submit(actor=owner, report_id=report.pk)
    return services.report_verify(actor=county, report_id=report.pk)


def test_revision_approved_by_another_person_applies_values_and_keeps_before(verified, owner, county, admin):
    version = verified.version
    revision = services.report_revision_request(
        actor=owner,
        report_id=verified.pk,
        reason="统计口径调整",
        proposed={"completed_investment": Decimal("1300"), "problems": "无"},
    )
    assert revision.proposed == {"completed_investment": "1300", "problems": "无"}
    verified.refresh_from_db()
    assert verified.completed_investment == Decimal("1200.5")  # nothing applied yet

    revision = services.report_revision_approve(actor=county, revision_id=revision.pk, note="同意")
    verified.refresh_from_db()
    assert verified.completed_investment == Decimal("1300") and verified.problems == "无"
    assert verified.status == ReportStatus.VERIFIED and verified.version == version + 1
    assert revision.status == "approved" and revision.decided_by == county
    assert revision.before["completed_investment"] == "1200.5" and revision.before["problems"] == "拆迁滞后"

    revision_records = records(revision)
    assert [r.action for r in revision_records] == ["create", "update"]
    assert all(r.project_id == verified.project_id for r in revision_records)
    applied = records(verified).last()
    assert applied.user == county
    assert applied.before["completed_investment"] == "1200.5" and applied.after["completed_investment"] == "1300"


def test_self_approval_is_refused(verified, county):
    revision = services.report_revision_request(
        actor=county, report_id=verified.pk, reason="更正", proposed={"completed_investment": "1000"}
    )
    with pytest.raises(PermissionDenied, match="不能审批自己提交"):
        services.report_revision_approve(actor=county, revision_id=revision.pk)
    revision.refresh_from_db()
    verified.refresh_from_db()
    assert revision.status == "pending" and verified.completed_investment == Decimal("1200.5")


def test_reject_leaves_the_report_unchanged(verified, owner, admin):
    before = MonthlyReport.objects.filter(pk=verified.pk).values().get()
    revision = services.report_revision_request(
        actor=owner, report_id=verified.pk, reason="更正", proposed={"completed_investment": "1000"}
    )
    with pytest.raises(ValidationError, match="驳回时必须填写"):
        services.report_revision_reject(actor=admin, revision_id=revision.pk, note="")
    revision = services.report_revision_reject(actor=admin, revision_id=revision.pk, note="依据不足")
    assert revision.status == "rejected" and revision.before is None
    assert [(r.action, r.user, r.project_id) for r in records(revision)] == [
        ("create", owner, verified.project_id),
        ("update", admin, verified.project_id),
    ]
    assert MonthlyReport.objects.filter(pk=verified.pk).values().get() == before
    with pytest.raises(ValidationError, match="已处理"):
        services.report_revision_approve(actor=admin, revision_id=revision.pk)


def test_revision_rules(world, period, verified, owner, dept, county):
    with pytest.raises(PermissionDenied):  # department users may not edit, so may not ask
        services.report_revision_request(actor=dept, report_id=verified.pk, reason="x", proposed={"notes": "y"})
    with pytest.raises(ValidationError, match="修改理由"):
        services.report_revision_request(actor=owner, report_id=verified.pk, reason=" ", proposed={"notes": "y"})
    with pytest.raises(ValidationError, match="相同"):
        services.report_revision_request(
            actor=owner, report_id=verified.pk, reason="x", proposed={"problems": "拆迁滞后"}
        )
    with pytest.raises(ValidationError) as info:
        services.report_revision_request(
            actor=owner, report_id=verified.pk, reason="x", proposed={"completed_investment": "-5"}
        )
    assert "completed_investment" in info.value.message_dict
    draft = make_report(world.p_a, month=MONTH - 1, status=ReportStatus.DRAFT)
    with pytest.raises(ValidationError, match="尚未审核"):
        services.report_revision_request(actor=owner, report_id=draft.pk, reason="x", proposed={"notes": "y"})
    revision = services.report_revision_request(actor=owner, report_id=verified.pk, reason="x", proposed={"notes": "y"})
    with pytest.raises(ValidationError, match="待批准"):
        services.report_revision_request(actor=county, report_id=verified.pk, reason="x", proposed={"notes": "z"})
    with pytest.raises(PermissionDenied):  # owner reporters have no verify rights
        services.report_revision_approve(actor=owner, revision_id=revision.pk)
    assert ReportRevision.objects.count() == 1


def test_revisions_are_allowed_after_the_period_closes(verified, period, admin, owner, county):
    services.period_close(actor=admin, period_id=period.pk)
    revision = services.report_revision_request(
        actor=owner, report_id=verified.pk, reason="年报核对", proposed={"completed_investment": "1250"}
    )
    services.report_revision_approve(actor=admin, revision_id=revision.pk)
    verified.refresh_from_db()
    assert verified.completed_investment == Decimal("1250")


# --- periods ---------------------------------------------------------------------


def test_period_open_and_close_are_recorded(world, admin):
    period = services.period_open(actor=admin, year=2026, month=11, deadline=datetime.date(2026, 12, 5))
    assert period.status == PeriodStatus.OPEN
    assert records(period).get().action == "create"
    services.period_close(actor=admin, period_id=period.pk)
    services.period_close(actor=admin, period_id=period.pk)  # closing again changes nothing
    period.refresh_from_db()
    assert period.status == PeriodStatus.CLOSED and period.closed_at
    assert [r.action for r in records(period)] == ["create", "update"]


def test_period_deadline_defaults_to_the_settings_day_of_the_same_month(world, admin):
    from apps.statistics.models import StatisticsSettings

    settings = StatisticsSettings.current()
    settings.report_deadline_day = 20
    settings.save()
    period = services.period_open(actor=admin, year=2026, month=11)
    assert period.deadline == datetime.date(2026, 11, 20)


def test_period_rules(world, period, admin, county):
    with pytest.raises(PermissionDenied):
        services.period_open(actor=county, year=2026, month=11)
    with pytest.raises(PermissionDenied):
        services.period_close(actor=county, period_id=period.pk)
    with pytest.raises(ValidationError, match="尚未关闭"):
        services.period_open(actor=admin, year=2026, month=11)
    with pytest.raises(ValidationError, match="已存在"):
        services.period_open(actor=admin, year=YEAR, month=MONTH)
    with pytest.raises(ValidationError, match="1 到 12"):
        services.period_open(actor=admin, year=2026, month=13)
    assert ReportingPeriod.objects.count() == 1


def test_county_and_admin_may_fill_on_behalf_but_not_outside_scope(world, period, county, admin):
    assert create(county, world.p_a).project == world.p_a
    assert create(admin, world.p_c).project == world.p_c
    with pytest.raises(PermissionDenied):
        create(county, world.p_b)
    other_owner_user = f.UserFactory(role=Role.OWNER_REPORTER, organisation=world.other_owner)
    with pytest.raises(PermissionDenied):
        services.report_update(
            actor=other_owner_user,
            report_id=MonthlyReport.objects.get(project=world.p_a).pk,
            expected_version=1,
            fields={"notes": "x"},
        )
