"""A meeting's proposed agenda matches the data; decisions become supervised actions
tracked to closure; the pages and their query counts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.problems import selectors, services
from apps.problems.models import ActionStatus, EscalationLevel, MeetingKind, ProblemStatus
from tests import factories as f

from .conftest import TODAY, days
from .factories import LetterFactory, ProblemFactory, SupervisedActionFactory


@pytest.fixture
def admin(world):
    return world.users[Role.CITY_ADMIN]


@pytest.fixture
def town(world, admin):
    """Hand-made data for the agenda of meetings held on TODAY (2026-05-20) in the city.

    Problems (all in the city):
      lead_open    p_a, lead official rung, open, in time
      lead_late    p_b, lead official rung, past its level limit (overdue)
      special      p_c, special meeting rung, in progress, in time
      special_put  p_c, special meeting rung, cannot be resolved now
      special_done p_a, special meeting rung, resolved (not on any agenda)
      exec_late    p_b, executive rung, past its own deadline (overdue)
      elsewhere    a project of another city, special rung (outside the region)
    Projects: p_a started with a milestone overdue; p_b planned to start 2026-03-01 and not
    started (应开未开); p_c planned to start 2026-06-01 (not yet due), its milestone done late.
    Supervised action: one past its deadline, one done past its deadline (not overdue).
    Letters: one unanswered past its deadline, one answered late, one unanswered in time.
    """
    p_a, p_b, p_c = world.p_a, world.p_b, world.p_c
    p_a.stage, p_a.actual_start_date = "under_construction", datetime.date(2026, 3, 10)
    p_a.save()
    p_c.planned_start_date = datetime.date(2026, 6, 1)
    p_c.save()
    f.MilestoneFactory(project=p_a, name="主体完工", baseline_date=TODAY - days(1))
    f.MilestoneFactory(project=p_a, name="桩基完成", baseline_date=TODAY - days(30))
    f.MilestoneFactory(project=p_c, name="用地手续", baseline_date=TODAY - days(40), actual_date=TODAY - days(2))
    other_city = f.city("620100", "邻市")
    far = f.ProjectFactory(region=f.county(other_city, 2, "邻区"), name="邻市项目")

    def problem(project, level, **kw):
        return ProblemFactory(project=project, level=level, raised_by=admin, responsible_department=world.dept, **kw)

    lead = EscalationLevel.LEAD_OFFICIAL
    special = EscalationLevel.SPECIAL_MEETING
    t = {
        "lead_open": problem(p_a, lead),
        "lead_late": problem(p_b, lead, level_due_date=TODAY - days(1)),
        "special": problem(p_c, special, status=ProblemStatus.IN_PROGRESS),
        "special_put": problem(p_c, special, status=ProblemStatus.CANNOT_RESOLVE_NOW, level_due_date=TODAY - days(9)),
        "special_done": problem(p_a, special, status=ProblemStatus.RESOLVED, level_due_date=TODAY - days(9)),
        "exec_late": problem(p_b, EscalationLevel.EXECUTIVE_MEETING, deadline=TODAY - days(2)),
        "elsewhere": problem(far, special),
    }
    meeting = f_meeting(world, admin)
    t["action_late"] = SupervisedActionFactory(meeting=meeting, owner=world.dept, deadline=TODAY - days(1))
    t["action_done"] = SupervisedActionFactory(
        meeting=meeting, owner=world.dept, deadline=TODAY - days(5), status=ActionStatus.DONE
    )
    t["letter_late"] = LetterFactory(problem=t["lead_open"], deadline=TODAY - days(1), issued_on=TODAY - days(9))
    t["letter_answered"] = LetterFactory(
        problem=t["lead_open"], deadline=TODAY - days(3), issued_on=TODAY - days(9), responded_on=TODAY - days(1)
    )
    t["letter_waiting"] = LetterFactory(problem=t["special"], deadline=TODAY + days(3), issued_on=TODAY - days(1))
    t["meeting"] = meeting
    return t


def f_meeting(world, admin):
    from .factories import MeetingFactory

    return MeetingFactory(
        region=world.city, created_by=admin, kind=MeetingKind.MONTHLY_DISPATCH, held_on=TODAY - days(30)
    )


def pks(items):
    return [item.pk for item in items]


@pytest.mark.parametrize(
    ("kind", "rung_problems"),
    [
        (MeetingKind.MONTHLY_DISPATCH, ["lead_open", "lead_late"]),
        (MeetingKind.SPECIAL_MEETING, ["special", "special_put"]),
        (MeetingKind.EXECUTIVE_MEETING, ["exec_late"]),
        (MeetingKind.STANDING_COMMITTEE, []),
    ],
)
def test_proposed_agenda_matches_the_data(world, admin, town, kind, rung_problems):
    agenda = selectors.proposed_agenda(user=admin, kind=kind, region=world.city, on=TODAY)
    # Problems at the meeting's rung, oldest at the rung first (factory: all reached it on the same day).
    assert sorted(pks(agenda.problems)) == sorted(town[k].pk for k in rung_problems)
    # p_a: two milestones overdue; p_b: planned start 2026-03-01 passed, not started. p_c: nothing late.
    # Same planned start (2026-03-01): by id.
    assert [(p.name, p.overdue_milestones) for p in agenda.lagging_projects] == [("甲区快速路", 2), ("乙县水厂", 0)]
    assert sorted(pks(agenda.overdue_problems)) == sorted([town["lead_late"].pk, town["exec_late"].pk])
    assert pks(agenda.overdue_actions) == [town["action_late"].pk]
    assert pks(agenda.overdue_letters) == [town["letter_late"].pk]


def test_a_county_users_agenda_covers_only_its_county(world, town):
    county = world.users[Role.COUNTY_USER]
    agenda = selectors.proposed_agenda(user=county, kind=MeetingKind.MONTHLY_DISPATCH, region=world.county_a, on=TODAY)
    assert pks(agenda.problems) == [town["lead_open"].pk]
    assert [p.name for p in agenda.lagging_projects] == ["甲区快速路"]
    assert agenda.overdue_problems == []


def test_agenda_page_offers_the_agenda_and_saves_the_chosen_items(client, world, admin, town):
    client.force_login(admin)
    page = client.get(reverse("problems:meeting_create"), {"kind": "special_meeting", "held_on": "2026-05-20"})
    body = page.content.decode()
    assert page.status_code == 200
    assert f'name="problems" value="{town["special"].pk}"' in body
    assert f'name="problems" value="{town["lead_open"].pk}"' not in body
    response = client.post(
        reverse("problems:meeting_create"),
        {
            "save": "1",
            "kind": "special_meeting",
            "title": "乙县学校用地专题会议",
            "held_on": "2026-05-20",
            "problems": [town["special"].pk],
            "projects": [world.p_b.pk],
        },
    )
    assert response.status_code == 302
    meeting = world.p_b.meetings.get()
    assert list(meeting.problems.all()) == [town["special"]]
    assert ChangeRecord.objects.filter(content_type__model="meeting", object_id=meeting.pk, action="create").exists()


def test_decisions_become_tracked_actions_until_closed(world, admin, town):
    dept = world.users[Role.DEPARTMENT_USER]
    meeting = services.meeting_create(
        actor=admin,
        fields={"kind": "special_meeting", "title": "专题会议", "held_on": TODAY, "minutes": "研究乙县学校用地问题"},
        problems=[town["special"]],
    )
    with pytest.raises(ValidationError) as error:
        services.decision_record(
            actor=admin, meeting_id=meeting.pk, decision="", owner=world.owner, deadline=TODAY - days(1)
        )
    assert error.value.message_dict == {
        "decision": ["请填写议定事项。"],
        "owner": ["责任单位应为政府部门。"],
        "deadline": ["完成时限不能早于会议日期。"],
    }
    action = services.decision_record(
        actor=admin,
        meeting_id=meeting.pk,
        decision="市自然资源局 6 月 10 日前完成用地预审",
        owner=world.dept,
        deadline=TODAY + days(21),
        problems=[town["special"]],
    )
    # A decision about a problem is linked to the problem's project as well.
    assert (action.status, list(action.problems.all()), list(action.projects.all())) == (
        ActionStatus.OPEN,
        [town["special"]],
        [world.p_c],
    )
    assert list(selectors.department_queue(user=dept).actions) == [town["action_late"], action]
    with pytest.raises(PermissionDenied):
        services.supervised_action_report(actor=world.users[Role.OWNER_REPORTER], action_id=action.pk, progress="x")
    services.supervised_action_report(actor=dept, action_id=action.pk, progress="已上报省厅")
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    with pytest.raises(ValidationError):
        services.supervised_action_close(actor=admin, action_id=action.pk)  # not reported done yet
    services.supervised_action_report(actor=dept, action_id=action.pk, progress="预审已批复", done=True)
    with pytest.raises(PermissionDenied):
        services.supervised_action_close(actor=dept, action_id=action.pk)  # the owner does not close its own
    services.supervised_action_reopen(actor=admin, action_id=action.pk, reason="批复文件未上传")
    action.refresh_from_db()
    assert (action.status, action.done_on) == (ActionStatus.IN_PROGRESS, None)
    services.supervised_action_report(actor=dept, action_id=action.pk, progress="已上传", done=True)
    services.supervised_action_close(actor=admin, action_id=action.pk)
    action.refresh_from_db()
    assert (action.status, action.closed_on) == (ActionStatus.CLOSED, TODAY)
    statuses = [
        r.after["status"]
        for r in ChangeRecord.objects.filter(content_type__model="supervisedaction", object_id=action.pk).order_by("id")
    ]
    assert statuses == ["open", "in_progress", "done", "in_progress", "done", "closed"]
    assert all(
        r.project_id == world.p_c.pk
        for r in ChangeRecord.objects.filter(content_type__model="supervisedaction", object_id=action.pk)
    )


def test_figures_by_type_department_and_level(world, admin, town):
    """Counted by hand from `town` (the 'elsewhere' problem is another city's: the admin of
    this city does not see it). Resolved: special_done, raised 5 days ago, resolved today."""
    from apps.problems.models import Problem

    Problem.objects.filter(pk=town["special_done"].pk).update(resolved_on=TODAY)
    figures = selectors.problem_figures(user=admin)
    total = figures.total
    assert (total.total, total.open, total.overdue, total.resolved, total.cannot_resolve_now) == (6, 4, 2, 1, 1)
    assert total.average_days == 5
    levels = {row.key: (row.total, row.open, row.overdue) for row in figures.by_level}
    assert levels == {
        "lead_official": (2, 2, 1),
        "special_meeting": (3, 1, 0),
        "executive_meeting": (1, 1, 1),
        "standing_committee": (0, 0, 0),
    }
    assert [(row.label, row.total) for row in figures.by_department] == [("市交通运输局", 6)]
    assert {row.key: row.total for row in figures.by_type}["land"] == 6


def test_not_started_projects_with_their_problems(client, world, admin, town, settings):
    """p_b is the only key project planned to start by the period and not started; its
    unclosed problems are lead_late and exec_late."""
    f.AnnualPlanFactory(project=world.p_b, year=2026)
    f.AnnualPlanFactory(project=world.p_a, year=2026)
    rows = selectors.not_started_with_problems(user=admin, region=world.city, year=2026, month=4)
    assert [row["name"] for row in rows] == ["乙县水厂"]
    assert sorted(pks(rows[0]["open_problems"])) == sorted([town["lead_late"].pk, town["exec_late"].pk])
    client.force_login(admin)
    page = client.get(reverse("problems:not_started"), {"region": world.city.pk, "year": 2026, "month": 4})
    assert page.status_code == 200 and "乙县水厂" in page.content.decode()
    api = client.get("/api/v1/problems/not-started", {"region": world.city.pk, "year": 2026, "month": 4}).json()
    assert [row["project_id"] for row in api] == [world.p_b.pk]


PAGES = [
    ("problems:list", {}),
    ("problems:figures", {}),
    ("problems:letters", {}),
    ("problems:meetings", {}),
    ("problems:actions", {}),
    ("problems:meeting_create", {}),
]


@pytest.mark.parametrize(("name", "params"), PAGES)
def test_pages_cost_a_fixed_number_of_queries(client, world, admin, town, django_assert_max_num_queries, name, params):
    client.force_login(admin)
    client.get(reverse(name), params)  # warm caches (content types, sessions)
    for _ in range(20):
        extra = ProblemFactory(project=world.p_a, raised_by=admin, responsible_department=world.dept)
        LetterFactory(problem=extra)
        SupervisedActionFactory(meeting=town["meeting"], owner=world.dept)
    with django_assert_max_num_queries(16):
        response = client.get(reverse(name), params)
    assert response.status_code == 200


def test_detail_pages_cost_a_fixed_number_of_queries(client, world, admin, town, django_assert_max_num_queries):
    client.force_login(admin)
    problem = town["lead_open"]
    for n in range(10):
        services.problem_action_add(actor=admin, problem_id=problem.pk, description=f"措施{n}")
        LetterFactory(problem=problem)
    urls = [
        reverse("problems:detail", args=[problem.pk]),
        reverse("problems:timeline", args=[world.p_a.pk]),
        reverse("problems:meeting", args=[town["meeting"].pk]),
        "/api/v1/problems?limit=100",
        "/api/v1/supervised-actions?limit=100",
        "/api/v1/meetings/agenda?kind=monthly_dispatch",
    ]
    for url in urls:
        client.get(url)
        with django_assert_max_num_queries(22):
            assert client.get(url).status_code == 200


def test_leader_and_department_pages(client, world, town):
    leader, dept = world.users[Role.CITY_LEADER], world.users[Role.DEPARTMENT_USER]
    from apps.problems.models import Problem

    Problem.objects.filter(pk=town["lead_open"].pk).update(coordinating_leader=world.leader)
    client.force_login(leader)
    body = client.get(reverse("problems:leader")).content.decode()
    assert town["lead_open"].description in body
    api = client.get("/api/v1/problems/leader").json()
    assert [p["id"] for p in api["waiting"]] == [town["lead_open"].pk]
    # The leader leads p_a: its unclosed problems, the resolved one included.
    assert sorted(p["id"] for p in api["problems"]) == sorted([town["lead_open"].pk, town["special_done"].pk])
    assert client.get(reverse("problems:queue")).status_code == 403

    client.force_login(dept)
    queue = client.get("/api/v1/problems/queue").json()
    # Every unresolved problem the department is responsible for, on its projects or not
    # (p_c and the other city's project are not its projects).
    assert sorted(p["id"] for p in queue["problems"]) == sorted(
        town[k].pk for k in ("lead_open", "lead_late", "special", "special_put", "exec_late", "elsewhere")
    )
    assert sorted(letter["id"] for letter in queue["letters"]) == sorted(
        [town["letter_late"].pk, town["letter_waiting"].pk]
    )
    assert [a["id"] for a in queue["supervised_actions"]] == [town["action_late"].pk]
    assert client.get(reverse("problems:leader")).status_code == 403
    assert client.get(reverse("problems:queue")).status_code == 200


@pytest.mark.parametrize("role", [Role.CITY_ADMIN, Role.COUNTY_USER, Role.DEPARTMENT_USER])
def test_every_count_of_the_figures_opens_exactly_its_problems(client, world, town, role):
    """问题统计: the totals and every cell by type, level and department link to 问题清单
    filtered to the problems counted (the list's count equals the figure)."""
    from tests.drill import assert_counts_drill_down

    client.force_login(world.users[role])
    links = assert_counts_drill_down(client, reverse("problems:figures"), reverse("problems:list"), minimum=5)
    assert links >= 5 * (1 + len(selectors.problem_figures(user=world.users[role]).by_level))
