"""The commitment clock (审批承诺制): due dates in working days from acceptance, deemed approval
exactly after the limit and only where the rule applies, reminders, and missing calendar data.

Hand counts (2026): Mid-Autumn off 25–27 Sep. Accepted Mon 21 Sep with 5 working days: 22, 23,
24, 28, 29 Sep, so due Tue 29 Sep; three working days before it: 28, 24, 23 Sep → remind 23 Sep.
"""

import datetime

import pytest
from django.core.management import call_command

from apps.accounts.models import Role
from apps.approvals import services
from apps.approvals.models import ItemStatus
from apps.audit.models import ChangeRecord
from apps.reporting.models import Reminder
from apps.workdays.models import CalendarYear, WorkdayOverride

from .conftest import dept_user
from .factories import ItemFactory, ItemTypeFactory

D = datetime.date


@pytest.fixture
def accepted(world):
    """A submitted 5-working-day item of p_a handled by world.dept, accepted on 21 Sep 2026."""
    handler = dept_user(world, world.dept, "dept2")
    item = ItemFactory(
        project=world.p_a,
        item_type=ItemTypeFactory(committed_workdays=5, commitment_applies=True),
        department=world.dept,
        status=ItemStatus.SUBMITTED,
        submitted_on=D(2026, 9, 18),
    )
    services.item_accept(actor=handler, item_id=item.pk, accepted_on=D(2026, 9, 21), handler="李四")
    item.refresh_from_db()
    return item


def test_acceptance_sets_the_due_date_in_working_days(accepted):
    assert accepted.status == ItemStatus.ACCEPTED
    assert accepted.due_date == D(2026, 9, 29)
    assert accepted.remind_on == D(2026, 9, 23)


def test_no_deemed_approval_on_the_due_date(accepted):
    result = services.commitment_clock_run(today=D(2026, 9, 29))
    accepted.refresh_from_db()
    assert result.deemed == []
    assert accepted.status == ItemStatus.ACCEPTED


def test_deemed_approved_the_day_after_the_due_date_with_reason_in_the_change_record(accepted):
    result = services.commitment_clock_run(today=D(2026, 9, 30))
    accepted.refresh_from_db()
    assert [item.pk for item in result.deemed] == [accepted.pk]
    assert accepted.status == ItemStatus.DEEMED_APPROVED
    assert accepted.decided_on == D(2026, 9, 30)
    assert accepted.deemed_reason == "承诺时限 5 个工作日，2026-09-29 到期未批复，依审批承诺制视为同意。"
    record = ChangeRecord.objects.filter(object_id=accepted.pk, action="update").order_by("-id").first()
    assert record.user is None  # the clock, not a person
    assert record.project_id == accepted.project_id
    assert record.before["status"] == "accepted"
    assert record.after["status"] == "deemed_approved"
    assert record.after["decided_on"] == "2026-09-30"
    assert record.after["deemed_reason"] == accepted.deemed_reason
    # The department hears of it; running again changes nothing and sends nothing new.
    assert Reminder.objects.filter(message__startswith="视为同意").count() == 2  # world's dept user and dept2
    count = ChangeRecord.objects.count()
    assert services.commitment_clock_run(today=D(2026, 10, 9)).deemed == []
    assert ChangeRecord.objects.count() == count


def test_a_later_run_dates_the_deemed_approval_by_the_limit_not_by_the_run(accepted):
    services.commitment_clock_run(today=D(2026, 10, 20))
    accepted.refresh_from_db()
    assert accepted.decided_on == D(2026, 9, 30)


def test_no_deemed_approval_where_the_rule_does_not_apply(world):
    handler = dept_user(world, world.dept, "dept2")
    item = ItemFactory(
        project=world.p_a,
        item_type=ItemTypeFactory(committed_workdays=5, commitment_applies=False),
        department=world.dept,
        status=ItemStatus.SUBMITTED,
        submitted_on=D(2026, 9, 21),
    )
    services.item_accept(actor=handler, item_id=item.pk, accepted_on=D(2026, 9, 21))
    result = services.commitment_clock_run(today=D(2026, 10, 20))
    item.refresh_from_db()
    assert result.deemed == []
    assert result.overdue == 1
    assert item.status == ItemStatus.ACCEPTED
    assert Reminder.objects.filter(message__startswith="已超期").count() == 2


def test_no_deemed_approval_while_documents_are_missing(world):
    handler = dept_user(world, world.dept, "dept2")
    item = ItemFactory(
        project=world.p_a, department=world.dept, status=ItemStatus.SUBMITTED, submitted_on=D(2026, 9, 21)
    )
    services.item_accept(
        actor=handler,
        item_id=item.pk,
        accepted_on=D(2026, 9, 21),
        missing_documents="用地红线图",
        supplement_deadline=D(2026, 9, 24),
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.ACCEPTED_WITH_GAPS
    assert item.due_date == D(2026, 9, 29)
    assert services.commitment_clock_run(today=D(2026, 9, 30)).deemed == []
    # Supplemented late: the due date stays that of the acceptance, and the clock applies.
    services.item_supplement(actor=handler, item_id=item.pk, supplemented_on=D(2026, 10, 9))
    assert [i.pk for i in services.commitment_clock_run(today=D(2026, 10, 12)).deemed] == [item.pk]


def test_reminders_from_the_reminder_date_once(accepted):
    assert services.commitment_clock_run(today=D(2026, 9, 22)).reminded == 0
    assert services.commitment_clock_run(today=D(2026, 9, 23)).reminded == 2
    assert services.commitment_clock_run(today=D(2026, 9, 24)).reminded == 0
    reminder = Reminder.objects.get(user__username="dept2", message__startswith="即将到期")
    assert "2026-09-29" in reminder.message
    assert reminder.link == f"/approvals/items/{accepted.pk}/"


def test_missing_calendar_data_leaves_the_due_date_empty_until_entered(world):
    handler = dept_user(world, world.dept, "dept2")
    late = ItemFactory(
        project=world.p_a,
        item_type=ItemTypeFactory(committed_workdays=10),
        department=world.dept,
        status=ItemStatus.SUBMITTED,
        submitted_on=D(2026, 11, 2),
    )
    # 28 Dec 2026 + 10 working days reaches into 2027, which nobody has entered yet.
    outcome = _accept_on(handler, late, D(2026, 12, 28))
    late.refresh_from_db()
    assert late.status == ItemStatus.ACCEPTED
    assert late.due_date is None
    assert "2027-01-01" in outcome.calendar_error
    result = services.commitment_clock_run(today=D(2026, 12, 29))
    assert result.rescheduled == 0 and "2027-01-01" in result.calendar_errors[0]
    # The administrator enters 2027 (1 Jan off): 29, 30, 31 Dec, 4–8 Jan, 11, 12 Jan.
    CalendarYear.objects.create(year=2027)
    WorkdayOverride.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦")
    result = services.commitment_clock_run(today=D(2026, 12, 29))
    late.refresh_from_db()
    assert result.rescheduled == 1
    assert late.due_date == D(2027, 1, 12)


def _accept_on(handler, item, day):
    # Acceptance dates may not lie in the future; pretend today is that day.
    from unittest import mock

    with mock.patch("apps.approvals.services.timezone.localdate", return_value=day):
        return services.item_accept(actor=handler, item_id=item.pk, accepted_on=day)


def test_the_tick_command_runs_the_clock(accepted, capsys):
    call_command("approvals_tick", today="2026-09-30")
    accepted.refresh_from_db()
    assert accepted.status == ItemStatus.DEEMED_APPROVED
    record = ChangeRecord.objects.filter(object_id=accepted.pk).order_by("-id").first()
    assert record.request_id.startswith("cmd-approvals_tick-")


def test_pages_deem_approved_items_on_load(client, world, accepted):
    client.force_login(world.users[Role.DEPARTMENT_USER])
    # Today (the suite's clock) is long after 29 Sep 2026.
    page = client.get(f"/approvals/items/{accepted.pk}/").content.decode()
    accepted.refresh_from_db()
    assert accepted.status == ItemStatus.DEEMED_APPROVED
    assert 'id="deemed-reason"' in page
