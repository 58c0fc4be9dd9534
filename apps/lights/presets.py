"""The published light rules shipped as presets (installed, switched off, by migration 0002),
each citing its source (shared/reference/rules-and-assessment.md §1.1). A city switches on the
ones it follows and adjusts them: an adjustment is a new version, the preset stays version 1.

Plain data, read by the migration: do not import models here.
"""

SANYA_ACTIONS = {"yellow": "principal", "repeat_yellow": "deputy", "red": "lead_official", "days": 15}

PRESETS = [
    {
        "code": "yinchuan-2025-start",
        "name": "银川2025·项目开工",
        "subject": "project",
        "measure": "months_not_started",
        "params": {},
        "scope": {},
        "levels": [
            {"colour": "red", "field": "value", "op": ">=", "value": "3"},
            {"colour": "yellow", "field": "value", "op": ">=", "value": "1"},
        ],
        "memory": {},
        "actions": {},
        "source_title": "银川市2025年重大项目红黄绿灯管理：计划开工月份未开工亮黄灯，连续3个月未开工亮红灯",
        "source_url": "https://m.qlbk.net/news/3Ww4l7bw75.html",
    },
    {
        "code": "yinchuan-2025-investment",
        "name": "银川2025·投资完成对比序时进度",
        "subject": "project",
        "measure": "investment_lag",
        "params": {"mode": "points"},
        "scope": {},
        "levels": [
            {"colour": "red", "field": "value", "op": ">", "value": "30"},
            {"colour": "yellow", "field": "value", "op": ">=", "value": "10"},
        ],
        "memory": {},
        "actions": {},
        "source_title": "银川市2025年：达到或超过序时进度绿灯，低于序时进度10—30个百分点黄灯，超过30个百分点红灯",
        "source_url": "https://m.qlbk.net/news/3Ww4l7bw75.html",
    },
    {
        "code": "yinchuan-2025-statistics",
        "name": "银川2025·开工入统",
        "subject": "project",
        "measure": "months_without_statistics",
        "params": {},
        "scope": {"min_total_investment": "500"},
        "levels": [
            {"colour": "red", "field": "value", "op": ">", "value": "2"},
            {"colour": "yellow", "field": "value", "op": ">=", "value": "1"},
        ],
        "memory": {},
        "actions": {},
        "source_title": "银川市2025年：开工1个月未入库黄灯，超过2个月未入库红灯（范围取入统标准500万元）",
        "source_url": "https://m.qlbk.net/news/3Ww4l7bw75.html",
    },
    {
        "code": "sanya-2022-investment",
        "name": "三亚2022·千万元以上项目投资进度",
        "subject": "project",
        "measure": "investment_lag",
        "params": {"mode": "relative"},
        "scope": {"min_annual_plan": "1000"},
        "levels": [
            {"colour": "red", "field": "value", "op": ">", "value": "50"},
            {"colour": "yellow", "field": "value", "op": ">", "value": "0"},
        ],
        "memory": {},
        "actions": SANYA_ACTIONS,
        "source_title": "三亚2022：年度计划1000万元以上项目，达到序时进度绿灯，低于50%以内黄灯，低于50%以上红灯；"
        "黄灯约谈项目负责人，两次黄灯分管副市长约谈，红灯分管市领导约谈",
        "source_url": "http://news.hndaily.cn/html/2022-05/13/content_58470_14809063.htm",
    },
    {
        "code": "tianjin-2022-fai",
        "name": "天津2022·县区固投增速",
        "subject": "region",
        "measure": "region_fai_growth",
        "params": {},
        "scope": {},
        "levels": [
            {"colour": "red", "field": "growth", "op": "<", "value": "0"},
            {"colour": "yellow", "field": "gap", "op": "<", "value": "0"},
        ],
        "memory": {},
        "actions": {},
        "source_title": "天津2022：累计增速不低于计划且不低于全市平均绿灯，低于其一黄灯，负增长红灯",
        "source_url": "http://m.djxww.com/zixun/2022/0305/48584.html",
    },
    {
        "code": "haikou-2020-progress",
        "name": "海口江东新区2020·项目进度（两黄变红）",
        "subject": "project",
        "measure": "investment_lag",
        "params": {"mode": "points"},
        "scope": {},
        "levels": [
            {"colour": "red", "field": "value", "op": ">", "value": "30"},
            {"colour": "yellow", "field": "value", "op": ">", "value": "0"},
        ],
        "memory": {"consecutive": 2},
        "actions": {},
        "source_title": "海口江东新区2020：略低于节点进度黄灯，连续两次黄灯转红灯，严重滞后红灯"
        "（“严重滞后”原文无数值，30个百分点为可调整的默认值）",
        "source_url": "http://educationandenergy.com/news/system/2020/03/17/032303031.shtml",
    },
    {
        "code": "deadline-approvals",
        "name": "期限预警·审批事项",
        "subject": "approval_item",
        "measure": "approval_days_past_due",
        "params": {},
        "scope": {},
        "levels": [
            {"colour": "red", "field": "value", "op": ">", "value": "0"},
            {"colour": "blue", "field": "value", "op": ">=", "value": "-3"},
        ],
        "memory": {},
        "actions": {},
        "source_title": "宿迁产发2025督办事项：临近期限蓝灯，逾期未办结红灯（临期取3个工作日）",
        "source_url": "http://sqgzw.suqian.gov.cn/gzw/gqfc/202506/c520c452698d42cebc27aed37067306c.shtml",
    },
    {
        "code": "deadline-problems",
        "name": "期限预警·问题办结",
        "subject": "problem",
        "measure": "problem_days_past_due",
        "params": {},
        "scope": {},
        "levels": [
            {"colour": "red", "field": "value", "op": ">", "value": "0"},
            {"colour": "blue", "field": "value", "op": ">=", "value": "-5"},
        ],
        "memory": {},
        "actions": {},
        "source_title": "宿迁产发2025督办事项：临近期限蓝灯，逾期未办结红灯（临期取5个工作日）",
        "source_url": "http://sqgzw.suqian.gov.cn/gzw/gqfc/202506/c520c452698d42cebc27aed37067306c.shtml",
    },
    {
        "code": "deadline-actions",
        "name": "期限预警·督办事项",
        "subject": "supervised_action",
        "measure": "action_days_past_due",
        "params": {},
        "scope": {},
        "levels": [
            {"colour": "red", "field": "value", "op": ">", "value": "0"},
            {"colour": "blue", "field": "value", "op": ">=", "value": "-5"},
        ],
        "memory": {},
        "actions": {},
        "source_title": "宿迁产发2025督办事项：临近期限蓝灯，逾期未办结红灯（临期取5个工作日）",
        "source_url": "http://sqgzw.suqian.gov.cn/gzw/gqfc/202506/c520c452698d42cebc27aed37067306c.shtml",
    },
]

DEFINITION_KEYS = ("measure", "params", "scope", "levels", "memory", "actions", "source_title", "source_url")


def install(LightRule, LightRuleVersion, presets=None) -> int:
    """Create the presets missing from the database (models passed in: the migration's);
    `presets`: another app's (apps/bonds/lights.py), else these."""
    created = 0
    for preset in PRESETS if presets is None else presets:
        if LightRule.objects.filter(code=preset["code"]).exists():
            continue
        rule = LightRule.objects.create(
            code=preset["code"], name=preset["name"], subject=preset["subject"], preset=preset["code"], is_active=False
        )
        version = LightRuleVersion.objects.create(
            rule=rule, number=1, reason="预设规则", **{key: preset[key] for key in DEFINITION_KEYS}
        )
        rule.current_version = version
        rule.save(update_fields=["current_version"])
        created += 1
    return created
