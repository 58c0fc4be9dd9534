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
