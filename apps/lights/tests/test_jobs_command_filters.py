"""Evaluation through the job queue (a change queues its refresh; the schedule evaluates the
latest closed month), `manage.py lights_evaluate`, and the 红黄灯 list's filters."""

import datetime
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction

from apps.accounts.models import Role
from apps.lights import tasks
from apps.lights.models import EvaluationRun, Light
from apps.reporting.models import PeriodStatus, ReportingPeriod

from .conftest import activate, colours, day, nothing_pending
from .test_views_api import bearer

pytestmark = pytest.mark.django_db


def test_a_change_is_re_evaluated_through_the_job_queue(
    world, evaluate, monkeypatch, django_capture_on_commit_callbacks
):
    rule = activate("yinchuan-2025-start")
    evaluate(2026, 5)
    queued = []
    real_delay = tasks.refresh.delay

    def delay(*args):
        queued.append(args)
        return real_delay(*args)  # eager here (no Redis): runs now, as a worker would

    monkeypatch.setattr(tasks.refresh, "delay", delay)
    nothing_pending()
    with pytest.raises(RuntimeError), transaction.atomic():  # a rolled-back change queues nothing
        world.p_b.actual_start_date = day("2026-05-06")
        world.p_b.save()
        raise RuntimeError
    assert queued == []
    with django_capture_on_commit_callbacks(execute=True):
        world.p_a.actual_start_date = day("2026-05-06")
        world.p_a.stage = "under_construction"
        world.p_a.save()
    # One job for the commit. p_b, whose change was rolled back, may ride along (signals.py):
    # evaluated from its unchanged data, its light stays red (asserted below).
    [(subject, object_ids)] = queued
    assert subject == "project" and world.p_a.pk in object_ids
    assert world.p_a.pk not in colours(rule, 2026, 5) and world.p_b.pk in colours(rule, 2026, 5)
    assert EvaluationRun.objects.filter(trigger="change", objects_limited=True).count() == 1


def test_the_schedule_evaluates_the_latest_closed_month(world):
    activate("yinchuan-2025-start")
    for month, status in ((4, PeriodStatus.CLOSED), (5, PeriodStatus.CLOSED), (6, PeriodStatus.OPEN)):
        ReportingPeriod.objects.create(
            year=2026, month=month, deadline=datetime.date(2026, month + 1, 5), status=status
        )
    summary = tasks.evaluate_closed_month.apply(kwargs={"today": "2026-07-02"}).get()
    assert (summary["year"], summary["month"], summary["lights"]) == (2026, 5, 3)
    assert EvaluationRun.objects.get(trigger="schedule").month == 5
    # No reporting period kept: the latest ended month.
    assert tasks.month_to_evaluate(datetime.date(2026, 7, 2)) == (2026, 5)
    ReportingPeriod.objects.all().delete()
    assert tasks.month_to_evaluate(datetime.date(2026, 7, 2)) == (2026, 6)
    assert settings.CELERY_BEAT_SCHEDULE["lights-evaluate"]["task"] == "lights.evaluate_closed_month"


def test_the_command_evaluates_a_month_and_refuses_bad_input(world):
    activate("yinchuan-2025-start")
    activate("deadline-problems")
    out = StringIO()
    call_command("lights_evaluate", year=2026, month=5, stdout=out)
    assert "2026年5月：亮灯 3 个" in out.getvalue()
    assert Light.objects.filter(year=2026, month=5).count() == 3
    call_command("lights_evaluate", year=2026, month=5, stdout=StringIO())  # idempotent
    assert Light.objects.filter(year=2026, month=5).count() == 3
    call_command("lights_evaluate", "--year", "2026", "--month", "4", "--rule", "deadline-problems", stdout=StringIO())
    assert not Light.objects.filter(year=2026, month=4).exists()  # only that rule, nothing due
    with pytest.raises(CommandError, match="未知的规则代码：nope"):
        call_command("lights_evaluate", year=2026, month=5, rule=["nope"])
    future = datetime.date.today().year + 1
    with pytest.raises(CommandError, match="不能评价尚未开始的月份"):
        call_command("lights_evaluate", year=future, month=1)
    with pytest.raises(CommandError):
        call_command("lights_evaluate", year=2026, month=13)


def test_list_filters_by_region_department_leader_measure_and_set(client, world, evaluate):
    activate("yinchuan-2025-start")
    evaluate(2026, 5)  # p_a (甲区, led by dept and the leader), p_b and p_c (乙县): red
    client.force_login(world.users[Role.CITY_ADMIN])

    def listed(**params):
        page = client.get("/lights/", {"year": 2026, "month": 5, **params})
        assert page.status_code == 200
        return {light.project_id for light in page.context["page"]}

    assert listed() == {world.p_a.pk, world.p_b.pk, world.p_c.pk}
    assert listed(region=world.county_b.pk) == {world.p_b.pk, world.p_c.pk}
    assert listed(department=world.dept.pk) == {world.p_a.pk}
    assert listed(leader=world.leader.pk) == {world.p_a.pk}
    assert listed(colour="yellow") == set()
    assert listed(measure="months_not_started") == {world.p_a.pk, world.p_b.pk, world.p_c.pk}
    assert listed(measure="investment_lag") == set()
    world.leader.is_city_leader = True
    world.leader.save()
    assert listed(set="leader") == {world.p_a.pk}
    assert listed(set="nonsense") == set()
    # The API takes the same filters.
    auth = bearer(world.users[Role.CITY_ADMIN])
    body = client.get("/api/v1/lights", {"year": 2026, "month": 5, "region": world.county_a.pk}, **auth).json()
    assert [item["project_id"] for item in body["items"]] == [world.p_a.pk]


def _red_projects(world, count: int) -> None:
    from .conftest import completed, plan, project

    for _n in range(count):
        subject = project(world, lead_department=world.dept)
        plan(subject, 2026, "1200")
        completed(subject, 2026, {5: "100"})  # far behind: red → 约谈 by the lead official


def _consequence_queries(evaluate) -> int:
    """Statements of a month's first evaluation with its consequences (an earlier run's removed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.lights.models import LightAction
    from apps.problems.models import SupervisedAction

    LightAction.objects.all().delete()
    SupervisedAction.objects.all().delete()
    Light.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        evaluate(2026, 5)
    return len(queries)


def test_consequences_are_written_in_bulk_with_their_change_records(world, evaluate):
    from django.contrib.contenttypes.models import ContentType

    from apps.audit.models import ChangeRecord
    from apps.lights.models import LightAction
    from apps.problems.models import SupervisedAction

    rule = activate("sanya-2022-investment")
    _red_projects(world, 2)
    evaluate(2026, 5)  # the month's 约谈 meeting is made once
    few = _consequence_queries(evaluate)
    assert LightAction.objects.filter(rule=rule, step="red").count() == 2
    _red_projects(world, 6)
    many = _consequence_queries(evaluate)
    assert many == few  # bulk: the statements do not grow with the projects
    links = LightAction.objects.filter(rule=rule, year=2026, month=5).select_related("action")
    assert links.count() == 8
    for link in links:
        record = ChangeRecord.objects.get(
            content_type=ContentType.objects.get_for_model(SupervisedAction), object_id=link.action_id
        )
        assert record.after["cause"] == {"rule": "sanya-2022-investment", "version": 1, "step": "red"}
        assert record.after["projects"] == [link.object_id] and record.project_id == link.object_id
        assert list(link.action.projects.values_list("pk", flat=True)) == [link.object_id]
