"""Layout of the approval-item lists (审批待办, 超期事项) for the one list export
(apps/exports/lists.py)."""

from apps.exports.lists import PROJECT_COLUMNS, ListLayout, numbered, project_cells, yes_no
from apps.exports.writers import DATE, TEXT, Column


def _columns():
    return numbered(
        *PROJECT_COLUMNS,
        Column("审批事项", "item", TEXT, 24),
        Column("审批部门", "department", TEXT, 18),
        Column("状态", "status", TEXT, 10),
        Column("申报日期", "submitted_on", DATE, 12),
        Column("受理日期", "accepted_on", DATE, 12),
        Column("承诺办结日期", "due_date", DATE, 12),
        Column("办结日期", "decided_on", DATE, 12),
        Column("批复文号", "document_number", TEXT, 20),
        Column("经办人", "handler", TEXT, 10),
        Column("超期", "late", TEXT, 6),
    )


def _row(item):
    return {
        **project_cells(item.project),
        "item": item.item_type.name,
        "department": item.department.name if item.department_id else "",
        "status": item.get_status_display(),
        "submitted_on": item.submitted_on,
        "accepted_on": item.accepted_on,
        "due_date": item.due_date,
        "decided_on": item.decided_on,
        "document_number": item.document_number,
        "handler": item.handler,
        "late": yes_no(getattr(item, "late", 0)),
    }


WORKLIST = ListLayout("审批待办事项清单", _columns, _row)
OVERDUE = ListLayout("审批超期事项清单", _columns, _row)
ITEMS = ListLayout("审批事项清单", _columns, _row)
