"""未报 (which projects must report and have not) and the reminders: 催报 to owner
reporters, 待审核 to verifiers, decisions to the requester."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.accounts.models import Role, User
from apps.projects.models import Project, Stage
from apps.reporting import selectors, services
from apps.reporting.models import Reminder, ReportStatus, report_verifiers_q
from tests import factories as f

from .conftest import MONTH, YEAR, make_report


@pytest.fixture
def layout(world, period):
    """Projects around the rule: stage and planned start decide who must report for October 2026."""
    Project.objects.filter(pk=world.p_c.pk).update(
        stage=Stage.UNDER_CONSTRUCTION, actual_start_date=datetime.date(2025, 5, 1)
    )
    later = f.ProjectFactory(
        name="甲区明年开工项目",
        region=world.county_a,
        owner_unit=world.owner,
        planned_start_date=datetime.date(2026, 11, 1),
    )
    edge = f.ProjectFactory(
        name="甲区月末开工项目",
        region=world.county_a,
        owner_unit=world.owner,
        planned_start_date=datetime.date(2026, 10, 31),
    )
    reserve = f.ProjectFactory(name="甲区储备项目", region=world.county_a, owner_unit=world.owner, stage=Stage.RESERVE)
    completed = f.ProjectFactory(
        name="乙县竣工项目",
        region=world.county_b,
        owner_unit=world.other_owner,
        stage=Stage.COMPLETED,
        actual_start_date=datetime.date(2024, 1, 1),
        actual_end_date=datetime.date(2025, 1, 1),
    )
    return {"later": later, "edge": edge, "reserve": reserve, "completed": completed}


def names(summary):
    return {project.name for project in summary.projects}


def test_unreported_lists_exactly_the_due_projects_without_a_counted_report(world, layout, users):
    make_report(world.p_b, status=ReportStatus.SUBMITTED)  # reported
    make_report(world.p_a, status=ReportStatus.DRAFT)  # a draft is not a report yet
    make_report(world.p_c, month=MONTH - 1, status=ReportStatus.VERIFIED)  # last month does not count

    summary = selectors.unreported(user=users[Role.CITY_ADMIN], year=YEAR, month=MONTH)
    assert names(summary) == {"甲区快速路", "乙县学校", "甲区月末开工项目"}
    assert summary.total == 3
    assert [(row["name"], row["count"]) for row in summary.by_region] == [("甲区", 2), ("乙县", 1)]
    assert {(row["name"], row["count"]) for row in summary.by_owner_unit} == {("甲区城投公司", 2), ("乙县建设公司", 1)}

    county = selectors.unreported(user=users[Role.COUNTY_USER], year=YEAR, month=MONTH)
    assert names(county) == {"甲区快速路", "甲区月末开工项目"}
    assert [(row["name"], row["count"]) for row in county.by_region] == [("甲区", 2)]
    owner = selectors.unreported(user=users[Role.OWNER_REPORTER], year=YEAR, month=MONTH)
    assert names(owner) == {"甲区快速路", "甲区月末开工项目"}


def test_reminder_button_reminds_the_owner_reporters_of_units_in_scope(world, layout, users):
    owner = users[Role.OWNER_REPORTER]
    colleague = f.UserFactory(role=Role.OWNER_REPORTER, organisation=world.owner)
    f.UserFactory(role=Role.OWNER_REPORTER, organisation=world.owner, is_active=False)
    other = f.UserFactory(role=Role.OWNER_REPORTER, organisation=world.other_owner)

    sent = services.reminder_send_unreported(actor=users[Role.COUNTY_USER])
    assert sent == 2  # county A: only 甲区城投公司's two active reporters
    assert set(Reminder.objects.values_list("user_id", flat=True)) == {owner.pk, colleague.pk}
    message = Reminder.objects.filter(user=owner).get().message
    assert "2026年10月" in message and "2 个项目" in message and "2026-10-25" in message
    assert Reminder.objects.filter(user=owner).get().link == reverse("reporting:mine")

    assert services.reminder_send_unreported(actor=users[Role.COUNTY_USER]) == 0  # same unread reminder: not again
    assert services.reminder_send_unreported(actor=users[Role.CITY_ADMIN]) == 1  # the city adds 乙县建设公司
    assert Reminder.objects.filter(user=other).count() == 1

    for role in (Role.OWNER_REPORTER, Role.DEPARTMENT_USER, Role.CITY_LEADER, Role.AUDITOR):
        with pytest.raises(services.PermissionDenied):
            services.reminder_send_unreported(actor=users[role])


def test_remind_unreported_command(world, layout, users, capsys):
    f.UserFactory(role=Role.OWNER_REPORTER, organisation=world.other_owner)
    call_command("remind_unreported")
    out = capsys.readouterr().out
    assert "未报项目 4 个" in out and "已发送催报提醒 2 条" in out
    assert Reminder.objects.count() == 2


def test_remind_unreported_command_without_an_open_period(db, capsys):
    call_command("remind_unreported")
    assert "没有开启的填报期" in capsys.readouterr().out
    assert not Reminder.objects.exists()


def test_verifiers_are_reminded_when_a_report_is_submitted(world, period, users):
    dept_b = f.UserFactory(role=Role.DEPARTMENT_USER, organisation=world.other_dept)
    county_b = f.UserFactory(role=Role.COUNTY_USER, region=world.county_b)
    owner = users[Role.OWNER_REPORTER]
    report = make_report(world.p_a, status=ReportStatus.DRAFT)
    services.report_submit(actor=owner, report_id=report.pk)
    reminded = set(Reminder.objects.values_list("user_id", flat=True))
    assert reminded == {users[Role.CITY_ADMIN].pk, users[Role.COUNTY_USER].pk, users[Role.DEPARTMENT_USER].pk}
    assert "待审核" in Reminder.objects.first().message

    # A report submitted by a verifier does not remind that verifier.
    Reminder.objects.all().delete()
    services.report_submit(actor=users[Role.CITY_ADMIN], report_id=make_report(world.p_c, status="draft").pk)
    assert set(Reminder.objects.values_list("user_id", flat=True)) == {dept_b.pk, county_b.pk}


def test_reporter_is_told_of_a_return_and_requester_of_a_decision(world, period, users):
    owner, county, admin = users[Role.OWNER_REPORTER], users[Role.COUNTY_USER], users[Role.CITY_ADMIN]
    report = make_report(world.p_a, status=ReportStatus.DRAFT)
    services.report_submit(actor=owner, report_id=report.pk)
    Reminder.objects.all().delete()
    services.report_return(actor=county, report_id=report.pk, reason="请补充形象进度")
    assert list(Reminder.objects.values_list("user_id", "message")) == [
        (owner.pk, "甲区快速路 2026年10月月报被退回：请补充形象进度")
    ]
    services.report_submit(actor=owner, report_id=report.pk)
    services.report_verify(actor=county, report_id=report.pk)
    revision = services.report_revision_request(
        actor=owner, report_id=report.pk, reason="更正", proposed={"completed_investment": "1"}
    )
    assert owner.pk not in set(Reminder.objects.filter(message__contains="修改申请").values_list("user_id", flat=True))
    Reminder.objects.all().delete()
    services.report_revision_approve(actor=admin, revision_id=revision.pk)
    (reminder,) = Reminder.objects.all()
    assert reminder.user == owner and "已批准" in reminder.message
    assert reminder.link == reverse("reporting:revision", args=[revision.pk])


def test_verifiers_q_agrees_with_verify_scope(world, period, users):
    """report_verifiers_q (users of a project) is report_verify_q (projects of a user) turned round."""
    extra = [
        f.UserFactory(role=Role.COUNTY_USER, region=world.county_b),
        f.UserFactory(role=Role.DEPARTMENT_USER, organisation=world.other_dept),
        f.UserFactory(role=Role.CITY_ADMIN, region=world.city.parent),
        f.UserFactory(role=Role.CITY_ADMIN, region=f.city("620100", "别市")),
    ]
    candidates = [*users.values(), *extra]
    for key in ("p_a", "p_b", "p_c"):
        report = make_report(getattr(world, key))
        by_scope = {u.pk for u in candidates if selectors.report_can(user=u, report=report, action="verify")}
        by_q = set(User.objects.filter(report_verifiers_q(report.project)).values_list("pk", flat=True))
        assert by_scope == by_q, key


def test_every_count_of_the_unreported_lists_opens_its_projects_with_a_total(client, world, layout, users):
    """未报名单: the count of each county and of each owner unit opens the projects behind it, and
    the list's 合计 row equals the count clicked."""
    from tests.drill import assert_counts_drill_down

    client.force_login(users[Role.CITY_ADMIN])
    url = reverse("reporting:unreported") + f"?year={YEAR}&month={MONTH}"
    links = assert_counts_drill_down(client, url, "?year=", minimum=4)
    assert links == 2 + 2  # two counties, two owner units with a project due
    narrowed = client.get(url + f"&region={world.county_b.pk}").content.decode()
    assert 'data-count="2"' in narrowed and "2 个项目" in narrowed  # the 合计 row
    assert "乙县学校" in narrowed and "乙县水厂" in narrowed and "甲区快速路" not in narrowed
