"""The meeting's agenda and minutes as Word files in the shared 公文 layout, scoped to the
user: a department sees the meeting of its city but only the problems it may see."""

from django.urls import reverse

from apps.accounts.models import Role
from apps.documents.readback import open_docx, runs_of

from .factories import SupervisedActionFactory


def _get(client, user, meeting, which):
    client.force_login(user)
    return client.get(reverse("problems:meeting_document", args=[meeting.pk, which]))


def test_agenda_lists_problems_and_projects(client, world, users, problems, city_meeting):
    city_meeting.problems.add(problems["p_a"], problems["p_c"])
    city_meeting.projects.add(world.p_a)
    city_meeting.location = "市政府三楼会议室"
    city_meeting.save()
    response = _get(client, users[Role.CITY_ADMIN], city_meeting, "agenda")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    document = open_docx(response.content)
    texts = [p.text for p in document.paragraphs]
    assert f"{city_meeting.title}议程" in texts
    assert "地点：市政府三楼会议室" in texts
    assert "一、研究协调问题" in texts and "二、调度重点项目" in texts
    items = [t for t in texts if t[:2] in ("1.", "2.")]
    assert len(items) == 2 and any(world.p_a.name in t and "征地" in t for t in items)
    assert [c.text for c in document.tables[0].rows[1].cells][:2] == ["1", world.p_a.name]
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.top_margin.mm), round(section.left_margin.mm)) == (210, 37, 28)
    heading = next(p for p in document.paragraphs if p.text == "一、研究协调问题")
    assert runs_of(document, heading)[0].east_asian_font == "黑体"


def test_minutes_carry_the_decisions_with_owner_and_deadline(client, world, users, problems, city_meeting):
    city_meeting.minutes = "会议听取了甲区快速路征地情况汇报。\n会议要求加快推进。"
    city_meeting.save()
    SupervisedActionFactory(meeting=city_meeting, decision="月底前完成征地", owner=world.dept)
    response = _get(client, users[Role.CITY_ADMIN], city_meeting, "minutes")
    document = open_docx(response.content)
    texts = [p.text for p in document.paragraphs]
    assert f"{city_meeting.title}纪要" in texts
    assert "会议听取了甲区快速路征地情况汇报。" in texts and "会议要求加快推进。" in texts
    decision = next(t for t in texts if t.startswith("1.月底前完成征地"))
    assert world.dept.name in decision and "2026年6月9日" in decision  # TODAY + 20 days
    assert "附件" in texts  # the 督办 list bound with the minutes
    assert [c.text for c in document.tables[0].rows[0].cells][:3] == ["序号", "议定事项", "责任单位"]


def test_minutes_without_decisions_say_so(client, users, city_meeting):
    texts = [
        p.text for p in open_docx(_get(client, users[Role.CITY_ADMIN], city_meeting, "minutes").content).paragraphs
    ]
    assert "本次会议无议定事项。" in texts and "（未填写）" in texts


def test_outside_scope_is_404(client, world, users):
    from .factories import MeetingFactory

    elsewhere = MeetingFactory(created_by=users[Role.CITY_ADMIN])  # a region outside the city
    assert _get(client, users[Role.COUNTY_USER], elsewhere, "agenda").status_code == 404
    assert _get(client, users[Role.OWNER_REPORTER], elsewhere, "minutes").status_code == 404
