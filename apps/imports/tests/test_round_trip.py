"""Export then import: the official sheets KeyProjects writes come back without changes,
and a filled-in template imports without any edit to its columns."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import python_calamine
from django.http import QueryDict

from apps.accounts.models import Role
from apps.exports.services import progress_export, project_list_export, template_export
from apps.imports.models import BatchStatus, ImportKind
from apps.imports.services import import_batch_commit, import_batch_create, import_batch_preview
from apps.projects.models import AnnualPlan, DatePrecision, Project
from apps.reporting.models import MonthlyReport, ReportingPeriod, ReportStatus
from tests import factories as f

from .workbooks import rewrite_zip


def _content(export) -> bytes:
    with export.file as handle:
        return handle.read()


def _preview(user, kind, content, **parameters):
    batch = import_batch_create(actor=user, kind=kind, file_name="round.xlsx", content=content, parameters=parameters)
    return import_batch_preview(batch_id=batch.pk)


def test_project_list_export_imports_back_unchanged(world):
    admin = world.users[Role.CITY_ADMIN]
    for project in (world.p_a, world.p_b, world.p_c):
        AnnualPlan.objects.create(project=project, year=2026, planned_investment=Decimal("2500.5"))
    for group in ("category", "county", ""):
        content = _content(project_list_export(actor=admin, params=QueryDict(f"format=xlsx&year=2026&group={group}")))
        batch = _preview(admin, ImportKind.PLAN, content)
        # Nothing to change: the batch ends as 无变化 (no commit, nothing to undo).
        assert batch.status == BatchStatus.NO_CHANGE, (batch.message, batch.preview[:2])
        assert (batch.rows_total, batch.rows_unchanged, batch.rows_new, batch.rows_changed) == (3, 3, 0, 0), group
        assert batch.warnings == []  # the export's own subtotals and totals add up


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
@pytest.mark.parametrize(
    ("field", "precision", "written"),
    [
        ("planned_start", DatePrecision.DAY, datetime.date(2026, 3, 1)),
        ("planned_start", DatePrecision.MONTH, "2026年3月"),
        ("planned_end", DatePrecision.MONTH, "2026年3月"),
        ("actual_start", DatePrecision.MONTH, "2026年3月"),
        ("planned_start", DatePrecision.YEAR, "2026年"),
        ("planned_end", DatePrecision.YEAR, "2026年"),
        ("actual_start", DatePrecision.BEFORE, "2026年底前"),
    ],
)
def test_project_list_dates_keep_their_precision_through_export_and_import(
    world, field, precision, written, file_format
):
    """A month-only, year-only or "not later than" date is exported as the text the importer
    reads with that precision, so the file comes back as 无变化 (not as a change to 03-31 or
    12-31 with 日)."""
    admin = world.users[Role.CITY_ADMIN]
    # Each stored as the last day its precision allows (models.DatePrecision).
    day = {
        DatePrecision.DAY: datetime.date(2026, 3, 1),
        DatePrecision.MONTH: datetime.date(2026, 3, 31),
    }.get(precision, datetime.date(2026, 12, 31))
    Project.objects.filter(pk=world.p_a.pk).update(**{f"{field}_date": day, f"{field}_precision": precision})
    export = project_list_export(actor=admin, params=QueryDict(f"format={file_format}&year=2026"))
    content = _content(export)
    if file_format == "xlsx":
        rows = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    else:
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    label = {"planned_start": "计划开工日期", "planned_end": "计划竣工日期", "actual_start": "实际开工日期"}[field]
    header = next(row for row in rows if label in row)
    row = next(row for row in rows if world.p_a.name in row)
    cell = row[header.index(label)]
    assert (cell.isoformat() if isinstance(cell, datetime.date) else str(cell)[:10]) == str(written)

    batch = import_batch_create(
        actor=admin, kind=ImportKind.PLAN, file_name=f"round.{file_format}", content=content, parameters={}
    )
    batch = import_batch_preview(batch_id=batch.pk)
    assert batch.status == BatchStatus.NO_CHANGE, (batch.message, batch.preview[:2])

    # The same project with the date made exact: the preview shows the change of precision.
    Project.objects.filter(pk=world.p_a.pk).update(**{f"{field}_precision": DatePrecision.DAY, f"{field}_date": day})
    if precision != DatePrecision.DAY:
        batch = import_batch_preview(
            batch_id=import_batch_create(
                actor=admin, kind=ImportKind.PLAN, file_name=f"r.{file_format}", content=content, parameters={}
            ).pk
        )
        assert batch.status == BatchStatus.PREVIEWED
        changed = next(row for row in batch.preview if row["changes"])
        assert changed["changes"] == {label: [day.isoformat(), written]}
        import_batch_commit(actor=admin, batch_id=batch.pk)
        world.p_a.refresh_from_db()
        assert getattr(world.p_a, f"{field}_precision") == precision


def test_progress_table_export_imports_back_unchanged(world):
    admin = world.users[Role.CITY_ADMIN]
    ReportingPeriod.objects.create(year=2026, month=10, deadline=datetime.date(2026, 10, 25))
    f.MonthlyReportFactory(
        project=world.p_a, year=2026, month=9, completed_investment=Decimal("300"), status=ReportStatus.VERIFIED
    )
    f.MonthlyReportFactory(
        project=world.p_a, year=2026, month=10, completed_investment=Decimal("120"), status=ReportStatus.SUBMITTED
    )
    f.MonthlyReportFactory(
        project=world.p_b, year=2026, month=9, completed_investment=Decimal("80"), status=ReportStatus.VERIFIED
    )
    content = _content(progress_export(actor=admin, params=QueryDict("format=xlsx&year=2026&month=10&group=county")))
    batch = _preview(admin, ImportKind.PROGRESS, content)
    assert batch.status == BatchStatus.NO_CHANGE, (batch.message, batch.preview[:2])
    # p_a's October report is there already; p_b and p_c have not reported October.
    assert (batch.rows_new, batch.rows_changed, batch.rows_unchanged) == (0, 0, 3)


def test_filled_template_imports_without_edits_to_the_mapping(world):
    owner = world.users[Role.OWNER_REPORTER]
    ReportingPeriod.objects.create(year=2026, month=10, deadline=datetime.date(2026, 10, 25))
    content = _content(template_export(actor=owner, params=QueryDict("year=2026&month=10")))

    # The reporter types 本月完成 and 形象进度 into the unlocked cells of their project's row.
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    header_row = next(i for i, r in enumerate(sheet) if "本月完成" in r)
    header = sheet[header_row]
    data_row = next(i for i, r in enumerate(sheet) if world.p_a.name in r)
    cell = f"{chr(65 + header.index('本月完成'))}{data_row + 1}"
    progress_cell = f"{chr(65 + header.index('形象进度'))}{data_row + 1}"

    def type_in(name, data):
        if name != "xl/worksheets/sheet1.xml":
            return data
        text = data.decode("utf-8")
        for ref, value in ((cell, "<v>450</v>"), (progress_cell, "<is><t>桥梁主体完工</t></is>")):
            start = text.index(f'<c r="{ref}"')
            end = text.index(">", start)
            self_closing = text[end - 1] == "/"
            close = end + 1 if self_closing else text.index("</c>", start) + 4
            kind = ' t="inlineStr"' if value.startswith("<is>") else ""
            style = text[start:end].split(" s=")[1].split('"')[1] if " s=" in text[start:end] else None
            style_attr = f' s="{style}"' if style else ""
            text = text[:start] + f'<c r="{ref}"{style_attr}{kind}>{value}</c>' + text[close:]
        return text.encode("utf-8")

    filled = rewrite_zip(content, type_in)
    batch = _preview(owner, ImportKind.PROGRESS, filled)
    assert batch.status == BatchStatus.PREVIEWED, (batch.message, batch.preview[:2])
    assert batch.rows_new == 1
    import_batch_commit(actor=owner, batch_id=batch.pk)
    report = MonthlyReport.objects.get(project=world.p_a, year=2026, month=10)
    assert (report.completed_investment, report.physical_progress) == (Decimal("450"), "桥梁主体完工")
