"""Site visits (现场调度) recorded on their pages by the city's and the counties' offices:
scope, decisions becoming supervised actions with working-day deadlines, change records."""

import datetime

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.briefs import services
from apps.briefs.models import SiteVisit
from apps.problems.models import MeetingKind, SupervisedAction
from apps.workdays.services import workdays_add
from tests import factories as f


@pytest.fixture
def town(town):
    """The town of the brief's tests with a user of each county."""
    w = town
    w.county_user = w.users[Role.COUNTY_USER]  # 甲区: K1, K2
    w.county_b_user = f.UserFactory(username="yixian", role=Role.COUNTY_USER, region=w.county_b)
    return w


def record(client, user, **data):
    client.force_login(user)
    return client.post(reverse("briefs:visit_new"), data)


def test_a_county_user_records_a_visit_on_the_page_over_its_own_projects(client, town):
    before = ChangeRecord.objects.count()
    response = record(
        client,
        town.county_user,
        person=town.leader.pk,
        visited_on="2026-07-02",
        done="on",
        projects=f"{town.k1.project_code}\n甲区产业园",
        attendees="市发改委、甲区政府",
        findings="路基施工滞后",
    )
    visit = SiteVisit.objects.get()
    assert response.status_code == 302 and response.url == reverse("briefs:visit", args=[visit.pk])
    assert set(visit.projects.values_list("pk", flat=True)) == {town.k1.pk, town.k2.pk}
    assert (visit.person, visit.visited_on, visit.done, visit.created_by) == (
        town.leader,
        datetime.date(2026, 7, 2),
        True,
        town.county_user,
    )
    assert ChangeRecord.objects.count() == before + 1
    page = client.get(reverse("briefs:visits")).content.decode()
    assert "甲区快速路" in page and "2026-07-02" in page


def test_a_project_outside_the_scope_is_refused_by_name_and_nothing_is_written(client, town):
    response = record(
        client,
        town.county_user,
        person=town.leader.pk,
        visited_on="2026-07-02",
        projects=f"{town.k1.project_code}\n{town.k3.project_code}",
    )
    assert response.status_code == 200
    assert f"未找到或不在您范围内（或名称重复，请用项目代码）：{town.k3.project_code}" in response.content.decode()
    assert not SiteVisit.objects.exists()


def test_roles_that_do_not_record_visits_get_403(client, town):
    client.force_login(town.users[Role.DEPARTMENT_USER])
    assert client.get(reverse("briefs:visit_new")).status_code == 403


def test_visits_are_scoped_another_county_gets_404(client, town):
    visit = services.site_visit_record(
        actor=town.county_user, person=town.leader, visited_on=datetime.date(2026, 7, 2), project_ids=[town.k1.pk]
    )
    client.force_login(town.county_b_user)
    assert client.get(reverse("briefs:visit", args=[visit.pk])).status_code == 404
    assert "甲区快速路" not in client.get(reverse("briefs:visits")).content.decode()
    client.force_login(town.users[Role.CITY_ADMIN])
    assert client.get(reverse("briefs:visit", args=[visit.pk])).status_code == 200


def test_decisions_on_site_become_supervised_actions_on_the_working_day_clock(client, town):
    visit = services.site_visit_record(
        actor=town.county_user,
        person=town.leader,
        visited_on=datetime.date(2026, 7, 2),
        project_ids=[town.k1.pk, town.k2.pk],
        attendees="市发改委",
        findings="路基施工滞后",
    )
    client.force_login(town.county_user)
    url = reverse("briefs:visit", args=[visit.pk])
    before = ChangeRecord.objects.count()
    response = client.post(
        url,
        {
            "decide": "1",
            "decision": "7月底前完成路基施工",
            "owner": town.dept.pk,
            "workdays": "10",
            "projects": [town.k1.pk],
        },
    )
    assert response.status_code == 302
    action = SupervisedAction.objects.get()
    # 10 working days after Thursday 2 July 2026 on the calendar: Thursday 16 July.
    assert action.deadline == workdays_add(datetime.date(2026, 7, 2), 10) == datetime.date(2026, 7, 16)
    assert (action.decision, action.owner) == ("7月底前完成路基施工", town.dept)
    assert list(action.projects.values_list("pk", flat=True)) == [town.k1.pk]
    visit.refresh_from_db()
    meeting = visit.meeting
    assert (meeting.kind, meeting.chair, meeting.held_on) == (
        MeetingKind.SPECIAL_MEETING,
        town.leader,
        visit.visited_on,
    )
    assert set(meeting.projects.values_list("pk", flat=True)) == {town.k1.pk, town.k2.pk}
    # Meeting created, visit linked, action created: three change records.
    assert ChangeRecord.objects.count() == before + 3
    # A second decision hangs on the same meeting; with no project ticked it is about all of them.
    client.post(url, {"decide": "1", "decision": "协调用地指标", "owner": town.dept.pk, "workdays": "5"})
    second = SupervisedAction.objects.exclude(pk=action.pk).get()
    assert second.meeting_id == meeting.pk
    assert set(second.projects.values_list("pk", flat=True)) == {town.k1.pk, town.k2.pk}
    page = client.get(url).content.decode()
    assert "7月底前完成路基施工" in page and "2026-07-16" in page


def test_bad_decisions_are_refused_in_chinese_and_write_nothing(client, town):
    planned = services.site_visit_record(
        actor=town.county_user,
        person=town.leader,
        visited_on=datetime.date(2026, 7, 20),
        project_ids=[town.k1.pk],
        done=False,
    )
    with pytest.raises(Exception) as refused:
        services.site_visit_decide(
            actor=town.county_user, visit_id=planned.pk, decision="x", owner=town.dept, workdays=5
        )
    assert "现场调度尚未开展，不能记录议定事项。" in str(refused.value)
    held = services.site_visit_record(
        actor=town.county_user, person=town.leader, visited_on=datetime.date(2026, 7, 2), project_ids=[town.k1.pk]
    )
    client.force_login(town.county_user)
    url = reverse("briefs:visit", args=[held.pk])
    response = client.post(url, {"decide": "1", "decision": "", "owner": town.dept.pk, "workdays": "0"})
    assert response.status_code == 200
    with pytest.raises(Exception) as refused:
        services.site_visit_decide(
            actor=town.county_user,
            visit_id=held.pk,
            decision="x",
            owner=town.dept,
            workdays=5,
            project_ids=[town.k3.pk],
        )
    assert "议定事项的项目应为本次调度的项目。" in str(refused.value)
    assert not SupervisedAction.objects.exists() and SiteVisit.objects.get(pk=held.pk).meeting_id is None
    # Another county cannot add decisions to this visit.
    client.force_login(town.county_b_user)
    assert client.post(url, {"decide": "1", "decision": "x", "owner": town.dept.pk, "workdays": "5"}).status_code == 404


def test_completing_a_planned_visit_is_a_change_record(client, town):
    planned = services.site_visit_record(
        actor=town.county_user,
        person=town.leader,
        visited_on=datetime.date(2026, 7, 3),
        project_ids=[town.k1.pk],
        done=False,
    )
    client.force_login(town.county_user)
    before = ChangeRecord.objects.count()
    client.post(reverse("briefs:visit", args=[planned.pk]), {"update": "1", "done": "on", "findings": "已进场施工"})
    planned.refresh_from_db()
    assert planned.done and planned.findings == "已进场施工"
    assert ChangeRecord.objects.count() == before + 1
