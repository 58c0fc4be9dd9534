"""Workbooks and CSVs as offices make them, built by the tests (the import corpus)."""

import io
import zipfile

import xlsxwriter

PLAN_HEADER = [
    "序号",
    "项目名称",
    "项目代码",
    "所在县区",
    "项目类别",
    "投资主体",
    "建设性质",
    "建设内容及规模",
    "建设起止年限",
    "总投资",
    "2026年计划投资",
    "包抓领导",
    "牵头单位",
    "建设单位",
    "协作单位",
]


def xlsx(rows, *, merges=(), sheet="Sheet1", formulas=(), extra_sheets=(), hidden_rows=(), hidden_columns=()) -> bytes:
    """rows: lists of cell values from A1; merges: (first_row, first_col, last_row, last_col, value);
    formulas: (row, col, formula, cached value or None); hidden rows and columns of the first sheet."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    for name, sheet_rows, sheet_merges in [(sheet, rows, merges), *extra_sheets]:
        ws = book.add_worksheet(name)
        for r, row in enumerate(sheet_rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if hasattr(value, "isoformat"):
                    ws.write_datetime(r, c, value, book.add_format({"num_format": "yyyy-mm-dd"}))
                else:
                    ws.write(r, c, value)
        for first_row, first_col, last_row, last_col, value in sheet_merges:
            ws.merge_range(first_row, first_col, last_row, last_col, value)
    ws = book.worksheets()[0]
    for row in hidden_rows:
        ws.set_row(row, None, None, {"hidden": True})
    for col in hidden_columns:
        ws.set_column(col, col, None, None, {"hidden": True})
    for row, col, formula, cached in formulas:
        ws.write_formula(row, col, formula, None, cached if cached is not None else 0)
    book.close()
    return buffer.getvalue()


def csv_bytes(rows, *, encoding="utf-8-sig", delimiter=",") -> bytes:
    import csv

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def rewrite_zip(content: bytes, change) -> bytes:
    """Copy an .xlsx with `change(name, data) -> data | None` applied to each member (None drops it)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = change(info.filename, source.read(info.filename))
            if data is not None:
                target.writestr(info.filename, data)
    return out.getvalue()


def add_member(content: bytes, name: str, data: bytes) -> bytes:
    out = io.BytesIO(content)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as target:
        target.writestr(name, data)
    return out.getvalue()
