"""Property tests of the layout finder: whatever the order of the header, whichever synonym
names a field, wherever the unit stands and however the groups nest, every field is found
in its column, every amount is converted by its unit, and every row gets both its groups."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.imports import layout as L
from apps.imports.preparation import Reading, sheet_rows
from apps.imports.reading import Sheet

SYNONYMS = {
    "name": ["项目名称"],
    "project_code": ["项目代码", "项目编码", "统一项目代码"],
    "owner_unit": ["建设单位", "项目业主", "业主单位"],
    "region": ["所在县区", "县区", "所属县区"],
    "stage": ["建设性质", "项目阶段"],
    "period": ["建设起止年限", "建设年限", "起止年限"],
    "lead_official": ["包抓领导", "联系领导", "市级包抓领导"],
    "total_investment": ["总投资", "计划总投资", "项目总投资"],
    "planned_investment": ["2026年计划投资", "年度计划投资", "本年计划投资"],
}
MONEY = ("total_investment", "planned_investment")
FACTORS = {"元": Decimal("0.0001"), "千元": Decimal("0.1"), "万元": Decimal(1), "亿元": Decimal(10000)}
PROPERTIES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def headers(draw):
    keys = draw(st.permutations(list(SYNONYMS)))
    labels = [draw(st.sampled_from(SYNONYMS[key])) for key in keys]
    unit = draw(st.sampled_from(list(FACTORS)))
    where = draw(st.sampled_from(["line", "header", "line-and-header"]))
    shown = [
        f"{label}（{unit}）" if key in MONEY and where != "line" else label
        for key, label in zip(keys, labels, strict=True)
    ]
    # A unit line that says otherwise is overridden by the column's own unit.
    line_unit = unit if where == "line" else draw(st.sampled_from(list(FACTORS)))
    return keys, shown, unit, line_unit


@PROPERTIES
@given(headers(), st.lists(st.decimals(min_value=0, max_value=99999, places=2), min_size=1, max_size=5))
def test_every_field_is_found_in_its_column_with_its_unit(header, amounts):
    keys, shown, unit, line_unit = header
    if unit == "元":  # 元 to 万元 keeps 4 decimals: whole 元 only (分 would be refused, rightly)
        amounts = [amount.to_integral_value() for amount in amounts]
    rows = [["某市2026年重点项目计划表"], [f"单位：{line_unit}"], shown]
    for amount in amounts:
        rows.append([float(amount) if key in MONEY else "x" for key in keys])
    found = L.find_layout(Sheet(name="S", rows=rows))
    assert found is not None
    assert {key: column.index for key, column in found.columns.items()} == {key: i for i, key in enumerate(keys)}
    assert found.unused() == []
    for key in MONEY:
        column = found.columns[key]
        assert column.unit == FACTORS[unit]
        for amount in amounts:
            value = L.cell_decimal(float(amount), unit=column.unit)
            assert value == (amount * FACTORS[unit]).quantize(Decimal("0.0001"))


CATEGORIES = ["产业项目", "基础设施项目", "社会民生项目"]
COUNTIES = ["甲区", "乙县", "丙县"]
NUMERALS = "一二三"


@st.composite
def nestings(draw):
    outer_is_category = draw(st.booleans())
    outer = draw(
        st.lists(st.sampled_from(CATEGORIES if outer_is_category else COUNTIES), min_size=1, max_size=3, unique=True)
    )
    inner_pool = COUNTIES if outer_is_category else CATEGORIES
    plan = []
    for first in outer:
        inner = draw(st.lists(st.sampled_from(inner_pool), min_size=1, max_size=3, unique=True))
        plan.append((first, [(second, draw(st.integers(min_value=1, max_value=3))) for second in inner]))
    return outer_is_category, plan


@PROPERTIES
@given(nestings())
def test_both_group_levels_apply_to_their_rows_in_either_order(nesting):
    _outer_is_category, plan = nesting
    rows = [["某市2026年重点项目计划表"], ["序号", "项目名称", "建设单位", "总投资"]]
    expected = []
    total = 0
    for i, (first, inner) in enumerate(plan):
        rows.append([f"{NUMERALS[i]}、{first}"])
        for j, (second, count) in enumerate(inner):
            rows.append([f"（{NUMERALS[j]}）{second}（{count}个）"])
            for n in range(count):
                rows.append([n + 1, f"{first}{second}{n}", "某公司", 100.0])
                total += 100
                expected.append({first, second})
        rows.append(["", "小计", "", float(100 * sum(count for _s, count in inner))])
    rows.append(["", "合计", "", float(total)])
    sheet = Sheet(name="S", rows=rows)
    found = L.find_layout(sheet)
    warnings, reading = [], Reading()
    read = list(sheet_rows([(sheet, found)], warnings=warnings, reading=reading, include_hidden=False))
    assert len(read) == len(expected)
    for (_layout, row), groups in zip(read, expected, strict=True):
        assert all(group in row.group for group in groups), (row.group, groups)
    assert warnings == []  # counts, subtotals and the total all add up
