"""Finding the table in a sheet as offices lay it out: title rows, a unit line, one or
two header rows (merged cells), group rows ("一、产业项目（12个）"), subtotal and total
rows, blank and footnote rows. Cell conversion (numbers as text, full-width digits,
thousands separators, 亿元 → 万元) lives here too, so both import kinds read alike."""

import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from apps.core.money import WAN_PER_YI
from apps.projects.models import DatePrecision, latest_possible_day

from .reading import Sheet, column_letter

# Header label (normalised: NFKC, no spaces or units) → field key. Prefix patterns below.
SYNONYMS = {
    "序号": "seq",
    "项目名称": "name",
    "项目代码": "project_code",
    "项目编码": "project_code",
    "项目统一代码": "project_code",
    "统一项目代码": "project_code",
    "建设单位": "owner_unit",
    "项目业主": "owner_unit",
    "业主单位": "owner_unit",
    "项目单位": "owner_unit",
    "建设单位(项目业主)": "owner_unit",
    "所在县区": "region",
    "所在县(市、区)": "region",
    "县区": "region",
    "所属县区": "region",
    "建设地点": "location",
    "项目地点": "location",
    "建设性质": "stage",
    "项目阶段": "stage",
    "建设阶段": "stage",
    "项目级别": "level",
    "项目类别": "category",
    "项目类型": "category",
    "投资主体": "investor_type",
    "投资类型": "investor_type",
    "建设内容及规模": "scope",
    "建设规模及内容": "scope",
    "建设内容": "scope",
    "主要建设内容": "scope",
    "建设起止年限": "period",
    "建设年限": "period",
    "起止年限": "period",
    "计划开工日期": "planned_start_date",
    "计划开工": "planned_start_date",
    "计划竣工": "planned_end_date",
    "实际开工": "actual_start_date",
    "计划开工时间": "planned_start_date",
    "计划竣工日期": "planned_end_date",
    "计划竣工时间": "planned_end_date",
    "实际开工日期": "actual_start_date",
    "实际开工时间": "actual_start_date",
    "开工日期": "actual_start_date",
    "总投资": "total_investment",
    "计划总投资": "total_investment",
    "项目总投资": "total_investment",
    "年度计划投资": "planned_investment",
    "本年计划投资": "planned_investment",
    "年度计划": "planned_investment",
    "年度建设目标": "goal",
    "年度目标": "goal",
    "本月完成": "completed_investment",
    "本月完成投资": "completed_investment",
    "本月完成投资额": "completed_investment",
    "当月完成": "completed_investment",
    "当月完成投资": "completed_investment",
    "当月完成投资额": "completed_investment",
    "本年累计完成": "completed_ytd",
    "本年累计完成投资": "completed_ytd",
    "上月累计完成": "previous_ytd",
    "形象进度": "physical_progress",
    "工程形象进度": "physical_progress",
    "项目进展情况": "physical_progress",
    "进展情况": "physical_progress",
    "完成比例": "percent_complete",
    "累计完成比例": "percent_complete",
    "工程进度": "percent_complete",
    "包抓领导": "lead_official",
    "联系领导": "lead_official",
    "市级包抓领导": "lead_official",
    "包联领导": "lead_official",
    "牵头单位": "lead_department",
    "牵头部门": "lead_department",
    "责任单位": "partner_units",
    "协作单位": "partner_units",
    "配合单位": "partner_units",
    "配合部门": "partner_units",
    "存在问题": "problems",
    "存在的问题": "problems",
    "下步措施": "next_steps",
    "下一步工作": "next_steps",
    "下步工作计划": "next_steps",
    "质量安全进度情况": "notes",
    "本月到位资金": "funds_arrived",
    "当月到位资金": "funds_arrived",
    "本月资金到位": "funds_arrived",
    # 专项债券项目表 (apps/bonds/imports.py)
    "申报年度": "bond_year",
    "债券类型": "bond_kind",
    "投向领域": "bond_field",
    "项目领域": "bond_field",
    "负面清单类别": "negative_category",
    "不含专项债的资本金": "capital_excl_bonds",
    "资本金(不含专项债)": "capital_excl_bonds",
    "申请专项债总额": "bond_amount",
    "申请专项债券金额": "bond_amount",
    "专项债券融资": "bond_amount",
    "专项债作资本金": "bonds_as_capital",
    "其他债务融资": "other_debt",
    "其他债务融资来源": "other_debt_source",
    "建设期": "construction_period",
    "运营期": "operation_period",
    "预期收入": "expected_income",
    "项目总收益": "expected_income",
    "成本": "expected_cost",
    "运营成本": "expected_cost",
    "应付本息": "debt_service",
    "债券存续期应付本息": "debt_service",
    "覆盖倍数": "coverage",
    "本息覆盖倍数": "coverage",
    "收入来源": "revenue_source",
    "会计师事务所": "accounting_firm",
    "律师事务所": "law_firm",
}
_PLAN_YEAR = re.compile(r"^(\d{4})年(?:度)?计划(?:完成)?投资$")
_YTD = re.compile(r"^1[-~至到](\d{1,2})月(?:累计)?完成(?:投资)?(?:额)?$")
_MONTH = re.compile(r"^(\d{1,2})月(?:份)?完成(?:投资)?(?:额)?$")
_UNIT_SUFFIX = re.compile(r"(?:\(|/)(亿元|千元|万元|元|%|个|亩)\)?$")
_UNIT_LINE = re.compile(r"单位[:：]?(亿元|千元|万元|元)")
# Factor from a sheet's unit to 万元, the unit amounts are stored in.
UNIT_FACTORS = {"元": Decimal("0.0001"), "千元": Decimal("0.1"), "万元": Decimal(1), "亿元": WAN_PER_YI}
_GROUP = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|第[一二三四五六七八九十]+[类部分])")
_GROUP_COUNT = re.compile(r"[(（]\s*(\d+)\s*个")
_FOOTNOTE = (
    "注",
    "说明",
    "备注:",
    "填报单位",
    "填表人",
    "填报人",
    "审核人",
    "联系人",
    "制表",
    "联系电话",
    "数据来源",
    "单位负责人",
    "负责人",
    "分管领导",
    "审核",
    "报送单位",
    "填报日期",
    "填表日期",
    "签字",
    "盖章",
)
_TOTALS = ("合计", "总计", "小计")
_TITLE_YEAR = re.compile(r"(\d{4})年")
_TITLE_MONTH = re.compile(r"(\d{4})年(?:1[-~至到])?(\d{1,2})月")
_DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?$")
# A date known only to the year, as the project list export writes it (and offices type it):
# "2026年" (some day of 2026) and "2025年底前" / "不晚于2025年" (by the end of 2025).
_YEAR_ONLY = re.compile(r"^(\d{4})年$")
# A date known only to the month: "2026年3月" (as the export writes it), "2026-03", "2026/3", "2026.03".
_MONTH_ONLY = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$")
_BY_YEAR_END = re.compile(r"^(?:(\d{4})年底?(?:以)?前|不晚于(\d{4})年底?)$")
_YEARS = re.compile(r"^(\d{4})(?:年)?(?:[-~至到]|—|–)+(\d{4})年?$")


def normalise(value) -> str:
    """Full-width to half-width (NFKC), no whitespace: how labels and numbers compare."""
    if value is None:
        return ""
    return _normalise_text(value if isinstance(value, str) else str(value))


_WHITESPACE = re.compile(r"\s+")


@functools.lru_cache(maxsize=65536)
def _normalise_text(text: str) -> str:
    # Sheets repeat the same county, unit and category names on every row: cached.
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text)).replace("—", "-").replace("－", "-")


@dataclass
class Column:
    index: int
    key: str
    label: str
    unit: Decimal = Decimal(1)  # factor to 万元 for money columns
    year: int | None = None  # "2026年计划投资"
    month: int | None = None  # "1-10月完成投资", "10月完成投资"
    unit_label: str = "万元"
    unit_source: str = ""  # where the unit was read: the header, its group header, the unit line, or assumed
    hidden: bool = False

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class Layout:
    columns: dict[str, Column]  # the column used for each field
    header_rows: tuple[int, ...]
    title: str
    unit_label: str
    data_start: int
    sheet: str = ""
    headers: dict[int, str] = field(default_factory=dict)  # every labelled column: index → label
    candidates: dict[str, list[Column]] = field(default_factory=dict)  # every column a field could use
    notes: dict[int, str] = field(default_factory=dict)  # why a column is not used
    chosen: set[str] = field(default_factory=set)  # fields whose column the user chose

    def use(self, key: str, column: Column) -> None:
        self.columns[key] = column

    def ambiguous(self) -> dict[str, list[Column]]:
        """Fields with several usable candidates and none chosen."""
        return {
            key: found
            for key, found in self.candidates.items()
            if key not in self.columns and len([c for c in found if not c.hidden]) > 1
        }

    def unused(self) -> list[dict]:
        """Every labelled column no field uses: letter, header and why."""
        used = {column.index for column in self.columns.values()}
        return [
            {
                "sheet": self.sheet,
                "letter": column_letter(index),
                "label": label,
                "reason": self.notes.get(index, "") or str(_("表头不是可识别的字段")),
            }
            for index, label in sorted(self.headers.items())
            if index not in used
        ]


def header_key(label: str) -> tuple[str | None, dict]:
    text = normalise(label).replace("（", "(").replace("）", ")")
    unit = None
    match = _UNIT_SUFFIX.search(text)
    if match:
        unit = match.group(1)
        text = text[: match.start()]
    text = text.rstrip("*★")
    extra = {"unit": unit}
    if text in SYNONYMS:
        return SYNONYMS[text], extra
    match = _PLAN_YEAR.match(text)
    if match:
        return "planned_investment", {**extra, "year": int(match.group(1))}
    match = _YTD.match(text)
    if match:
        return "completed_ytd", {**extra, "month": int(match.group(1))}
    match = _MONTH.match(text)
    if match:
        return "completed_investment", {**extra, "month": int(match.group(1))}
    return None, extra


def _unit_of(text: str) -> str | None:
    """The unit a line states: "单位：元", "金额单位：亿元", "单位: 千元"."""
    match = _UNIT_LINE.search(normalise(text))
    return match.group(1) if match else None


def _column_label(labels: list) -> str:
    return "/".join(normalise(cell) for cell in reversed(labels) if isinstance(cell, str) and cell.strip())


def find_layout(
    sheet: Sheet, *, scan: int = 15, chosen: dict[str, int] | None = None, unit: str | None = None
) -> Layout | None:
    """The header row(s) of the sheet, or None when it has no recognisable table.

    Every column a field could use is a candidate; a field with one visible candidate uses
    it. Hidden columns are not used unless chosen (`chosen`: field → column index, the
    user's choice). Several visible candidates stay unresolved: the caller chooses by plan
    year or month, or refuses naming them. `unit` overrides the sheet's unit line."""
    rows = sheet.rows
    chosen = chosen or {}
    best = None
    for index, row in enumerate(rows[:scan]):
        keys = {header_key(cell)[0] for cell in row if isinstance(cell, str) and cell.strip()}
        keys.discard(None)
        if "name" in keys and len(keys) >= 3:
            best = index
            break
    if best is None:
        return None
    header = [rows[best]]
    second = rows[best + 1] if best + 1 < len(rows) else []
    second_keys = [header_key(cell)[0] if isinstance(cell, str) else None for cell in second]
    two_rows = any(second_keys) and not any(
        isinstance(cell, int | float) and not isinstance(cell, bool) and cell > 1000 for cell in second
    )
    if two_rows:
        header.append(second)
    # A merged top-row label (e.g. "投资情况（亿元）") spans its sub-columns; a unit in it applies to them.
    top_units = {}
    for first_row, first_col, _last_row, last_col in sheet.merged:
        if first_row == best and first_col < len(rows[best]):
            label_unit = header_key(str(rows[best][first_col] or ""))[1]["unit"]
            for col in range(first_col, last_col + 1):
                top_units[col] = label_unit
    title_lines = [" ".join(str(cell) for cell in row if isinstance(cell, str) and cell.strip()) for row in rows[:best]]
    # The unit line may also sit at the right end of the header rows ("单位：元").
    sheet_unit = next(
        (
            found
            for line in [*title_lines, *(str(c) for r in header for c in r if isinstance(c, str))]
            if (found := _unit_of(line))
        ),
        None,
    )
    hidden = set(sheet.hidden_columns)
    layout = Layout(
        columns={},
        header_rows=(),
        title=" ".join(line for line in title_lines if line),
        unit_label=unit or sheet_unit or "万元",
        data_start=0,
        sheet=sheet.name,
    )
    width = max(len(row) for row in header)
    for col in range(width):
        labels = [row[col] if col < len(row) else "" for row in reversed(header)]
        label_text = _column_label(labels)
        if not label_text or (_unit_of(label_text) and header_key(label_text)[0] is None):
            continue
        layout.headers[col] = label_text
        found = None
        for label in labels:
            if isinstance(label, str) and label.strip():
                key, extra = header_key(label)
                if key:
                    found = (key, extra, label)
                    break
        if found is None:
            continue
        key, extra, label = found
        column_unit, source = extra.get("unit"), str(_("列标题"))
        if column_unit not in UNIT_FACTORS:
            column_unit, source = top_units.get(col), str(_("合并表头"))
        if column_unit not in UNIT_FACTORS:
            column_unit, source = sheet_unit, str(_("单位行"))
        if unit:
            column_unit, source = unit, str(_("导入时选择"))
        if column_unit not in UNIT_FACTORS:
            column_unit, source = "万元", str(_("未注明，按万元"))
        column = Column(
            index=col,
            key=key,
            label=normalise(label),
            unit=UNIT_FACTORS[column_unit],
            unit_label=column_unit,
            unit_source=source,
            year=extra.get("year"),
            month=extra.get("month"),
            hidden=col in hidden,
        )
        layout.candidates.setdefault(key, []).append(column)
        if column.hidden:
            layout.notes[col] = str(_("隐藏列（未选择使用）"))
    for key, found in layout.candidates.items():
        picked = [column for column in found if column.index == chosen.get(key)]
        visible = [column for column in found if not column.hidden]
        if picked:
            layout.use(key, picked[0])
            layout.chosen.add(key)
        elif len(visible) == 1:
            layout.use(key, visible[0])
    for key, index in chosen.items():
        if key not in layout.columns and index in layout.headers:
            # A column the user named for a field its header does not say.
            named = unit or sheet_unit or "万元"
            layout.use(
                key,
                Column(
                    index=index,
                    key=key,
                    label=layout.headers[index],
                    unit=UNIT_FACTORS[named],
                    unit_label=named,
                    unit_source=str(_("导入时选择")),
                    hidden=index in hidden,
                ),
            )
            layout.chosen.add(key)
    layout.data_start = best + len(header)
    layout.header_rows = tuple(range(best, layout.data_start))
    return layout


def choose(layout: Layout, key: str, wanted, reason: str) -> None:
    """Among a field's candidates use the visible one `wanted(column)` accepts (the plan
    year's, the month's); the others are noted as unused with `reason`. A column the user
    chose stays. Several accepted candidates stay unresolved (the caller refuses)."""
    if key not in layout.chosen:
        matching = [column for column in layout.candidates.get(key, []) if wanted(column) and not column.hidden]
        if len(matching) == 1:
            layout.use(key, matching[0])
        elif key in layout.columns:
            del layout.columns[key]
            if not matching:
                for column in layout.candidates.get(key, []):
                    layout.notes.setdefault(column.index, reason)
                return
    if key in layout.columns:
        _note_others(layout, key, reason)


def _note_others(layout: Layout, key: str, reason: str) -> None:
    used = layout.columns[key].index
    for column in layout.candidates.get(key, []):
        if column.index != used:
            layout.notes.setdefault(column.index, reason)


def column_index(letters: str) -> int:
    """ "A" → 0, "AA" → 26; a letter the user typed, checked."""
    text = normalise(letters).upper()
    if not re.fullmatch(r"[A-Z]{1,3}", text):
        raise CellError(_("“%(value)s”不是列字母（如 J）") % {"value": letters[:10]})
    index = 0
    for char in text:
        index = index * 26 + (ord(char) - 64)
    return index - 1


def title_year(title: str) -> int | None:
    match = _TITLE_YEAR.search(normalise(title))
    return int(match.group(1)) if match else None


def title_period(title: str) -> tuple[int, int] | None:
    match = _TITLE_MONTH.search(normalise(title))
    return (int(match.group(1)), int(match.group(2))) if match else None


# --- row kinds -------------------------------------------------------------------

DATA, BLANK, FOOTNOTE, GROUP, SUBTOTAL, TOTAL, NUMBERING = (
    "data",
    "blank",
    "footnote",
    "group",
    "subtotal",
    "total",
    "numbering",
)


def _filled(cell) -> bool:
    return cell is not None and (not isinstance(cell, str) or bool(cell.strip()))


def row_kind(row: list, layout: Layout) -> str:
    first = next((cell for cell in row if _filled(cell)), None)
    if first is None:
        return BLANK  # empty, or cells of spaces only
    name_col = layout.columns["name"].index
    leading = [normalise(cell) for cell in row[: max(name_col + 1, 3)] if _filled(cell)]
    for text in leading:
        if text.endswith("小计"):
            return SUBTOTAL
        if text.startswith(("合计", "总计")) or text.endswith(("合计", "总计")):
            return TOTAL
    name = normalise(row[name_col]) if name_col < len(row) else ""
    first_text = normalise(first)
    if first_text.startswith(_FOOTNOTE) and (not name or first_text == name):
        return FOOTNOTE
    if not name and _signature_line(row):
        return FOOTNOTE
    if any(_GROUP.match(text) for text in leading) and not _has_code(row, layout):
        return GROUP
    if (not name or _is_small_int(row[name_col])) and all(
        _is_small_int(cell) for cell in row if cell not in ("", None)
    ):
        return NUMBERING
    return DATA


_SIGNATURE_PART = re.compile(r"^[^\d:：]{1,8}[:：]")


def _signature_line(row: list) -> bool:
    """ "单位负责人：张三 填表人：李四 联系电话：…": every filled cell is "label：value" text."""
    texts = [normalise(cell) for cell in row if _filled(cell)]
    return (
        bool(texts)
        and all(isinstance(cell, str) for cell in row if _filled(cell))
        and all(_SIGNATURE_PART.match(text) for text in texts)
    )


def group_level(text: str) -> int:
    """1 for "一、" / "第一类" group rows, 2 for "（一）" ones: the two levels nest either way round."""
    return 2 if normalise(text).startswith("(") else 1


def _has_code(row, layout) -> bool:
    column = layout.columns.get("project_code")
    return bool(column and column.index < len(row) and normalise(row[column.index]))


def _is_small_int(cell) -> bool:
    text = normalise(cell)
    return (text.isdigit() and int(text) < 200) or (isinstance(cell, float) and cell.is_integer() and cell < 200)


def group_count(text: str) -> int | None:
    match = _GROUP_COUNT.search(text)
    return int(match.group(1)) if match else None


def group_title(row: list) -> str:
    return next((str(cell).strip() for cell in row if isinstance(cell, str) and cell.strip()), "")


# --- cells -----------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be read; the message names what was expected."""


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def cell_decimal(value, *, unit: Decimal = Decimal(1), places: int = 4) -> Decimal | None:
    """A number as the sheet shows it, in 万元 (×10,000 from 亿元), exact to `places` decimals."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(_("应为数字"))
    if isinstance(value, int | float):
        # repr gives the shortest decimal that round-trips: what the user typed.
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        text = normalise(value).replace(",", "").replace("，", "")
        for suffix in ("万元", "万"):
            text = text.removesuffix(suffix)
        if text in ("", "-", "/", "—"):
            return None
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise CellError(_("“%(value)s”不是有效的数字") % {"value": str(value)[:30]}) from exc
    if not number.is_finite():
        raise CellError(_("应为数字"))
    number *= unit
    try:
        rounded = number.quantize(_QUANTUMS[places])
    except InvalidOperation as exc:  # more digits than Decimal's 28: no amount is that large
        raise CellError(_("“%(value)s”数值过大") % {"value": str(value)[:30]}) from exc
    # A formula's cached value carries binary noise (6.8999999999999995 where Excel shows 6.9):
    # within the tolerance it is the rounded amount; beyond it, real excess precision.
    if rounded != number and not (isinstance(value, float) and abs(rounded - number) <= NOISE * max(1, abs(number))):
        raise CellError(
            _("“%(value)s”小数位数过多：换算为万元后超过 %(places)d 位小数")
            % {"value": str(value)[:30], "places": places}
        )
    return rounded


NOISE = Decimal("1e-9")  # relative: far below a 4-decimal 万元 amount, far above a double's noise
_QUANTUMS = {places: Decimal(1).scaleb(-places) for places in range(7)}


def cell_date(value) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float):
        raise CellError(_("应为日期（如 2026-03-01）"))
    text = normalise(value)
    if _MONTH_ONLY.match(text):
        # Where no precision can be stored, the 1st of the month would be an invented day.
        raise CellError(_("“%(value)s”只到月份，此处须填具体日期（如 2026-03-01）") % {"value": str(value)[:30]})
    match = _DATE_TEXT.match(text)
    if not match:
        raise CellError(_("“%(value)s”不是有效的日期（如 2026-03-01）") % {"value": str(value)[:30]})
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)
    try:
        return datetime.date(year, month, day)
    except ValueError as exc:
        raise CellError(_("“%(value)s”不是有效的日期（如 2026-03-01）") % {"value": str(value)[:30]}) from exc


def cell_precise_date(value) -> tuple[datetime.date, str] | None:
    """A project date with the precision the cell states: a full date is exact ("day"),
    "2026年3月" / "2026-03" is month-only ("month", stored as the month's last day), "2026年"
    is year-only ("year"), "2025年底前" is "not later than" ("before"); the last two are
    stored as the year's last day, as `Project` keeps them."""
    if isinstance(value, str):
        text = normalise(value)
        month_only = _MONTH_ONLY.match(text)
        if month_only:
            year, month = int(month_only.group(1)), int(month_only.group(2))
            if not (1900 <= year <= 2200 and 1 <= month <= 12):
                raise CellError(_("“%(value)s”不是有效的日期（如 2026-03-01）") % {"value": value[:30]})
            return latest_possible_day(datetime.date(year, month, 1), DatePrecision.MONTH), DatePrecision.MONTH
        year_only, by_year_end = _YEAR_ONLY.match(text), _BY_YEAR_END.match(text)
        if year_only or by_year_end:
            year = int(year_only.group(1) if year_only else by_year_end.group(1) or by_year_end.group(2))
            if not 1900 <= year <= 2200:
                raise CellError(_("“%(value)s”不是有效的日期（如 2026-03-01）") % {"value": value[:30]})
            return datetime.date(year, 12, 31), DatePrecision.YEAR if year_only else DatePrecision.BEFORE
    day = cell_date(value)
    return None if day is None else (day, DatePrecision.DAY)


def cell_years(value) -> tuple[int, int] | None:
    """建设起止年限 "2024-2027" / "2024—2027年" / "2024年-2027年"."""
    if value in (None, ""):
        return None
    text = normalise(cell_text(value)).replace("年", "") if not isinstance(value, str) else normalise(value)
    text = text.replace("年-", "-").replace("年至", "-")
    match = _YEARS.match(text)
    if not match:
        raise CellError(_("“%(value)s”不是有效的建设起止年限（如 2024-2027）") % {"value": str(value)[:30]})
    start, end = int(match.group(1)), int(match.group(2))
    if start > end:
        raise CellError(_("起始年份晚于结束年份"))
    return start, end


def split_names(value) -> list[str]:
    return [part for part in re.split(r"[、,，;；/\s]+", cell_text(value)) if part]
