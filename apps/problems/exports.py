"""Layouts of the problem, letter, meeting and supervised-action lists for the one list export
(apps/exports/lists.py): the columns the pages show, in Chinese (files are official documents)."""

from django.db.models import Count

from apps.exports.lists import PROJECT_COLUMNS, ListLayout, numbered, project_cells, yes_no
from apps.exports.writers import COUNT, DATE, TEXT, Column


def _problem_columns():
    return numbered(
        *PROJECT_COLUMNS,
        Column("问题类型", "type", TEXT, 12),
        Column("问题描述", "description", TEXT, 40),
        Column("协调层级", "level", TEXT, 12),
        Column("责任单位", "department", TEXT, 18),
        Column("责任人", "person", TEXT, 10),
        Column("协调领导", "leader", TEXT, 10),
        Column("提出日期", "raised_on", DATE, 12),
        Column("办结时限", "deadline", DATE, 12),
        Column("状态", "status", TEXT, 12),
        Column("逾期", "overdue", TEXT, 6),
    )


def _problem_row(problem):
    return {
        **project_cells(problem.project),
        "type": problem.get_problem_type_display(),
        "description": problem.description,
        "level": problem.get_level_display(),
        "department": problem.responsible_department.name if problem.responsible_department_id else "",
        "person": problem.responsible_person.name if problem.responsible_person_id else "",
        "leader": problem.coordinating_leader.name if problem.coordinating_leader_id else "",
        "raised_on": problem.raised_on,
        "deadline": problem.deadline,
        "status": problem.get_status_display(),
        "overdue": yes_no(problem.overdue),
    }


PROBLEMS = ListLayout("问题清单", _problem_columns, _problem_row)
LEADER_PROBLEMS = ListLayout("包抓领导协调问题清单", _problem_columns, _problem_row)


def _letter_columns():
    return numbered(
        Column("文号", "reference", TEXT, 22),
        Column("函件类型", "kind", TEXT, 10),
        Column("标题", "title", TEXT, 36),
        Column("主送单位", "addressee", TEXT, 18),
        Column("项目名称", "project", TEXT, 30),
        Column("发文日期", "issued_on", DATE, 12),
        Column("办理时限", "deadline", DATE, 12),
        Column("反馈日期", "responded_on", DATE, 12),
        Column("办理情况", "response", TEXT, 36),
    )


def _letter_row(letter):
    return {
        "reference": letter.reference,
        "kind": letter.get_kind_display(),
        "title": letter.title,
        "addressee": letter.addressee.name,
        "project": letter.problem.project.name,
        "issued_on": letter.issued_on,
        "deadline": letter.deadline,
        "responded_on": letter.responded_on,
        "response": letter.response,
    }


LETTERS = ListLayout("督办函件清单", _letter_columns, _letter_row)


def meetings_for_export(queryset):
    return queryset.select_related("region", "chair").annotate(
        n_problems=Count("problems", distinct=True),
        n_projects=Count("projects", distinct=True),
        n_decisions=Count("supervised_actions", distinct=True),
    )


def _meeting_columns():
    return numbered(
        Column("会议日期", "held_on", DATE, 12),
        Column("会议名称", "title", TEXT, 36),
        Column("会议类型", "kind", TEXT, 14),
        Column("主持人", "chair", TEXT, 10),
        Column("区划", "region", TEXT, 10),
        Column("会议地点", "location", TEXT, 16),
        Column("研究问题数", "n_problems", COUNT, 10, summed=True),
        Column("调度项目数", "n_projects", COUNT, 10, summed=True),
        Column("议定事项数", "n_decisions", COUNT, 10, summed=True),
    )


def _meeting_row(meeting):
    return {
        "held_on": meeting.held_on,
        "title": meeting.title,
        "kind": meeting.get_kind_display(),
        "chair": meeting.chair.name if meeting.chair_id else "",
        "region": meeting.region.name,
        "location": meeting.location,
        "n_problems": meeting.n_problems,
        "n_projects": meeting.n_projects,
        "n_decisions": meeting.n_decisions,
    }


MEETINGS = ListLayout("调度会议清单", _meeting_columns, _meeting_row)


def _action_columns():
    return numbered(
        Column("会议", "meeting", TEXT, 30),
        Column("会议日期", "held_on", DATE, 12),
        Column("议定事项", "decision", TEXT, 40),
        Column("责任单位", "owner", TEXT, 18),
        Column("责任人", "person", TEXT, 10),
        Column("完成时限", "deadline", DATE, 12),
        Column("状态", "status", TEXT, 12),
        Column("办理进展", "progress", TEXT, 36),
        Column("办结日期", "done_on", DATE, 12),
        Column("逾期", "overdue", TEXT, 6),
    )


def _action_row(item):
    return {
        "meeting": item.meeting.title if item.meeting_id else "",
        "held_on": item.meeting.held_on if item.meeting_id else None,
        "decision": item.decision,
        "owner": item.owner.name,
        "person": item.owner_person.name if item.owner_person_id else "",
        "deadline": item.deadline,
        "status": item.get_status_display(),
        "progress": item.progress,
        "done_on": item.done_on,
        "overdue": yes_no(item.overdue),
    }


ACTIONS = ListLayout("督办事项清单", _action_columns, _action_row)
