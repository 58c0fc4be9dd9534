"""专项债券项目表 through the shared importer (apps/imports: reading, layout, preview, commit,
undo): one row per project, creating or updating its bond project record of the year.

Readings taken, shown in the preview: the year from the 申报年度 column, else the import's
parameter, else the title ("2026年……"); 建设期 "2026-03-01—2027-10-31" (months alone: the first
and the last day of the month); 运营期 "2027—2056"; 应付本息 from its column, else derived from
覆盖倍数 as (收入 − 成本) ÷ 覆盖倍数 (the preview shows the figure taken). A row whose record
was already submitted is an error (it changes only once returned); the import never submits.
"""

import calendar
import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.audit.services import change_records_write_bulk
from apps.core.querysets import pk_in
from apps.funding.models import funding_scope_q
from apps.funding.services import field_errors
from apps.imports import layout as L
from apps.imports.models import ImportKind
from apps.imports.preparation import (
    FIELD_LABELS,
    ImportRefused,
    Prepared,
    Reading,
    _data_rows,
    _prepare_rows,
    _projects_by_code_and_name,
    find_layouts,
    resolve_layouts,
    snapshot_without_m2m,
)
from apps.imports.records import record_entries, record_write
from apps.projects.models import Project

from .models import BondField, BondKind, BondProject, NegativeCategory
from .services import BOND_FIELDS, EDITABLE_STATUSES

MONEY = ("capital_excl_bonds", "bond_amount", "bonds_as_capital", "other_debt", "expected_income", "expected_cost")
TEXTS = ("revenue_source", "other_debt_source", "accounting_firm", "law_firm")
# Model fields read from another column of the sheet (errors name that column).
COLUMN_OF = {
    "construction_start": "construction_period",
    "construction_end": "construction_period",
    "operation_start_year": "operation_period",
    "operation_end_year": "operation_period",
    "field": "bond_field",
    "kind": "bond_kind",
    "year": "bond_year",
}
_DATE_RANGE = re.compile(
    r"^(\d{4})[-./年](\d{1,2})(?:[-./月](\d{1,2})日?)?月?[-~至到—–]+(\d{4})[-./年](\d{1,2})(?:[-./月](\d{1,2})日?)?月?$"
)
_YEAR_RANGE = re.compile(r"^(\d{4})年?[-~至到—–]+(\d{4})年?$")


def _register_labels() -> None:
    """The importer names a row's fields by FIELD_LABELS (errors and changes): the bond
    columns and fields are registered there under their model names, translated."""
    labels = {name: BondProject._meta.get_field(name).verbose_name for name in (*BOND_FIELDS, "year")}
    labels.update({column: labels[name] for name, column in COLUMN_OF.items()})
    labels["coverage"] = gettext_lazy("覆盖倍数")
    for key, label in labels.items():
        FIELD_LABELS.setdefault(key, label)


def _labels(enum) -> dict[str, str]:
    return {L.normalise(str(choice.label)): choice.value for choice in enum} | {
        choice.value: choice.value for choice in enum
    }


def _date_range(text: str) -> tuple[datetime.date, datetime.date]:
    match = _DATE_RANGE.match(L.normalise(text).replace("——", "-"))
    if not match:
        raise L.CellError(_("“%(value)s”不是有效的建设期（如 2026-03-01—2027-10-31）") % {"value": text[:40]})
    y1, m1, d1, y2, m2, d2 = match.groups()
    try:
        start = datetime.date(int(y1), int(m1), int(d1 or 1))
        end_day = int(d2) if d2 else calendar.monthrange(int(y2), int(m2))[1]
        end = datetime.date(int(y2), int(m2), end_day)
    except ValueError as error:
        raise L.CellError(_("建设期中的日期无效")) from error
    return start, end


def _year_range(text: str) -> tuple[int, int]:
    match = _YEAR_RANGE.match(L.normalise(text).replace("——", "-"))
    if not match:
        raise L.CellError(_("“%(value)s”不是有效的运营期（如 2027—2056）") % {"value": text[:40]})
    return int(match.group(1)), int(match.group(2))


def _year(reader, default: int | None) -> int | None:
    text = reader.text("bond_year")
    if text:
        match = re.match(r"^(\d{4})年?$", L.normalise(text))
        if not match:
            reader.error("bond_year", _("“%(value)s”不是有效的年份") % {"value": text[:10]})
            return None
        return int(match.group(1))
    return default


def prepare_bonds(workbook, *, actor, parameters: dict, progress=None) -> Prepared:
    _register_labels()
    warnings = list(workbook.warnings)
    reading = Reading()  # what the preview shows: unused columns, skipped rows, assumptions
    found = find_layouts(workbook, parameters=parameters)
    resolve_layouts(found, required={"name"}, reading=reading)
    rows = _data_rows(workbook, found, warnings, reading, parameters)
    layouts = [layout for _sheet, layout in found]
    if not any("bond_amount" in layout.columns for layout in layouts):
        raise ImportRefused(_("缺少“申请专项债总额”列，不是专项债券项目表。"))
    default_year = int(parameters["year"]) if parameters.get("year") else None
    if default_year is None:
        default_year = next((L.title_year(layout.title) for layout in layouts if L.title_year(layout.title)), None)
    project_q = funding_scope_q(actor, "change")
    projects = Project.objects.filter(project_q) if project_q is not None else Project.objects.none()
    codes = {L.normalise(row.values.get("project_code")) for _layout, row in rows} - {""}
    names = {L.cell_text(row.values.get("name")) for _layout, row in rows} - {""}
    by_code, named = _projects_by_code_and_name(projects.select_related("region"), codes, names)
    by_name: dict[str, list] = {}
    for project in named:
        by_name.setdefault(project.name, []).append(project)
    ids = {p.pk for p in by_code.values()} | {p.pk for p in named}
    existing = {(b.project_id, b.year, b.kind): b for b in BondProject.objects.filter(pk_in(ids, "project_id"))}
    seen: dict = {}
    outcomes, writes = _prepare_rows(
        rows,
        progress,
        lambda reader: _bond_row(
            reader, default_year=default_year, by_code=by_code, by_name=by_name, existing=existing, seen=seen
        ),
        clear_blanks=parameters.get("blanks") == "clear",
    )
    return Prepared(
        kind=ImportKind.BONDS,
        outcomes=outcomes,
        writes=writes,
        warnings=warnings,
        parameters={"year": default_year},
        reading=reading,
    )


def _find_project(reader, by_code, by_name):
    code = L.normalise(reader.text("project_code") or "")
    if code:
        project = by_code.get(code)
        if project is None:
            reader.error("project_code", _("没有找到项目代码为“%(code)s”的项目，或不在您的权限范围内") % {"code": code})
        return project
    name = reader.text("name") or ""
    matches = by_name.get(name, [])
    if not matches:
        reader.error("name", _("没有找到名为“%(name)s”的项目，或不在您的权限范围内") % {"name": name})
        return None
    if len(matches) > 1:
        reader.error("name", _("有多个同名项目，请填写项目代码以区分"))
        return None
    return matches[0]


def _bond_row(reader, *, default_year, by_code, by_name, existing, seen):
    outcome = reader.outcome
    project = _find_project(reader, by_code, by_name)
    year = _year(reader, default_year)
    if year is None and not outcome.errors:
        reader.error("bond_year", _("无法确定申报年度：请填写“申报年度”列，或在标题或导入参数中给出年份"))
    kind = reader.choice("bond_kind", _labels(BondKind)) or BondKind.SPECIAL
    if project is None or year is None or outcome.errors:
        return None
    key = (project.pk, year, kind)
    if key in seen:
        reader.error("name", _("与第 %(row)d 行是同一个项目") % {"row": seen[key]})
        return None
    seen[key] = reader.row.number
    fields: dict = {}
    for name in MONEY:
        value = reader.money(name)
        if value is not None:
            fields[name] = value
    total = reader.money("total_investment")
    if total is not None:
        fields["total_investment"] = total
    for name in TEXTS:
        value = reader.text(name)
        if value is not None:
            fields[name] = value
    field_value = reader.choice("bond_field", _labels(BondField))
    if field_value:
        fields["field"] = field_value
    negative = reader.choice("negative_category", _labels(NegativeCategory))
    if negative:
        fields["negative_category"] = negative
    construction = reader.read("construction_period", lambda raw: _date_range(L.cell_text(raw)) if raw else None)
    if construction:
        fields["construction_start"], fields["construction_end"] = construction
    operation = reader.read("operation_period", lambda raw: _year_range(L.cell_text(raw)) if raw else None)
    if operation:
        fields["operation_start_year"], fields["operation_end_year"] = operation
    debt_service = reader.money("debt_service")
    if debt_service is None:
        coverage = reader.read("coverage", lambda raw: L.cell_decimal(raw, places=4))
        income, cost = fields.get("expected_income"), fields.get("expected_cost")
        if coverage and income is not None and cost is not None:
            try:
                debt_service = ((income - cost) / coverage).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
            except InvalidOperation:
                debt_service = None
    if debt_service is not None:
        fields["debt_service"] = debt_service
    if outcome.errors:
        return None

    record = existing.get(key)
    if record is None:
        record = BondProject(project=project, year=year, kind=kind, total_investment=project.total_investment)
        before = None
    else:
        if record.status not in EDITABLE_STATUSES:
            reader.error("name", _("该项目的专项债券申报已提交，不能通过导入修改；退回后可修改"))
            return None
        before = snapshot_without_m2m(record)
        record = BondProject(**{f.attname: getattr(record, f.attname) for f in BondProject._meta.concrete_fields})
        record._state.adding = False
    for name, value in fields.items():
        setattr(record, name, value)
    for name, message in field_errors(record, exclude=("project",)).items():
        label = BondProject._meta.get_field(name).verbose_name
        reader.error(COLUMN_OF.get(name, name), f"{label}：{message}")
    if outcome.errors:
        return None
    return record_write(outcome, record, before, [*fields, "year"])


def write_bonds(*, actor, prepared: Prepared) -> None:
    created = [write.record for write in prepared.writes if write.record_before is None]
    updated = [write.record for write in prepared.writes if write.record_before is not None]
    BondProject.objects.bulk_create(created)
    for record in updated:
        record.version += 1
    if updated:
        BondProject.objects.bulk_update(updated, [*BOND_FIELDS, "version"], batch_size=1000)
    change_records_write_bulk(actor=actor, entries=record_entries(prepared.writes))
