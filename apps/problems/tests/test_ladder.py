"""The escalation ladder: 包抓领导 → 专题会议 → 政府常务会 → 市委常委会, one rung at a time,
with a reason; overdue detection at each rung; closing only on the raiser's confirmation."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.problems import services
from apps.problems.models import Escalation, EscalationLevel, Problem, ProblemStatus

from .conftest import TODAY, days

L = EscalationLevel


@pytest.fixture
def admin(users):
    return users[Role.CITY_ADMIN]


def test_raising_puts_the_problem_at_the_lead_official_with_its_time_limit(world, users):
    owner = users[Role.OWNER_REPORTER]
    problem = services.problem_raise(
        actor=owner,
        project_id=world.p_a.pk,
        fields={
            "problem_type": "land",
            "description": "红线内 3 户未签订征收协议",
            "responsible_department": world.dept,
            "deadline": datetime.date(2026, 6, 30),
        },
    )
    assert problem.status == ProblemStatus.OPEN
    assert problem.level == L.LEAD_OFFICIAL
    assert problem.raised_on == TODAY
    # 15 days at the lead official's rung by default: 2026-05-20 + 15 = 2026-06-04.
    assert problem.level_due_date == datetime.date(2026, 6, 4)
    # The coordinating leader defaults to the project's lead official.
    assert problem.coordinating_leader == world.leader
    record = ChangeRecord.objects.get(object_id=problem.pk, content_type__model="problem")
    assert record.action == "create" and record.project_id == world.p_a.pk and record.user == owner


def test_bad_input_is_refused_per_field_and_nothing_is_written(world, users):
    with pytest.raises(ValidationError) as error:
        services.problem_raise(
            actor=users[Role.CITY_ADMIN],
            project_id=world.p_a.pk,
            fields={
                "problem_type": "weather",
                "description": " ",
                "responsible_department": world.owner,
                "deadline": datetime.date(2026, 5, 1),
            },
        )
    assert set(error.value.message_dict) == {"problem_type", "description", "responsible_department", "deadline"}
    assert error.value.message_dict["deadline"] == ["办结时限不能早于提出日期。"]
    assert not Problem.objects.exists()
    assert not ChangeRecord.objects.exists()


def test_auditor_cannot_raise_and_nobody_raises_outside_their_projects(world, users):
    fields = {
        "problem_type": "land",
        "description": "x",
        "responsible_department": world.dept,
        "deadline": datetime.date(2026, 7, 1),
    }
    with pytest.raises(PermissionDenied):
        services.problem_raise(actor=users[Role.AUDITOR], project_id=world.p_a.pk, fields=fields)
    with pytest.raises(PermissionDenied):
        services.problem_raise(actor=users[Role.COUNTY_USER], project_id=world.p_b.pk, fields=fields)


def test_climbs_one_rung_at_a_time_to_the_standing_committee(problems, admin):
    problem = problems["p_a"]
    expected = [
        (L.SPECIAL_MEETING, datetime.date(2026, 6, 19)),  # +30
        (L.EXECUTIVE_MEETING, datetime.date(2026, 6, 19)),  # +30
        (L.STANDING_COMMITTEE, datetime.date(2026, 7, 19)),  # +60
    ]
    for level, due in expected:
        services.problem_escalate(actor=admin, problem_id=problem.pk, to_level=level, reason="包抓领导协调未果")
        problem.refresh_from_db()
        assert (problem.level, problem.level_since, problem.level_due_date) == (level, TODAY, due)
        assert problem.status == ProblemStatus.IN_PROGRESS
    steps = list(Escalation.objects.filter(problem=problem).values_list("from_level", "to_level"))
    assert steps == [
        ("lead_official", "special_meeting"),
        ("special_meeting", "executive_meeting"),
        ("executive_meeting", "standing_committee"),
    ]
    assert ChangeRecord.objects.filter(content_type__model="escalation", project_id=problem.project_id).count() == 3

    with pytest.raises(ValidationError) as error:
        services.problem_escalate(actor=admin, problem_id=problem.pk, to_level=L.STANDING_COMMITTEE, reason="再议")
    assert error.value.message_dict["to_level"] == ["问题已提请市委常委会研究，没有更高的协调层级。"]


@pytest.mark.parametrize(
    ("to_level", "reason", "field", "message"),
    [
        (
            "executive_meeting",
            "跳级",
            "to_level",
            "问题须逐级提请：当前为“包抓领导协调”，下一级为“专题会议”，不能直接提请“政府常务会”。",
        ),
        ("lead_official", "原地", "to_level", "问题当前在“包抓领导协调”层级，只能向上提请，不能提请“包抓领导协调”。"),
        ("special_meeting", "  ", "reason", "提请上一级协调必须说明理由。"),
        ("nowhere", "理由", "to_level", "请选择有效的协调层级。"),
    ],
)
def test_refused_escalations_say_why_and_write_nothing(problems, admin, to_level, reason, field, message):
    problem = problems["p_a"]
    with pytest.raises(ValidationError) as error:
        services.problem_escalate(actor=admin, problem_id=problem.pk, to_level=to_level, reason=reason)
    assert error.value.message_dict[field] == [message]
    problem.refresh_from_db()
    assert problem.level == L.LEAD_OFFICIAL
    assert not Escalation.objects.exists()
    assert not ChangeRecord.objects.exists()


@pytest.mark.parametrize("status", [ProblemStatus.RESOLVED, ProblemStatus.CLOSED])
def test_a_solved_problem_is_not_escalated(problems, admin, status):
    problem = problems["p_a"]
    Problem.objects.filter(pk=problem.pk).update(status=status)
    with pytest.raises(ValidationError) as error:
        services.problem_escalate(actor=admin, problem_id=problem.pk, to_level=L.SPECIAL_MEETING, reason="x")
    assert "status" in error.value.message_dict


def test_who_may_escalate(problems, users, world):
    """Handlers: admin, county user (own county), the responsible department, the coordinating leader."""
    problem = problems["p_a"]
    for role in (Role.OWNER_REPORTER, Role.AUDITOR):
        with pytest.raises(PermissionDenied):
            services.problem_escalate(actor=users[role], problem_id=problem.pk, to_level="special_meeting", reason="x")
    with pytest.raises(PermissionDenied):
        services.problem_escalate(
            actor=users[Role.COUNTY_USER], problem_id=problems["p_b"].pk, to_level="special_meeting", reason="x"
        )
    services.problem_escalate(
        actor=users[Role.CITY_LEADER],
        problem_id=problem.pk,
        to_level="special_meeting",
        reason="需要规划、自然资源部门会商",
    )
    services.problem_escalate(
        actor=users[Role.DEPARTMENT_USER], problem_id=problem.pk, to_level="executive_meeting", reason="涉及资金"
    )
    problem.refresh_from_db()
    assert problem.level == L.EXECUTIVE_MEETING


@pytest.mark.parametrize(
    ("level", "limit"),
    [(L.LEAD_OFFICIAL, 15), (L.SPECIAL_MEETING, 30), (L.EXECUTIVE_MEETING, 30), (L.STANDING_COMMITTEE, 60)],
)
def test_overdue_at_each_level_after_its_time_limit(problems, admin, monkeypatch, level, limit):
    """Reached the level on TODAY: still in time on TODAY + limit, overdue the day after."""
    problem = problems["p_c"]
    ladder = list(L)
    for target in ladder[1 : ladder.index(level) + 1]:
        services.problem_escalate(actor=admin, problem_id=problem.pk, to_level=target, reason="协调未果")
    if level == L.LEAD_OFFICIAL:
        # Raised today through the service, so the limit starts today.
        problem = services.problem_raise(
            actor=admin,
            project_id=problem.project_id,
            fields={
                "problem_type": "funds",
                "description": "资本金未到位",
                "responsible_department": problem.responsible_department,
                "deadline": TODAY + days(365),
            },
        )
    Problem.objects.filter(pk=problem.pk).update(deadline=TODAY + days(365))
    last_day, first_late = TODAY + days(limit), TODAY + days(limit + 1)
    overdue_on = {day: set(Problem.objects.overdue(day).values_list("pk", flat=True)) for day in (last_day, first_late)}
    problem.refresh_from_db()
    assert problem.level == level
    assert problem.pk not in overdue_on[last_day]
    assert problem.pk in overdue_on[first_late]
    assert problem.is_overdue(last_day) is False
    assert problem.is_overdue(first_late) is True


def test_time_limits_are_configurable(problems, admin, settings):
    settings.PROBLEM_LEVEL_TIME_LIMITS = {"special_meeting": 7}
    services.problem_escalate(actor=admin, problem_id=problems["p_a"].pk, to_level="special_meeting", reason="x")
    assert Problem.objects.get(pk=problems["p_a"].pk).level_due_date == datetime.date(2026, 5, 27)


def test_past_its_own_deadline_is_overdue_whatever_the_level(problems):
    problem = problems["p_a"]
    Problem.objects.filter(pk=problem.pk).update(deadline=TODAY - days(1))
    assert list(Problem.objects.overdue(TODAY)) == [problem]
    Problem.objects.filter(pk=problem.pk).update(status=ProblemStatus.CANNOT_RESOLVE_NOW)
    assert list(Problem.objects.overdue(TODAY)) == []


def test_closing_needs_the_raisers_confirmation(problems, users, world):
    problem = problems["p_a"]  # raised by the owner unit's reporter
    dept, owner, admin = users[Role.DEPARTMENT_USER], users[Role.OWNER_REPORTER], users[Role.CITY_ADMIN]
    services.problem_action_add(actor=dept, problem_id=problem.pk, description="现场办公，落实补偿资金")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.IN_PROGRESS

    # Confirming before a solution is reported is refused.
    with pytest.raises(ValidationError):
        services.problem_confirm(actor=owner, problem_id=problem.pk)
    services.problem_resolve(actor=dept, problem_id=problem.pk, resolution="补偿款已发放，3 户已签约")
    problem.refresh_from_db()
    assert (problem.status, problem.resolved_on) == (ProblemStatus.RESOLVED, TODAY)

    # Nobody but the raiser closes it, not even the city administrator.
    for actor in (admin, dept, users[Role.CITY_LEADER]):
        with pytest.raises(PermissionDenied) as error:
            services.problem_confirm(actor=actor, problem_id=problem.pk)
        assert str(error.value) == "只有问题提出人可以确认销号。"

    # The raiser may send it back with a reason ...
    services.problem_reject_resolution(actor=owner, problem_id=problem.pk, reason="仍有 1 户未签约")
    problem.refresh_from_db()
    assert (problem.status, problem.resolved_on, problem.status_note) == (
        ProblemStatus.IN_PROGRESS,
        None,
        "仍有 1 户未签约",
    )
    # ... and closes it once satisfied. A closed problem is final.
    services.problem_resolve(actor=dept, problem_id=problem.pk, resolution="全部签约")
    services.problem_confirm(actor=owner, problem_id=problem.pk)
    problem.refresh_from_db()
    assert (problem.status, problem.closed_on) == (ProblemStatus.CLOSED, TODAY)
    with pytest.raises(ValidationError):
        services.problem_update(actor=admin, problem_id=problem.pk, fields={"description": "改"})
    with pytest.raises(ValidationError):
        services.problem_action_add(actor=admin, problem_id=problem.pk, description="再协调")

    statuses = [
        (r.before or {}).get("status", None) and r.after["status"]
        for r in ChangeRecord.objects.filter(content_type__model="problem").order_by("id")
    ]
    assert statuses == ["in_progress", "resolved", "in_progress", "resolved", "closed"]


def test_cannot_resolve_now_then_escalate(problems, users):
    problem = problems["p_a"]
    dept = users[Role.DEPARTMENT_USER]
    with pytest.raises(ValidationError) as error:
        services.problem_defer(actor=dept, problem_id=problem.pk, reason="")
    assert error.value.message_dict == {"reason": ["请说明暂不能解决的原因。"]}
    services.problem_defer(actor=dept, problem_id=problem.pk, reason="待国家用地指标下达")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CANNOT_RESOLVE_NOW
    assert not problem.is_overdue(TODAY + days(400))
    services.problem_escalate(actor=dept, problem_id=problem.pk, to_level="special_meeting", reason="需专题研究")
    problem.refresh_from_db()
    assert (problem.status, problem.level) == (ProblemStatus.IN_PROGRESS, L.SPECIAL_MEETING)
