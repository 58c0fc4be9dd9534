"""资金到位情况表: the funding records of the list's scope and filters, one row per project and
year, the funds-arrived rows of the FAI form as columns (official order), with completed
investment, 资金偏离度 and the gap. Written by the one list export (apps/exports/lists.py)."""

from apps.exports.lists import ListLayout
from apps.exports.models import ExportKind
from apps.exports.writers import MONEY, SEQ, TEXT, Column

from . import selectors
from .models import FAI_ROWS


def funding_columns() -> list[Column]:
    arrived = "本年实际到位资金"
    columns = [
        Column("序号", "seq", SEQ, 6),
        Column("项目名称", "name", width=30),
        Column("项目代码", "project_code", width=24),
        Column("所在县区", "region", width=10),
        Column("年度", "year", width=8),
        Column("本年计划资金", "planned_total", MONEY, 13, summed=True),
    ]
    for row in FAI_ROWS:
        # "其中" rows are named as the form names them; the total keeps its own name.
        label = ("其中：" if row.parent not in (None, "total") else "") + str(row.label)
        columns.append(Column(label, f"arrived_{row.code}", MONEY, 12, group=arrived, summed=True))
    columns += [
        Column("月报到位资金", "reported_arrived", MONEY, 12, summed=True),
        Column("本年完成投资", "completed", MONEY, 12, summed=True),
        Column("资金偏离度（%）", "deviation", TEXT, 10),
        Column("偏离程度", "deviation_label", TEXT, 10),
        Column("资金缺口", "gap", MONEY, 12, summed=True),
        Column("是否已有安排", "gap_arranged", TEXT, 8),
        Column("安排说明", "gap_note", TEXT, 24),
        Column("PPP项目", "is_ppp", TEXT, 8),
        Column("REITs培育项目", "reits_candidate", TEXT, 8),
    ]
    return columns


def _row(record) -> dict:
    yes_no = {True: "是", False: "否"}
    arrival = selectors.arrival_row(record)
    row = {
        "name": record.project.name,
        "project_code": record.project.project_code or "",
        "region": record.project.region.name,
        "year": str(record.year),
        "planned_total": record.planned_total,
        "reported_arrived": arrival["reported_arrived"],
        "completed": arrival["completed"],
        "deviation": "" if arrival["deviation"] is None else str(arrival["deviation"]),
        "deviation_label": arrival["deviation_label"],
        "gap": record.gap,
        "gap_arranged": yes_no[record.gap_arranged] if record.gap else "",
        "gap_note": record.gap_note,
        "is_ppp": yes_no[record.is_ppp],
        "reits_candidate": yes_no[record.reits_candidate],
    }
    for fai in FAI_ROWS:
        row[f"arrived_{fai.code}"] = record.amount("arrived", fai.code)
    return row


FUNDING = ListLayout(
    title="资金到位情况表", columns=funding_columns, row=_row, kind=ExportKind.FUNDING, sheet_name="资金到位"
)
