"""The Word files of a meeting: its agenda (会议议程) before, its minutes (会议纪要) with the
decisions (议定事项) after, both made by the shared 公文 machinery (apps.documents). The
problems, projects and decisions are those the acting user may see."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from apps.documents.gbt9704 import DOCX_CONTENT_TYPE, OfficialDocument, chinese_date


def _facts(document: OfficialDocument, meeting) -> None:
    document.paragraph(_("时间：%(day)s") % {"day": chinese_date(meeting.held_on)})
    if meeting.location:
        document.paragraph(_("地点：%(place)s") % {"place": meeting.location})
    if meeting.chair:
        document.paragraph(_("主持：%(chair)s") % {"chair": f"{meeting.chair.position}{meeting.chair.name}"})
    if meeting.attendees:
        document.paragraph(_("参会人员：%(who)s") % {"who": "、".join(meeting.attendees.split())})


def meeting_agenda_docx(meeting, *, problems, projects) -> bytes:
    """议程: the facts, then one item per problem to study and the projects to dispatch."""
    document = OfficialDocument(title=_("%(title)s议程") % {"title": meeting.title}, created=meeting.held_on)
    _facts(document, meeting)
    item = 0
    if problems:
        document.numbered_heading(_("研究协调问题"), 1)
        for problem in problems:
            item += 1
            document.paragraph(
                f"{item}."
                + _("%(project)s：%(type)s。%(description)s")
                % {
                    "project": problem.project.name,
                    "type": problem.get_problem_type_display(),
                    "description": problem.description,
                }
            )
    if projects:
        document.numbered_heading(_("调度重点项目"), 1)
        rows = [
            [index, project.name, project.region.name, project.lead_official.name if project.lead_official else "—"]
            for index, project in enumerate(projects, start=1)
        ]
        document.table([_("序号"), _("项目名称"), _("所在县区"), _("包抓领导")], rows)
    if not problems and not projects:
        document.paragraph(_("本次会议无待研究的问题和调度项目。"))
    return document.to_bytes()


def meeting_minutes_docx(meeting, *, problems, actions) -> bytes:
    """纪要: the facts, what the meeting studied, the minutes text, then the decisions with
    their responsible unit and deadline (each a supervised action), in a table as attachment."""
    document = OfficialDocument(title=_("%(title)s纪要") % {"title": meeting.title}, created=meeting.held_on)
    _facts(document, meeting)
    if problems:
        document.numbered_heading(_("研究的问题"), 1)
        for index, problem in enumerate(problems, start=1):
            document.paragraph(
                f"{index}."
                + _("%(project)s：%(description)s")
                % {"project": problem.project.name, "description": problem.description}
            )
    document.numbered_heading(_("会议纪要"), 1)
    for line in [line.strip() for line in (meeting.minutes or "").splitlines() if line.strip()] or [_("（未填写）")]:
        document.paragraph(line)
    document.numbered_heading(_("议定事项"), 1)
    if actions:
        for index, action in enumerate(actions, start=1):
            owner = action.owner.name + (f"（{action.owner_person.name}）" if action.owner_person else "")
            document.paragraph(
                f"{index}."
                + _("%(decision)s（责任单位：%(owner)s；完成时限：%(deadline)s）")
                % {"decision": action.decision, "owner": owner, "deadline": chinese_date(action.deadline)}
            )
        document.attachment_notes([_("议定事项督办清单")])
        document.attachment(
            _("议定事项督办清单"),
            [_("序号"), _("议定事项"), _("责任单位"), _("责任人"), _("完成时限"), _("状态")],
            [
                [
                    index,
                    action.decision,
                    action.owner.name,
                    action.owner_person.name if action.owner_person else "—",
                    chinese_date(action.deadline),
                    action.get_status_display(),
                ]
                for index, action in enumerate(actions, start=1)
            ],
        )
    else:
        document.paragraph(_("本次会议无议定事项。"))
    return document.to_bytes()


def docx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
