"""From a read workbook to what an import would do, row by row, without writing anything.

`prepare_import` finds the table in each sheet, reads every data row into field values,
matches it to an existing object (project code, else name within region), validates it
with the models' own rules, and classifies it: new / changed (with the field differences)
/ unchanged / error (sheet, row, column, Chinese message). The services commit the
result; a preview is the same result shown instead of written.
"""

import datetime
import functools
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Role, User
from apps.audit.services import snapshot
from apps.core.bulk import new_instance
from apps.core.money import decimal_str
from apps.core.querysets import pk_in, text_in
from apps.core.text import name_problem
from apps.projects.models import (
    AnnualPlan,
    Category,
    DatePrecision,
    InvestorType,
    Level,
    Project,
    Stage,
    precision_display,
    validate_project_code,
)
from apps.regions.models import Organisation, OrganisationKind, Person, Region
from apps.reporting.models import MonthlyReport, PeriodStatus, ReportingPeriod, ReportStatus
from apps.reporting.selectors import COUNTED

from . import layout as L
from .models import ImportKind
from .reading import Workbook, control_character

Progress = Callable[[int, int], None]

MONEY_LIMIT = Decimal(10) ** (settings.MONEY_MAX_DIGITS - settings.MONEY_DECIMAL_PLACES)

NEW, CHANGED, UNCHANGED, ERROR = "new", "changed", "unchanged", "error"


def _choices(enum, extra: dict[str, str]) -> dict[str, str]:
    mapping = {L.normalise(label): value for value, label in enum.choices}
    mapping.update({L.normalise(value): value for value in enum.values})
    mapping.update({L.normalise(key): value for key, value in extra.items()})
    return mapping


LEVELS = _choices(
    Level, {"省级": "provincial", "省重点": "provincial", "市级": "municipal", "市重点": "municipal", "县级": "county"}
)
CATEGORIES = _choices(
    Category,
    {
        "基础设施项目": "infrastructure",
        "产业项目": "industry",
        "工业": "industry",
        "社会民生项目": "social",
        "社会事业": "social",
        "民生": "social",
        "城镇化": "urbanisation",
        "新型城镇化项目": "urbanisation",
        "生态": "ecology",
        "生态环保项目": "ecology",
    },
)
INVESTOR_TYPES = _choices(
    InvestorType,
    {"政府": "government", "企业": "enterprise", "国有企业": "enterprise", "民间": "private", "民营": "private"},
)
# 建设性质: how plan sheets say the stage. 新开工 is resolved by whether it has started.
STAGES = _choices(
    Stage,
    {
        "谋划": "reserve",
        "前期工作": "preliminary",
        "前期": "preliminary",
        "续建": "under_construction",
        "建成投产": "completed",
        "建成": "completed",
        "新开工": "new_start",
        "计划新开工": "new_start",
    },
)
# Group rows name a category or a county; keywords → category.
GROUP_CATEGORY_WORDS = (
    ("基础设施", "infrastructure"),
    ("产业", "industry"),
    ("工业", "industry"),
    ("社会", "social"),
    ("民生", "social"),
    ("城镇化", "urbanisation"),
    ("生态", "ecology"),
)

FIELD_LABELS = {
    "name": gettext_lazy("项目名称"),
    "project_code": gettext_lazy("项目代码"),
    "region": gettext_lazy("所在县区"),
    "location": gettext_lazy("建设地点"),
    "level": gettext_lazy("项目级别"),
    "category": gettext_lazy("项目类别"),
    "investor_type": gettext_lazy("投资主体"),
    "stage": gettext_lazy("项目阶段"),
    "scope": gettext_lazy("建设内容及规模"),
    "total_investment": gettext_lazy("总投资"),
    "planned_start_date": gettext_lazy("计划开工日期"),
    "planned_end_date": gettext_lazy("计划竣工日期"),
    "actual_start_date": gettext_lazy("实际开工日期"),
    "actual_end_date": gettext_lazy("实际竣工日期"),
    "lead_official": gettext_lazy("包抓领导"),
    "lead_department": gettext_lazy("牵头单位"),
    "owner_unit": gettext_lazy("建设单位"),
    "partner_units": gettext_lazy("协作单位"),
    "planned_investment": gettext_lazy("年度计划投资"),
    "goal": gettext_lazy("年度建设目标"),
    "completed_investment": gettext_lazy("本月完成"),
    "funds_arrived": gettext_lazy("本月到位资金"),
    "completed_ytd": gettext_lazy("1-X月完成投资"),
    "physical_progress": gettext_lazy("形象进度"),
    "percent_complete": gettext_lazy("完成比例"),
    "problems": gettext_lazy("存在问题"),
    "next_steps": gettext_lazy("下步措施"),
    "notes": gettext_lazy("质量、安全、进度情况"),
    "period": gettext_lazy("建设起止年限"),
}
TEXT_LIMITS = {"name": 200, "location": 200}
# What a name column names, for its error message (translated only when an error is shown).
WHAT_REGION, WHAT_UNIT = gettext_lazy("县区"), gettext_lazy("单位")
WHAT_LEADER, WHAT_DEPARTMENT = gettext_lazy("市级领导"), gettext_lazy("部门")


@dataclass
class RowError:
    column: str
    field: str
    message: str


@dataclass
class RowOutcome:
    sheet: str
    row: int  # as Excel numbers it
    label: str
    status: str = NEW
    changes: dict = field(default_factory=dict)  # field → [before, after] as display text
    errors: list[RowError] = field(default_factory=list)
    # A new row's values, rendered only when the row is shown (a 50,000-row file shows 2,000).
    show_new: Callable[[], dict] | None = None

    def as_json(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "label": self.label,
            "status": self.status,
            "changes": self.show_new() if self.show_new is not None and not self.changes else self.changes,
            "errors": [vars(error) for error in self.errors],
        }


@dataclass
class PlanWrite:
    """One row's effect on the database (the commit carries it out)."""

    outcome: RowOutcome
    project: Project | None = None
    project_before: dict | None = None
    project_after: dict | None = None  # the snapshot as the change record will show it
    partner_ids: list[int] | None = None
    plan: AnnualPlan | None = None
    plan_before: dict | None = None
    report: MonthlyReport | None = None
    report_before: dict | None = None
    record: object = None  # another kind's row (apps/bonds/imports.py)
    record_before: dict | None = None


@dataclass
class Prepared:
    kind: str
    outcomes: list[RowOutcome]
    writes: list[PlanWrite]
    warnings: list[str]
    parameters: dict
    reading: "Reading"

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)


class ImportRefused(Exception):
    """The file as a whole cannot be imported (no table, wrong kind, closed period)."""


# --- reading rows ----------------------------------------------------------------


@dataclass
class Reading:
    """How the file was read, for the person who confirms it: every column not used, every
    row skipped and why, every assumption taken, and the values that need a confirmation."""

    unused_columns: list[dict] = field(default_factory=list)
    skipped_rows: list[dict] = field(default_factory=list)
    skipped_count: int = 0
    assumptions: list[str] = field(default_factory=list)
    confirmations: list[str] = field(default_factory=list)

    def skip(self, sheet: str, number: int, reason: str, text: str = "") -> None:
        self.skipped_count += 1
        last = self.skipped_rows[-1] if self.skipped_rows else None
        if last and last["sheet"] == sheet and last["reason"] == reason and not text and last["last"] == number - 1:
            last["last"] = number  # a run of blank rows is one entry
            return
        if len(self.skipped_rows) < SKIPPED_SHOWN:
            self.skipped_rows.append(
                {"sheet": sheet, "row": number, "last": number, "reason": reason, "text": text[:80]}
            )

    def assume(self, text: str) -> None:
        if text not in self.assumptions:
            self.assumptions.append(text)

    def as_json(self) -> dict:
        return {
            "unused_columns": self.unused_columns,
            "skipped_rows": self.skipped_rows,
            "skipped_count": self.skipped_count,
            "assumptions": self.assumptions,
            "confirmations": self.confirmations[:500],
        }


SKIPPED_SHOWN = 1000
SKIP_REASONS = {
    L.BLANK: gettext_lazy("空行"),
    L.FOOTNOTE: gettext_lazy("注释、签字或落款行"),
    L.GROUP: gettext_lazy("分组行"),
    L.SUBTOTAL: gettext_lazy("小计行（已核对）"),
    L.TOTAL: gettext_lazy("合计行（已核对）"),
    L.NUMBERING: gettext_lazy("列序号行"),
}


@dataclass
class SheetRow:
    sheet: str
    number: int
    values: dict  # key → raw cell
    group: str


UNIT_CHOICES = ("元", "千元", "万元", "亿元")
HIDDEN_ROW_CHOICES = ("skip", "include")
BLANK_CHOICES = ("keep", "clear")
_CHOICE_SPLIT = re.compile(r"[;；,，\n]+")


def parse_column_choices(text: str) -> dict[str, str]:
    """ "总投资=J；2026年计划投资=M" → {"total_investment": "J", "planned_investment": "M"}:
    the user's choice of column for a field (its name as the preview shows it, or a header
    the importer knows). Raises ValidationError naming what it cannot read."""
    labels = {L.normalise(str(label)): key for key, label in FIELD_LABELS.items()}
    choices = {}
    for part in _CHOICE_SPLIT.split(text or ""):
        if not part.strip():
            continue
        name, _sep, letter = L.normalise(part).replace("：", "=").replace(":", "=").partition("=")
        key = labels.get(name) or L.header_key(name)[0]
        if not key or not letter:
            raise ValidationError(
                _("无法理解列选择“%(part)s”：应为“字段=列字母”，如“总投资=J”。") % {"part": part.strip()[:40]}
            )
        try:
            L.column_index(letter)
        except L.CellError as exc:
            raise ValidationError(str(exc)) from exc
        choices[key] = letter.upper()
    return choices


def column_choices(parameters: dict) -> dict[str, int]:
    """The user's column choices (field → column letter) as indexes."""
    return {key: L.column_index(letter) for key, letter in (parameters.get("columns") or {}).items()}


def find_layouts(workbook: Workbook, *, parameters: dict) -> list[tuple]:
    chosen = column_choices(parameters)
    found = []
    for sheet in workbook.sheets:
        layout = L.find_layout(sheet, chosen=chosen, unit=parameters.get("unit") or None)
        if layout is not None:
            found.append((sheet, layout))
    if not found:
        raise ImportRefused(_("没有找到表头（需要含“项目名称”等列的表头行）。请检查文件是否为项目计划表或月度进展表。"))
    return found


def resolve_layouts(layouts: list[tuple], *, required: set[str], reading: Reading) -> None:
    """Refuse a field with several candidate columns and no choice, or a required column
    missing; record the unused columns and the unit each amount column is read in."""
    for sheet, layout in layouts:
        ambiguous = layout.ambiguous()
        if ambiguous:
            key, found = next(iter(ambiguous.items()))
            label = str(FIELD_LABELS.get(key, key))
            raise ImportRefused(
                _(
                    "工作表“%(sheet)s”有多列可作“%(field)s”：%(columns)s。请在“列选择”中指定使用哪一列（如 %(field)s=%(letter)s）。"
                )
                % {
                    "sheet": sheet.name,
                    "field": label,
                    "columns": "、".join(f"{c.letter}列（{c.label}）" for c in found if not c.hidden),
                    "letter": found[0].letter,
                }
            )
        missing = [key for key in sorted(required) if key not in layout.columns]
        if missing:
            hidden = [key for key in missing if layout.candidates.get(key)]
            raise ImportRefused(
                _("工作表“%(sheet)s”缺少必需的列：%(columns)s。")
                % {
                    "sheet": sheet.name,
                    "columns": "、".join(str(FIELD_LABELS.get(key, key)) for key in missing),
                }
                + (_("（该列被隐藏：取消隐藏，或在“列选择”中指定。）") if hidden else "")
            )
        reading.unused_columns.extend(layout.unused())
        for key in MONEY_KEYS:
            column = layout.columns.get(key)
            if column is not None:
                reading.assume(
                    _("工作表“%(sheet)s”%(letter)s列“%(label)s”按%(unit)s读取（%(source)s），换算为万元。")
                    % {
                        "sheet": sheet.name,
                        "letter": column.letter,
                        "label": column.label,
                        "unit": column.unit_label,
                        "source": column.unit_source,
                    }
                )


def _data_rows(workbook: Workbook, layouts: list[tuple], warnings: list[str], reading: Reading, parameters) -> list:
    """Every data row, read off the sheets; the sheets' cells are let go (a 50,000-row file
    would otherwise be held twice)."""
    include_hidden = parameters.get("hidden_rows") == "include"
    rows = list(sheet_rows(layouts, warnings=warnings, reading=reading, include_hidden=include_hidden))
    hidden = sum(len(sheet.hidden_rows) for sheet, _layout in layouts)
    if hidden:
        reading.assume(
            _("有 %(count)d 个隐藏行：%(choice)s（可在导入时选择）。")
            % {"count": hidden, "choice": _("已一并导入") if include_hidden else _("默认不导入，已在“跳过的行”中列出")}
        )
    for sheet in workbook.sheets:
        sheet.rows = []
    return rows


def _prepare_rows(
    rows: list, progress: Progress | None, prepare_row, *, clear_blanks: bool = False
) -> tuple[list, list]:
    """Outcomes and writes of every row; `prepare_row(reader)` returns the row's write or None.
    Each row is released once prepared (a 50,000-row file is otherwise held twice)."""
    outcomes, writes = [], []
    total = len(rows)
    for position in range(total):
        layout, row = rows[position]
        rows[position] = None
        if progress and position % 500 == 0:
            progress(position, total)
        outcome = RowOutcome(sheet=row.sheet, row=row.number, label=L.cell_text(row.values.get("name")))
        outcomes.append(outcome)
        write = prepare_row(RowReader(layout, row, outcome, clear_blanks=clear_blanks))
        if outcome.errors:
            outcome.status = ERROR
        elif write is not None:
            writes.append(write)
    if progress:
        progress(total, total)
    return outcomes, writes


MONEY_KEYS = ("total_investment", "planned_investment", "completed_investment", "completed_ytd")


@dataclass
class _Group:
    label: str
    start: int
    expected: int | None
    row: list | None
    number: int


class _Totals:
    """Sums of the money columns over groups (two levels, nested either way), since the last
    subtotal and over the whole sheet, to check the sheet's own 小计/合计 and group rows
    wherever they stand. A row's cells are read when a check first needs them: most sheets
    have no such rows, and a row is read once however many checks sum it."""

    def __init__(self, layout: L.Layout, sheet: str, warnings: list[str]):
        self.columns = [layout.columns[key] for key in MONEY_KEYS if key in layout.columns]
        self.sheet, self.warnings = sheet, warnings
        self.rows: list[list] = []  # the sheet's data rows so far
        self.amounts: list[dict] = []  # the amounts of the first len(amounts) of them
        self.groups: dict[int, _Group] = {}
        self.segment_start = 0  # rows since the last subtotal or group
        self.pending_subtotal: tuple | None = None  # a 小计 above the rows it sums
        self.pending_totals: list[tuple] = []  # 合计 rows: checked against the whole sheet at its end

    def add(self, row: list):
        self.rows.append(row)

    def _sums(self, start: int) -> dict:
        for row in self.rows[len(self.amounts) :]:
            amounts = {}
            for column in self.columns:
                try:
                    value = L.cell_decimal(row[column.index] if column.index < len(row) else None, unit=column.unit)
                except L.CellError:
                    continue
                if value is not None:
                    amounts[column.key] = value
            self.amounts.append(amounts)
        sums = defaultdict(Decimal)
        for amounts in self.amounts[start:]:
            for key, value in amounts.items():
                sums[key] += value
        return sums

    def check(self, row: list, number: int, label: str, *starts: int):
        """Compare the amounts a 小计/合计/group row states with the rows it sums: those from
        any of `starts` (the innermost candidate first) to now; a mismatch names the first."""
        sums = None
        for column in self.columns:
            raw = row[column.index] if column.index < len(row) else None
            try:
                stated = L.cell_decimal(raw, unit=column.unit)
            except L.CellError:
                continue
            if stated is None:
                continue
            if sums is None:
                sums = [self._sums(start) for start in dict.fromkeys(starts)]
            if all(stated != candidate[column.key] for candidate in sums):
                self.warnings.append(
                    _(
                        "工作表“%(sheet)s”第 %(row)d 行%(label)s %(column)s列为 %(stated)s，而所列项目合计为 %(computed)s（万元）。"
                    )
                    % {
                        "sheet": self.sheet,
                        "row": number,
                        "label": label,
                        "column": column.letter,
                        "stated": decimal_str(stated),
                        "computed": decimal_str(sums[0][column.key]),
                    }
                )

    def subtotal(self, row: list, number: int):
        if len(self.rows) == self.segment_start:
            self.pending_subtotal = (row, number)  # above its rows: checked when they end
            return
        # A 小计 after nested groups may sum the innermost group or an enclosing one.
        self.check(row, number, _("小计"), self.segment_start, *(g.start for g in self.groups.values()))
        self.segment_start = len(self.rows)

    def open_group(self, level: int, label: str, row: list, number: int):
        self.close_groups(level)
        self.groups[level] = _Group(
            label=label, start=len(self.rows), expected=L.group_count(label), row=row, number=number
        )
        self.segment_start = len(self.rows)

    def close_groups(self, level: int = 1):
        for depth in sorted(self.groups, reverse=True):
            if depth < level:
                continue
            group = self.groups.pop(depth)
            count = len(self.rows) - group.start
            if group.expected is not None and group.expected != count:
                self.warnings.append(
                    _("工作表“%(sheet)s”分组“%(group)s”标明 %(expected)d 个项目，实际列出 %(actual)d 个。")
                    % {"sheet": self.sheet, "group": group.label, "expected": group.expected, "actual": count}
                )
            if group.row is not None:
                self.check(group.row, group.number, group.label, group.start)
        if self.pending_subtotal is not None:
            self.check(*self.pending_subtotal, _("小计"), self.segment_start)
            self.pending_subtotal = None
        self.segment_start = len(self.rows)

    def finish(self):
        self.close_groups()
        for row, number in self.pending_totals:
            self.check(row, number, _("合计"), 0)

    def group_text(self) -> str:
        return " / ".join(self.groups[level].label for level in sorted(self.groups))


def sheet_rows(layouts: list[tuple], *, warnings: list[str], reading: Reading, include_hidden: bool):
    for sheet, layout in layouts:
        totals = _Totals(layout, sheet.name, warnings)
        hidden = set(sheet.hidden_rows)
        wanted = [(key, column.index) for key, column in layout.columns.items()]
        for index in range(layout.data_start, len(sheet.rows)):
            row = sheet.rows[index]
            kind = L.row_kind(row, layout)
            number = index + 1
            if kind == L.DATA:
                totals.add(row)  # hidden rows too: the sheet's own sums include them
                if index in hidden and not include_hidden:
                    reading.skip(sheet.name, number, str(_("隐藏行（未导入）")), L.group_title(row))
                    continue
                width = len(row)
                yield (
                    layout,
                    SheetRow(
                        sheet=sheet.name,
                        number=number,
                        values={key: row[col] if col < width else None for key, col in wanted},
                        group=totals.group_text(),
                    ),
                )
                continue
            reading.skip(sheet.name, number, str(SKIP_REASONS[kind]), "" if kind == L.BLANK else L.group_title(row))
            if kind == L.GROUP:
                title = L.group_title(row)
                totals.open_group(L.group_level(title), title, row, number)
            elif kind == L.SUBTOTAL:
                totals.subtotal(row, number)
            elif kind == L.TOTAL:
                totals.pending_totals.append((row, number))
        totals.finish()


# --- reference data ----------------------------------------------------------------


class References:
    """Name → object for regions, people and organisations, loaded once per import.
    A name that matches nothing, or more than one, is an error for the row."""

    AMBIGUOUS = object()

    def __init__(self, actor: User):
        every_region = list(Region.objects.all())
        regions = every_region
        self.area = ""
        if actor.region_id:
            regions = [region for region in every_region if region.code.startswith(actor.region.code_prefix)]
            self.area = actor.region.name
        self.regions = self._index((region.name, region) for region in regions)
        # Every region by name: a name outside the user's area is told as such, not as unknown.
        self.every_region = self._index((region.name, region) for region in every_region)
        self.leaders = self._index((p.name, p) for p in Person.objects.filter(is_city_leader=True))
        organisations = list(Organisation.objects.all())
        self.departments = self._index(
            pair
            for org in organisations
            if org.kind == OrganisationKind.DEPARTMENT
            for pair in ((org.name, org), (org.short_name, org))
            if pair[0]
        )
        self.units = self._index(
            pair for org in organisations for pair in ((org.name, org), (org.short_name, org)) if pair[0]
        )
        unit_names = {org.pk: org.name for org in organisations}
        # id → name, for showing a row's changes
        self.names = {
            "region": {region.pk: region.name for region in regions},
            "owner_unit": unit_names,
            "lead_department": unit_names,
            "lead_official": {
                person.pk: person.name for person in self.leaders.values() if person is not self.AMBIGUOUS
            },
        }

    def _index(self, pairs) -> dict:
        index: dict = {}
        for name, obj in pairs:
            key = L.normalise(name)
            if index.get(key) not in (None, obj):
                index[key] = self.AMBIGUOUS
            else:
                index[key] = obj
        return index

    def region_in_text(self, text: str):
        """建设地点 often names the county ("临渭区某镇"): the longest region name in it."""
        text = L.normalise(text)
        best = None
        for name, region in self.regions.items():
            if region is not self.AMBIGUOUS and name and name in text and (best is None or len(name) > len(best[0])):
                best = (name, region)
        return best[1] if best else None


def _lookup_region(references: "References", raw):
    name = L.normalise(L.cell_text(raw))
    if name and name not in references.regions and name in references.every_region:
        raise L.CellError(
            _("“%(name)s”不在您的管辖范围内（您只能导入%(area)s的项目）") % {"name": name, "area": references.area}
        )
    return _lookup(references.regions, raw, WHAT_REGION)


def _lookup(index: dict, raw, what: str):
    name = L.normalise(L.cell_text(raw))
    if not name:
        return None
    found = index.get(name)
    if found is References.AMBIGUOUS:
        raise L.CellError(_("“%(name)s”对应多个%(what)s，请使用全称") % {"name": name, "what": what})
    if found is None:
        raise L.CellError(_("系统中没有名为“%(name)s”的%(what)s") % {"name": name, "what": what})
    return found


# --- row reading -----------------------------------------------------------------


class RowReader:
    """Reads one row's cells into typed values, collecting a RowError per bad cell."""

    def __init__(self, layout: L.Layout, row: SheetRow, outcome: RowOutcome, *, clear_blanks: bool = False):
        self.layout, self.row, self.outcome = layout, row, outcome
        self.clear_blanks = clear_blanks

    def error(self, key: str, message: str):
        column = self.layout.columns.get(key)
        if column is None and key in FIELD_LABELS:
            # A value the sheet has no column for: the message names the column to add.
            message = _("%(message)s（表中没有“%(column)s”列：请添加该列）") % {
                "message": message,
                "column": FIELD_LABELS[key],
            }
        self.outcome.errors.append(
            RowError(column=column.letter if column else "", field=str(FIELD_LABELS.get(key, key)), message=message)
        )

    def has(self, key: str) -> bool:
        return key in self.layout.columns

    def raw(self, key: str):
        return self.row.values.get(key)

    def read(self, key: str, convert):
        if key not in self.layout.columns:
            return None
        try:
            return convert(self.row.values.get(key))
        except L.CellError as exc:
            self.error(key, str(exc))
            return None

    def text(self, key: str) -> str | None:
        if key not in self.layout.columns:
            return None
        value = L.cell_text(self.row.values.get(key))
        if not value.strip() and not self.clear_blanks:
            return None  # a blank cell changes nothing unless the user chose that blanks clear
        if control_character(value):
            self.error(key, _("含有不可见的控制字符"))
            return None
        limit = TEXT_LIMITS.get(key)
        if limit and len(value) > limit:
            self.error(key, _("长度 %(length)d 超过 %(limit)d 个字") % {"length": len(value), "limit": limit})
            return None
        return value

    def money(self, key: str) -> Decimal | None:
        column = self.layout.columns.get(key)
        if column is None:
            return None
        value = self.read(key, lambda raw: L.cell_decimal(raw, unit=column.unit))
        if value is not None and value < 0:
            self.error(key, _("金额不能为负数"))
            return None
        if value is not None and value >= MONEY_LIMIT:
            self.error(key, _("金额过大"))
            return None
        return value

    def choice(self, key: str, mapping: dict[str, str]) -> str | None:
        text = L.normalise(self.text(key) or "")
        if not text:
            return None
        if text not in mapping:
            self.error(key, _("“%(value)s”不是可选的取值") % {"value": text})
            return None
        return mapping[text]


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return decimal_str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return "、".join(str(item) for item in value)
    return str(value)


def _diff(before: dict, after: dict, names) -> dict:
    return {
        str(FIELD_LABELS.get(name, name)): [_display(before.get(name)), _display(after.get(name))]
        for name in names
        if before.get(name) != after.get(name)
    }


def _errors_from_validation(reader: RowReader, exc: ValidationError):
    for key, messages in exc.message_dict.items():
        for message in messages:
            reader.error(key if key != "__all__" else "name", message.rstrip("。"))


# --- plan sheets -------------------------------------------------------------------

NEW_PROJECT_REQUIRED = ("region", "category", "investor_type", "owner_unit", "total_investment")
FOREIGN_KEYS = {
    name: Project._meta.get_field(name).attname for name in ("region", "lead_official", "lead_department", "owner_unit")
}


def _plan_year(layouts: list[tuple], parameters: dict, reading: Reading) -> int:
    """The plan list's year: chosen, else from the title, else the current year; never from
    whichever "20XX年计划投资" column happens to come first."""
    if parameters.get("year"):
        year = int(parameters["year"])
        reading.assume(_("计划年度：%(year)d（导入时选择）。") % {"year": year})
        return year
    for _sheet, layout in layouts:
        year = L.title_year(layout.title)
        if year:
            reading.assume(
                _("计划年度：%(year)d（取自标题“%(title)s”，可在导入时更改）。")
                % {"year": year, "title": layout.title[:60]}
            )
            return year
    year = timezone.localdate().year
    reading.assume(_("计划年度：%(year)d（标题未注明年度，按当前年度；可在导入时更改）。") % {"year": year})
    return year


def _dated(column, attribute: str, value) -> bool:
    """Among candidates, those of the chosen year/month; those that name none when none does."""
    return getattr(column, attribute) == value


def _choose_dated(layouts: list[tuple], key: str, attribute: str, value: int, reason: str) -> None:
    for _sheet, layout in layouts:
        found = layout.candidates.get(key, [])
        if any(getattr(column, attribute) == value for column in found):
            L.choose(layout, key, lambda column: getattr(column, attribute) == value, reason)
        elif any(getattr(column, attribute) is not None for column in found):
            L.choose(layout, key, lambda column: getattr(column, attribute) is None, reason)


# Said once per file when a date cell gives less than a day: what is stored and how it counts.
PRECISION_ASSUMED = {
    DatePrecision.MONTH: gettext_lazy(
        "只到月份的日期（如“2026年3月”“2026-03”）按精度“月”保存，不补日：计划开工等到该月底未开工才算逾期。"
    ),
    DatePrecision.YEAR: gettext_lazy("只到年份的日期（如“2026年”）按精度“年”保存，不补月日：到该年底未开工才算逾期。"),
    DatePrecision.BEFORE: gettext_lazy("“某年底前”“不晚于某年”的日期按精度“不晚于”保存，只记年份。"),
}


def _precise(values: dict, name: str, value: datetime.date, precision: str) -> None:
    values[f"{name}_date"] = value
    values[f"{name}_precision"] = precision


def _title_level(title: str) -> str | None:
    text = L.normalise(title)
    for word, level in (("省级", "provincial"), ("省重点", "provincial"), ("市级", "municipal"), ("县级", "county")):
        if word in text:
            return level
    return None


def _group_defaults(group: str, references: References) -> dict:
    defaults = {}
    text = L.normalise(group)
    for word, category in GROUP_CATEGORY_WORDS:
        if word in text:
            defaults["category"] = category
            break
    region = references.region_in_text(text) if text else None
    if region is not None:
        defaults["region"] = region
    return defaults


def _projects_by_code_and_name(queryset, codes: set[str], names: set[str]) -> tuple[dict, list]:
    """The projects the file's codes name ({code: project}) and those its names name."""
    by_code = {project.project_code: project for project in queryset.filter(text_in(codes, "project_code"))}
    return by_code, list(queryset.filter(text_in(names, "name")))


def _existing_projects(actor: User, codes: set[str], names: set[str]):
    """Projects the file may mean, by code (anywhere: codes are unique) and by name, with
    which of them the actor may change."""
    by_code, named = _projects_by_code_and_name(Project.objects.select_related("region"), codes, names)
    by_name = defaultdict(list)
    for project in named:
        by_name[(project.name, project.region_id)].append(project)
    candidates = {project.pk for project in by_code.values()} | {project.pk for project in named}
    changeable = set(Project.objects.restrict(actor, "change").filter(pk_in(candidates)).values_list("pk", flat=True))
    return by_code, by_name, changeable


def _partner_map(project_ids) -> dict[int, list[int]]:
    result = defaultdict(list)
    through = Project.partner_units.through
    pairs = through.objects.filter(pk_in(project_ids, "project_id")).values_list("project_id", "organisation_id")
    for project_id, organisation_id in pairs:
        result[project_id].append(organisation_id)
    return {key: sorted(value) for key, value in result.items()}


def prepare_plan(workbook: Workbook, *, actor: User, parameters: dict, progress: Progress | None = None) -> Prepared:
    if actor.role not in (Role.CITY_ADMIN, Role.COUNTY_USER):
        raise ImportRefused(_("只有市发改委管理员和县区用户可以导入项目计划表。"))
    warnings = list(workbook.warnings)
    reading = Reading()
    layouts = find_layouts(workbook, parameters=parameters)
    year = _plan_year(layouts, parameters, reading)
    _choose_dated(
        layouts, "planned_investment", "year", year, str(_("不是计划年度 %(year)d 的计划投资列") % {"year": year})
    )
    for sheet, layout in layouts:
        others = [c for c in layout.candidates.get("planned_investment", []) if c.year and c.year != year]
        if others and "planned_investment" not in layout.columns:
            raise ImportRefused(
                _(
                    "工作表“%(sheet)s”没有“%(year)d年计划投资”列（表中有：%(columns)s）。如该表是其他年度的计划，请在导入时选择年度。"
                )
                % {"sheet": sheet.name, "year": year, "columns": "、".join(f"{c.letter}列“{c.label}”" for c in others)}
            )
    resolve_layouts(layouts, required={"name"}, reading=reading)
    rows = _data_rows(workbook, layouts, warnings, reading, parameters)
    clear_blanks = parameters.get("blanks") == "clear"
    reading.assume(
        _("空白单元格：清空已有内容（导入时选择）。")
        if clear_blanks
        else _("空白单元格：不修改已有内容（可在导入时选择清空）。")
    )
    references = References(actor)
    default_level = parameters.get("level") or next(
        (level for _sheet, layout in layouts if (level := _title_level(layout.title))), Level.MUNICIPAL
    )
    default_investor = parameters.get("investor_type") or None

    codes = {L.normalise(row.values.get("project_code")) for _layout, row in rows} - {""}
    names = {L.cell_text(row.values.get("name")) for _layout, row in rows} - {""}
    by_code, by_name, changeable = _existing_projects(actor, codes, names)
    existing_ids = {p.pk for p in by_code.values()} | {p.pk for group in by_name.values() for p in group}
    plans = (
        {plan.project_id: plan for plan in AnnualPlan.objects.filter(pk_in(existing_ids, "project_id"), year=year)}
        if existing_ids
        else {}
    )
    partners = _partner_map(existing_ids)

    seen_codes: dict[str, int] = {}
    seen_names: dict[tuple, int] = {}
    outcomes, writes = _prepare_rows(
        rows,
        progress,
        lambda reader: _plan_row(
            reader,
            year=year,
            references=references,
            default_level=default_level,
            default_investor=default_investor,
            by_code=by_code,
            by_name=by_name,
            changeable=changeable,
            plans=plans,
            partners=partners,
            seen_codes=seen_codes,
            seen_names=seen_names,
            reading=reading,
        ),
        clear_blanks=clear_blanks,
    )
    return Prepared(
        kind=ImportKind.PLAN,
        outcomes=outcomes,
        writes=writes,
        warnings=warnings,
        parameters={"year": year, "level": default_level, "investor_type": default_investor},
        reading=reading,
    )


def _plan_row(
    reader: RowReader,
    *,
    year,
    references,
    default_level,
    default_investor,
    by_code,
    by_name,
    changeable,
    plans,
    partners,
    seen_codes,
    seen_names,
    reading,
):
    outcome = reader.outcome
    values: dict = {}
    name = reader.text("name")
    if not name:
        reader.error("name", _("项目名称不能为空"))
        return None
    problem = name_problem(name)  # the same rule as the API and forms (apps/core/text.py)
    if problem:
        reader.error("name", problem.rstrip("。"))
        return None
    values["name"] = name
    code = L.normalise(reader.text("project_code") or "") or None
    if code:
        try:
            validate_project_code(code)
        except ValidationError as exc:
            reader.error("project_code", exc.messages[0].rstrip("。"))
            code = None
    groups = _group_defaults(reader.row.group, references)
    region = reader.read("region", lambda raw: _lookup_region(references, raw))
    location = reader.text("location")
    if region is None and not reader.has("region") and location:
        region = references.region_in_text(location)
    region = region or groups.get("region")

    # Which project the row means: by code, else by name within its region.
    project = None
    if code:
        if code in seen_codes:
            reader.error("project_code", _("与第 %(row)d 行的项目代码重复") % {"row": seen_codes[code]})
            return None
        seen_codes[code] = reader.row.number
        project = by_code.get(code)
    if project is None and region is not None:
        matches = [p for p in by_name.get((name, region.pk), []) if not code or not p.project_code]
        if len(matches) > 1:
            reader.error("name", _("该县区有多个同名项目，请填写项目代码以区分"))
            return None
        project = matches[0] if matches else None
    if region is not None:
        key = (name, region.pk)
        if key in seen_names and not code:
            reader.error("name", _("与第 %(row)d 行的项目同名同县区") % {"row": seen_names[key]})
            return None
        seen_names.setdefault(key, reader.row.number)
    if project is not None and project.pk not in changeable:
        reader.error("project_code" if code else "name", _("该项目已存在，但不在您的修改权限范围内"))
        return None

    if location is not None:
        values["location"] = location
    if region is not None:
        values[FOREIGN_KEYS["region"]] = region.pk
    for key, mapping in (("level", LEVELS), ("category", CATEGORIES), ("investor_type", INVESTOR_TYPES)):
        value = reader.choice(key, mapping)
        if value:
            values[key] = value
    if "category" not in values and "category" in groups and project is None:
        values["category"] = groups["category"]
    if code:
        values["project_code"] = code
    scope = reader.text("scope")
    if scope is not None:
        values["scope"] = scope
    total = reader.money("total_investment")
    if total is not None:
        values["total_investment"] = total
    for key in ("planned_start_date", "planned_end_date", "actual_start_date"):
        value = reader.read(key, L.cell_precise_date)
        if value is not None:
            _precise(values, key.removesuffix("_date"), *value)
            if value[1] != DatePrecision.DAY:
                reading.assume(str(PRECISION_ASSUMED[value[1]]))
    _period_and_stage(reader, values, project, year)
    for key, index, what in (
        ("lead_official", references.leaders, WHAT_LEADER),
        ("lead_department", references.departments, WHAT_DEPARTMENT),
        ("owner_unit", references.units, WHAT_UNIT),
    ):
        value = reader.read(key, lambda raw, index=index, what=what: _lookup(index, raw, what))
        if value is not None:
            values[FOREIGN_KEYS[key]] = value.pk
    partner_ids = None
    if reader.has("partner_units") and (reader.clear_blanks or L.cell_text(reader.raw("partner_units")).strip()):
        partner_ids = []
        for part in L.split_names(reader.raw("partner_units")):
            try:
                partner_ids.append(_lookup(references.units, part, WHAT_UNIT).pk)
            except L.CellError as exc:
                reader.error("partner_units", str(exc))
        partner_ids = sorted(set(partner_ids))
    planned = reader.money("planned_investment")
    goal = reader.text("goal")
    if outcome.errors:
        return None
    _plausible(reader, reading, values.get("total_investment"))

    if project is None:
        if region is None:
            reader.error(
                "region",
                _("无法确定所在县区，请填写“所在县区”列") if not reader.has("region") else _("所在县区不能为空"),
            )
        values.setdefault("level", default_level)
        if default_investor:
            values.setdefault("investor_type", default_investor)
        for key in NEW_PROJECT_REQUIRED:
            if key != "region" and values.get(FOREIGN_KEYS.get(key, key)) in (None, ""):
                reader.error(key, _("新项目必须填写%(field)s") % {"field": str(FIELD_LABELS[key])})
        if outcome.errors:
            return None
        # Foreign keys by id: the import has the ids, and the relation descriptors cost 50,000 times over.
        project = new_instance(Project, values)
        before = None
        outcome.status = NEW
    else:
        before = snapshot_without_m2m(project)
        before["partner_units"] = partners.get(project.pk, [])
        project = _copy(project)
        for key, value in values.items():
            setattr(project, key, value)
    if project.project_code == "":
        project.project_code = None
    try:
        project.clean()
    except ValidationError as exc:
        _errors_from_validation(reader, exc)
        return None

    plan = plan_before = None
    if planned is not None or goal:
        existing_plan = plans.get(project.pk) if project.pk else None
        plan = AnnualPlan(project=project, year=year, planned_investment=Decimal(0))
        if existing_plan is not None:
            plan = AnnualPlan(
                pk=existing_plan.pk,
                project=project,
                year=year,
                planned_investment=existing_plan.planned_investment,
                goal=existing_plan.goal,
            )
            plan_before = {"planned_investment": existing_plan.planned_investment, "goal": existing_plan.goal}
        if planned is not None:
            plan.planned_investment = planned
        if goal is not None:
            plan.goal = goal
        try:
            plan.clean()
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                target = "planned_investment" if key == "planned_investment" else "period"
                for message in messages:
                    reader.error(target if reader.has(target) else "planned_investment", message.rstrip("。"))
            return None
        if plan_before is not None and plan_before == {
            "planned_investment": plan.planned_investment,
            "goal": plan.goal,
        }:
            plan = None

    if before is None:
        # A new row's preview shows every value it will write, after unit conversion; its
        # snapshot is taken when the commit writes the change record.
        outcome.show_new = functools.partial(_new_values, values, partner_ids, plan, references, year)
        return PlanWrite(outcome=outcome, project=project, partner_ids=partner_ids or [], plan=plan)

    after = snapshot_without_m2m(project)
    after["partner_units"] = partner_ids if partner_ids is not None else before["partner_units"]
    changed = {name for name in after if before.get(name) != after.get(name)}
    if not changed and plan is None:
        outcome.status = UNCHANGED
        return None
    outcome.status = CHANGED
    # A change of precision alone ("2026年" → 2026-12-31) shows under its date.
    shown = sorted({name.replace("_precision", "_date") for name in changed})
    outcome.changes = _diff(_labelled(before, references), _labelled(after, references), shown)
    if plan is not None:
        outcome.changes[f"{year}年计划投资"] = [
            _display(plan_before["planned_investment"]) if plan_before else "",
            _display(plan.planned_investment),
        ]
    return PlanWrite(
        outcome=outcome,
        project=project if changed else None,
        project_before=before if changed else None,
        project_after=after if changed else None,
        partner_ids=after["partner_units"] if "partner_units" in changed else None,
        plan=plan,
        plan_before=plan_before,
    )


PLAUSIBLE_TOTAL = (Decimal(1), Decimal(10_000_000))  # 1 万元 to 1,000 亿元


def _plausible(reader: RowReader, reading: Reading, total) -> None:
    """Amounts that are more likely a wrong unit than a real project need a confirmation
    (an annual plan above the total is refused by the plan's own rules)."""
    if total is not None and total > 0 and not PLAUSIBLE_TOTAL[0] <= total <= PLAUSIBLE_TOTAL[1]:
        where = _("工作表“%(sheet)s”第 %(row)d 行“%(name)s”") % {
            "sheet": reader.row.sheet,
            "row": reader.row.number,
            "name": L.cell_text(reader.raw("name"))[:40],
        }
        reading.confirmations.append(
            _("%(where)s总投资 %(total)s 万元%(side)s，请核对单位。")
            % {
                "where": where,
                "total": decimal_str(total),
                "side": _("超过 1,000 亿元") if total > PLAUSIBLE_TOTAL[1] else _("不足 1 万元"),
            }
        )


def _new_values(values: dict, partner_ids, plan, references: "References", year: int) -> dict:
    shown = {}
    for key, value in values.items():
        if key.endswith("_precision"):
            continue
        name = key.removesuffix("_id") if key.removesuffix("_id") in FOREIGN_KEYS else key
        if name in references.names:
            value = references.names[name].get(value, value)
        if key.endswith("_date"):
            value = precision_display(value, values.get(key.replace("_date", "_precision"), DatePrecision.DAY))
        shown[str(FIELD_LABELS.get(name, name))] = ["", _display(value)]
    if partner_ids:
        units = references.names["owner_unit"]
        shown[str(FIELD_LABELS["partner_units"])] = ["", "、".join(str(units.get(pk, pk)) for pk in partner_ids)]
    if plan is not None:
        shown[_("%(year)d年计划投资") % {"year": year}] = ["", _display(plan.planned_investment)]
        if plan.goal:
            shown[str(FIELD_LABELS["goal"])] = ["", plan.goal]
    return shown


def _period_and_stage(reader: RowReader, values: dict, project: Project | None, year: int) -> None:
    """建设起止年限 gives years, never days: each is stored as its year's last day with year
    precision (due by the end of that year). 建设性质 says what the row means for the plan
    year: 续建 started before it (without a start date: "by the end of the year before",
    shown so), 新开工 without 建设起止年限 is planned to start in it, 前期 has not started."""
    nature = reader.choice("stage", STAGES)
    years = reader.read("period", L.cell_years)
    started = values.get("actual_start_date") or (project.actual_start_date if project else None)
    if years:
        if "planned_end_date" not in values:
            _precise(values, "planned_end", datetime.date(years[1], 12, 31), DatePrecision.YEAR)
        if "planned_start_date" not in values:
            _precise(values, "planned_start", datetime.date(years[0], 12, 31), DatePrecision.YEAR)
    elif nature == "new_start" and "planned_start_date" not in values and not (project and project.planned_start_date):
        _precise(values, "planned_start", datetime.date(year, 12, 31), DatePrecision.YEAR)
    if nature == "new_start":
        nature = Stage.UNDER_CONSTRUCTION if started else Stage.PRELIMINARY
    elif nature == Stage.UNDER_CONSTRUCTION and not started:
        # 续建 without 实际开工日期 (plan lists of continuing projects have no such column).
        _precise(values, "actual_start", datetime.date(year - 1, 12, 31), DatePrecision.BEFORE)
    if nature:
        values["stage"] = nature


def _copy(project: Project) -> Project:
    clone = Project()
    clone.__dict__.update({key: value for key, value in project.__dict__.items() if key != "_state"})
    clone._state.adding = False
    clone._state.db = project._state.db
    return clone


def snapshot_without_m2m(instance) -> dict:
    """The change-record snapshot without its many-to-many query (the import knows those)."""
    pk = instance.pk
    instance.pk = None
    try:
        return snapshot(instance)
    finally:
        instance.pk = pk


def _labelled(data: dict, references: References) -> dict:
    """Snapshot ids shown as names in the preview."""
    result = dict(data)
    for key in [key for key in result if key.endswith("_precision")]:
        date_key = key.replace("_precision", "_date")
        value = result.get(date_key)
        if value is not None:  # snapshots keep dates as ISO text
            day = datetime.date.fromisoformat(value) if isinstance(value, str) else value
            result[date_key] = precision_display(day, result[key])
    for key, table in references.names.items():
        if result.get(key) is not None:
            result[key] = table.get(result[key], result[key])
    if result.get("partner_units"):
        units = references.names["owner_unit"]
        result["partner_units"] = [units.get(pk, pk) for pk in result["partner_units"]]
    return result


# --- monthly progress sheets ---------------------------------------------------------------

REPORT_TEXT_FIELDS = ("physical_progress", "problems", "next_steps", "notes")


def _progress_period(layouts: list[tuple], parameters: dict, reading: Reading) -> tuple[int, int]:
    if parameters.get("year") and parameters.get("month"):
        year, month = int(parameters["year"]), int(parameters["month"])
        reading.assume(_("填报月份：%(year)d年%(month)d月（导入时选择）。") % {"year": year, "month": month})
        return year, month
    for _sheet, layout in layouts:
        period = L.title_period(layout.title)
        if period:
            reading.assume(
                _("填报月份：%(year)d年%(month)d月（取自标题“%(title)s”，可在导入时更改）。")
                % {"year": period[0], "month": period[1], "title": layout.title[:60]}
            )
            return period
    for _sheet, layout in layouts:
        year = L.title_year(layout.title)
        months = {c.month for key in ("completed_ytd", "completed_investment") for c in layout.candidates.get(key, [])}
        months.discard(None)
        if year and len(months) == 1:
            month = months.pop()
            reading.assume(
                _("填报月份：%(year)d年%(month)d月（年份取自标题，月份取自列标题；可在导入时更改）。")
                % {"year": year, "month": month}
            )
            return year, month
    raise ImportRefused(_("无法从标题确定填报月份（如“2026年10月”），请在导入时选择年份和月份。"))


def prepare_progress(
    workbook: Workbook, *, actor: User, parameters: dict, progress: Progress | None = None
) -> Prepared:
    from apps.reporting.services import REPORTER_ROLES

    if actor.role not in REPORTER_ROLES:
        raise ImportRefused(_("您的角色不能导入月度进展表。"))
    warnings = list(workbook.warnings)
    reading = Reading()
    layouts = find_layouts(workbook, parameters=parameters)
    year, month = _progress_period(layouts, parameters, reading)
    if not ReportingPeriod.objects.filter(year=year, month=month, status=PeriodStatus.OPEN).exists():
        raise ImportRefused(_("%(year)s年%(month)s月填报期未开启或已关闭，不能导入。") % {"year": year, "month": month})
    reason = str(_("不是填报月份 %(month)d 月的列") % {"month": month})
    _choose_dated(layouts, "completed_ytd", "month", month, reason)
    _choose_dated(layouts, "completed_investment", "month", month, reason)
    for sheet, layout in layouts:
        for key in ("completed_ytd", "completed_investment"):
            column = layout.columns.get(key)
            if column and column.month and column.month != month:
                raise ImportRefused(
                    _("工作表“%(sheet)s”%(letter)s列“%(label)s”的月份与填报月份 %(month)s 月不一致。")
                    % {"sheet": sheet.name, "letter": column.letter, "label": column.label, "month": month}
                )
    resolve_layouts(layouts, required={"name"}, reading=reading)
    if not any("completed_investment" in found.columns or "completed_ytd" in found.columns for _s, found in layouts):
        raise ImportRefused(_("缺少“本月完成”或“1-X月完成投资”列。"))
    for sheet, layout in layouts:
        if "completed_investment" in layout.columns and "completed_ytd" in layout.columns:
            reading.assume(
                _(
                    "工作表“%(sheet)s”同时有本月（%(month)s列）和累计（%(ytd)s列）：两者都读取，累计须等于此前各月合计加本月。"
                )
                % {
                    "sheet": sheet.name,
                    "month": layout.columns["completed_investment"].letter,
                    "ytd": layout.columns["completed_ytd"].letter,
                }
            )
    rows = _data_rows(workbook, layouts, warnings, reading, parameters)
    clear_blanks = parameters.get("blanks") == "clear"
    reading.assume(
        _("空白单元格：清空已有内容（导入时选择）。")
        if clear_blanks
        else _("空白单元格：不修改已有内容（可在导入时选择清空）。")
    )
    submit = bool(parameters.get("submit"))
    references = References(actor)
    projects = Project.objects.restrict(actor, "change").select_related("region")
    codes = {L.normalise(row.values.get("project_code")) for _layout, row in rows} - {""}
    names = {L.cell_text(row.values.get("name")) for _layout, row in rows} - {""}
    by_code, named = _projects_by_code_and_name(projects, codes, names)
    by_name = defaultdict(list)
    for project in named:
        by_name[project.name].append(project)
    in_projects = pk_in({p.pk for p in by_code.values()} | {p.pk for p in named}, "project_id")
    reports = {r.project_id: r for r in MonthlyReport.objects.filter(in_projects, year=year, month=month)}
    earlier = dict(
        MonthlyReport.objects.filter(in_projects, year=year, month__lt=month, status__in=COUNTED)
        .values("project_id")
        .annotate(total=Sum("completed_investment"))
        .values_list("project_id", "total")
    )

    seen: dict[int, int] = {}
    outcomes, writes = _prepare_rows(
        rows,
        progress,
        lambda reader: _progress_row(
            reader,
            year=year,
            month=month,
            references=references,
            by_code=by_code,
            by_name=by_name,
            reports=reports,
            earlier=earlier,
            seen=seen,
            submit=submit,
            actor=actor,
        ),
        clear_blanks=clear_blanks,
    )
    return Prepared(
        kind=ImportKind.PROGRESS,
        outcomes=outcomes,
        writes=writes,
        warnings=warnings,
        parameters={"year": year, "month": month, "submit": submit},
        reading=reading,
    )


def _progress_row(reader, *, year, month, references, by_code, by_name, reports, earlier, seen, submit, actor):
    outcome = reader.outcome
    name = reader.text("name") or ""
    code = L.normalise(reader.text("project_code") or "")
    project = by_code.get(code) if code else None
    if code and project is None:
        reader.error("project_code", _("没有找到项目代码为“%(code)s”的项目，或不在您的填报范围内") % {"code": code})
        return None
    if project is None:
        matches = by_name.get(name, [])
        if reader.has("region") and L.cell_text(reader.raw("region")):
            region_name = L.normalise(L.cell_text(reader.raw("region")))
            matches = [p for p in matches if L.normalise(p.region.name) == region_name]
        if not matches:
            reader.error("name", _("没有找到名为“%(name)s”的项目，或不在您的填报范围内") % {"name": name})
            return None
        if len(matches) > 1:
            reader.error("name", _("有多个同名项目，请填写项目代码以区分"))
            return None
        project = matches[0]
    if project.pk in seen:
        reader.error("name", _("与第 %(row)d 行是同一个项目") % {"row": seen[project.pk]})
        return None
    seen[project.pk] = reader.row.number

    fields: dict = {}
    monthly = reader.money("completed_investment")
    ytd = reader.money("completed_ytd")
    before_total = earlier.get(project.pk) or Decimal(0)
    if ytd is not None:
        derived = ytd - before_total
        if monthly is None and derived == 0 and project.pk not in reports:
            # The progress table lists projects that have not reported with their earlier
            # months' total: a blank month with nothing added is "not reported", not a zero report.
            outcome.status = UNCHANGED
            return None
        if monthly is None:
            if derived < 0:
                reader.error(
                    "completed_ytd",
                    _("1-%(month)s月累计 %(ytd)s 小于此前各月已报合计 %(before)s")
                    % {"month": month, "ytd": decimal_str(ytd), "before": decimal_str(before_total)},
                )
            monthly = derived
        elif derived != monthly:
            reader.error(
                "completed_ytd",
                _("1-%(month)s月累计 %(ytd)s 与此前各月合计 %(before)s 加本月 %(monthly)s 不符")
                % {
                    "month": month,
                    "ytd": decimal_str(ytd),
                    "before": decimal_str(before_total),
                    "monthly": decimal_str(monthly),
                },
            )
    if monthly is not None:
        fields["completed_investment"] = monthly
    arrived = reader.money("funds_arrived")
    if arrived is not None:
        fields["funds_arrived"] = arrived
    percent = reader.read("percent_complete", lambda raw: L.cell_decimal(raw, places=2))
    if percent is not None:
        if not 0 <= percent <= 100:
            reader.error("percent_complete", _("完成比例应在 0 到 100 之间"))
        fields["percent_complete"] = percent
    start = reader.read("actual_start_date", L.cell_date)
    if start is not None:
        fields["actual_start_date"] = start
    for key in REPORT_TEXT_FIELDS:
        value = reader.text(key)
        if value is not None:
            fields[key] = value
    if outcome.errors:
        return None

    report = reports.get(project.pk)
    if report is None:
        if "completed_investment" not in fields:
            reader.error("completed_investment", _("新月报必须填写本月完成投资"))
            return None
        report = MonthlyReport(project=project, year=year, month=month, status=ReportStatus.DRAFT)
        before = None
    else:
        if report.is_locked:
            changed = any(getattr(report, key) != value for key, value in fields.items())
            if changed:
                reader.error("name", _("该项目本月月报已审核锁定，不能通过导入修改；如需修改请提交修改申请"))
                return None
            outcome.status = UNCHANGED
            return None
        before = snapshot_without_m2m(report)
        report = MonthlyReport(**{f.attname: getattr(report, f.attname) for f in MonthlyReport._meta.concrete_fields})
        report._state.adding = False
    for key, value in fields.items():
        setattr(report, key, value)
    if submit and report.status != ReportStatus.SUBMITTED:
        report.status = ReportStatus.SUBMITTED
        report.returned_reason = ""
    try:
        report.clean()
    except ValidationError as exc:
        _errors_from_validation(reader, exc)
        return None
    after = snapshot_without_m2m(report)
    if before is None:
        outcome.status = NEW
        outcome.changes = _diff({}, after, [*fields, "status"])
    else:
        changed = [key for key in after if before.get(key) != after.get(key)]
        if not changed:
            outcome.status = UNCHANGED
            return None
        outcome.status = CHANGED
        outcome.changes = _diff(before, after, changed)
    return PlanWrite(outcome=outcome, report=report, report_before=before)


def _prepare_bonds(workbook: Workbook, **kwargs) -> Prepared:
    from apps.bonds.imports import prepare_bonds

    return prepare_bonds(workbook, **kwargs)


def _prepare_leads(workbook: Workbook, **kwargs) -> Prepared:
    from apps.attraction.imports import prepare_leads

    return prepare_leads(workbook, **kwargs)


PREPARERS = {
    ImportKind.PLAN: prepare_plan,
    ImportKind.PROGRESS: prepare_progress,
    ImportKind.BONDS: _prepare_bonds,
    ImportKind.LEADS: _prepare_leads,
}


def prepare_import(
    kind: str, workbook: Workbook, *, actor: User, parameters: dict, progress: Progress | None = None
) -> Prepared:
    return PREPARERS[kind](workbook, actor=actor, parameters=parameters, progress=progress)
