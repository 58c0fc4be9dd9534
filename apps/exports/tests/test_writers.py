import datetime
import io
from decimal import Decimal

import pytest

from apps.exports.writers import MONEY, Column, Table, chinese_ordinal, percent_of, safe_text, write_csv, write_xlsx

from .sheets import csv_rows, rows, sheet_xml


@pytest.mark.parametrize(
    ("number", "text"), [(1, "一"), (9, "九"), (10, "十"), (12, "十二"), (20, "二十"), (35, "三十五")]
)
def test_chinese_ordinal(number, text):
    assert chinese_ordinal(number) == text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("甲区=1", "甲区=1"),
        ("", ""),
    ],
)
def test_safe_text_quotes_formula_triggers_only_at_the_start(value, expected):
    assert safe_text(value) == expected


def test_percent_of_rounds_half_up_and_has_no_value_without_a_whole():
    assert percent_of(Decimal("1"), Decimal("8")) == Decimal("12.5")
    assert percent_of(Decimal("1"), Decimal("16")) == Decimal("6.3")  # 6.25 → 6.3
    assert percent_of(Decimal("1"), None) is None and percent_of(Decimal("1"), Decimal(0)) is None


def _table(records, **extra):
    columns = [Column("项目名称", "name"), Column("总投资", "amount", MONEY, summed=True)]
    return Table(
        title="测试表",
        sheet_name="表",
        columns=columns,
        rows=iter(records),
        exported_at=datetime.datetime(2026, 11, 5, 9, 30),
        **extra,
    )


def test_hostile_text_is_a_string_cell_in_xlsx_and_quoted_in_csv():
    hostile = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "\tTAB", "\rCR"]
    records = [{"name": text, "amount": Decimal(1)} for text in hostile]
    xlsx = io.BytesIO()
    write_xlsx(_table(records), xlsx)
    content = xlsx.getvalue()
    names = [row[0] for row in rows(content)[3 : 3 + len(hostile)]]
    assert names == hostile
    xml = sheet_xml(content)
    # Only the 合计 row has formulas (B10); no data cell does.
    assert [cell.get("r") for cell in xml.all("m:sheetData/m:row/m:c[m:f]")] == ["B10"]
    out = io.BytesIO()
    write_csv(_table(records), out)
    assert [row[0] for row in csv_rows(out.getvalue())[1:]] == ["'" + text for text in hostile]


def test_sums_are_exact_decimals_in_the_cached_value():
    records = [{"name": "a", "amount": Decimal("0.1")}, {"name": "b", "amount": Decimal("0.2")}]
    xlsx = io.BytesIO()
    table = _table(records)
    assert write_xlsx(table, xlsx) == 2 and table.row_count == 2
    # 0.1 + 0.2 summed as Decimals is 0.3, not 0.30000000000000004.
    assert sheet_xml(xlsx.getvalue()).formula("B6") == ("SUM(B4:B5)", "0.3")
