"""Project list exports (.xlsx, .csv) built from the same filtered queryset as the list page."""

import csv
import io

import xlsxwriter
from django.utils import timezone

from apps.core.money import WAN_PER_YI

# Leading characters that make Excel/WPS evaluate a cell as a formula.
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = [
    ("序号", None),
    ("项目名称", "name"),
    ("项目代码", "project_code"),
    ("所在县区", "region"),
    ("项目级别", "level"),
    ("项目类别", "category"),
    ("投资主体", "investor_type"),
    ("项目阶段", "stage"),
    ("建设内容及规模", "scope"),
    ("总投资（万元）", "total_investment"),
    ("计划开工", "planned_start_date"),
    ("计划竣工", "planned_end_date"),
    ("实际开工", "actual_start_date"),
    ("包抓领导", "lead_official"),
    ("牵头单位", "lead_department"),
    ("建设单位", "owner_unit"),
]


def safe_text(value: str) -> str:
    """Neutralise spreadsheet formula injection by prefixing a quote."""
    return "'" + value if value.startswith(_FORMULA_TRIGGERS) else value


def _row(index: int, project) -> list:
    display = {
        "region": str(project.region),
        "level": project.get_level_display(),
        "category": project.get_category_display(),
        "investor_type": project.get_investor_type_display(),
        "stage": project.get_stage_display(),
        "lead_official": project.lead_official.name if project.lead_official else "",
        "lead_department": str(project.lead_department or ""),
        "owner_unit": project.owner_unit.name,
    }
    row = [index]
    for _label, attr in COLUMNS[1:]:
        value = display[attr] if attr in display else getattr(project, attr)
        row.append("" if value is None else value)
    return row


def projects_csv(queryset) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for label, _ in COLUMNS])
    for index, project in enumerate(queryset.iterator(chunk_size=2000), start=1):
        writer.writerow([safe_text(value) if isinstance(value, str) else value for value in _row(index, project)])
    # UTF-8 with BOM: what Excel on Chinese Windows needs to read UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def projects_xlsx(queryset, *, title: str) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet("项目清单")
    title_format = workbook.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    header_format = workbook.add_format(
        {"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True, "bg_color": "#DDEBF7"}
    )
    cell = workbook.add_format({"border": 1, "valign": "top", "text_wrap": True})
    money = workbook.add_format({"border": 1, "valign": "top", "num_format": "#,##0.00"})
    date = workbook.add_format({"border": 1, "valign": "top", "num_format": "yyyy-mm-dd"})
    total_format = workbook.add_format({"bold": True, "border": 1, "num_format": "#,##0.00"})

    last_col = len(COLUMNS) - 1
    sheet.merge_range(0, 0, 0, last_col, title, title_format)
    sheet.write(1, 0, f"单位：万元　导出时间：{timezone.localtime():%Y-%m-%d %H:%M}")
    for col, (label, _attr) in enumerate(COLUMNS):
        sheet.write(2, col, label, header_format)
    widths = [6, 36, 26, 10, 10, 12, 10, 8, 40, 14, 12, 12, 12, 10, 18, 28]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(3, 2)

    row_index = 3
    total = 0
    for index, project in enumerate(queryset.iterator(chunk_size=2000), start=1):
        for col, value in enumerate(_row(index, project)):
            attr = COLUMNS[col][1]
            if attr == "total_investment":
                sheet.write_number(row_index, col, value, money)
                total += value
            elif hasattr(value, "isoformat"):
                sheet.write_datetime(row_index, col, value, date)
            elif isinstance(value, str):
                sheet.write_string(row_index, col, value, cell)
            else:
                sheet.write(row_index, col, value, cell)
        row_index += 1
    sheet.write(row_index, 1, "合计", total_format)
    sheet.write_number(row_index, COLUMNS.index(("总投资（万元）", "total_investment")), total, total_format)
    sheet.write(row_index + 1, 1, f"合计 {total / WAN_PER_YI:,.2f} 亿元" if total else "合计 0 亿元")
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(2)
    workbook.close()
    return buffer.getvalue()
