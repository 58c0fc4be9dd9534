"""The published light rules shipped as presets (installed, switched off, by migration 0002),
each citing its source (shared/reference/rules-and-assessment.md §1.1). A city switches on the
ones it follows and adjusts them: an adjustment is a new version, the preset stays version 1.

Plain data, read by the migration: do not import models here.
"""

SANYA_ACTIONS = {"yellow": "principal", "repeat_yellow": "deputy", "red": "lead_official", "days": 15}
YINCHUAN_2025 = "https://m.qlbk.net/news/3Ww4l7bw75.html"
SUQIAN_2025 = "http://sqgzw.suqian.gov.cn/gzw/gqfc/202506/c520c452698d42cebc27aed37067306c.shtml"


def _levels(*levels: tuple) -> list[dict]:
    """(colour, op, value[, field]) per level, tried in order (engine.classify)."""
    return [
        {"colour": colour, "field": rest[0] if rest else "value", "op": op, "value": value}
        for colour, op, value, *rest in levels
    ]


def _preset(code, name, measure, levels, source_title, source_url, *, subject="project", **definition) -> dict:
    return {
        "code": code,
        "name": name,
        "subject": subject,
        "measure": measure,
        "params": definition.get("params", {}),
        "scope": definition.get("scope", {}),
        "levels": levels,
        "memory": definition.get("memory", {}),
        "actions": definition.get("actions", {}),
        "source_title": source_title,
        "source_url": source_url,
    }


def _deadline_slip(what: str, subject: str, measure: str, days_left: int) -> dict:
    """Suqian 2025's slips: blue within `days_left` working days of the deadline, red past it."""
    return _preset(
        f"deadline-{what}",
        {"approvals": "期限预警·审批事项", "problems": "期限预警·问题办结", "actions": "期限预警·督办事项"}[what],
        measure,
        _levels(("red", ">", "0"), ("blue", ">=", f"-{days_left}")),
        f"宿迁产发2025督办事项：临近期限蓝灯，逾期未办结红灯（临期取{days_left}个工作日）",
        SUQIAN_2025,
        subject=subject,
    )


PRESETS = [
    _preset(
        "yinchuan-2025-start",
        "银川2025·项目开工",
        "months_not_started",
        _levels(("red", ">=", "3"), ("yellow", ">=", "1")),
        "银川市2025年重大项目红黄绿灯管理：计划开工月份未开工亮黄灯，连续3个月未开工亮红灯",
        YINCHUAN_2025,
    ),
    _preset(
        "yinchuan-2025-investment",
        "银川2025·投资完成对比序时进度",
        "investment_lag",
        _levels(("red", ">", "30"), ("yellow", ">=", "10")),
        "银川市2025年：达到或超过序时进度绿灯，低于序时进度10—30个百分点黄灯，超过30个百分点红灯",
        YINCHUAN_2025,
        params={"mode": "points"},
    ),
    _preset(
        "yinchuan-2025-statistics",
        "银川2025·开工入统",
        "months_without_statistics",
        _levels(("red", ">", "2"), ("yellow", ">=", "1")),
        "银川市2025年：开工1个月未入库黄灯，超过2个月未入库红灯（范围取入统标准500万元）",
        YINCHUAN_2025,
        scope={"min_total_investment": "500"},
    ),
    _preset(
        "sanya-2022-investment",
        "三亚2022·千万元以上项目投资进度",
        "investment_lag",
        _levels(("red", ">", "50"), ("yellow", ">", "0")),
        "三亚2022：年度计划1000万元以上项目，达到序时进度绿灯，低于50%以内黄灯，低于50%以上红灯；"
        "黄灯约谈项目负责人，两次黄灯分管副市长约谈，红灯分管市领导约谈",
        "http://news.hndaily.cn/html/2022-05/13/content_58470_14809063.htm",
        params={"mode": "relative"},
        scope={"min_annual_plan": "1000"},
        actions=SANYA_ACTIONS,
    ),
    _preset(
        "tianjin-2022-fai",
        "天津2022·县区固投增速",
        "region_fai_growth",
        _levels(("red", "<", "0", "growth"), ("yellow", "<", "0", "gap")),
        "天津2022：累计增速不低于计划且不低于全市平均绿灯，低于其一黄灯，负增长红灯",
        "http://m.djxww.com/zixun/2022/0305/48584.html",
        subject="region",
    ),
    _preset(
        "haikou-2020-progress",
        "海口江东新区2020·项目进度（两黄变红）",
        "investment_lag",
        _levels(("red", ">", "30"), ("yellow", ">", "0")),
        "海口江东新区2020：略低于节点进度黄灯，连续两次黄灯转红灯，严重滞后红灯"
        "（“严重滞后”原文无数值，30个百分点为可调整的默认值）",
        "http://educationandenergy.com/news/system/2020/03/17/032303031.shtml",
        params={"mode": "points"},
        memory={"consecutive": 2},
    ),
    _deadline_slip("approvals", "approval_item", "approval_days_past_due", 3),
    _deadline_slip("problems", "problem", "problem_days_past_due", 5),
    _deadline_slip("actions", "supervised_action", "action_days_past_due", 5),
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
