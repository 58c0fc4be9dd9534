"""Writing tables as files: the official .xlsx layout (title, unit line, merged two-row
header, group rows with 小计, a 合计 row, print setup; optionally a protected fill-in
template) and plain CSV. Pure functions of a `Table`; they know nothing of the database.

Rows stream through: the .xlsx is written in XlsxWriter's constant_memory mode (one row
in memory at a time) into a temporary file, so a 100,000-row export stays small in memory.
"""

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import BinaryIO

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from apps.core.money import decimal_str

# Leading characters that make Excel/WPS evaluate a cell as a formula.
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

TEXT, MONEY, DATE, PERCENT, SEQ, COUNT = "text", "money", "date", "percent", "seq", "count"
UNIT_LINE = "单位：万元"
CHINESE_DIGITS = "零一二三四五六七八九"


def safe_text(value: str) -> str:
    """Neutralise spreadsheet formula injection in CSV by prefixing a quote.

    (In .xlsx every text is written as a string cell, which no spreadsheet evaluates.)"""
    return "'" + value if value.startswith(_FORMULA_TRIGGERS) else value


def chinese_ordinal(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (group rows: "一、产业项目")."""
    if number < 10:
        return CHINESE_DIGITS[number]
    tens, ones = divmod(number, 10)
    return (CHINESE_DIGITS[tens] if tens > 1 else "") + "十" + (CHINESE_DIGITS[ones] if ones else "")


def percent_of(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """part ÷ whole in % with one decimal, half up; None without a positive whole."""
    if part is None or not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Column:
    label: str  # the leaf header label; the importer matches columns by it
    key: str
    kind: str = TEXT
    width: float = 12
    group: str = ""  # top header label merged over adjacent columns of the same group
    summed: bool = False  # 小计 / 合计 sum it
    ratio: tuple[str, str] | None = None  # PERCENT: (numerator key, denominator key), for 小计 / 合计
    fill: bool = False  # templates: left unlocked for the reporter, with data validation
    validation: dict | None = None
    formula: Callable[[dict[str, str]], str] | None = None  # templates: cell formula from column letters


@dataclass(frozen=True)
class Group:
    key: object
    label: str  # "一、产业项目（12个）"
    count: int


@dataclass
class Table:
    title: str
    sheet_name: str
    columns: list[Column]
    rows: Iterable[dict]  # each row: column key → value, plus "group" when grouped
    exported_at: datetime.datetime
    groups: list[Group] | None = None
    totals: bool = True
    template: bool = False  # protected sheet, fill columns unlocked and validated
    defined_names: dict[str, str] = field(default_factory=dict)
    row_count: int = 0  # set by the writer: data rows written

    @property
    def two_row_header(self) -> bool:
        return any(column.group for column in self.columns)


def _number(value) -> int | float:
    # Amounts are exact Decimals with at most 4 places; the float's shortest repr is the same number.
    value = Decimal(value)
    return int(value) if value == value.to_integral() else float(value)


class _Formats:
    def __init__(self, workbook, *, template: bool):
        def fmt(**props):
            return workbook.add_format({"font_name": "宋体", "font_size": 10, **props})

        cell = {"border": 1, "valign": "vcenter"}
        self.title = fmt(bold=True, font_size=16, align="center", valign="vcenter", font_name="方正小标宋简体")
        self.unit = fmt(align="left", valign="vcenter")
        self.stamp = fmt(align="right", valign="vcenter")
        self.header = fmt(bold=True, align="center", text_wrap=True, bg_color="#DDEBF7", **cell)
        self.fill_header = fmt(bold=True, align="center", text_wrap=True, bg_color="#FFF2CC", **cell)
        self.group = fmt(bold=True, bg_color="#F2F2F2", **cell)
        body = {TEXT: {"text_wrap": True}, SEQ: {"align": "center"}, MONEY: {"num_format": "#,##0.00"}}
        body |= {DATE: {"num_format": "yyyy-mm-dd", "align": "center"}, PERCENT: {"num_format": "0.0"}}
        body |= {COUNT: {"num_format": "0"}}
        self.body = {kind: fmt(**cell, **props) for kind, props in body.items()}
        # Template cells the reporter fills: unlocked, tinted.
        self.fill = {kind: fmt(**cell, **props, locked=False, bg_color="#FFFDE7") for kind, props in body.items()}
        self.sub = {kind: fmt(bold=True, **cell, **props) for kind, props in body.items()}
        self.template = template


def _workbook(output: BinaryIO, *, constant_memory: bool = True):
    return xlsxwriter.Workbook(
        output, {"constant_memory": constant_memory, "strings_to_formulas": False, "strings_to_urls": False}
    )


def write_xlsx(table: Table, output: BinaryIO) -> int:
    """Write `table` as an official-layout workbook into `output`; returns the data row count."""
    workbook = _workbook(output)
    count = _write_sheet(workbook, table)
    workbook.close()
    return count


def write_xlsx_book(
    tables: list[Table], output: BinaryIO, *, images: list[bytes] = (), created: datetime.datetime | None = None
) -> None:
    """Several tables, one sheet each in the official layout, and optionally a sheet of
    images (charts) — a bulletin's attachments in one workbook. `created` fixes the
    document properties' time, so the same tables give the same file. Held in memory: a
    document's tables are bounded, and streaming row by row through temporary files cost a
    fifth more time (bench/documents.py)."""
    workbook = _workbook(output, constant_memory=False)
    if created is not None:
        workbook.set_properties({"created": created})
    for table in tables:
        _write_sheet(workbook, table)
    if images:
        sheet = workbook.add_worksheet("图表")
        row = 0
        for image in images:
            sheet.insert_image(row, 0, "chart.png", {"image_data": io.BytesIO(image), "x_scale": 0.6, "y_scale": 0.6})
            row += 30
    workbook.close()


def _write_sheet(workbook, table: Table) -> int:
    sheet = workbook.add_worksheet(table.sheet_name)
    formats = _Formats(workbook, template=table.template)
    columns = table.columns
    last_col = len(columns) - 1
    letters = {column.key: xl_col_to_name(index) for index, column in enumerate(columns)}
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)

    sheet.set_row(0, 32)
    sheet.merge_range(0, 0, 0, last_col, table.title, formats.title)
    unit_span = min(2, last_col)
    sheet.merge_range(1, 0, 1, unit_span, UNIT_LINE, formats.unit)
    stamp = f"导出时间：{table.exported_at:%Y-%m-%d %H:%M}"
    stamp_from = max(unit_span + 1, last_col - 3)
    if stamp_from < last_col:
        sheet.merge_range(1, stamp_from, 1, last_col, stamp, formats.stamp)
    else:
        sheet.write_string(1, last_col, stamp, formats.stamp)

    header_top = 2
    header_bottom = _write_header(sheet, table, formats, header_top)
    first_data = header_bottom + 1
    freeze_col = next((i + 1 for i, column in enumerate(columns) if column.key == "name"), 0)
    sheet.freeze_panes(first_data, freeze_col)

    row = first_data
    sequence = 0
    group_ranges: list[tuple[int, int]] = []
    grand: dict[str, Decimal] = {column.key: Decimal(0) for column in columns if column.summed}
    groups = {group.key: group for group in table.groups} if table.groups else None
    current = object()
    group_start = first_data
    subtotal: dict[str, Decimal] = {}
    for record in table.rows:
        if groups is not None and record["group"] != current:
            if current in groups:
                _write_totals(
                    sheet, formats, columns, row, "小计", subtotal, f"SUBTOTAL(9,{{col}}{group_start + 1}:{{col}}{row})"
                )
                group_ranges.append((group_start, row))
                row += 1
            current = record["group"]
            sheet.merge_range(row, 0, row, last_col, groups[current].label, formats.group)
            row += 1
            group_start = row
            subtotal = {key: Decimal(0) for key in grand}
        sequence += 1
        _write_row(sheet, formats, columns, letters, row, sequence, record, table.template)
        for key in grand:
            amount = record.get(key) or Decimal(0)
            grand[key] += amount
            if groups is not None:
                subtotal[key] += amount
        row += 1
    if groups is not None and current in groups:
        _write_totals(
            sheet, formats, columns, row, "小计", subtotal, f"SUBTOTAL(9,{{col}}{group_start + 1}:{{col}}{row})"
        )
        row += 1
    if table.totals:
        # SUBTOTAL over everything skips the 小计 rows inside the range; SUM when there are none.
        function = "SUBTOTAL(9," if groups is not None else "SUM("
        _write_totals(
            sheet,
            formats,
            columns,
            row,
            "合计",
            grand,
            function + f"{{col}}{first_data + 1}:{{col}}{max(row, first_data + 1)})",
        )
        row += 1
    table.row_count = sequence

    if table.template:
        _protect_template(sheet, table, first_data, row - 1, header_bottom)
    for name, value in table.defined_names.items():
        workbook.define_name(name, '="' + value.replace('"', '""') + '"')
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.center_horizontally()
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.repeat_rows(header_top, header_bottom)
    sheet.set_footer("&C第 &P 页，共 &N 页")
    return sequence


def _write_header(sheet, table: Table, formats: _Formats, top: int) -> int:
    columns = table.columns
    style = {True: formats.fill_header, False: formats.header}
    if not table.two_row_header:
        for index, column in enumerate(columns):
            sheet.write_string(top, index, column.label, style[column.fill and table.template])
        _header_messages(sheet, table, top)
        return top
    # constant_memory writes rows strictly in order, and merge_range would write into the top
    # row again after the second row has begun. So: the whole top row first, then the second
    # row, registering each vertical merge (label above, blank below) as the writer does.
    spans, index = [], 0
    while index < len(columns):
        end = index
        while columns[index].group and end + 1 < len(columns) and columns[end + 1].group == columns[index].group:
            end += 1
        spans.append((index, end))
        index = end + 1
    for first, last in spans:
        column = columns[first]
        if column.group and last > first:
            sheet.merge_range(top, first, top, last, column.group, formats.header)
        else:
            sheet.write_string(top, first, column.group or column.label, style[column.fill and table.template])
    for first, _last in spans:
        column = columns[first]
        if not column.group:
            sheet.merge.append([top, first, top + 1, first])
            sheet.write_blank(top + 1, first, None, style[column.fill and table.template])
    for index, column in enumerate(columns):
        if column.group:
            sheet.write_string(top + 1, index, column.label, style[column.fill and table.template])
    return top + 1


def _write_row(sheet, formats, columns, letters, row, sequence, record, template):
    for index, column in enumerate(columns):
        styles = formats.fill if (template and column.fill) else formats.body
        style = styles[column.kind if column.kind in styles else TEXT]
        value = sequence if column.kind == SEQ else record.get(column.key)
        if column.formula is not None:
            refs = {key: f"{letter}{row + 1}" for key, letter in letters.items()}
            cached = "" if value is None else _number(value)
            sheet.write_formula(row, index, "=" + column.formula(refs), style, cached)
        elif value is None or value == "":
            sheet.write_blank(row, index, None, style)
        elif column.kind in (MONEY, PERCENT, SEQ, COUNT):
            sheet.write_number(row, index, _number(value), style)
        elif column.kind == DATE and isinstance(value, datetime.date):
            sheet.write_datetime(row, index, datetime.datetime.combine(value, datetime.time()), style)
        else:
            sheet.write_string(row, index, str(value), style)


def _write_totals(sheet, formats, columns, row, label, sums: dict[str, Decimal], formula: str):
    """A 小计 or 合计 row: the label in the name column, a formula with its cached value
    under every summed (and ratio) column, so readers that do not calculate see the numbers."""
    label_col = next((i for i, column in enumerate(columns) if column.key == "name"), 1)
    for index, column in enumerate(columns):
        style = formats.sub[column.kind if column.kind in formats.sub else TEXT]
        letter = xl_col_to_name(index)
        if index == label_col:
            sheet.write_string(row, index, label, style)
        elif column.summed:
            sheet.write_formula(row, index, "=" + formula.format(col=letter), style, _number(sums[column.key]))
        elif column.ratio:
            top, bottom = (_letter(columns, key) for key in column.ratio)
            value = percent_of(sums.get(column.ratio[0]), sums.get(column.ratio[1]))
            sheet.write_formula(
                row,
                index,
                f'=IF(N({bottom}{row + 1})>0,ROUND({top}{row + 1}/{bottom}{row + 1}*100,1),"")',
                style,
                "" if value is None else _number(value),
            )
        else:
            sheet.write_blank(row, index, None, style)


def _letter(columns: list[Column], key: str) -> str:
    return xl_col_to_name(next(i for i, column in enumerate(columns) if column.key == key))


def _header_messages(sheet, table: Table, header_row: int):
    if not table.template:
        return
    for index, column in enumerate(table.columns):
        if column.fill and column.validation and column.validation.get("input_message"):
            sheet.data_validation(
                header_row,
                index,
                header_row,
                index,
                {
                    "validate": "any",
                    "input_title": column.label[:32],
                    "input_message": column.validation["input_message"][:255],
                },
            )


def _protect_template(sheet, table: Table, first_row: int, last_row: int, header_row: int):
    """Lock everything but the fill columns; validate what may be typed into them."""
    if last_row >= first_row:
        for index, column in enumerate(table.columns):
            if column.fill and column.validation:
                sheet.data_validation(first_row, index, last_row, index, dict(column.validation))
    sheet.protect(
        "",
        {
            "format_columns": True,
            "format_rows": True,
            "select_locked_cells": True,
            "select_unlocked_cells": True,
        },
    )


# --- CSV -----------------------------------------------------------------------


def csv_lines(columns: list[Column], rows: Iterable[dict], table: Table | None = None) -> Iterator[str]:
    """The header and one line per data row (no title, groups or totals: CSV is for data)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([column.label for column in columns])
    yield flush()
    sequence = 0
    for record in rows:
        sequence += 1
        writer.writerow([_csv_value(column, record, sequence) for column in columns])
        if sequence % 1000 == 0:
            yield flush()
    if table is not None:
        table.row_count = sequence
    yield flush()


def _csv_value(column: Column, record: dict, sequence: int):
    if column.kind == SEQ:
        return sequence
    value = record.get(column.key)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        # Shares keep their one decimal ("6.0"); amounts their shortest spelling ("1200.5").
        return format(value, "f") if column.ratio else decimal_str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return safe_text(str(value))


def write_csv(table: Table, output: BinaryIO) -> int:
    """UTF-8 with BOM: what Excel on Chinese Windows needs to read UTF-8."""
    output.write("\ufeff".encode())
    for chunk in csv_lines(table.columns, table.rows, table):
        output.write(chunk.encode("utf-8"))
    return table.row_count
