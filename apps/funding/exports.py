"""资金到位情况表: the funding records of the list's scope and filters, one row per project and
year, the funds-arrived rows of the FAI form as columns (official order), with completed
investment, 资金偏离度 and the gap. Written by the shared export writers (apps/exports)."""

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.exports.models import ExportFormat, ExportKind
from apps.exports.selectors import file_name, stamp
from apps.exports.services import export_create
from apps.exports.writers import MONEY, SEQ, TEXT, Column, Table

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


def _rows(records):
    yes_no = {True: "是", False: "否"}
    for record in records:
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
        yield row


def list_export(*, actor, params, kind, filterset, prepare, title: str, sheet_name: str, columns, rows):
    """Write a FilterSet's rows (the actor's scope) as the official table, .xlsx or .csv (`format`);
    the funding and the bond lists share it."""
    file_format = params.get("format") or ExportFormat.XLSX
    if file_format not in ExportFormat.values:
        raise ValidationError({"format": [_("导出格式应为 xlsx 或 csv。")]})
    with translation.override("zh-hans"):
        filters = filterset(user=actor, params=params)
        if not filters.is_valid():
            raise ValidationError({field: list(messages) for field, messages in filters.errors.items()})
        table = Table(
            title=title,
            sheet_name=sheet_name,
            columns=columns(),
            rows=rows(prepare(filters.qs).iterator(chunk_size=1000)),
            exported_at=timezone.localtime(),
        )
        return export_create(
            actor=actor,
            kind=kind,
            file_format=file_format,
            table=table,
            file_name=file_name(title, stamp(), extension=file_format),
            filters=params,
        )


def funding_export(*, actor, params):
    return list_export(
        actor=actor,
        params=params,
        kind=ExportKind.FUNDING,
        filterset=selectors.record_filterset,
        prepare=selectors.with_record_figures,
        title="资金到位情况表",
        sheet_name="资金到位",
        columns=funding_columns,
        rows=_rows,
    )
