"""The columns of each export, in the offices' words. The header labels are a contract
with the importer (apps/imports matches columns by them): change one only together with it.

Headers, titles and choice labels are Chinese whatever the UI language: the files are
official documents and go back into the importer.
"""

import datetime

from .writers import DATE, MONEY, PERCENT, SEQ, Column

MONEY_VALIDATION = {
    "validate": "decimal",
    "criteria": ">=",
    "value": 0,
    "error_title": "金额有误",
    "error_message": "请填写不小于 0 的数字（万元）。",
    "input_title": "本月完成",
    "input_message": "填写本月完成投资，单位万元，不小于 0。",
}
PERCENT_VALIDATION = {
    "validate": "decimal",
    "criteria": "between",
    "minimum": 0,
    "maximum": 100,
    "error_title": "完成比例有误",
    "error_message": "请填写 0 到 100 之间的数字。",
    "input_title": "完成比例（%）",
    "input_message": "填写项目累计完成比例，0 到 100。",
}
TEXT_INPUT = {"validate": "length", "criteria": "<=", "value": 2000, "error_message": "内容不超过 2000 字。"}


def plan_list_columns(year: int) -> list[Column]:
    """项目计划清单 (project list export): one row per project."""
    money, dates, chain = "投资（万元）", "建设时间", "责任体系"
    return [
        Column("序号", "seq", SEQ, 6),
        Column("项目名称", "name", width=30),
        Column("项目代码", "project_code", width=24),
        Column("所在县区", "region", width=10),
        Column("建设地点", "location", width=16),
        Column("项目级别", "level", width=10),
        Column("项目类别", "category", width=10),
        Column("投资主体", "investor_type", width=10),
        Column("项目阶段", "stage", width=8),
        Column("建设内容及规模", "scope", width=36),
        Column("总投资", "total_investment", MONEY, 13, group=money, summed=True),
        Column(f"{year}年计划投资", "planned_investment", MONEY, 13, group=money, summed=True),
        Column("计划开工日期", "planned_start_date", DATE, 12, group=dates),
        Column("计划竣工日期", "planned_end_date", DATE, 12, group=dates),
        Column("实际开工日期", "actual_start_date", DATE, 12, group=dates),
        Column("包抓领导", "lead_official", width=10, group=chain),
        Column("牵头单位", "lead_department", width=16, group=chain),
        Column("建设单位", "owner_unit", width=22, group=chain),
        Column("协作单位", "partner_units", width=22, group=chain),
    ]


def progress_columns(month: int) -> list[Column]:
    """月度推进情况表 (monthly progress table) for one period."""
    investment = "投资完成情况"
    return [
        Column("序号", "seq", SEQ, 6),
        Column("项目代码", "project_code", width=24),
        Column("项目名称", "name", width=30),
        Column("建设单位", "owner_unit", width=22),
        Column("所在县区", "region", width=10),
        Column("总投资", "total_investment", MONEY, 13, group=investment, summed=True),
        Column("年度计划投资", "planned_investment", MONEY, 13, group=investment, summed=True),
        Column("上月累计完成", "ytd_before", MONEY, 13, group=investment, summed=True),
        Column("本月完成", "completed_investment", MONEY, 12, group=investment, summed=True),
        Column(f"1-{month}月完成投资", "ytd", MONEY, 13, group=investment, summed=True),
        Column("开工以来累计完成", "since_start", MONEY, 13, group=investment, summed=True),
        Column(
            "占年度计划（%）",
            "plan_share",
            PERCENT,
            10,
            group=investment,
            ratio=("ytd", "planned_investment"),
        ),
        Column("形象进度", "physical_progress", width=30),
        Column("完成比例（%）", "percent_complete", PERCENT, 10),
        Column("实际开工日期", "actual_start_date", DATE, 12),
        Column("存在问题", "problems", width=26),
        Column("下步措施", "next_steps", width=26),
    ]


def template_columns(year: int, month: int, period_end) -> list[Column]:
    """月报填报模板: one header row; the reporter fills the unlocked columns."""
    date_validation = {
        "validate": "date",
        "criteria": "between",
        "minimum": datetime.date(1990, 1, 1),
        "maximum": period_end,
        "error_title": "日期有误",
        "error_message": f"请填写日期（如 {year}-{month:02d}-01），不晚于 {period_end:%Y-%m-%d}。",
        "input_title": "实际开工日期",
        "input_message": "已开工项目填写实际开工日期，格式 YYYY-MM-DD。",
    }

    def text(title: str, message: str) -> dict:
        return {**TEXT_INPUT, "input_title": title, "input_message": message}

    return [
        Column("序号", "seq", SEQ, 6),
        Column("项目代码", "project_code", width=24),
        Column("项目名称", "name", width=30),
        Column("建设单位", "owner_unit", width=22),
        Column("所在县区", "region", width=10),
        Column("总投资", "total_investment", MONEY, 13),
        Column("年度计划投资", "planned_investment", MONEY, 13),
        Column("上月累计完成", "ytd_before", MONEY, 13),
        Column("本月完成", "completed_investment", MONEY, 12, fill=True, validation=MONEY_VALIDATION),
        Column(
            f"1-{month}月完成投资",
            "ytd",
            MONEY,
            13,
            # Recalculated by Excel/WPS as the reporter types; blank until 本月完成 is filled.
            formula=lambda c: f'IF({c["completed_investment"]}="","",N({c["ytd_before"]})+{c["completed_investment"]})',
        ),
        Column("形象进度", "physical_progress", width=30, fill=True, validation=text("形象进度", "简述本月形象进度。")),
        Column("完成比例（%）", "percent_complete", PERCENT, 10, fill=True, validation=PERCENT_VALIDATION),
        Column("实际开工日期", "actual_start_date", DATE, 12, fill=True, validation=date_validation),
        Column("存在问题", "problems", width=26, fill=True, validation=text("存在问题", "填写制约项目推进的问题。")),
        Column("下步措施", "next_steps", width=26, fill=True, validation=text("下步措施", "填写下一步推进措施。")),
    ]
