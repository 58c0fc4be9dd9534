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
    "当月完成投资": "completed_investment",
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
_YTD = re.compile(r"^1[-~至到](\d{1,2})月(?:累计)?完成(?:投资)?$")
_UNIT_SUFFIX = re.compile(r"\((万元|亿元|%|个|亩)\)$")
_GROUP = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|第[一二三四五六七八九十]+[类部分])")
_GROUP_COUNT = re.compile(r"[(（]\s*(\d+)\s*个")
_FOOTNOTE = ("注", "说明", "备注:", "填报单位", "填表人", "填报人", "审核人", "联系人", "制表", "联系电话", "数据来源")
_TOTALS = ("合计", "总计", "小计")
_TITLE_YEAR = re.compile(r"(\d{4})年")
_TITLE_MONTH = re.compile(r"(\d{4})年(?:1[-~至到])?(\d{1,2})月")
_DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?$")
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
    month: int | None = None  # "1-10月完成投资"

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class Layout:
    columns: dict[str, Column]
    header_rows: tuple[int, ...]
    title: str
    unit_label: str
    data_start: int
    ignored_labels: list[str] = field(default_factory=list)


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
    return None, extra


def _unit_of(text: str) -> str | None:
    text = normalise(text)
    if "单位" in text and "亿元" in text:
        return "亿元"
    if "单位" in text and "万元" in text:
        return "万元"
    return None


def find_layout(sheet: Sheet, *, scan: int = 15) -> Layout | None:
    """The header row(s) of the sheet, or None when it has no recognisable table."""
    rows = sheet.rows
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
    # A merged top-row label (e.g. "投资情况") spans its sub-columns; units in it apply to them.
    top_units = {}
    for first_row, first_col, _last_row, last_col in sheet.merged:
        if first_row == best:
            label_unit = header_key(str(rows[best][first_col] or ""))[1]["unit"]
            for col in range(first_col, last_col + 1):
                top_units[col] = label_unit
    title_lines = [" ".join(str(cell) for cell in row if isinstance(cell, str) and cell.strip()) for row in rows[:best]]
    sheet_unit = next((unit for line in title_lines if (unit := _unit_of(line))), None)
    columns: dict[str, Column] = {}
    ignored = []
    width = max(len(row) for row in header)
    for col in range(width):
        labels = [row[col] if col < len(row) else "" for row in reversed(header)]
        chosen = None
        for label in labels:
            if isinstance(label, str) and label.strip():
                key, extra = header_key(label)
                if key:
                    chosen = (key, extra, label)
                    break
        if chosen is None:
            label = next((str(cell) for cell in labels if isinstance(cell, str) and cell.strip()), "")
            if label:
                ignored.append(normalise(label))
            continue
        key, extra, label = chosen
        if key in columns:
            ignored.append(normalise(label))
            continue
        unit = extra.get("unit") or top_units.get(col) or sheet_unit
        columns[key] = Column(
            index=col,
            key=key,
            label=normalise(label),
            unit=WAN_PER_YI if unit == "亿元" else Decimal(1),
            year=extra.get("year"),
            month=extra.get("month"),
        )
    data_start = best + len(header)
    return Layout(
        columns=columns,
        header_rows=tuple(range(best, data_start)),
        title=" ".join(line for line in title_lines if line),
        unit_label=sheet_unit or "万元",
        data_start=data_start,
        ignored_labels=ignored,
    )


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


def row_kind(row: list, layout: Layout) -> str:
    first = next((cell for cell in row if cell not in ("", None)), None)
    if first is None:
        return BLANK
    name_col = layout.columns["name"].index
    leading = [normalise(cell) for cell in row[: max(name_col + 1, 3)] if cell not in ("", None)]
    for text in leading:
        if text.endswith("小计"):
            return SUBTOTAL
        if text.startswith(("合计", "总计")) or text.endswith(("合计", "总计")):
            return TOTAL
    name = normalise(row[name_col]) if name_col < len(row) else ""
    first_text = normalise(first)
    if first_text.startswith(_FOOTNOTE) and (not name or first_text == name):
        return FOOTNOTE
    if any(_GROUP.match(text) for text in leading) and not _has_code(row, layout):
        return GROUP
    if (not name or _is_small_int(row[name_col])) and all(
        _is_small_int(cell) for cell in row if cell not in ("", None)
    ):
        return NUMBERING
    return DATA


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
    if rounded != number:
        raise CellError(_("小数位数超过 %(places)d 位（万元）") % {"places": places})
    return rounded


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
    match = _DATE_TEXT.match(text)
    if not match:
        raise CellError(_("“%(value)s”不是有效的日期（如 2026-03-01）") % {"value": str(value)[:30]})
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)
    try:
        return datetime.date(year, month, day)
    except ValueError as exc:
        raise CellError(_("“%(value)s”不是有效的日期（如 2026-03-01）") % {"value": str(value)[:30]}) from exc


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
