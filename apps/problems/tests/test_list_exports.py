"""Problems, the leader's page, letters, meetings and supervised actions export as .xlsx/.csv
through the one list export: the rows are exactly the list's (its filters, the user's scope),
nothing outside the scope appears, and each export is recorded."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from apps.accounts.models import Role
from apps.exports.models import ExportKind, ExportRecord
from apps.exports.tests.sheets import body, csv_rows, rows
from apps.problems import selectors
from apps.problems.models import Letter, Meeting, Problem, ProblemStatus, SupervisedAction

from .factories import LetterFactory, MeetingFactory, SupervisedActionFactory


def data_rows(content: bytes) -> list[list]:
    """The numbered rows (序号 1, 2, …): no title, header or 合计 row."""
    return [row for row in rows(content) if isinstance(row[0], int | float) and row[0] >= 1]


def exported(client, url: str, query: str = "") -> list[list]:
    response = client.get(reverse(url, args=["xlsx"]) + query)
    assert response.status_code == 200, response.status_code
    return data_rows(body(response))


@pytest.fixture
def everything(world, problems):
    admin = world.users[Role.CITY_ADMIN]
    problems["p_b"].status = ProblemStatus.IN_PROGRESS
    problems["p_b"].save()
    for problem in problems.values():
        LetterFactory(problem=problem, title=f"关于{problem.project.name}的督办函")
    city_meeting = MeetingFactory(region=world.city, created_by=admin, title="市级调度会")
    county_meeting = MeetingFactory(region=world.county_b, created_by=admin, title="乙县调度会")
    SupervisedActionFactory(meeting=city_meeting, owner=world.dept, decision="交通局落实征地")
    SupervisedActionFactory(meeting=county_meeting, owner=world.other_owner, decision="乙县建设公司开工")
    return problems


# (list URL name, export URL name, the user's rows as the page selects them, column of the key, key of an object)
CASES = {
    "problems": (
        "problems:export",
        lambda user, params: selectors.problem_filterset(user=user, params=params).qs,
        5,
        lambda problem: problem.description,
    ),
    "letters": (
        "problems:letters_export",
        lambda user, params: selectors.letter_filterset(user=user, params=params).qs,
        3,
        lambda letter: letter.title,
    ),
    "meetings": (
        "problems:meetings_export",
        lambda user, params: selectors.meeting_queryset(user=user),
        2,
        lambda meeting: meeting.title,
    ),
    "actions": (
        "problems:actions_export",
        lambda user, params: selectors.supervised_action_filterset(user=user, params=params).qs,
        3,
        lambda item: item.decision,
    ),
}
MODELS = {"problems": Problem, "letters": Letter, "meetings": Meeting, "actions": SupervisedAction}


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("role", [Role.CITY_ADMIN, Role.COUNTY_USER, Role.DEPARTMENT_USER])
def test_each_list_exports_exactly_its_scoped_rows(client, world, everything, name, role):
    url, selected, column, key = CASES[name]
    user = world.users[role]
    client.force_login(user)
    expected = [key(item) for item in selected(user, QueryDict())]
    got = [row[column] for row in exported(client, url)]
    assert sorted(got) == sorted(expected) and expected
    outside = [key(item) for item in MODELS[name].objects.all() if key(item) not in expected]
    assert not set(outside) & set(got)
    # The scoped roles do not see everything: the test would pass a scope-blind export otherwise.
    assert outside or role == Role.CITY_ADMIN
    record = ExportRecord.objects.latest("id")
    assert record.kind == ExportKind.LIST and record.row_count == len(expected) and record.user == user


def test_a_county_user_sees_neither_the_other_county_nor_the_city_wide_rows(client, world, everything):
    client.force_login(world.users[Role.COUNTY_USER])
    descriptions = [row[5] for row in exported(client, "problems:export")]
    assert descriptions == [everything["p_a"].description]
    assert "乙县调度会" not in [row[2] for row in exported(client, "problems:meetings_export")]


def test_the_export_follows_the_list_filters(client, world, everything):
    client.force_login(world.users[Role.CITY_ADMIN])
    got = exported(client, "problems:export", "?status=in_progress&page=2")
    assert [row[5] for row in got] == [everything["p_b"].description]
    assert ExportRecord.objects.latest("id").filters == {"status": "in_progress", "format": "xlsx"}
    meeting = Meeting.objects.get(title="市级调度会")
    decisions = exported(client, "problems:actions_export", f"?meeting={meeting.pk}")
    assert [row[3] for row in decisions] == ["交通局落实征地"]


def test_the_leaders_page_exports_the_leaders_problems_only(client, world, everything):
    client.force_login(world.users[Role.CITY_LEADER])
    got = exported(client, "problems:leader_export")
    assert [row[5] for row in got] == [everything["p_a"].description]
    client.force_login(world.users[Role.COUNTY_USER])
    assert client.get(reverse("problems:leader_export", args=["xlsx"])).status_code == 403


def test_csv_unknown_formats_and_the_page_links(client, world, everything):
    client.force_login(world.users[Role.CITY_ADMIN])
    lines = csv_rows(body(client.get(reverse("problems:letters_export", args=["csv"]))))
    assert "文号" in lines[0] and len(lines) == 1 + Letter.objects.count()
    assert client.get(reverse("problems:export", args=["pdf"])).status_code == 404
    for page, export in [
        ("problems:list", "problems:export"),
        ("problems:letters", "problems:letters_export"),
        ("problems:meetings", "problems:meetings_export"),
        ("problems:actions", "problems:actions_export"),
    ]:
        html = client.get(reverse(page) + "?page=1").content.decode()
        assert reverse(export, args=["xlsx"]) in html and "data-print" in html
