"""Deadlines of the pipeline, worked out by hand (today 2026-12-01, a Tuesday): the
working-day clock for responding and assessing, calendar days and months after signing."""

import datetime

import pytest

from apps.attraction.models import LeadNotice, LeadStage, NoticeKind
from apps.attraction.selectors import LateContext, LateStatus, with_lateness_relations, worst_status

from .factories import lead_with_history

D = datetime.date
S = LeadStage


def checks_of(lead):
    lead = with_lateness_relations(type(lead).objects.filter(pk=lead.pk)).get()
    return {check.check: check for check in LateContext().checks(lead)}


@pytest.mark.parametrize(
    ("received", "due", "status"),
    [
        (D(2026, 11, 27), D(2026, 11, 30), LateStatus.LATE),  # Friday → Monday; today is past it
        (D(2026, 11, 30), D(2026, 12, 1), LateStatus.DUE_SOON),  # due today
        (D(2026, 9, 30), D(2026, 10, 8), LateStatus.LATE),  # across the National Day holiday
    ],
)
def test_respond_within_one_working_day(db, received, due, status):
    check = checks_of(lead_with_history(events={S.LEAD: received}))["respond"]
    assert (check.due, check.status) == (due, status)


def test_assess_within_three_working_days(db):
    check = checks_of(lead_with_history(events={S.LEAD: D(2026, 11, 24), S.ASSESSING: D(2026, 11, 25)}))["assess"]
    assert check.due == D(2026, 11, 30)  # Thu 26, Fri 27, Mon 30
    assert check.status == LateStatus.LATE


def test_report_every_two_weeks(db):
    lead = lead_with_history(
        events={S.LEAD: D(2026, 10, 1), S.ASSESSING: D(2026, 10, 9), S.NEGOTIATING: D(2026, 11, 1)}
    )
    check = checks_of(lead)["report"]
    assert (check.due, check.status) == (D(2026, 11, 15), LateStatus.LATE)
    lead.follow_ups.create(reported_on=D(2026, 11, 20), content="已赴企业总部洽谈", recorded_by=lead.created_by)
    check = checks_of(lead)["report"]
    assert (check.due, check.status) == (D(2026, 12, 4), LateStatus.DUE_SOON)


def test_not_registered_thirty_days_after_signing_is_due_for_exit(db):
    events = {
        S.LEAD: D(2026, 8, 1),
        S.ASSESSING: D(2026, 8, 3),
        S.NEGOTIATING: D(2026, 8, 10),
        S.SIGNED: D(2026, 10, 15),
    }
    checks = checks_of(lead_with_history(events=events, contract=(10000, D(2026, 10, 15))))
    assert (checks["register"].due, checks["register"].status) == (D(2026, 11, 14), LateStatus.EXIT_DUE)
    assert (checks["land"].due, checks["land"].status) == (D(2027, 1, 15), LateStatus.ON_TRACK)
    assert (checks["start"].due, checks["start"].status) == (D(2027, 4, 15), LateStatus.ON_TRACK)
    assert (checks["funds"].due, checks["funds"].status) == (D(2027, 1, 15), LateStatus.ON_TRACK)
    assert worst_status(list(checks.values())) == LateStatus.EXIT_DUE


def test_six_months_late_to_start_asks_for_a_notice_then_exit(db):
    events = {
        S.LEAD: D(2025, 10, 1),
        S.ASSESSING: D(2025, 10, 2),
        S.NEGOTIATING: D(2025, 10, 10),
        S.SIGNED: D(2025, 11, 22),
        S.REGISTERED: D(2025, 12, 1),
    }
    lead = lead_with_history(events=events, contract=(10000, D(2025, 11, 22)), funds=[(D(2025, 12, 1), 5000)])
    check = checks_of(lead)["start"]
    # Agreed start 2026-05-22 (6 months), plus 6 months' grace: 2026-11-22.
    assert (check.due, check.status) == (D(2026, 11, 22), LateStatus.NOTICE_DUE)
    LeadNotice.objects.create(
        lead=lead,
        kind=NoticeKind.START_DEADLINE,
        issued_on=D(2026, 11, 23),
        deadline=D(2026, 12, 15),
        issued_by=lead.created_by,
    )
    assert checks_of(lead)["start"].status == LateStatus.LATE
    LeadNotice.objects.filter(lead=lead).update(deadline=D(2026, 11, 30))
    assert checks_of(lead)["start"].status == LateStatus.EXIT_DUE


def test_funds_a_quarter_within_three_months(db):
    events = {
        S.LEAD: D(2026, 6, 1),
        S.ASSESSING: D(2026, 6, 2),
        S.NEGOTIATING: D(2026, 6, 10),
        S.SIGNED: D(2026, 8, 1),
        S.REGISTERED: D(2026, 8, 10),
    }
    lead = lead_with_history(events=events, contract=(10000, D(2026, 8, 1)), funds=[(D(2026, 10, 1), 2000)])
    check = checks_of(lead)["funds"]
    assert (check.due, check.status) == (D(2026, 11, 1), LateStatus.LATE)
    lead.funds_arrivals.create(arrived_on=D(2026, 10, 30), amount=500, recorded_by=lead.created_by)
    assert "funds" not in checks_of(lead)  # 2,500 = 25% of 10,000


def test_final_leads_have_no_checks(db):
    lead = lead_with_history(events={S.LEAD: D(2026, 11, 1), S.EXITED: D(2026, 11, 2)})
    assert checks_of(lead) == {}


def test_rules_are_settings(db, settings):
    settings.ATTRACTION_RULES = {"respond_workdays": 3}
    check = checks_of(lead_with_history(events={S.LEAD: D(2026, 11, 27)}))["respond"]
    assert check.due == D(2026, 12, 2) and check.status == LateStatus.DUE_SOON


def test_reminders_go_to_the_unit_and_the_county_once(world, bureau, bureau_user):
    from django.core.management import call_command

    from apps.accounts.models import Role
    from apps.attraction import services
    from apps.reporting.models import Reminder

    late = lead_with_history(events={S.LEAD: D(2026, 11, 27)}, region=world.county_a, attraction_unit=bureau)
    lead_with_history(events={S.LEAD: D(2026, 12, 1)}, region=world.county_b, attraction_unit=bureau)  # on time
    assert services.lead_reminders_send() == 2
    reminders = Reminder.objects.order_by("user__username")
    assert [r.user for r in reminders] == [world.users[Role.COUNTY_USER], bureau_user]
    assert "逾期" in reminders[0].message and reminders[0].link == f"/attraction/{late.pk}/"
    call_command("remind_leads", stdout=__import__("io").StringIO())
    assert Reminder.objects.count() == 2  # not twice while unread


def test_deadlines_worked_out_once_per_date_equal_the_lead_by_lead_computation(db, world, bureau):
    """lead_figures and the light rule load the leads in bulk and ask one calendar snapshot, which
    answers each (start, working days) once: the checks equal those of the lead-by-lead way
    (prefetched relations, a fresh calendar per lead) on a calendar with the National Day
    holiday and its 调休 Saturday (package data) and an entered holiday and 调休 Saturday."""
    from apps.accounts.models import Role
    from apps.attraction.models import InvestmentLead, rules
    from apps.attraction.selectors import lead_figures, lead_lateness, leads_for_lateness
    from apps.workdays.calendar import WorkCalendar
    from apps.workdays.models import WorkdayOverride

    WorkdayOverride.objects.create(date=D(2026, 11, 16), is_workday=False, name="假日")
    WorkdayOverride.objects.create(date=D(2026, 11, 21), is_workday=True, name="调休上班")
    common = {"region": world.county_a, "attraction_unit": bureau}
    days = [D(2026, 9, 25) + datetime.timedelta(days=n) for n in range(20)]
    days += [D(2026, 11, 12) + datetime.timedelta(days=n) for n in range(19)]
    for day in days:
        for _twice in range(2):  # leads sharing their dates
            lead_with_history(events={S.LEAD: day}, **common)
            lead_with_history(events={S.LEAD: day - datetime.timedelta(days=3), S.ASSESSING: day}, **common)
    today = D(2026, 11, 24)
    rule = rules()
    queryset = InvestmentLead.objects.order_by("pk")
    context = LateContext(today)
    bulk = {lead.pk: context.checks(lead) for lead in leads_for_lateness(queryset)}
    one_by_one = {
        lead.pk: lead_lateness(lead, today=today, calendar=WorkCalendar.load(), rule=rule)
        for lead in with_lateness_relations(queryset)
    }
    assert len(bulk) == 4 * len(days) and bulk == one_by_one
    # Each distinct (date, offset) was worked out once.
    assert len(context.calendar._added) == len({(day, 1) for day in days} | {(day, 3) for day in days})
    # By hand: received Wed 30 Sep → Thu 8 Oct; Fri 13 Nov → Tue 17 Nov (Mon 16 a holiday);
    # assessing from Thu 19 Nov, 3 working days: Fri 20, Sat 21 (调休), Mon 23.
    calendar = WorkCalendar.load()
    assert calendar.add(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert calendar.add(D(2026, 11, 13), 1) == D(2026, 11, 17)
    assert calendar.add(D(2026, 11, 19), 3) == D(2026, 11, 23)
    late = {pk for pk, checks in one_by_one.items() if worst_status(checks) == LateStatus.LATE}
    figures = lead_figures(user=world.users[Role.CITY_ADMIN], today=today)
    assert late and set(figures.late.ids) == late
