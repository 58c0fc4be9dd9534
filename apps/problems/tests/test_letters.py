"""Letters: numbered per issuer, year and kind without gaps (also under concurrent
creation), a Word document that python-docx reads back with the right fields, and the
response recorded against the deadline."""

import datetime
import io
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.problems import services
from apps.problems.models import Letter, LetterCounter
from tests import factories as f
from tests.factories import DepartmentFactory, ProjectFactory

from .conftest import TODAY, days
from .factories import ProblemFactory


def issue(actor, problem, kind="supervision", deadline=None, matter="请于限期内完成征收协议签订。"):
    return services.letter_issue(
        actor=actor, problem_id=problem.pk, kind=kind, matter=matter, deadline=deadline or TODAY + days(10)
    )


def test_numbers_run_per_kind_and_year(problems, users, monkeypatch):
    admin = users[Role.CITY_ADMIN]
    refs = [
        issue(admin, problems["p_a"], kind).reference
        for kind in ("supervision", "supervision", "assignment", "supervision", "reminder", "assignment")
    ]
    assert refs == [
        "示范市发改督〔2026〕1号",
        "示范市发改督〔2026〕2号",
        "示范市发改交〔2026〕1号",
        "示范市发改督〔2026〕3号",
        "示范市发改提〔2026〕1号",
        "示范市发改交〔2026〕2号",
    ]
    # A new year starts again at 1.
    next_year = datetime.date(2027, 1, 4)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: next_year)
    letter = issue(admin, problems["p_a"], deadline=next_year + days(5))
    assert (letter.year, letter.number, letter.reference) == (2027, 1, "示范市发改督〔2027〕1号")


def test_a_refused_letter_uses_no_number(problems, users):
    admin = users[Role.CITY_ADMIN]
    issue(admin, problems["p_a"])
    with pytest.raises(ValidationError) as error:
        issue(admin, problems["p_a"], matter="")
    assert error.value.message_dict == {"matter": ["请填写交办、提醒或督办的事项。"]}
    with pytest.raises(ValidationError):
        issue(admin, problems["p_a"], deadline=TODAY - days(1))
    assert issue(admin, problems["p_a"]).number == 2


def test_county_letters_have_their_own_series(problems, users, world):
    county_letter = issue(users[Role.COUNTY_USER], problems["p_a"])
    city_letter = issue(users[Role.CITY_ADMIN], problems["p_a"])
    assert county_letter.reference == "甲区发改督〔2026〕1号"
    assert city_letter.reference == "示范市发改督〔2026〕1号"


def test_only_issuers_handling_the_problem_write_letters(problems, users):
    for role in (Role.DEPARTMENT_USER, Role.CITY_LEADER, Role.OWNER_REPORTER, Role.AUDITOR):
        with pytest.raises(PermissionDenied):
            issue(users[role], problems["p_a"])
    with pytest.raises(PermissionDenied):
        issue(users[Role.COUNTY_USER], problems["p_b"])  # another county's project
    assert not Letter.objects.exists()


def test_the_docx_reads_back_with_the_official_fields(problems, users, world):
    from docx import Document

    letter = issue(users[Role.CITY_ADMIN], problems["p_a"], deadline=datetime.date(2026, 6, 5))
    stored = Letter.objects.get(pk=letter.pk)
    paragraphs = [p.text for p in Document(io.BytesIO(bytes(stored.document))).paragraphs]
    texts = [t for t in paragraphs if t]
    assert texts[0] == "示范市发展和改革委员会"
    assert texts[1] == "示范市发改督〔2026〕1号"
    assert texts[2] == "关于甲区快速路征地拆迁问题的督办函"
    assert texts[3] == "市交通运输局："
    assert texts[4] == "请于限期内完成征收协议签订。"
    assert texts[5] == "请于2026年6月5日前将办理情况书面反馈示范市发展和改革委员会。"
    assert texts[-2:] == ["示范市发展和改革委员会", "2026年5月20日"]
    # The shared 公文 layout: A4, 3号 仿宋 body, 2号 小标宋 title.
    from apps.documents.readback import open_docx, runs_of

    document = open_docx(bytes(stored.document))
    assert (round(document.sections[0].page_width.mm), round(document.sections[0].page_height.mm)) == (210, 297)
    title = next(p for p in document.paragraphs if p.text == "关于甲区快速路征地拆迁问题的督办函")
    assert (runs_of(document, title)[0].east_asian_font, runs_of(document, title)[0].size_pt) == ("方正小标宋简体", 22)
    matter = next(p for p in document.paragraphs if p.text == "请于限期内完成征收协议签订。")
    assert (runs_of(document, matter)[0].east_asian_font, runs_of(document, matter)[0].size_pt) == ("仿宋_GB2312", 16)
    record = ChangeRecord.objects.get(content_type__model="letter", object_id=letter.pk)
    assert record.project_id == world.p_a.pk
    assert record.after["reference"] == "示范市发改督〔2026〕1号"
    assert "document" not in record.after


def test_response_is_recorded_against_the_deadline(problems, users, world):
    letter = issue(users[Role.CITY_ADMIN], problems["p_a"], deadline=TODAY + days(3))
    dept = users[Role.DEPARTMENT_USER]
    with pytest.raises(PermissionDenied):
        services.letter_respond(actor=users[Role.OWNER_REPORTER], letter_id=letter.pk, response="已办")
    other = f.UserFactory(role=Role.DEPARTMENT_USER, organisation=world.other_dept)
    with pytest.raises(PermissionDenied):
        services.letter_respond(actor=other, letter_id=letter.pk, response="已办")
    with pytest.raises(ValidationError) as error:
        services.letter_respond(actor=dept, letter_id=letter.pk, response=" ")
    assert error.value.message_dict == {"response": ["请填写办理情况。"]}

    services.letter_respond(actor=dept, letter_id=letter.pk, response="已签约", responded_on=TODAY)
    letter.refresh_from_db()
    assert (letter.response, letter.responded_on, letter.responded_by, letter.answered_on_time) == (
        "已签约",
        TODAY,
        dept,
        True,
    )
    assert ChangeRecord.objects.filter(content_type__model="letter", action="update").count() == 1


def test_late_response_and_unanswered_overdue(problems, users, make_letter):
    late = make_letter(problem=problems["p_a"], deadline=TODAY - days(5), issued_on=TODAY - days(10))
    services.letter_respond(actor=users[Role.DEPARTMENT_USER], letter_id=late.pk, response="已办", responded_on=TODAY)
    late.refresh_from_db()
    assert late.answered_on_time is False
    waiting = make_letter(problem=problems["p_a"], deadline=TODAY - days(1), issued_on=TODAY - days(10))
    assert waiting.awaiting_overdue is True
    assert waiting.answered_on_time is None


THREADS = 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_letters_get_consecutive_numbers(world, users):
    """Eight threads, each in its own connection and transaction, issue a 督办函 at the
    same moment: the numbers are exactly 1..8, each once."""
    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite's in-memory test database is shared between threads through one cache that "
            "reports table locks instead of waiting; the counter lock is exercised on PostgreSQL."
        )

    admin = users[Role.CITY_ADMIN]
    # One problem per thread: issuing locks the problem too, which must not be what serialises them.
    department = DepartmentFactory()
    problems = [
        ProblemFactory(
            project=ProjectFactory(region=world.county_a), responsible_department=department, raised_by=admin
        )
        for _ in range(THREADS)
    ]
    barrier = threading.Barrier(THREADS)
    numbers, errors = [], []

    def work(problem):
        try:
            barrier.wait()
            letter = issue(admin, problem)
            numbers.append(letter.number)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(problem,)) for problem in problems]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, THREADS + 1))
    assert sorted(Letter.objects.values_list("number", flat=True)) == list(range(1, THREADS + 1))
    assert LetterCounter.objects.get().last_number == THREADS
